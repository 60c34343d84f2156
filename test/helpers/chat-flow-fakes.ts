/**
 * Fakes of the chat page flow's client and views (web/src/chat-flow.ts), where the order of answers and
 * events is the test's to choose, and flows set up in the usual states. Used by the flow's unit tests.
 */
import { expect } from 'vitest';
import type { ChatClient, ConnectionState, Result } from '../../web/src/chat-client.js';
import { createChatFlow, type ChatFlow, type ChatFlowViews } from '../../web/src/chat-flow.js';
import type { UnsentActions, UnsentReason } from '../../web/src/unsent-message.js';
import type { ChatMessage, SendMessageResult, ServerToClientEvents } from '../../src/shared/protocol.js';
/** Lets settled promises run their callbacks. */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A promise the test settles. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export const ME = 'me000001';
export const ROOM = 7;

/** A client whose answers the test gives, which counts what the page sent and plays server events. */
export function fakeClient() {
  const handlers = new Map<string, ((payload: unknown) => void)[]>();
  const connection: ((state: ConnectionState) => void)[] = [];
  const sent = { leaveQueue: 0, leaveRoom: 0, messages: [] as string[], cids: [] as string[], joins: [] as string[] };
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
    sendMessage(content: string, cid: string) {
      sent.messages.push(content);
      sent.cids.push(cid);
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

/** An unsent message as the fake list shows it: its text, why, and its buttons (null once the chat is over). */
export interface FakeUnsent {
  content: string;
  reason: UnsentReason;
  actions: UnsentActions | null;
}

/** Views that only record what the flow shows (and keep a private room's key as private-wait.ts does). */
export function fakeViews() {
  const shown = { messages: [] as { message: ChatMessage; own: boolean }[], pending: new Map<string, string>(), unsent: new Map<string, FakeUnsent>(), toasts: [] as string[], screen: 'start', endedAway: [] as number[], notes: [] as string[], partnerBlocked: [] as number[], status: 'ready' as string };
  const kept = { key: null as string | null, waitsEnded: 0, atHand: null as string | null };
  let text = '';
  /** How often the input was focused for a button that went away (`focus(true)`). */
  const focus = { always: 0 };
  const views = {
    screens: { show: (name: string) => (shown.screen = name) },
    messages: {
      clear: () => {
        shown.messages.length = 0;
        shown.pending.clear();
        shown.unsent.clear();
      },
      addMessage: (message: ChatMessage, own: boolean) => {
        if (own && message.cid !== undefined) {
          shown.pending.delete(message.cid);
          shown.unsent.delete(message.cid);
        }
        shown.messages.push({ message, own });
      },
      addPending: (content: string, cid: string) => shown.pending.set(cid, content),
      dropPending: (cid: string) => shown.pending.delete(cid),
      failPending: (cid: string, reason: UnsentReason, actions: UnsentActions | null) => {
        const content = shown.pending.get(cid);
        if (content === undefined) return;
        shown.pending.delete(cid);
        shown.unsent.set(cid, { content, reason, actions });
      },
      // As if one of its buttons had the keyboard's focus.
      dropUnsent: (cid: string) => (shown.unsent.delete(cid) ? ('keyboard' as const) : null),
      hasPending: (cid?: string) => (cid === undefined ? shown.pending.size > 0 : shown.pending.has(cid)),
      hasUnsent: () => [...shown.unsent.values()].some((unsent) => unsent.actions !== null),
      closeUnsent: () => {
        for (const unsent of shown.unsent.values()) unsent.actions = null;
      },
      addSystem: (key: string) => {
        shown.notes.push(key);
        return { setSecondsLeft: () => undefined };
      },
      addNote: () => undefined,
      addEarlier: () => undefined,
      quiet: () => undefined,
      partnerMessages: () => [],
      shown: () => shown.messages,
    },
    composer: {
      setEnabled: () => undefined,
      hasFocus: () => false,
      setStatus: (status: string) => (shown.status = status),
      setText: (value: string) => (text = value),
      text: () => text,
      focus: (always = false) => {
        if (always) focus.always++;
      },
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
    waitEnded: (keepKey = false) => {
      // A key kept at hand goes to "join with a key" (main.ts: privateStart.keep).
      if (keepKey && kept.key !== null) kept.atHand = kept.key;
      kept.key = null;
      kept.waitsEnded++;
    },
    endedAway: (roomId: number) => shown.endedAway.push(roomId),
    partnerBlocked: (roomId: number) => shown.partnerBlocked.push(roomId),
  };
  return { views: views as unknown as ChatFlowViews, shown, kept, focus, typeText: (value: string) => (text = value) };
}

export const session = { user_id: ME, status: 'idle' } as Parameters<ServerToClientEvents['session']>[0];

/** A flow connected, with its session, at the start screen. */
export function connected() {
  const fake = fakeClient();
  const page = fakeViews();
  const flow = createChatFlow(fake.client, page.views);
  fake.connectionChanged('connected');
  fake.emit('session', session);
  return { fake, page, flow };
}

/** A flow connected, with its session, that has just asked to join the queue (its answer not come yet). */
export function joining() {
  const started = connected();
  started.flow.start();
  return started;
}

/** A flow connected, with its session, in the chat ROOM. */
export async function inChat() {
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

/** One tab's sessionStorage (a `Storage` over a map the test can read), which outlives each page loaded in it. */
export function memoryStorage(): Storage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (k) => map.get(k) ?? null,
    key: (i) => [...map.keys()][i] ?? null,
    removeItem: (k) => void map.delete(k),
    setItem: (k, v) => void map.set(k, v),
  };
}
