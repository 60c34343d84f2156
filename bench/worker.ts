/**
 * A load-generator process, forked by the bench through tsx. It owns a share of the client sockets
 * (real socket.io-client, WebSocket only) and runs the commands of worker-protocol.ts for the parent.
 */
import { io, type Socket } from 'socket.io-client';
import type { ChatMessage, ClientToServerEvents, ServerToClientEvents } from '../src/shared/protocol.js';
import { nowMs, sleep } from './clock.js';
import { runSendStep, type SendState } from './send-step.js';
import { Histogram } from './stats.js';
import type {
  CloseResult,
  Command,
  ConnectCommand,
  ConnectResult,
  JoinAllResult,
  PairResult,
  Reply,
  Request,
  StatusResult,
} from './worker-protocol.js';

export type BenchSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** One simulated user. */
export interface Client {
  socket: BenchSocket;
  userId: string;
  roomId: number;
  matchedAtMs: number;
  matchedCount: number;
  matchType: string;
  commonInterests: string[];
  partner: Client | undefined;
}

const workerIndex = Number(process.argv[2] ?? 0);
const clients: Client[] = [];
let disconnects = 0;
/** Sockets this worker has tried to open: source addresses are taken in turn by this count. */
let socketsStarted = 0;
const disconnectReasons: Record<string, number> = {};
/** Set while a send step runs; `new_message` events are routed to it. */
const sendState: { current: SendState | undefined; late: number } = { current: undefined, late: 0 };

async function handle(command: Command): Promise<unknown> {
  switch (command.type) {
    case 'connect':
      return connectMany(command);
    case 'join-all':
      return joinAll(command.timeoutMs, command.interests);
    case 'pair':
      return pair(command.timeoutMs);
    case 'send':
      return runSendStep(workerIndex, command, clients, sendState);
    case 'status':
      return status();
    case 'close':
      return closeAll();
  }
}

function openOne(url: string, timeoutMs: number, localAddress?: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket: BenchSocket = io(url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: timeoutMs,
      // As our page: the sender's copy of a message comes in the ack, not also as `new_message`.
      auth: { echo_in_ack: true },
      // Passed on to the WebSocket (engine.io-client picks it), though not in socket.io-client's types.
      ...(localAddress ? { localAddress } : {}),
    });
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no session event in time'));
    }, timeoutMs);
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
    socket.once('session', (session) => {
      clearTimeout(timer);
      const client: Client = { socket, userId: session.user_id, roomId: 0, matchedAtMs: 0, matchedCount: 0, matchType: '', commonInterests: [], partner: undefined };
      listen(client);
      resolve(client);
    });
  });
}

function listen(client: Client): void {
  const { socket } = client;
  socket.on('matched', (payload) => {
    client.roomId = payload.room_id;
    client.matchedAtMs = nowMs();
    client.matchedCount++;
    client.matchType = payload.match_type ?? '';
    client.commonInterests = payload.common_interests ?? [];
  });
  socket.on('new_message', (message: ChatMessage) => {
    // The sender hears its own message too; only the partner's copy counts as a delivery.
    if (message.sender_id === client.userId) return;
    if (sendState.current) sendState.current.onReceived(message);
    else sendState.late++;
  });
  socket.on('disconnect', (reason) => {
    disconnects++;
    disconnectReasons[reason] = (disconnectReasons[reason] ?? 0) + 1;
  });
}

async function connectMany(command: ConnectCommand): Promise<ConnectResult> {
  const started = nowMs();
  const latency = new Histogram();
  const errors = new Set<string>();
  let next = 0;
  let opened = 0;
  let failed = 0;
  let retried = 0;
  const lane = async () => {
    while (next < command.count) {
      const i = next++;
      const url = command.urls[(clients.length + i) % command.urls.length]!;
      const sources = command.localAddresses ?? [];
      const localAddress = sources.length > 0 ? sources[socketsStarted++ % sources.length] : undefined;
      const t0 = nowMs();
      // One retry, as our page does after a connect timeout; counted, so a run says when it was needed.
      for (let attempt = 1; attempt <= 2; attempt++) {
        try {
          clients.push(await openOne(url, command.timeoutMs, localAddress));
          latency.record(nowMs() - t0);
          opened++;
          if (attempt > 1) retried++;
          break;
        } catch (error) {
          if (errors.size < 5) errors.add(error instanceof Error ? error.message : String(error));
          if (attempt === 2) failed++;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(command.concurrency, command.count)) }, lane));
  return { opened, failed, retried, errors: [...errors], total: clients.length, connectLatency: latency.data(), elapsedMs: nowMs() - started };
}

async function joinAll(timeoutMs: number, interests?: string[][]): Promise<JoinAllResult> {
  const joining = clients.filter((c) => c.roomId === 0 && c.socket.connected);
  const joinAt = new Float64Array(joining.length);
  const errors: Record<string, number> = {};
  // Emit in one synchronous loop: the whole share hits the server "at once".
  joining.forEach((client, i) => {
    joinAt[i] = nowMs();
    const mine = interests?.[i];
    client.socket.emit('join_queue', mine ? { interests: mine } : undefined, (response) => {
      if (!response.ok) errors[response.code] = (errors[response.code] ?? 0) + 1;
    });
  });
  const deadline = nowMs() + timeoutMs;
  while (nowMs() < deadline && joining.some((c) => c.roomId === 0)) await sleep(10);
  return {
    userIds: joining.map((c) => c.userId),
    roomIds: Float64Array.from(joining, (c) => c.roomId),
    joinAtMs: joinAt,
    matchedAtMs: Float64Array.from(joining, (c) => c.matchedAtMs),
    matchedTwice: joining.filter((c) => c.matchedCount > 1).length,
    errors,
    matchTypes: joining.map((c) => c.matchType),
    commonInterests: joining.map((c) => c.commonInterests),
  };
}

async function pair(timeoutMs: number): Promise<PairResult> {
  const started = nowMs();
  await joinAll(timeoutMs);
  const byRoom = new Map<number, Client[]>();
  for (const client of clients) {
    if (client.roomId === 0) continue;
    const list = byRoom.get(client.roomId) ?? [];
    list.push(client);
    byRoom.set(client.roomId, list);
  }
  let pairs = 0;
  for (const [, members] of byRoom) {
    if (members.length !== 2) continue;
    const [a, b] = members as [Client, Client];
    a.partner = b;
    b.partner = a;
    pairs++;
  }
  return { pairs, unpaired: clients.length - 2 * pairs, elapsedMs: nowMs() - started };
}

function status(): StatusResult {
  return { open: clients.filter((c) => c.socket.connected).length, disconnects, reasons: { ...disconnectReasons } };
}

async function closeAll(): Promise<CloseResult> {
  const closed = clients.length;
  for (const client of clients) client.socket.close();
  clients.length = 0;
  return { closed };
}

process.on('message', (raw) => {
  const request = raw as Request;
  handle(request.command).then(
    (result) => process.send?.({ id: request.id, ok: true, result } satisfies Reply),
    (error: unknown) => process.send?.({ id: request.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) } satisfies Reply),
  );
});
// The parent is gone (finished or crashed): never linger with open sockets.
process.on('disconnect', () => process.exit(0));
