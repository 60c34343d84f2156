/**
 * The wire protocol, shared by server, browser and tests.
 *
 * Event names and payload shapes keep the original Flask-SocketIO app's, so its client works unchanged;
 * additions (acks, `code`, `id`, `cid`, `leave_queue`, `session`) are optional for a client to use.
 * The browser imports this module with `import type` only, so zod is not bundled into the page.
 */
import { z } from 'zod';
import type { ErrorCode } from './codes.js';
import { MAX_INTEREST_INPUT_CHARS, MAX_INTERESTS } from './interests.js';
import { MAX_CID_CHARS, isStorableText } from './limits.js';

/** A string the database can keep exactly as sent (no NUL, no lone surrogate): anything else is INVALID_PAYLOAD. */
const text = () => z.string().refine(isStorableText);

/** Why a conversation ended. Stored in `chat_rooms.end_reason`. */
export const END_REASONS = ['left', 'disconnected', 'server_shutdown', 'server_restart', 'blocked', 'banned'] as const;
export type EndReason = (typeof END_REASONS)[number];

// ---- client → server payloads (validated at the edge) ----

/**
 * `join_queue`: nothing, or interests as typed (at most 10, each 1–32 characters). The server normalises
 * them (src/shared/interests.ts: case, width, punctuation, Chinese text cut into words, duplicates).
 */
export const joinQueuePayload = z
  .strictObject({
    interests: z.array(text().min(1).max(MAX_INTEREST_INPUT_CHARS)).max(MAX_INTERESTS).optional(),
  })
  .optional();
export type JoinQueuePayload = z.infer<typeof joinQueuePayload>;

/** `send_message`: content is checked for emptiness and length separately, to answer precise codes. */
export const sendMessagePayload = z.strictObject({
  content: text(),
  cid: text().min(1).max(MAX_CID_CHARS).optional(),
  /** The sender saw the page's warning about contact details and chose to send anyway. */
  pii_confirmed: z.literal(true).optional(),
  /**
   * The chat it was written in: refused (NOT_IN_CHAT) in any other, so that a send retried or held while
   * offline never reaches the next stranger. Optional (the original client sends none).
   */
  room_id: z.number().int().positive().optional(),
});
export type SendMessagePayload = z.infer<typeof sendMessagePayload>;

/** `accept_rules`: the person confirms the minimum age and accepts this version of the rules. */
export const acceptRulesPayload = z.strictObject({
  age_confirmed: z.literal(true),
  rules_version: z.string().min(1).max(32),
});
export type AcceptRulesPayload = z.infer<typeof acceptRulesPayload>;

/** Why a person reports their partner. */
export const REPORT_REASONS = ['spam', 'harassment', 'sexual', 'minor', 'hate', 'scam', 'self_harm', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];
/** Longest note with a report, in characters. */
export const MAX_REPORT_NOTE_CHARS = 500;

/** `report`: the partner of `room_id` (default: the current or last chat), optionally naming messages of it. */
export const reportPayload = z.strictObject({
  reason: z.enum(REPORT_REASONS),
  room_id: z.number().int().positive().optional(),
  message_ids: z.array(z.number().int().positive()).max(100).optional(),
  note: text().max(MAX_REPORT_NOTE_CHARS).optional(),
});
export type ReportPayload = z.infer<typeof reportPayload>;

/** `block`: the partner of `room_id` (default: the current or last chat). */
export const blockPayload = z.strictObject({ room_id: z.number().int().positive().optional() }).optional();
export type BlockPayload = z.infer<typeof blockPayload>;

/**
 * `join_private`: enters the private room of a key (as shared by its creator, or given by `contact_key`).
 * Case, spaces and dashes do not matter; a key that cannot be one is simply not found.
 */
export const joinPrivatePayload = z.strictObject({ key: text().min(1).max(64) });
export type JoinPrivatePayload = z.infer<typeof joinPrivatePayload>;

/** `keep_in_touch`: the chat `room_id` (default: the current or last one), during it or shortly after. */
export const keepInTouchPayload = z.strictObject({ room_id: z.number().int().positive().optional() }).optional();
export type KeepInTouchPayload = z.infer<typeof keepInTouchPayload>;

/** Events that carry no payload accept none (or an empty object). */
export const emptyPayload = z.strictObject({}).optional();

/**
 * `typing`: the person started (`true`) or stopped (`false`) typing. Relayed to their partner only, as
 * `partner_typing`; nothing is stored. A page sends `true` at most every 2 s while typing.
 */
export const typingPayload = z.strictObject({ typing: z.boolean() });
export type TypingPayload = z.infer<typeof typingPayload>;

