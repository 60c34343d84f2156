/**
 * A block ends the chat on screen, not by sending the page back to the start: the conversation, the ended
 * bar and its Report stay, so a person who blocks first (the reflex) can still report (web/src/chat-flow.ts).
 * And Report on the ended bar stays as long as the server's REPORT_WINDOW_MS, which the session tells
 * (web/src/safety-actions.ts), not a window of the page's own.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServerToClientEvents } from '../../src/shared/protocol.js';
import { createSafetyActions, type SafetyButtons } from '../../web/src/safety-actions.js';
import type { BlockDialog } from '../../web/src/block-dialog.js';
import type { ReportDialog } from '../../web/src/report-dialog.js';
import type { MessageList } from '../../web/src/message-list.js';
import { inChat, ROOM } from '../helpers/chat-flow-fakes.js';

describe('a block ends the chat on screen (web/src/chat-flow.ts)', () => {
  const leftRoom = (reason?: 'left' | 'blocked') => ({ message: '', room_id: ROOM, ...(reason ? { reason } : {}) }) as Parameters<ServerToClientEvents['left_room']>[0];

  it('left_room {reason: blocked} keeps the chat on screen, ended, saying the person blocked them, and tells the page whom', async () => {
    const chat = await inChat();
    chat.emit('left_room', leftRoom('blocked'));
    expect(chat.shown.screen).toBe('chat');
    expect((chat.views.endedBar as { hidden: boolean }).hidden).toBe(false);
    expect(chat.shown.notes.at(-1)).toBe('youBlocked');
    // Before the block's answer: Block and Keep in touch go at once (no flash of them on the ended bar).
    expect(chat.shown.partnerBlocked).toEqual([ROOM]);
  });

  it('left_room {reason: left} (a leave whose answer was lost, say) is said as leaving, on screen too', async () => {
    const chat = await inChat();
    chat.emit('left_room', leftRoom('left'));
    expect(chat.shown.screen).toBe('chat');
    expect(chat.shown.notes.at(-1)).toBe('youLeft');
    expect(chat.shown.partnerBlocked).toEqual([]);
  });

  it('the block’s answer ends it too when left_room was lost, once', async () => {
    const chat = await inChat();
    chat.flow.blocked(ROOM);
    expect(chat.shown.screen).toBe('chat');
    expect((chat.views.endedBar as { hidden: boolean }).hidden).toBe(false);
    chat.emit('left_room', leftRoom('blocked'));
    expect(chat.shown.notes.filter((key) => key === 'youBlocked' || key === 'youLeft')).toEqual(['youBlocked']);
  });

  it('a block of another chat’s partner (the last one, from the start screen) leaves the chat on screen alone', async () => {
    const chat = await inChat();
    chat.flow.blocked(ROOM + 1);
    expect((chat.views.endedBar as { hidden: boolean }).hidden).toBe(true);
    expect(chat.shown.notes).not.toContain('youBlocked');
  });
});

describe('Report on the ended bar lasts the server’s report window (web/src/safety-actions.ts)', () => {
  afterEach(() => vi.useRealTimers());

  const button = () => ({ hidden: false, addEventListener: () => undefined }) as unknown as HTMLButtonElement;
  const dialog = { open: () => undefined, close: () => undefined, chatEnded: () => undefined };

  function ended(windowMs?: number) {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const header: SafetyButtons = { report: button(), block: button() };
    const bar: SafetyButtons = { report: button(), block: button() };
    const safety = createSafetyActions(header, bar, { report: dialog as unknown as ReportDialog, block: dialog as unknown as BlockDialog }, { partnerMessages: () => [] } as unknown as MessageList);
    if (windowMs !== undefined) safety.reportWindow(windowMs);
    safety.chatChanged({ roomId: ROOM, live: true });
    safety.chatChanged({ roomId: ROOM, live: false });
    return { bar, safety };
  }

  it('as long as the session says: 30 s', () => {
    const { bar } = ended(30_000);
    expect(bar.report.hidden).toBe(false);
    vi.advanceTimersByTime(29_999);
    expect(bar.report.hidden).toBe(false);
    vi.advanceTimersByTime(1);
    expect(bar.report.hidden).toBe(true);
    expect(bar.block.hidden).toBe(false);
  });

  it('as long as the session says: 10 minutes, not the default 2', () => {
    const { bar } = ended(600_000);
    vi.advanceTimersByTime(300_000);
    expect(bar.report.hidden).toBe(false);
    vi.advanceTimersByTime(300_000);
    expect(bar.report.hidden).toBe(true);
  });

  it('the default 2 minutes until a session has said, and a nonsense value is ignored', () => {
    const { bar, safety } = ended();
    safety.reportWindow(Number.NaN);
    vi.advanceTimersByTime(119_999);
    expect(bar.report.hidden).toBe(false);
    vi.advanceTimersByTime(1);
    expect(bar.report.hidden).toBe(true);
  });
});
