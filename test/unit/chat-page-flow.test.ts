/**
 * The chat page's flow (web/src/chat-flow.ts) against a fake client and fake views, where the order of
 * answers and events is the test's to choose: a join whose answer times out while connected is left, the
 * own message's ack that comes after the goodbye is still shown, and "Send anyway" while offline says so.
 * No DOM needed: the flow only talks to its views.
 */
import { describe, expect, it } from 'vitest';
import type { ChatClient, ConnectionState, Result } from '../../web/src/chat-client.js';
import { createChatFlow, type ChatFlow, type ChatFlowViews } from '../../web/src/chat-flow.js';
import { errorText, t } from '../../web/src/i18n.js';
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
  const sent = { leaveQueue: 0, leaveRoom: 0, messages: [] as string[] };
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
    joinQueue: () => answers.join.promise,
    createPrivate: () => answers.join.promise,
    joinPrivate: () => answers.join.promise,
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

/** Views that only record what the flow shows. */
function fakeViews() {
  const shown = { messages: [] as { message: ChatMessage; own: boolean }[], toasts: [] as string[], screen: 'start' };
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
      lastId: () => Math.max(0, ...shown.messages.map((m) => m.message.id)),
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
    next: { step: 'leave', set: () => undefined },
    typing: { edited: () => undefined, stop: () => undefined, reset: () => undefined },
    typingIndicator: { set: () => undefined, hide: () => undefined, reset: () => undefined },
    arrived: () => undefined,
    chatChanged: () => undefined,
    sanctioned: () => undefined,
    rulesRequired: () => undefined,
    skipWait: { start: () => undefined, stop: () => undefined, running: false },
    interests: () => [],
    waitingShown: () => undefined,
    privateCreated: () => undefined,
    waitEnded: () => undefined,
  };
  return { views: views as unknown as ChatFlowViews, shown, typeText: (value: string) => (text = value) };
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
});
