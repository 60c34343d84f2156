/**
 * The chat-ended screen kept over a reload (web/src/ended-restore.ts, ended-keeper.ts): the real flow
 * (chat-flow.ts) against a fake client and fake views, one "page" per load sharing one tab's
 * sessionStorage. A reload on the ended screen shows that chat again, ended, with its messages, why it
 * ended, its receipt, Keep in touch as it was and the block — for the same identity only, within the
 * report window, never over a chat or wait the server resumes, and never after the person moved on. Report
 * and Block with what is left of the window after such a reload (safety-actions.ts). The browser test is
 * test/e2e/chat-ended-reload.e2e.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createChatFlow } from '../../web/src/chat-flow.js';
import { createEndedKeeper, MAX_KEPT_MESSAGES, type KeptEndedChat } from '../../web/src/ended-keeper.js';
import { createEndedRestore } from '../../web/src/ended-restore.js';
import type { ContactState } from '../../web/src/keep-in-touch.js';
import { createSafetyActions, type ChatState } from '../../web/src/safety-actions.js';
import type { BlockDialog } from '../../web/src/block-dialog.js';
import type { MessageList } from '../../web/src/message-list.js';
import type { ReportDialog } from '../../web/src/report-dialog.js';
import type { ChatMessage, ReceiptPayload, ServerToClientEvents } from '../../src/shared/protocol.js';
import { fakeClient, fakeViews, flush, ME, ROOM, memoryStorage } from '../helpers/chat-flow-fakes.js';

const WINDOW_MS = 120_000;
const CODE = 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG';
const PARTNER = 'pa000002';
type Session = Parameters<ServerToClientEvents['session']>[0];
const session = (over: Partial<Session> = {}): Session => ({ user_id: ME, status: 'idle', report_window_ms: WINDOW_MS, ...over });
const message = (id: number, sender: string, content: string, room = ROOM): ChatMessage => ({
  id,
  room_id: room,
  sender_id: sender,
  content,
  timestamp: '2026-01-03T16:14:38+08:00',
});

/** A page loaded in the tab of `storage`: the flow, and fakes of the parts that know something of an ended chat. */
function loadPage(storage: Storage) {
  const fake = fakeClient();
  const page = fakeViews();
  const states: (ChatState | null)[] = [];
  const receipts = { shown: [] as { receipt: ReceiptPayload; away: boolean }[], onBar: undefined as { receipt: ReceiptPayload; away: boolean } | undefined };
  const contact = { now: new Map<number, ContactState>(), restored: [] as [number, ContactState][] };
  const blocked: number[] = [];
  /** The rooms whose receipt was looked up (ended-away.ts), shown again without one; whether ended while away. */
  const lookedUp: [number, boolean][] = [];
  /** Whether the page is out of sight (a test sets it). */
  const sight = { hidden: false };
  const flow = createChatFlow(fake.client, page.views);
  const restore = createEndedRestore(fake.client, {
    keeper: createEndedKeeper(() => storage),
    flow,
    messages: page.views.messages,
    receipts: {
      show: (receipt, away = false) => receipts.shown.push({ receipt, away }),
      onEndedBar: () => receipts.onBar,
    },
    contact: {
      state: (roomId) => contact.now.get(roomId) ?? { matchType: null, asked: false, keyed: false, banner: null },
      restore: (roomId, state) => contact.restored.push([roomId, state]),
    },
    partnerBlocked: (roomId) => blocked.push(roomId),
    hidden: () => sight.hidden,
    lookUpReceipt: (roomId, away) => lookedUp.push([roomId, away]),
  });
  // As main.ts does: the flow tells the page, which tells the restore.
  page.views.chatChanged = (state) => {
    states.push(state);
    restore.chatChanged(state);
  };
  fake.connectionChanged('connected');
  return { ...fake, ...page, flow, restore, states, receipts, contact, blocked, sight, lookedUp };
}

type Page = ReturnType<typeof loadPage>;

/** The page's chat ROOM: two messages, then the partner leaves; its receipt shows on the ended bar. */
async function chatEndedOn(page: Page): Promise<void> {
  page.emit('session', session());
  page.emit('matched', { room_id: ROOM, match_type: 'random' });
  await flush();
  page.emit('new_message', message(1, ME, '你好'));
  page.emit('new_message', message(2, PARTNER, '别走'));
  page.emit('partner_left', { reason: 'left', room_id: ROOM, message: '' } as Parameters<ServerToClientEvents['partner_left']>[0]);
  page.receipts.onBar = { receipt: { room_id: ROOM, code: CODE }, away: false };
  expect(page.shown.screen).toBe('chat');
  expect(page.views.endedBar.hidden).toBe(false);
}

