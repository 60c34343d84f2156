/**
 * The chat page flow's Next button and counts (web/src/chat-flow.ts with the real next-cycle.ts) against a
 * fake client and views: a "Really?" armed by Esc expires after a few seconds (an Esc much later is a first
 * press again), while Esc, Esc still leaves, and neither the button's nor a partner's message takes it
 * back; the waiting count says "1 other person"; a refused key says the page is back at the start, for its
 * field to take the focus again. No DOM needed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createChatFlow } from '../../web/src/chat-flow.js';
import { setLang, t } from '../../web/src/i18n.js';
import { CONFIRM_EXPIRY_MS, createNextCycle, type NextCycle } from '../../web/src/next-cycle.js';
import type { Result } from '../../web/src/chat-client.js';
import type { ChatMessage } from '../../src/shared/protocol.js';
import { flush, deferred, ROOM, fakeClient, fakeViews, session, joining, connected } from '../helpers/chat-flow-fakes.js';

/** A fake of the Next button: what `showText` sets on it. */
const fakeButton = () => ({ dataset: {} as Record<string, string>, textContent: '' }) as unknown as HTMLButtonElement;

describe('the chat page flow’s Next button and counts (web/src/chat-flow.ts with next-cycle.ts)', () => {
  /** A flow in the chat ROOM whose Next button is the real cycle, over timers the test moves on. */
  async function inChatWithNext() {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const fake = fakeClient();
    const page = fakeViews();
    const button = fakeButton();
    const next = createNextCycle(button);
    (page.views as { next: NextCycle }).next = next;
    const flow = createChatFlow(fake.client, page.views);
    fake.connectionChanged('connected');
    fake.emit('session', session);
    fake.emit('matched', { room_id: ROOM });
    await flush();
    return { fake, page, flow, next, button };
  }
  afterEach(() => {
    vi.useRealTimers();
    setLang('zh-CN');
  });

  it('a “Really?” armed by one Esc expires: an Esc minutes later is a first press again and does not end the chat', async () => {
    const { fake, flow, next, button } = await inChatWithNext();
    flow.next(true);
    expect(next.step).toBe('confirm');
    vi.advanceTimersByTime(CONFIRM_EXPIRY_MS - 1);
    expect(next.step).toBe('confirm');
    vi.advanceTimersByTime(1);
    expect(next.step).toBe('leave');
    expect(button.dataset['step']).toBe('leave');
    expect(button.textContent).toBe(t('leave'));
    vi.advanceTimersByTime(5 * 60_000);
    flow.next(true);
    expect(next.step).toBe('confirm');
    expect(fake.sent.leaveRoom).toBe(0);
  });

  it('a “Really?” armed on the button waits for its second press however slow (a screen reader’s user hears it first)', async () => {
    const { fake, flow, next } = await inChatWithNext();
    flow.next();
    vi.advanceTimersByTime(5 * 60_000);
    expect(next.step).toBe('confirm');
    flow.next();
    expect(fake.sent.leaveRoom).toBe(1);
  });

  it('a stray Esc on a “Really?” armed by a click is a first press: it expires unless a second Esc follows', async () => {
    const { fake, flow, next } = await inChatWithNext();
    flow.next();
    vi.advanceTimersByTime(5 * 60_000);
    flow.next(true);
    expect(fake.sent.leaveRoom).toBe(0);
    expect(next.step).toBe('confirm');
    vi.advanceTimersByTime(CONFIRM_EXPIRY_MS);
    expect(next.step).toBe('leave');
    // Click, then Esc, Esc: leaves.
    flow.next();
    flow.next(true);
    flow.next(true);
    expect(fake.sent.leaveRoom).toBe(1);
  });

  it('Esc, Esc in quick succession still leaves, and “Really?” stays while the leave is on its way', async () => {
    const { fake, flow, next } = await inChatWithNext();
    flow.next(true);
    vi.advanceTimersByTime(400);
    flow.next(true);
    expect(fake.sent.leaveRoom).toBe(1);
    // However slow the answer, the button does not go back to "Leave" under the person's leave.
    vi.advanceTimersByTime(CONFIRM_EXPIRY_MS * 2);
    expect(next.step).toBe('confirm');
    await flush();
    expect(next.step).toBe('new');
  });

  it('messages from the partner leave a pending “Really?” as it is: a partner flooding the chat cannot keep its victim from leaving', async () => {
    const { fake, flow, next } = await inChatWithNext();
    flow.next();
    for (let id = 1; id <= 20; id++) fake.emit('new_message', { id, room_id: ROOM, sender_id: 'other001', content: 'wait!', timestamp: new Date().toISOString() } as ChatMessage);
    expect(next.step).toBe('confirm');
    flow.next();
    expect(fake.sent.leaveRoom).toBe(1);
  });

  it('the waiting count says “1 other person” but “0 / 2 other people” in English, and the same words for any count in Chinese', () => {
    const { fake, page } = joining();
    const count = page.views.waitingCount;
    const say = (n: number): string => {
      fake.emit('waiting', { message: '', waiting_count: n });
      return count.textContent ?? '';
    };
    setLang('en');
    expect([say(1), say(0), say(2)]).toEqual(['1 other person waiting', '0 other people waiting', '2 other people waiting']);
    setLang('zh-CN');
    expect([say(1), say(2)]).toEqual(['另有 1 人在等待', '另有 2 人在等待']);
  });

  it('a key refused at the door resolves true, back at the start (where its field takes the focus again); a key that opens a room does not', async () => {
    const { fake, page, flow } = connected();
    const refused = flow.joinPrivate('WRNG-WRNG-WRNG-WRNG');
    fake.answers.join.resolve({ ok: false, code: 'NOT_FOUND', message: '' });
    expect(await refused).toBe(true);
    expect(page.shown.screen).toBe('start');
    fake.answers.join = deferred<Result>();
    const waits = flow.joinPrivate('ABCD-EFGH-JKMN-PQRS');
    fake.answers.join.resolve({ ok: true, status: 'waiting' } as Result);
    expect(await waits).toBe(false);
    expect(page.shown.screen).toBe('waiting');
  });
});
