/**
 * The chat page's flow (web/src/chat-flow.ts, with chat-screens.ts, chat-comeback.ts, join-path.ts and
 * private-rejoin.ts) against a fake client and fake views, where the order of answers and events is the
 * test's to choose: a join whose answer times out while connected is left, the own message's ack that
 * comes after the goodbye is still shown, "Send anyway" while offline says so, a resume starts after the
 * last message the server sent (not an own message's ack), and a private wait lost with the connection is
 * joined again in its room by its kept key — never in the queue. (The Next button and the counts:
 * chat-page-next-button.test.ts; a send that fails while other text is being written:
 * chat-page-unsent.test.ts.) A chat that ended while the page was away (on screen, or before a
 * reload) asks for that room's receipt; one that ends live does not.
 * No DOM needed: the flow only talks to its views.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createChatFlow } from '../../web/src/chat-flow.js';
import { errorText, t } from '../../web/src/i18n.js';
import { privateTexts } from '../../web/src/private-texts.js';
import type { Result } from '../../web/src/chat-client.js';
import type { ChatMessage, SendMessageResult, ServerToClientEvents } from '../../src/shared/protocol.js';
import { flush, deferred, ME, ROOM, fakeClient, fakeViews, session, joining, inChat, connected } from '../helpers/chat-flow-fakes.js';

/** This tab's sessionStorage as a reload leaves it (resume-watch.ts keeps the activity there), for one test. */
function stubSessionStorage(entries: [string, string][]): Map<string, string> {
  const stored = new Map(entries);
  vi.stubGlobal('sessionStorage', { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => stored.set(k, v), removeItem: (k: string) => stored.delete(k) });
  return stored;
}

afterEach(() => vi.unstubAllGlobals());