describe('the chat-ended screen kept over a reload (web/src/ended-restore.ts)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-03T08:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('a reload on the ended screen shows that chat again, ended: its messages, why, its receipt, Keep in touch as it was, the block', async () => {
    const tab = memoryStorage();
    const before = loadPage(tab);
    await chatEndedOn(before);
    const endedAt = Date.now();
    before.contact.now.set(ROOM, { matchType: 'random', asked: true, keyed: false, banner: null });
    before.restore.blocked(ROOM);
    before.restore.leaving();

    vi.advanceTimersByTime(30_000);
    const after = loadPage(tab);
    // Before its session the page cannot know whose it is: nothing shows yet.
    expect(after.shown.screen).toBe('start');
    after.emit('session', session());
    expect(after.shown.screen).toBe('chat');
    expect(after.views.endedBar.hidden).toBe(false);
    expect(after.shown.messages).toEqual([
      { message: message(1, ME, '你好'), own: true },
      { message: message(2, PARTNER, '别走'), own: false },
    ]);
    expect(after.shown.notes).toEqual(['partnerLeft']);
    // Report and Block count their windows from the end before the reload, not from now.
    expect(after.states).toEqual([{ roomId: ROOM, live: false, endedAt, endNote: 'partnerLeft' }]);
    expect(after.receipts.shown).toEqual([{ receipt: { room_id: ROOM, code: CODE }, away: false }]);
    expect(after.lookedUp).toEqual([]);
    expect(after.contact.restored).toEqual([[ROOM, { matchType: 'random', asked: true, keyed: false, banner: null }]]);
    expect(after.blocked).toEqual([ROOM]);
    // Nothing to resume: the handshake asks for no chat, and the input stays closed.
    expect(after.flow.lastMessageId()).toBeUndefined();
    expect(after.flow.ownsActivity()).toBe(false);

    // Reloaded again, it still counts from the first end; New then works as before.
    after.restore.leaving();
    vi.advanceTimersByTime(30_000);
    const again = loadPage(tab);
    again.emit('session', session());
    expect(again.states).toEqual([{ roomId: ROOM, live: false, endedAt, endNote: 'partnerLeft' }]);
    again.flow.newChat();
    expect(again.shown.screen).toBe('waiting');
    expect(again.sent.joins).toEqual(['queue']);
    expect(tab.map.size).toBe(0);
  });

  it('what a hidden page kept is forgotten once it is seen again, and once the report window is over', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    vi.setSystemTime(new Date('2026-01-03T08:00:00Z'));
    const tab = memoryStorage();
    const page = loadPage(tab);
    await chatEndedOn(page);
    page.restore.leaving(); // hidden
    expect(tab.map.size).toBe(1);
    page.restore.returned(); // seen again: nothing needs keeping
    expect(tab.map.size).toBe(0);

    vi.advanceTimersByTime(10_000);
    page.restore.leaving(); // hidden again, and left so
    expect(tab.map.size).toBe(1);
    vi.advanceTimersByTime(WINDOW_MS - 10_000 - 1);
    expect(tab.map.size).toBe(1);
    vi.advanceTimersByTime(1);
    expect(tab.map.size).toBe(0);
  });

  it('a chat that ends while the page is out of sight is kept at once, with the receipt that comes after (a hidden tab may be discarded)', async () => {
    const tab = memoryStorage();
    const page = loadPage(tab);
    page.emit('session', session());
    page.emit('matched', { room_id: ROOM, match_type: 'random' });
    await flush();
    page.emit('new_message', message(1, PARTNER, '在吗'));
    page.sight.hidden = true;
    page.restore.leaving(); // hidden mid-chat: nothing to keep yet
    expect(tab.map.size).toBe(0);
    page.emit('partner_left', { reason: 'left', room_id: ROOM, message: '' } as Parameters<ServerToClientEvents['partner_left']>[0]);
    expect(tab.map.size).toBe(1);
    page.receipts.onBar = { receipt: { room_id: ROOM, code: CODE }, away: false };
    page.emit('receipt', { room_id: ROOM, code: CODE });

    // Discarded without a pagehide, then loaded again.
    const after = loadPage(tab);
    after.emit('session', session());
    expect(after.shown.screen).toBe('chat');
    expect(after.shown.messages).toEqual([{ message: message(1, PARTNER, '在吗'), own: false }]);
    expect(after.receipts.shown).toEqual([{ receipt: { room_id: ROOM, code: CODE }, away: false }]);
  });

  it('a chat that ended while the page was away, reloaded before its receipt was found: looked up as ended while away', async () => {
    const tab = memoryStorage();
    const before = loadPage(tab);
    before.emit('session', session());
    before.emit('matched', { room_id: ROOM, match_type: 'random' });
    await flush();
    before.emit('new_message', message(1, PARTNER, '在吗'));
    // Back after a drop: the server no longer has the chat.
    before.emit('session', session());
    expect(before.shown.notes.at(-1)).toBe('chatEndedWhileAway');
    before.restore.leaving();
    const after = loadPage(tab);
    after.emit('session', session());
    expect(after.shown.screen).toBe('chat');
    expect(after.lookedUp).toEqual([[ROOM, true]]);
  });

  it('what the last page kept is not forgotten by the new page being seen before its first session', async () => {
    const tab = memoryStorage();
    const before = loadPage(tab);
    await chatEndedOn(before);
    before.restore.leaving();
    const after = loadPage(tab);
    after.restore.returned();
    after.emit('session', session());
    expect(after.shown.screen).toBe('chat');
    expect(after.views.endedBar.hidden).toBe(false);
  });

  it('the leaver’s own ended screen comes back too, saying they left', async () => {
    const tab = memoryStorage();
    const before = loadPage(tab);
    before.emit('session', session());
    before.emit('matched', { room_id: ROOM });
    await flush();
    before.emit('left_room', { room_id: ROOM, reason: 'left' } as Parameters<ServerToClientEvents['left_room']>[0]);
    // Left with the Next button: the flow's leave was under way.
    expect(before.shown.screen).toBe('chat');
    before.restore.leaving();
    const after = loadPage(tab);
    after.emit('session', session());
    expect(after.shown.screen).toBe('chat');
    expect(after.receipts.shown).toEqual([]);
    // Gone before its receipt came: looked up by the identity's recent chats.
    expect(after.lookedUp).toEqual([[ROOM, false]]);
    expect(after.states.at(-1)).toMatchObject({ roomId: ROOM, live: false });
  });

  it('never for another identity, after the report window, or over a chat or wait the server resumes', async () => {
    const tab = memoryStorage();
    const keep = async (): Promise<void> => {
      const page = loadPage(tab);
      await chatEndedOn(page);
      page.restore.leaving();
      expect(tab.map.size).toBe(1);
    };

    await keep();
    const other = loadPage(tab);
    other.emit('session', session({ user_id: 'ot000003' }));
    expect(other.shown.screen).toBe('start');
    expect(other.receipts.shown).toEqual([]);
    expect(tab.map.size).toBe(0);

    await keep();
    vi.advanceTimersByTime(WINDOW_MS);
    const late = loadPage(tab);
    late.emit('session', session());
    expect(late.shown.screen).toBe('start');
    expect(tab.map.size).toBe(0);

    await keep();
    const resumed = loadPage(tab);
    resumed.emit('session', session({ status: 'chatting' }));
    resumed.emit('matched', { room_id: 9, resumed: true });
    expect(resumed.states).toEqual([{ roomId: 9, live: true }]);
    // A later session (a reconnection, idle by then) does not bring the old chat back either.
    resumed.emit('partner_left', { reason: 'left', room_id: 9, message: '' } as Parameters<ServerToClientEvents['partner_left']>[0]);
    resumed.flow.home();
    resumed.emit('session', session());
    expect(resumed.shown.screen).toBe('start');
    expect(resumed.receipts.shown).toEqual([]);
  });

  it('moving on forgets it at once: a new chat, the start screen; nor is it kept for an identity that changed since', async () => {
    const tab = memoryStorage();
    const newChat = loadPage(tab);
    await chatEndedOn(newChat);
    newChat.restore.leaving();
    // Hidden on the ended screen (kept), then back and New: a tab discarded later shows no old chat.
    newChat.flow.newChat();
    expect(tab.map.size).toBe(0);
    newChat.restore.leaving();
    expect(tab.map.size).toBe(0);

    const home = loadPage(tab);
    await chatEndedOn(home);
    home.flow.home();
    home.restore.leaving();
    expect(tab.map.size).toBe(0);

    // The cookie replaced meanwhile (another tab's "new identity"): the chat is not the new identity's.
    const replaced = loadPage(tab);
    await chatEndedOn(replaced);
    replaced.emit('session', session({ user_id: 'ot000003' }));
    replaced.restore.leaving();
    expect(tab.map.size).toBe(0);
  });

  it('a page hidden before its session leaves what was kept for that session', async () => {
    const tab = memoryStorage();
    const before = loadPage(tab);
    await chatEndedOn(before);
    before.restore.leaving();
    const after = loadPage(tab);
    after.restore.leaving();
    after.emit('session', session());
    expect(after.shown.screen).toBe('chat');
  });
});

