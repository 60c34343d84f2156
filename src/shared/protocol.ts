/**
 * The wire protocol, shared by server, browser and tests.
 *
 * Event names and payload shapes keep the original Flask-SocketIO app's, so its client works unchanged;
 * additions (acks, `code`, `id`, `cid`, `leave_queue`, `session`) are optional for a client to use.
 * The browser imports this module with `import type` only, so zod is not bundled into the page.
 */
import { z } from 'zod';
import type { ErrorCode } from './codes.js';
import { MAX_CID_CHARS } from './limits.js';

/** Why a conversation ended. Stored in `chat_rooms.end_reason`. */
export const END_REASONS = ['left', 'disconnected', 'server_shutdown', 'server_restart'] as const;
export type EndReason = (typeof END_REASONS)[number];

// ---- client → server payloads (validated at the edge) ----

/** `join_queue`: nothing, or an object reserved for matching preferences. */
export const joinQueuePayload = z
  .strictObject({
    interests: z.array(z.string().min(1).max(32)).max(10).optional(),
  })
  .optional();
export type JoinQueuePayload = z.infer<typeof joinQueuePayload>;

/** `send_message`: content is checked for emptiness and length separately, to answer precise codes. */
export const sendMessagePayload = z.strictObject({
  content: z.string(),
  cid: z.string().min(1).max(MAX_CID_CHARS).optional(),
});
export type SendMessagePayload = z.infer<typeof sendMessagePayload>;

/** Events that carry no payload accept none (or an empty object). */
export const emptyPayload = z.strictObject({}).optional();

// ---- server → client payloads ----

export interface SessionPayload {
  user_id: string;
  /** Signed identity a cookie-less client may send back as `auth.token` to keep its ID. */
  token: string;
}
export interface WaitingPayload {
  message: string;
  waiting_count: number;
}
export interface MatchedPayload {
  room_id: number;
}
export interface ChatMessage {
  id: number;
  room_id: number;
  sender_id: string;
  content: string;
  /** ISO 8601 with the configured zone's offset, e.g. `2026-01-03T16:14:38+08:00`. */
  timestamp: string;
  cid?: string;
}
export interface LeftRoomPayload {
  message: string;
}
export interface PartnerLeftPayload {
  message: string;
  reason: EndReason;
}
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
}

// ---- acknowledgements ----

export type AckOk<T extends object = object> = { ok: true } & T;
export type AckError = { ok: false } & ErrorPayload;
export type AckResponse<T extends object = object> = AckOk<T> | AckError;
export type Ack<T extends object = object> = (response: AckResponse<T>) => void;

export type JoinQueueResult = { status: 'waiting'; waiting_count: number } | { status: 'matched'; room_id: number };
export type SendMessageResult = { message: ChatMessage };
export type LeaveRoomResult = { room_id: number | null };

// ---- event maps (Socket.IO generics) ----

export interface ClientToServerEvents {
  join_queue: (payload?: JoinQueuePayload, ack?: Ack<JoinQueueResult>) => void;
  leave_queue: (payload?: Record<string, never>, ack?: Ack) => void;
  send_message: (payload: SendMessagePayload, ack?: Ack<SendMessageResult>) => void;
  leave_room_event: (payload?: Record<string, never>, ack?: Ack<LeaveRoomResult>) => void;
}

export interface ServerToClientEvents {
  session: (payload: SessionPayload) => void;
  waiting: (payload: WaitingPayload) => void;
  matched: (payload: MatchedPayload) => void;
  new_message: (payload: ChatMessage) => void;
  left_room: (payload: LeftRoomPayload) => void;
  partner_left: (payload: PartnerLeftPayload) => void;
  error: (payload: ErrorPayload) => void;
}

/** Per-connection data the server keeps on `socket.data`. */
export interface SocketData {
  userId: string;
  lang: 'zh-CN' | 'en';
}

/** Handshake `auth` fields a client may send. All optional; unknown fields are ignored. */
export const handshakeAuth = z.object({
  token: z.string().max(200).optional(),
  lang: z.string().max(10).optional(),
});
