/**
 * 保持联系 / Keep in touch on the chat page (web/src/keep-in-touch.ts): the chat-ended bar offers it for
 * the server's window (2 minutes) after a chance chat ends — for that chat's window only: a window still
 * counting for an earlier chat does not close the one of the chat on screen; a chat shown again ended after
 * a reload (ended-restore.ts) has it as it was — asked, keyed, the banner's key — for what is left of its
 * window. Against a fake client, a few fake elements (only what the module touches) and fake timers: no
 * DOM needed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatClient } from '../../web/src/chat-client.js';
import { createKeepInTouch } from '../../web/src/keep-in-touch.js';
import type { MessageList } from '../../web/src/message-list.js';
import type { Toast } from '../../web/src/toast.js';
import type { ServerToClientEvents } from '../../src/shared/protocol.js';

/** An element as far as the module uses one: hidden, attributes, data, text, clicks, children by test id. */
class FakeElement {
  hidden = false;
  textContent = '';
  readonly dataset: Record<string, string> = {};
  private readonly attributes = new Map<string, string>();
  private readonly children = new Map<string, FakeElement>();
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  removeAttribute(name: string): void {
    this.attributes.delete(name);
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  addEventListener(): void {}
  /** `[data-testid="…"]` among the children given; anything else (`.btn-label`) is not there. */
  querySelector(selector: string): FakeElement | null {
    const testId = /^\[data-testid="(.+)"\]$/.exec(selector)?.[1];
    return testId === undefined ? null : (this.children.get(testId) ?? null);
  }
  withChildren(...testIds: string[]): this {
    for (const id of testIds) this.children.set(id, new (id.endsWith('-copy') || id.endsWith('-dismiss') ? FakeButton : FakeElement)());
    return this;
  }
}
class FakeButton extends FakeElement {}

const WINDOW_MS = 2 * 60_000;

describe('keep in touch on the chat-ended bar (web/src/keep-in-touch.ts)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('HTMLElement', FakeElement);
    vi.stubGlobal('HTMLButtonElement', FakeButton);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  function keepInTouch() {
    const handlers = new Map<string, ((payload: unknown) => void)[]>();
    const client = {
      on(event: string, handler: (payload: unknown) => void) {
        handlers.set(event, [...(handlers.get(event) ?? []), handler]);
      },
    } as unknown as ChatClient;
    const emit = <E extends keyof ServerToClientEvents>(event: E, payload: Parameters<ServerToClientEvents[E]>[0]) => {
      for (const handler of handlers.get(event) ?? []) handler(payload);
    };
    const live = new FakeButton();
    const ended = new FakeButton();
    const banner = new FakeElement().withChildren('contact-key', 'contact-copy', 'contact-copy-status', 'contact-dismiss');
    const module = createKeepInTouch(client, {
      buttons: { live: live as unknown as HTMLButtonElement, ended: ended as unknown as HTMLButtonElement },
      banner: banner as unknown as HTMLElement,
      messages: { addNote: () => undefined } as unknown as MessageList,
      toast: { show: () => undefined } as unknown as Toast,
      focusAfter: () => null,
    });
    /** A chance chat opens (matched, then shown live). */
    const opened = (roomId: number) => {
      emit('matched', { room_id: roomId, match_type: 'random' });
      module.chatChanged({ roomId, live: true });
    };
    banner.hidden = true;
    return { module, opened, live, ended, banner };
  }

  it('offers it on the ended bar for the window after the chat, then no more', () => {
    const { module, opened, ended } = keepInTouch();
    opened(1);
    module.chatChanged({ roomId: 1, live: false });
    expect(ended.hidden).toBe(false);
    vi.advanceTimersByTime(WINDOW_MS + 1);
    expect(ended.hidden).toBe(true);
  });

  it('an earlier chat’s window running out during the next chat does not close the next chat’s own window', () => {
    const { module, opened, live, ended } = keepInTouch();
    // Chat 1 ends; New at once: chat 2 goes on past chat 1's window.
    opened(1);
    module.chatChanged({ roomId: 1, live: false });
    opened(2);
    expect(live.hidden).toBe(false);
    vi.advanceTimersByTime(WINDOW_MS + 1);
    // Chat 2 ends: its window has just begun.
    module.chatChanged({ roomId: 2, live: false });
    expect(ended.hidden).toBe(false);
    vi.advanceTimersByTime(WINDOW_MS - 1_000);
    expect(ended.hidden).toBe(false);
    vi.advanceTimersByTime(2_000);
    expect(ended.hidden).toBe(true);
  });

  it('a chat shown again ended after a reload: asked as it was, for what is left of its window', () => {
    const { module, ended } = keepInTouch();
    const before = { matchType: 'random', asked: true, keyed: false, banner: null } as const;
    module.restore(1, before);
    module.chatChanged({ roomId: 1, live: false, endedAt: Date.now() - 90_000 });
    expect(ended.hidden).toBe(false);
    expect(ended.getAttribute('aria-disabled')).toBe('true');
    expect(module.state(1)).toEqual(before);
    vi.advanceTimersByTime(29_000);
    expect(ended.hidden).toBe(false);
    vi.advanceTimersByTime(2_000);
    expect(ended.hidden).toBe(true);
    // Its window over before the reload: not offered at all.
    module.chatChanged({ roomId: 2, live: false, endedAt: Date.now() - WINDOW_MS - 1 });
    expect(ended.hidden).toBe(true);
  });

  it('after a reload: no button for a private room’s chat, nor for one keyed already, whose key the banner shows again', () => {
    const { module, ended, banner } = keepInTouch();
    module.restore(1, { matchType: 'private', asked: false, keyed: false, banner: null });
    module.chatChanged({ roomId: 1, live: false, endedAt: Date.now() });
    expect(ended.hidden).toBe(true);
    const keyed = { matchType: 'interests', asked: true, keyed: true, banner: { key: 'ABCD-EFGH-JKMN-PQRS', roomId: 2 } } as const;
    module.restore(2, keyed);
    module.chatChanged({ roomId: 2, live: false, endedAt: Date.now() });
    expect(ended.hidden).toBe(true);
    expect(banner.hidden).toBe(false);
    expect(banner.querySelector('[data-testid="contact-key"]')?.textContent).toBe('ABCD-EFGH-JKMN-PQRS');
    expect(module.state(2)).toEqual(keyed);
    // Closed, it is not kept any more.
    banner.hidden = true;
    expect(module.state(2).banner).toBeNull();
  });
});