// ---- server → client payloads ----

/** What the identity is doing when a connection opens (a resumed chat or wait follows as `matched`/`waiting`). */
export type SessionStatus = 'idle' | 'waiting' | 'chatting';

export interface SessionPayload {
  user_id: string;
  /** Present when the rules must be accepted (`accept_rules`) before joining: the current version. */
  rules_required?: { version: string; min_age: number };
  /**
   * For a client without the identity cookie only: a signed identity to send back as `auth.token` to
   * keep its ID (valid 7 days; every connection gets a fresh one).
   */
  token?: string;
  status: SessionStatus;
  /**
   * The sanctions in force, one per kind (the longest of each); absent when none. The same follow as
   * `sanction` events, for clients that only listen to those; a page that reads this replaces what it shows.
   */
  sanctions?: SanctionPayload[];
  /**
   * How long after a chat has ended its partner can still be reported (the server's REPORT_WINDOW_MS):
   * the page offers Report that long, whatever the operator set.
   */
  report_window_ms: number;
}
export interface WaitingPayload {
  message: string;
  waiting_count: number;
  /** Waiting in a private room (for its other person), not in the queue. */
  private?: true;
  /** The person's interests as matching uses them (normalised); absent without interests. */
  interests?: string[];
  /**
   * With interests, while the wait for somebody sharing one lasts: when it ends and anyone may be
   * matched (ISO 8601 in the configured zone). Absent once anyone may be (the time passed, or `widen_search`).
   */
  fallback_at?: string;
}
/** How two people were paired: by chance, by shared interests, or in a private room (by its key). */
export type MatchType = 'random' | 'interests' | 'private';
export interface MatchedPayload {
  room_id: number;
  /** Present when a reconnecting client is put back into its chat (missed messages follow). */
  resumed?: true;
  /** How the two were paired (`private`: by a key; the earlier conversation follows as `room_history`). */
  match_type?: MatchType;
  /** With `match_type: 'interests'`: the interests both have (normalised). */
  common_interests?: string[];
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
/**
 * The goodbyes name the chat that ended (`room_id`; absent when the leaver was only waiting): across
 * instances a goodbye can arrive before that chat's `matched`, and a page then knows it is for the chat it is
 * about to open.
 */
export interface LeftRoomPayload {
  message: string;
  room_id?: number;
  /**
   * Why one's own chat ended: left (the Next button, `leave_room_event`) or this person's `block`; `muted`: a
   * mute ended this person's wait (no `room_id` then). Absent: a wait left.
   */
  reason?: 'left' | 'blocked' | 'muted';
}
export interface PartnerLeftPayload {
  message: string;
  reason: EndReason;
  room_id: number;
}
export interface PartnerDisconnectedPayload {
  message: string;
  /** How long the partner has to come back before the chat ends. */
  grace_ms: number;
}
export interface PartnerReconnectedPayload {
  message: string;
}
export interface ServerShutdownPayload {
  message: string;
}
/** Kinds of sanction: a warning (told only), a mute (cannot send), a ban (cannot queue or send). */
export type SanctionKind = 'warning' | 'muted' | 'banned';
/**
 * `sanction`: told on connect (right after `session`, one per kind in force: the longest of each), and when
 * one is issued or lifted (the longest of that kind still in force; a new warning itself). A sanction of one
 * kind replaces the one of that kind shown; it never ends another kind.
 */
/** The reason told of an automatic sanction (strikes add up to it), named by the page in the person's language. */
export const AUTOMATIC_SANCTION_REASON = 'rule_breaks';
/**
 * The reason told to a person a sanction reaches only through their network (the address they share with
 * whoever it was issued to): not that person's reason, which is about someone else.
 */
export const NETWORK_SANCTION_REASON = 'shared_network';
export interface SanctionPayload {
  kind: SanctionKind;
  /**
   * A report reason's code (a decision without a note), `rule_breaks` (automatic), `shared_network` (it
   * reaches this person only through their network), or the moderator's own words; the page names the
   * codes in its language.
   */
  reason: string;
  /** When it ends (ISO 8601 in the configured zone); absent: for good. */
  until?: string;
  /** Present when this sanction was lifted (or ran out) and none of its kind is left in force: its kind ends. */
  lifted?: true;
}
/** A crisis line: a name, and a phone number or a web address. */
export interface Hotline {
  name: string;
  phone?: string;
  url?: string;
}
/**
 * `notice`: something the sender should know about their own message — it carried contact details
 * (`pii`), words of crisis (`crisis`, with hotlines), or a term the rules hide (`content`). `crisis` also
 * comes unasked, on every connection of a person a moderator offered support (a report's `support` decision).
 */
export interface NoticePayload {
  kind: 'crisis' | 'pii' | 'content';
  message: string;
  /** `crisis`: the lines for the sender's language (the one their connection began with). */
  hotlines?: Hotline[];
  /**
   * `crisis`: the lines of every language, so that a card already shown can follow a language switch (the
   * original's client and older pages read `hotlines` only).
   */
  hotlines_by_lang?: { 'zh-CN'?: Hotline[]; en?: Hotline[] };
}
/**
 * `receipt`: sent to each side when a chat ends (whatever ended it). The code opens that side's copy of
 * the conversation from any browser — download it, or erase one's own messages (`/my`).
 */
export interface ReceiptPayload {
  room_id: number;
  /** 28 characters of Crockford base32 in groups of four (`ABCD-EFGH-…`): 140 bits, unguessable. */
  code: string;
}
/** `partner_typing`: the partner started or stopped typing (a page hides it after a few seconds without news too). */
export interface PartnerTypingPayload {
  typing: boolean;
}
/**
 * `room_history`: after `matched {match_type: 'private'}`, the earlier messages of the conversations held
 * under the room's key (the latest ones, in order), a page per event. `room_id` is the chat going on.
 */
export interface RoomHistoryPayload {
  room_id: number;
  messages: ChatMessage[];
}
/**
 * `contact_key`: both people of a chat asked to stay in touch; the same key goes to both, and
 * `join_private {key}` reunites them later. It tells neither anything else about the other.
 */
export interface ContactKeyPayload {
  key: string;
  /**
   * The chat the key is filed with: the one both asked about, which may have ended — the person may be in
   * another chat by now, so a client credits the key to this one, not to the chat on screen or asked last.
   * Always sent; absent only when relayed by an instance of an earlier version (a rolling deploy).
   */
  room_id?: number;
}
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  /** With RATE_LIMITED and SERVER_BUSY: when trying again makes sense. */
  retry_after_ms?: number;
}