describe('the chat page flow (web/src/chat-flow.ts)', () => {
  it('a join whose answer times out while connected is left: its wait cannot open a chat later', async () => {
    const { fake, page } = joining();
    expect(page.shown.screen).toBe('waiting');
    fake.answers.join.resolve({ ok: false, code: 'TIMEOUT', message: '' });
    await flush();
    expect(page.shown.screen).toBe('start');
    expect(page.shown.toasts).toEqual([errorText({ code: 'TIMEOUT' })]);
    expect(fake.sent.leaveQueue).toBe(1);
    // A match the late join made before the leave was handled is left at once, never shown.
    fake.emit('matched', { room_id: 9 });
    expect(page.shown.screen).toBe('start');
    expect(fake.sent.leaveRoom).toBe(1);
    fake.answers.leave.resolve({ ok: true });
  });

  it('a join whose answer is lost with the connection sends no leave: the session after reconnecting says', async () => {
    const { fake, page } = joining();
    fake.connectionChanged('reconnecting');
    fake.answers.join.resolve({ ok: false, code: 'TIMEOUT', message: '' });
    await flush();
    expect(page.shown.screen).toBe('waiting');
    expect(fake.sent.leaveQueue).toBe(0);
  });

  it('the own message whose ack comes after the partner’s goodbye is shown in the ended chat', async () => {
    const chat = await inChat();
    chat.typeText('最后一句');
    chat.flow.send('最后一句');
    expect(chat.sent.messages).toEqual(['最后一句']);
    // The goodbye overtakes the ack (the server sends it while the room's close is being written).
    chat.emit('partner_left', { reason: 'left', room_id: ROOM, message: '' } as Parameters<ServerToClientEvents['partner_left']>[0]);
    const message: ChatMessage = { id: 41, room_id: ROOM, sender_id: ME, content: '最后一句', timestamp: '2026-01-03T16:14:38+08:00' };
    chat.answers.send.resolve({ ok: true, message } as Result<SendMessageResult>);
    await flush();
    expect(chat.shown.messages).toEqual([{ message, own: true }]);
  });

  it('a chat that ends with text in the input says it was not sent; an empty input says nothing', async () => {
    const chat = await inChat();
    chat.typeText('写了一半');
    chat.emit('partner_left', { reason: 'left', room_id: ROOM, message: '' } as Parameters<ServerToClientEvents['partner_left']>[0]);
    expect(chat.shown.status).toBe('endedUnsent');
    expect(chat.views.composer.text()).toBe('写了一半');
    const quiet = await inChat();
    quiet.emit('partner_left', { reason: 'left', room_id: ROOM, message: '' } as Parameters<ServerToClientEvents['partner_left']>[0]);
    expect(quiet.shown.status).toBe('ready');
  });

  it('a message sent shows at once as on its way; its ack puts the stored one in its place, a failure into an empty input takes it away', async () => {
    const chat = await inChat();
    chat.typeText('在路上');
    chat.flow.send('在路上');
    expect([...chat.shown.pending.values()]).toEqual(['在路上']);
    const message: ChatMessage = { id: 43, room_id: ROOM, sender_id: ME, content: '在路上', timestamp: '2026-01-03T16:14:38+08:00', cid: [...chat.shown.pending.keys()][0]! };
    chat.answers.send.resolve({ ok: true, message } as Result<SendMessageResult>);
    await flush();
    expect(chat.shown.pending.size).toBe(0);
    expect(chat.shown.messages).toEqual([{ message, own: true }]);

    const failing = await inChat();
    failing.typeText('没送到');
    failing.flow.send('没送到');
    expect(failing.shown.pending.size).toBe(1);
    failing.answers.send.resolve({ ok: false, code: 'TIMEOUT', message: '' });
    await flush();
    expect(failing.shown.pending.size).toBe(0);
    expect(failing.shown.unsent.size).toBe(0);
    expect(failing.shown.messages).toEqual([]);
    expect(failing.views.composer.text()).toBe('没送到');
  });

  it('an ack for a chat no longer on screen shows nothing', async () => {
    const chat = await inChat();
    chat.typeText('上一个聊天的');
    chat.flow.send('上一个聊天的');
    chat.emit('partner_left', { reason: 'left', room_id: ROOM, message: '' } as Parameters<ServerToClientEvents['partner_left']>[0]);
    chat.flow.home();
    expect(chat.shown.screen).toBe('start');
    const message: ChatMessage = { id: 42, room_id: ROOM, sender_id: ME, content: '上一个聊天的', timestamp: '2026-01-03T16:14:38+08:00' };
    chat.answers.send.resolve({ ok: true, message } as Result<SendMessageResult>);
    await flush();
    expect(chat.shown.messages).toEqual([]);
    expect(chat.shown.pending.size).toBe(0);
  });

  it('"Send anyway" while offline says the connection is being restored, and sends nothing', async () => {
    const chat = await inChat();
    chat.connectionChanged('reconnecting');
    chat.typeText('微信 abc12345');
    chat.flow.send('微信 abc12345', true);
    expect(chat.sent.messages).toEqual([]);
    expect(chat.shown.toasts).toEqual([t('hintOffline')]);
  });

  it('a resume starts after the last message the server sent, not after an own message acked before the partner’s', async () => {
    const chat = await inChat();
    const at = '2026-01-03T16:14:38+08:00';
    chat.emit('new_message', { id: 8, room_id: ROOM, sender_id: 'other000', content: '你好', timestamp: at });
    chat.typeText('我的');
    chat.flow.send('我的');
    // With several instances the own message (10) is stored and acked before the partner's 9 reaches this page.
    chat.answers.send.resolve({ ok: true, message: { id: 10, room_id: ROOM, sender_id: ME, content: '我的', timestamp: at } } as Result<SendMessageResult>);
    await flush();
    expect(chat.shown.messages.map((m) => m.message.id)).toEqual([8, 10]);
    // The connection drops before 9 comes: the handshake asks for what follows 8, so 9 is replayed.
    chat.connectionChanged('reconnecting');
    expect(chat.flow.lastMessageId()).toBe(8);
    // The replay (own messages included: the list shows each id once) moves it on.
    chat.emit('matched', { room_id: ROOM, resumed: true });
    chat.emit('new_message', { id: 9, room_id: ROOM, sender_id: 'other000', content: '在吗', timestamp: at });
    chat.emit('new_message', { id: 10, room_id: ROOM, sender_id: ME, content: '我的', timestamp: at });
    expect(chat.flow.lastMessageId()).toBe(10);
  });

  /** A page reloaded while waiting in a private room: the server resumes the wait (`waiting {private}`). */
  function reloadedInPrivateWait(key: string | null) {
    const fake = fakeClient();
    const page = fakeViews();
    page.kept.key = key;
    const flow = createChatFlow(fake.client, page.views);
    fake.connectionChanged('connected');
    fake.emit('session', { ...session, status: 'waiting' });
    fake.emit('waiting', { message: '', waiting_count: 0, private: true });
    expect(page.shown.screen).toBe('waiting');
    return { fake, page, flow };
  }

  /** The connection drops for longer than the server's grace: back, the session says the wait is gone. */
  function longDrop(fake: ReturnType<typeof fakeClient>): void {
    fake.connectionChanged('reconnecting');
    fake.connectionChanged('connected');
    fake.emit('session', session);
  }

  it('a private wait resumed after a reload and then lost is joined again in its room by the kept key, not in the queue', () => {
    const { fake, page } = reloadedInPrivateWait('ABCD-EFGH-JKMN-PQRS');
    longDrop(fake);
    expect(fake.sent.joins).toEqual(['join_private ABCD-EFGH-JKMN-PQRS']);
    expect(page.shown.screen).toBe('waiting');
    expect(page.kept.key).toBe('ABCD-EFGH-JKMN-PQRS');
  });

  it('without its key, a lost private wait goes back to the start saying so, and never into the queue', () => {
    const { fake, page } = reloadedInPrivateWait(null);
    longDrop(fake);
    expect(fake.sent.joins).toEqual([]);
    expect(page.shown.screen).toBe('start');
    expect(page.shown.toasts).toEqual([privateTexts.t('privateWaitLost')]);
  });

  it('a resumed private wait the server ends as closed (NOT_FOUND, a block meanwhile) takes the page back to the start', () => {
    const { fake, page } = reloadedInPrivateWait('ABCD-EFGH-JKMN-PQRS');
    fake.emit('error', { code: 'NOT_FOUND', message: 'gone' });
    expect(page.shown.screen).toBe('start');
    expect(page.shown.toasts).toEqual([privateTexts.t('privateWaitClosed')]);
    expect(fake.sent.joins).toEqual([]);
  });

  it('a private wait closed by the server right after a reload, before the page shows it again, is said as a closed room and its key let go', () => {
    // The tab was waiting when it was reloaded (resume-watch.ts keeps that in sessionStorage).
    const stored = stubSessionStorage([['activity', 'waiting']]);
    const fake = fakeClient();
    const page = fakeViews();
    page.kept.key = 'ABCD-EFGH-JKMN-PQRS';
    createChatFlow(fake.client, page.views);
    fake.connectionChanged('connected');
    fake.emit('session', { ...session, status: 'waiting' });
    // The server puts the wait back in its room, meets the other person there, and that fails for good:
    // NOT_FOUND comes before any `waiting`. Before, the page said the server's "chat not found" and kept the key.
    fake.emit('error', { code: 'NOT_FOUND', message: 'gone' });
    expect(page.shown.screen).toBe('start');
    expect(page.shown.toasts).toEqual([privateTexts.t('privateWaitClosed')]);
    expect(page.kept.key).toBeNull();
    expect(stored.get('activity')).toBeUndefined();
  });

  /** A page reloaded during a wait (with the private room's key kept, or none), connected again: the server holds nothing. */
  function reloadedAfterLapsedWait(key: string | null) {
    stubSessionStorage([['activity', 'waiting']]);
    const fake = fakeClient();
    const page = fakeViews();
    page.kept.key = key;
    const flow = createChatFlow(fake.client, page.views);
    fake.connectionChanged('connected');
    return { fake, page, flow };
  }

  it('a private wait that lapsed while the page was away (reloaded after the close grace) enters the room again by its kept key', () => {
    const { fake, page } = reloadedAfterLapsedWait('ABCD-EFGH-JKMN-PQRS');
    // The server no longer holds the wait: before, the page went to the start and let the key go.
    fake.emit('session', session);
    expect(fake.sent.joins).toEqual(['join_private ABCD-EFGH-JKMN-PQRS']);
    expect(page.kept.key).toBe('ABCD-EFGH-JKMN-PQRS');
    expect(page.shown.toasts).toEqual([]);
  });

  it('a lapsed private wait is not entered again while the rules must be accepted first (the join would be refused)', () => {
    const { fake, page } = reloadedAfterLapsedWait('ABCD-EFGH-JKMN-PQRS');
    fake.emit('session', { ...session, rules_required: { version: 'v2', min_age: 18 } });
    expect(fake.sent.joins).toEqual([]);
    expect(page.shown.screen).toBe('start');
    // The room outlives the refusal: its key is at hand for when the rules are accepted.
    expect(page.kept.atHand).toBe('ABCD-EFGH-JKMN-PQRS');
  });

  it('nor while muted or banned (the session’s sanctions came first): the key stays at hand in “join with a key”', () => {
    for (const restrictions of [{ banned: false, muted: true }, { banned: true, muted: false }]) {
      const { fake, page, flow } = reloadedAfterLapsedWait('ABCD-EFGH-JKMN-PQRS');
      flow.setRestrictions(restrictions);
      fake.emit('session', session);
      expect(fake.sent.joins).toEqual([]);
      expect(page.shown.screen).toBe('start');
      expect(page.kept.atHand).toBe('ABCD-EFGH-JKMN-PQRS');
    }
  });

  it('a wait in the queue that lapsed while the page was away is not joined again', () => {
    const { fake, page } = reloadedAfterLapsedWait(null);
    fake.emit('session', session);
    expect(fake.sent.joins).toEqual([]);
    expect(page.shown.screen).toBe('start');
  });

  it('a chat on screen that ended while the connection was lost asks for its receipt; one that ends live does not', async () => {
    const chat = await inChat();
    chat.emit('partner_left', { reason: 'left', room_id: ROOM, message: '' } as Parameters<ServerToClientEvents['partner_left']>[0]);
    expect(chat.shown.endedAway).toEqual([]);

    const away = await inChat();
    away.connectionChanged('reconnecting');
    away.connectionChanged('connected');
    away.emit('session', session);
    expect(away.shown.endedAway).toEqual([ROOM]);
    // A second idle session (another reconnection) asks nothing more: the chat is over already.
    away.emit('session', session);
    expect(away.shown.endedAway).toEqual([ROOM]);
  });

  it('a page reloaded mid-chat whose chat ended meanwhile asks for the receipt of that room, and says it ended', () => {
    // The tab was in chat 12 when it was reloaded (resume-watch.ts keeps that in sessionStorage).
    const stored = stubSessionStorage([['activity', 'chat'], ['activityRoom', '12']]);
    const fake = fakeClient();
    const page = fakeViews();
    createChatFlow(fake.client, page.views);
    fake.connectionChanged('connected');
    fake.emit('session', session);
    expect(page.shown.screen).toBe('start');
    expect(page.shown.toasts).toEqual([t('chatEndedWhileAway')]);
    expect(page.shown.endedAway).toEqual([12]);
    expect(stored.get('activity')).toBeUndefined();
  });

  it('an error event during a wait in the queue (a failed match, tried again by the server) keeps the wait', () => {
    const fake = fakeClient();
    const page = fakeViews();
    createChatFlow(fake.client, page.views);
    fake.connectionChanged('connected');
    fake.emit('session', { ...session, status: 'waiting' });
    fake.emit('waiting', { message: '', waiting_count: 1 });
    fake.emit('error', { code: 'STORAGE_UNAVAILABLE', message: 'later' });
    fake.emit('error', { code: 'NOT_FOUND', message: 'not yours' });
    expect(page.shown.screen).toBe('waiting');
  });

  it('the creator of a private room who loses the wait enters it again by its key, which stays kept to share', async () => {
    const { fake, page, flow } = connected();
    flow.createPrivate();
    fake.answers.join.resolve({ ok: true, key: 'ABCD-EFGH-JKMN-PQRS' } as Result);
    await flush();
    expect(page.kept.key).toBe('ABCD-EFGH-JKMN-PQRS');
    fake.answers.join = deferred<Result>();
    longDrop(fake);
    expect(fake.sent.joins).toEqual(['create_private', 'join_private ABCD-EFGH-JKMN-PQRS']);
    expect(page.kept.waitsEnded).toBe(0);
    expect(page.kept.key).toBe('ABCD-EFGH-JKMN-PQRS');
    // Another key is another wait: the kept one goes.
    flow.cancel();
    page.kept.key = 'ABCD-EFGH-JKMN-PQRS';
    page.kept.waitsEnded = 0;
    flow.joinPrivate('WXYZ-WXYZ-WXYZ-WXYZ');
    expect(page.kept.waitsEnded).toBe(1);
    expect(page.kept.key).toBe('WXYZ-WXYZ-WXYZ-WXYZ');
  });
});