describe('what an ended chat is kept as (web/src/ended-keeper.ts)', () => {
  const kept = (over: Partial<KeptEndedChat> = {}): KeptEndedChat => ({
    roomId: ROOM,
    userId: ME,
    endedAt: 1_000,
    until: 1_000 + WINDOW_MS,
    note: 'youBlocked',
    messages: [{ message: message(1, PARTNER, 'hi'), own: false }],
    receipt: { code: CODE, away: true },
    contact: { matchType: 'interests', asked: true, keyed: true, banner: { key: 'ABCD-EFGH-JKMN-PQRS', roomId: ROOM } },
    blocked: true,
    ...over,
  });

  it('is given back once, whole, to its identity before its time is up', () => {
    const tab = memoryStorage();
    createEndedKeeper(() => tab).keep(kept());
    expect(createEndedKeeper(() => tab).take(ME, 2_000)).toEqual(kept());
    expect(createEndedKeeper(() => tab).take(ME, 2_000)).toBeNull();
  });

  it('keeps only the latest messages of a long chat, and reads back only the chat’s own', () => {
    const tab = memoryStorage();
    const many = Array.from({ length: MAX_KEPT_MESSAGES + 20 }, (_, i) => ({ message: message(i + 1, PARTNER, `m${i + 1}`), own: false }));
    createEndedKeeper(() => tab).keep(kept({ messages: many }));
    const back = createEndedKeeper(() => tab).take(ME, 2_000);
    expect(back?.messages.length).toBe(MAX_KEPT_MESSAGES);
    expect(back?.messages[0]?.message.id).toBe(21);
    const stored = JSON.parse(JSON.stringify(kept())) as Record<string, unknown>;
    stored['messages'] = [{ message: message(1, PARTNER, 'other room', 99), own: false }, { message: { id: 'x' } }, { message: message(2, PARTNER, 'mine'), own: false }];
    stored['note'] = 'notAText';
    tab.setItem('chat-ended', JSON.stringify(stored));
    const read = createEndedKeeper(() => tab).take(ME, 2_000);
    expect(read?.messages.map((m) => m.message.content)).toEqual(['mine']);
    expect(read?.note).toBe('chatEnded');
  });

  it('storage blocked, full or holding something else: nothing kept, nothing thrown, an older chat not left behind', () => {
    const blocked = (): Storage => {
      throw new DOMException('denied', 'SecurityError');
    };
    expect(() => createEndedKeeper(blocked).keep(kept())).not.toThrow();
    expect(createEndedKeeper(blocked).take(ME, 2_000)).toBeNull();
    const tab = memoryStorage();
    createEndedKeeper(() => tab).keep(kept());
    const full = { ...tab, setItem: () => { throw new DOMException('full', 'QuotaExceededError'); }, removeItem: tab.removeItem };
    createEndedKeeper(() => full).keep(kept({ roomId: 8 }));
    expect(tab.map.size).toBe(0);
    for (const junk of ['not json', '{"roomId":"7","userId":"me000001","endedAt":1,"until":9}', 'null']) {
      tab.setItem('chat-ended', junk);
      expect(createEndedKeeper(() => tab).take(ME, 2)).toBeNull();
    }
  });
});