// ---- acknowledgements ----

export type AckOk<T extends object = object> = { ok: true } & T;
export type AckError = { ok: false } & ErrorPayload;
export type AckResponse<T extends object = object> = AckOk<T> | AckError;
export type Ack<T extends object = object> = (response: AckResponse<T>) => void;

export type JoinQueueResult =
  | ({ status: 'waiting'; waiting_count: number } & Pick<WaitingPayload, 'interests' | 'fallback_at'>)
  | ({ status: 'matched'; room_id: number } & Pick<MatchedPayload, 'match_type' | 'common_interests'>);
export type SendMessageResult = { message: ChatMessage };
export type LeaveRoomResult = { room_id: number | null };
export type ReportResult = { report_id: number };
export type BlockResult = { blocked: true };
export type AcceptRulesResult = { rules_version: string };
/** A new private room's key (16 characters in groups of four), to share; the creator now waits in it. */
export type CreatePrivateResult = { key: string };
export type JoinPrivateResult = { status: 'waiting' } | { status: 'matched'; room_id: number };

// ---- event maps (Socket.IO generics) ----

export interface ClientToServerEvents {
  join_queue: (payload?: JoinQueuePayload, ack?: Ack<JoinQueueResult>) => void;
  leave_queue: (payload?: Record<string, never>, ack?: Ack) => void;
  /** A waiting person with interests stops waiting for a shared one: matched with anyone from now on. */
  widen_search: (payload?: Record<string, never>, ack?: Ack<JoinQueueResult>) => void;
  send_message: (payload: SendMessagePayload, ack?: Ack<SendMessageResult>) => void;
  leave_room_event: (payload?: Record<string, never>, ack?: Ack<LeaveRoomResult>) => void;
  report: (payload: ReportPayload, ack?: Ack<ReportResult>) => void;
  block: (payload?: BlockPayload, ack?: Ack<BlockResult>) => void;
  accept_rules: (payload: AcceptRulesPayload, ack?: Ack<AcceptRulesResult>) => void;
  create_private: (payload?: Record<string, never>, ack?: Ack<CreatePrivateResult>) => void;
  join_private: (payload: JoinPrivatePayload, ack?: Ack<JoinPrivateResult>) => void;
  keep_in_touch: (payload?: KeepInTouchPayload, ack?: Ack) => void;
  typing: (payload: TypingPayload, ack?: Ack) => void;
  /**
   * The page is going away (a tab closed, a reload, a link followed): sent just before the connection closes
   * by a client that connected with `leave_notice`. Only then is a clean close the short close grace.
   */
  leaving: (payload?: Record<string, never>, ack?: Ack) => void;
}

