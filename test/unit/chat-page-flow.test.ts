/**
 * The chat page's flow (web/src/chat-flow.ts, with join-path.ts and private-rejoin.ts) against a fake client
 * and fake views, where the order of answers and events is the test's to choose: a join whose answer times
 * out while connected is left, the own message's ack that comes after the goodbye is still shown, "Send
 * anyway" while offline says so, a resume starts after the last message the server sent (not an own
 * message's ack), and a private wait lost with the connection is joined again in its room by its kept key
 * — never in the queue. A "Really?" armed by Esc expires after a few seconds (an Esc much later is a first
 * press again), while Esc, Esc still leaves, and neither the button's nor a partner's message takes it back; the waiting count says "1 other person"; a
 * refused key says the page is back at the start, for its field to take the focus again. A chat that ended
 * while the page was away (on screen, or before a reload) asks for that room's receipt; one that ends live does not.
 * No DOM needed: the flow only talks to its views.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatClient, ConnectionState, Result } from '../../web/src/chat-client.js';
import { createChatFlow, type ChatFlow, type ChatFlowViews } from '../../web/src/chat-flow.js';
import { errorText, setLang, t } from '../../web/src/i18n.js';
import { CONFIRM_EXPIRY_MS, createNextCycle, type NextCycle } from '../../web/src/next-cycle.js';
import { privateTexts } from '../../web/src/private-texts.js';
import type { ChatMessage, SendMessageResult, ServerToClientEvents } from '../../src/shared/protocol.js';

/** Lets settled promises run their callbacks. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A promise the test settles. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const ME = 'me000001';
const ROOM = 7;

/** A client whose answers the test gives, which counts what the page sent and plays server events. */
function fakeClient() {
  const handlers = new Map<string, ((payload: unknown) => void)[]>();
  const connection: ((state: ConnectionState) => void)[] = [];
  const sent = { leaveQueue: 0, leaveRoom: 0, messages: [] as string[], joins: [] as string[] };
  const answers = {
    join: deferred<Result>(),
    send: deferred<Result<SendMessageResult>>(),
    leave: deferred<Result>(),
  };
  const state = { connected: true };
  const client = {
    on(event: string, handler: (payload: unknown) => void) {
      handlers.set(event, [...(handlers.get(event) ?? []), handler]);
    },
    onConnectionChange(handler: (state: ConnectionState) => void) {
      connection.push(handler);
    },
    get connected() {
      return state.connected;
    },
    reconnect: () => undefined,
    joinQueue() {
      sent.joins.push('queue');
      return answers.join.promise;
    },
    createPrivate() {
      sent.joins.push('create_private');
      return answers.join.promise;
    },
    joinPrivate(key: string) {
      sent.joins.push(`join_private ${key}`);
      return answers.join.promise;
    },
    leaveQueue() {
      sent.leaveQueue++;
      return answers.leave.promise;
    },
    leaveRoom() {
      sent.leaveRoom++;
      return Promise.resolve({ ok: true as const, room_id: null });
    },
    sendMessage(content: string) {
      sent.messages.push(content);
      return answers.send.promise;
    },
    typing: () => undefined,
  };
  return {
    client: client as unknown as ChatClient,
    sent,
    answers,
    emit<E extends keyof ServerToClientEvents>(event: E, payload: Parameters<ServerToClientEvents[E]>[0]) {
      for (const handler of handlers.get(event) ?? []) handler(payload);
    },
    connectionChanged(next: ConnectionState) {
      state.connected = next === 'connected';
      for (const handler of connection) handler(next);
    },
  };
}