describe('Report and Block on a chat shown again after a reload (web/src/safety-actions.ts)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function safety() {
    const button = () => ({ hidden: true, addEventListener: () => undefined }) as unknown as HTMLButtonElement;
    const header = { report: button(), block: button() };
    const ended = { report: button(), block: button() };
    const dialog = { open: () => undefined, close: () => undefined, chatEnded: () => undefined };
    const actions = createSafetyActions(header, ended, { report: dialog as ReportDialog, block: dialog as BlockDialog }, { partnerMessages: () => [] } as unknown as MessageList);
    actions.reportWindow(WINDOW_MS);
    return { actions, ended };
  }

  it('offers Report for what is left of the window since the end before the reload, then no more', () => {
    const { actions, ended } = safety();
    actions.chatChanged({ roomId: ROOM, live: false, endedAt: Date.now() - 90_000 });
    expect(ended.report.hidden).toBe(false);
    expect(ended.block.hidden).toBe(false);
    vi.advanceTimersByTime(29_000);
    expect(ended.report.hidden).toBe(false);
    vi.advanceTimersByTime(2_000);
    expect(ended.report.hidden).toBe(true);
    expect(ended.block.hidden).toBe(false);
  });

  it('not at all once the window is over', () => {
    const { actions, ended } = safety();
    actions.chatChanged({ roomId: ROOM, live: false, endedAt: Date.now() - WINDOW_MS - 1 });
    expect(ended.report.hidden).toBe(true);
  });
});