export interface ServerToClientEvents {
  session: (payload: SessionPayload) => void;
  waiting: (payload: WaitingPayload) => void;
  matched: (payload: MatchedPayload) => void;
  new_message: (payload: ChatMessage) => void;
  left_room: (payload: LeftRoomPayload) => void;
  partner_left: (payload: PartnerLeftPayload) => void;
  partner_disconnected: (payload: PartnerDisconnectedPayload) => void;
  partner_reconnected: (payload: PartnerReconnectedPayload) => void;
  server_shutdown: (payload: ServerShutdownPayload) => void;
  sanction: (payload: SanctionPayload) => void;
  notice: (payload: NoticePayload) => void;
  room_history: (payload: RoomHistoryPayload) => void;
  contact_key: (payload: ContactKeyPayload) => void;
  receipt: (payload: ReceiptPayload) => void;
  partner_typing: (payload: PartnerTypingPayload) => void;
  error: (payload: ErrorPayload) => void;
}

/** Per-connection data the server keeps on `socket.data`. */
export interface SocketData {
  userId: string;
  lang: 'zh-CN' | 'en';
  /** Client address (behind trusted proxies, the forwarded one). Never logged. */
  address: string;
  /** From the handshake: last message the client has, for replay on resume. */
  lastMessageId: number | undefined;
  /** From the handshake: take over this identity's activity from an older connection of the same page. */
  resume: boolean;
  /** From the handshake (`resume_room`): the chat `resume` is about, if the page named one. */
  resumeRoom?: number;
  /** From the handshake (`echo_in_ack`): an acked message's sender gets no `new_message` copy. */
  echoInAck?: boolean;
  /** From the handshake (`leave_notice`): this client says `leaving` before it closes on purpose. */
  leaveNotice?: boolean;
  /** The client said `leaving`: its connection's end, however it comes, is a page that went away. */
  leaving?: boolean;
  /** While the new connection looks up (and maybe takes over) its activity: events wait for it. */
  ready?: Promise<void>;
  /** The identity came from the cookie (so no bearer token is sent to this client). */
  cookieIdentity: boolean;
  /** Refused events (invalid, over a limit) in the current window: too many closes the connection. */
  refusals?: { count: number; sinceMs: number };
  /** `typing` events this connection may still send (a token bucket, refilled with time): src/realtime/typing-relay.ts. */
  typingBudget?: { tokens: number; atMs: number };
}

/** Handshake `auth` fields a client may send. All optional; unknown fields are ignored. */
export const handshakeAuth = z.object({
  token: z.string().max(200).optional(),
  lang: z.string().max(10).optional(),
  /** Id of the last message this client has shown: a resumed chat replays everything after it. */
  last_message_id: z.number().int().nonnegative().optional(),
  /**
   * This connection continues the same page's previous one (a reload, a network switch): it takes over
   * the identity's chat or wait even if the server has not yet noticed the old connection is gone.
   * Without it, an activity held by a connection that looks alive belongs to another tab.
   */
  resume: z.boolean().optional(),
  /**
   * With `resume`, the chat the page holds: only that chat is taken over from a connection that looks
   * alive (a tab left behind, whose chat ended, does not take the identity's new chat from the tab it is
   * in; it is told `status: 'chatting'` as any other tab). A wait, or a chat of a connection already lost,
   * is taken over as before.
   */
  resume_room: z.number().int().positive().optional(),
  /**
   * A solved bot challenge (from `GET /api/challenge`): the ALTCHA widget's payload, base64 JSON. Needed
   * when a connection or a join was refused with CHALLENGE_REQUIRED; each solution is accepted once.
   */
  altcha: z.string().max(4_000).optional(),
  /**
   * The sender's own message comes back in `send_message`'s ack only, not also as `new_message`: one frame
   * less per message for a client that renders its own messages from the ack (our page does). A message
   * sent without an ack callback is still echoed. Without it, every sender hears its message as
   * `new_message` (the original client renders only what comes back).
   */
  echo_in_ack: z.boolean().optional(),
  /**
   * This client says `leaving` when its page goes away (a tab closed, a reload). A clean close without it is
   * then taken for what it is — a network change (Wi-Fi to mobile, an offline switch) that closed the
   * socket — and keeps the whole reconnect grace, not the short close grace. Without it, every clean close
   * is taken for a closed tab (the original client never says it is going).
   */
  leave_notice: z.boolean().optional(),
});
export type HandshakeAuth = z.infer<typeof handshakeAuth>;

/** `GET /api/my/chats`: one chat of the identity. */
export interface MyChat {
  room_id: number;
  code: string;
  started_at: string;
  ended_at: string;
  end_reason: string | null;
  message_count: number;
}