/** Views that only record what the flow shows (and keep a private room's key as private-wait.ts does). */
function fakeViews() {
  const shown = { messages: [] as { message: ChatMessage; own: boolean }[], toasts: [] as string[], screen: 'start', endedAway: [] as number[] };
  const kept = { key: null as string | null, waitsEnded: 0 };
  let text = '';
  const views = {
    screens: { show: (name: string) => (shown.screen = name) },
    messages: {
      clear: () => (shown.messages.length = 0),
      addMessage: (message: ChatMessage, own: boolean) => shown.messages.push({ message, own }),
      addSystem: () => ({ setSecondsLeft: () => undefined }),
      addNote: () => undefined,
      addEarlier: () => undefined,
      quiet: () => undefined,
      partnerMessages: () => [],
      shown: () => shown.messages,
    },
    composer: {
      setEnabled: () => undefined,
      hasFocus: () => false,
      setStatus: () => undefined,
      setText: (value: string) => (text = value),
      text: () => text,
      focus: () => undefined,
    },
    toast: { show: (value: string) => shown.toasts.push(value) },
    myId: { textContent: '' },
    waitingCount: { hidden: true, dataset: {}, textContent: '' },
    endedBar: { hidden: true },
    endedNote: { focus: () => undefined },
    keepingFocus: (change: () => void) => change(),
    next: { step: 'leave', expiring: false, set: () => undefined, hold: () => undefined, expireSoon: () => undefined },
    typing: { edited: () => undefined, stop: () => undefined, reset: () => undefined },
    typingIndicator: { set: () => undefined, hide: () => undefined, reset: () => undefined },
    arrived: () => undefined,
    chatChanged: () => undefined,
    sanctioned: () => undefined,
    rulesRequired: () => undefined,
    skipWait: { start: () => undefined, stop: () => undefined, running: false },
    interests: () => [],
    waitingShown: () => undefined,
    privateCreated: (key: string) => (kept.key = key),
    privateEntered: (key: string) => (kept.key = key),
    privateKey: () => kept.key,
    waitEnded: () => {
      kept.key = null;
      kept.waitsEnded++;
    },
    endedAway: (roomId: number) => shown.endedAway.push(roomId),
  };
  return { views: views as unknown as ChatFlowViews, shown, kept, typeText: (value: string) => (text = value) };
}

const session = { user_id: ME, status: 'idle' } as Parameters<ServerToClientEvents['session']>[0];

/** A flow connected, with its session, that has just asked to join the queue (its answer not come yet). */
function joining() {
  const fake = fakeClient();
  const page = fakeViews();
  const flow = createChatFlow(fake.client, page.views);
  fake.connectionChanged('connected');
  fake.emit('session', session);
  flow.start();
  return { fake, page, flow };
}

/** A flow connected, with its session, in the chat ROOM. */
async function inChat() {
  const fake = fakeClient();
  const page = fakeViews();
  const flow: ChatFlow = createChatFlow(fake.client, page.views);
  fake.connectionChanged('connected');
  fake.emit('session', session);
  fake.emit('matched', { room_id: ROOM });
  await flush();
  expect(page.shown.screen).toBe('chat');
  return { ...fake, ...page, flow };
}

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
    const stored = new Map([['activity', 'waiting']]);
    vi.stubGlobal('sessionStorage', { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => stored.set(k, v), removeItem: (k: string) => stored.delete(k) });
    try {
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
    } finally {
      vi.unstubAllGlobals();
    }
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
    const stored = new Map([['activity', 'chat'], ['activityRoom', '12']]);
    vi.stubGlobal('sessionStorage', { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => stored.set(k, v), removeItem: (k: string) => stored.delete(k) });
    try {
      const fake = fakeClient();
      const page = fakeViews();
      createChatFlow(fake.client, page.views);
      fake.connectionChanged('connected');
      fake.emit('session', session);
      expect(page.shown.screen).toBe('start');
      expect(page.shown.toasts).toEqual([t('chatEndedWhileAway')]);
      expect(page.shown.endedAway).toEqual([12]);
      expect(stored.get('activity')).toBeUndefined();
    } finally {
      vi.unstubAllGlobals();
    }
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
    const fake = fakeClient();
    const page = fakeViews();
    const flow = createChatFlow(fake.client, page.views);
    fake.connectionChanged('connected');
    fake.emit('session', session);
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
    const fake = fakeClient();
    const page = fakeViews();
    const flow = createChatFlow(fake.client, page.views);
    fake.connectionChanged('connected');
    fake.emit('session', session);
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
