/**
 * Commands the bench parent sends to its load-generator workers over IPC, and their answers.
 * IPC uses Node's "advanced" serialization, so typed arrays travel as they are.
 */
import type { HistogramData } from './stats.js';

export interface ConnectCommand {
  type: 'connect';
  /** Server URLs; new sockets are spread over them in turn. */
  urls: string[];
  /** Sockets to open now, added to those already open. */
  count: number;
  /** Most handshakes in flight at once. */
  concurrency: number;
  timeoutMs: number;
  /**
   * Source addresses for new sockets, taken in turn (e.g. 127.0.0.1, 127.0.0.2, …: Linux routes all of
   * 127/8 to the loopback device). Each address has its own ephemeral ports, so many addresses never run
   * out of them. Absent or empty: the kernel picks (127.0.0.1 for a loopback server).
   */
  localAddresses?: string[];
}
export interface ConnectResult {
  opened: number;
  failed: number;
  /** Sockets that opened only at a second attempt, as a real client retries (the first's failure is in `errors`). */
  retried: number;
  /** A few distinct failure messages. */
  errors: string[];
  /** Open sockets after this command. */
  total: number;
  connectLatency: HistogramData;
  elapsedMs: number;
}

/** Every unmatched socket emits `join_queue` at once; answers when all are matched or the time is up. */
export interface JoinAllCommand {
  type: 'join-all';
  timeoutMs: number;
  /** Interests per joining socket, in order (`join_queue {interests}`); absent → `join_queue` without payload. */
  interests?: string[][];
}
export interface JoinAllResult {
  /** Per socket that joined: identity, room (0 = not matched), times on the shared monotonic clock. */
  userIds: string[];
  roomIds: Float64Array;
  joinAtMs: Float64Array;
  matchedAtMs: Float64Array;
  /** Sockets that received `matched` more than once. */
  matchedTwice: number;
  errors: Record<string, number>;
  /** Per socket: `matched.match_type` ('' when not matched or absent). */
  matchTypes: string[];
  /** Per socket: `matched.common_interests` (empty when absent). */
  commonInterests: string[][];
}

/** Like join-all, then pairs partners inside this worker; answers how many pairs were formed. */
export interface PairCommand {
  type: 'pair';
  timeoutMs: number;
}
export interface PairResult {
  pairs: number;
  /** Sockets whose partner is not in this worker, or that were not matched. */
  unpaired: number;
  elapsedMs: number;
}

/** One step of the message ladder, paced open-loop from `startAtMs` (shared monotonic clock). */
export interface SendCommand {
  type: 'send';
  step: number;
  /** Messages per second this worker offers. */
  rate: number;
  startAtMs: number;
  durationMs: number;
  /** After the last send, wait at most this long for acks and deliveries. */
  drainMs: number;
  /** Characters per message content (at least the header). */
  contentChars: number;
  /** Pacing timer period. */
  tickMs: number;
}
export interface SendResult {
  step: number;
  sent: number;
  ackOk: number;
  /** Acks with `ok: false`, by code. */
  ackErrors: Record<string, number>;
  /** Sends that got no ack before the drain ended. */
  unanswered: number;
  /** Distinct messages the partner received. */
  delivered: number;
  /** Of those, received before the send window closed. */
  deliveredInWindow: number;
  /** Messages the partner received more than once. */
  deliveredTwice: number;
  /** Acked ok but never received by the partner. */
  undelivered: number;
  /** Received by the partner without an ok ack. */
  deliveredWithoutOk: number;
  /** `new_message` events of earlier steps arriving now (after that step's drain). */
  late: number;
  disconnects: number;
  /** Send → partner receipt. */
  latency: HistogramData;
  /** Send → ack. */
  ackLatency: HistogramData;
  /** How late sends left compared with their schedule: the generator's own lag. */
  sendLag: HistogramData;
  firstSendAtMs: number;
  lastSendAtMs: number;
  /** Per message (index = sequence): 0 no ack, 1 ok, 2 + index in ERROR_CODES for errors. */
  ack: Uint8Array;
  /** Per message: times received by the partner (saturating at 255). */
  received: Uint8Array;
}

export interface StatusCommand {
  type: 'status';
}
export interface StatusResult {
  open: number;
  disconnects: number;
  /** Disconnect reasons and how often. */
  reasons: Record<string, number>;
}

export interface CloseCommand {
  type: 'close';
}
export interface CloseResult {
  closed: number;
}

export type Command = ConnectCommand | JoinAllCommand | PairCommand | SendCommand | StatusCommand | CloseCommand;

export interface ResultOf {
  connect: ConnectResult;
  'join-all': JoinAllResult;
  pair: PairResult;
  send: SendResult;
  status: StatusResult;
  close: CloseResult;
}

export interface Request {
  id: number;
  command: Command;
}
export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** Error codes in the ack array; index + 2 is the stored value. Unknown codes map to the last one. */
export const ACK_CODES = ['SERVER_BUSY', 'STORAGE_UNAVAILABLE', 'NOT_IN_CHAT', 'RATE_LIMITED', 'INVALID_PAYLOAD', 'INTERNAL_ERROR', 'OTHER'] as const;
export const ACK_NONE = 0;
export const ACK_OK = 1;

/** Message ids are `<worker>.<step>.<sequence>`: unique in one run, parsed back by the DB check. */
export function messageCid(worker: number, step: number, seq: number): string {
  return `${worker}.${step}.${seq}`;
}

export function parseCid(cid: string): { worker: number; step: number; seq: number } | undefined {
  const parts = cid.split('.');
  if (parts.length !== 3) return undefined;
  const [worker, step, seq] = parts.map(Number) as [number, number, number];
  return Number.isInteger(worker) && Number.isInteger(step) && Number.isInteger(seq) ? { worker, step, seq } : undefined;
}
