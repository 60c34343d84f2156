/**
 * Connects sockets to the chat: the handshake checks, one validated handler per client event (with flood
 * control), resume after a lost connection, and the chat told when a connection goes away.
 */
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { Caller, ChatService, ConnectionEnd } from '../chat/chat-service.js';
import type { ClaimGate } from '../chat/claim-gate.js';
import { ErrorCode, isAppError } from '../errors.js';
import type { AppEvents } from '../metrics/app-events.js';
import type { IdentitySigner } from '../identity.js';
import { errorText } from '../shared/codes.js';
import { normalizeInterests } from '../shared/interests.js';
import type { BotChallenge } from '../door/bot-challenge.js';
import { challengeMiddleware } from '../door/challenge-handshake.js';
import type { ModerationService } from '../moderation/moderation-service.js';
import type { RulesGate } from '../door/rules.js';
import { acceptRulesPayload, blockPayload, emptyPayload, joinQueuePayload, reportPayload, sendMessagePayload, typingPayload } from '../shared/protocol.js';
import type { Clock } from '../clock.js';
import { sanctionPayload } from './sanction-enforcement.js';
import type { ConnectionLimits } from './connection-limits.js';
import { actorOf, type FloodControl } from './flood-control.js';
import { passDoor } from './door.js';
import { clientEventRouter, eventListener, socketLogger, type ClientEvent, type SocketListener } from './handler.js';
import { privateRoomListeners, type PrivateGatewayDeps } from './private-gateway.js';
import { connectionLimitMiddleware, identityMiddleware, oneSocketPerConnection } from './handshake.js';
import { SocketNotifier } from './socket-notifier.js';
import { quietly, TypingRelay } from './typing-relay.js';
import type { ChatServer, ChatSocket } from './types.js';

export interface GatewayDeps {
  chat: ChatService;
  /** Claims of a wait under way per connection: a disconnect is handled after its own have settled. */
  claims: Pick<ClaimGate, 'settled'>;
  moderation: ModerationService;
  rules: RulesGate;
  /** The bot challenge: checked at the handshake and on `join_queue`. */
  challenge: BotChallenge;
  timezone: string;
  /** REPORT_WINDOW_MS, told in every `session`. */
  reportWindowMs: number;
  signer: IdentitySigner;
  flood: FloodControl;
  connectionLimits: ConnectionLimits;
  addressOf: (req: IncomingMessage) => string;
  logger: Logger;
  /** Private rooms and staying in touch: `create_private`, `join_private`, `keep_in_touch`. */
  privateRooms: PrivateGatewayDeps;
  /** Time for the per-connection budgets (typing). */
  clock: Clock;
  /** Where every answer is counted (metrics). */
  events: Pick<AppEvents, 'answered'>;
}

/**
 * What a disconnect means for the activity: the client chose to go; the page went away (a tab closed or
 * reloaded — a reload comes back within a second or two); anything else (ping timeout, transport error, a
 * connection the server dropped) is a lost connection.
 *
 * A page went away when it said so (`leaving`). A client that never says it (connected without
 * `leave_notice`, as the original's) is taken to have gone on any clean close of its transport. For one
 * that does, a clean close without it is a network change that closed the socket (Wi-Fi to mobile, the
 * browser going offline), which is back as soon as the network is, and keeps the whole reconnect grace.
 */
function connectionEnd(reason: string, data: Pick<ChatSocket['data'], 'leaving' | 'leaveNotice'>): ConnectionEnd {
  if (reason === 'client namespace disconnect' || reason === 'server namespace disconnect') return 'deliberate';
  if (data.leaving === true) return 'closed';
  return reason === 'transport close' && data.leaveNotice !== true ? 'closed' : 'lost';
}

/** `leaving`: the page is going away; its connection's end, which follows, is taken for that. */
function markLeaving(socket: ChatSocket): void {
  socket.data.leaving = true;
}

/** Payload schemas, built once: a zod schema per connection would cost memory on every idle socket. */
const joinQueueArgs = joinQueuePayload.nullable();
const blockArgs = blockPayload.nullable();
const emptyArgs = emptyPayload.nullable();

export function attachChatGateway(io: ChatServer, deps: GatewayDeps): void {
  const { chat, flood, signer, logger, moderation } = deps;
  const context = { logger, events: deps.events };
  // Handshake middleware only reads (who, from where, within limits); state changes once the connection exists.
  io.use(oneSocketPerConnection());
  io.use(identityMiddleware(signer, deps.addressOf, flood));
  io.use(challengeMiddleware(deps.challenge));
  io.use(connectionLimitMiddleware(deps.connectionLimits));

  const door = { moderation, rules: deps.rules, challenge: deps.challenge, flood };
  const typing = new TypingRelay(new SocketNotifier(io), deps.clock);
  // One listener per event for the whole server, called with the socket as `this` (through the router).
  const listeners: Array<[ClientEvent, SocketListener]> = [
    [
      'join_queue',
      eventListener(context, 'join_queue', joinQueueArgs, async (socket, payload) => {
        await passDoor(door, socket);
        return chat.joinQueue({ ...callerOf(socket), networkHash: socket.data.address }, normalizeInterests(payload?.interests ?? []));
      }),
    ],
    ['leave_queue', eventListener(context, 'leave_queue', emptyArgs, (socket) => chat.leaveQueue(callerOf(socket)))],
    ['widen_search', eventListener(context, 'widen_search', emptyArgs, (socket) => chat.widenSearch(callerOf(socket)))],
    [
      'send_message',
      eventListener(context, 'send_message', sendMessagePayload, async (socket, payload, acked) => {
        try {
          moderation.assertMaySend(socket.data.userId, socket.data.address);
        } catch (refusal) {
          // Crisis help is for the person, whatever becomes of the message: a muted or banned one too.
          chat.offerCrisisHelp(callerOf(socket), payload.content);
          throw refusal;
        }
        // The flood check runs alongside the sender's activity read: in cluster mode both go to Redis
        // together, one round trip instead of two. A refused message is still never stored.
        // With `echo_in_ack`, the ack is the sender's copy: no `new_message` back to this connection.
        const echo = !(acked && socket.data.echoInAck === true);
        return chat.sendMessage(callerOf(socket), payload, flood.checkMessage(actorOf(socket)), { echo });
      }),
    ],
    ['leave_room_event', eventListener(context, 'leave_room_event', emptyArgs, (socket) => chat.leaveRoom(callerOf(socket)))],
    [
      'accept_rules',
      eventListener(context, 'accept_rules', acceptRulesPayload, async (socket, payload) => {
        await flood.checkAcceptRules(actorOf(socket));
        await deps.rules.accept(socket.data.userId, payload.rules_version);
        return { rules_version: payload.rules_version };
      }),
    ],
    [
      'report',
      eventListener(context, 'report', reportPayload, async (socket, payload) => {
        await flood.checkReport(actorOf(socket));
        const report = await moderation.report(socket.data.userId, payload);
        return { report_id: report.id };
      }),
    ],
    [
      'block',
      eventListener(context, 'block', blockArgs, async (socket, payload) => {
        await flood.checkReport(actorOf(socket));
        const { blockedId } = await moderation.block(socket.data.userId, payload?.room_id);
        // Blocking during the chat ends it (or a chat with them begun meanwhile); the partner sees an ordinary goodbye.
        // The block is stored and held: a registry out of reach does not make it fail.
        await chat.endChatWith(socket.data.userId, blockedId).catch((err: unknown) => socketLogger(logger, socket).warn({ err }, 'a block could not end the chat'));
        return { blocked: true as const };
      }),
    ],
    // "Stranger is typing": to the partner the server knows, never stored; refusals without an ack are dropped.
    ['typing', quietly(eventListener(context, 'typing', typingPayload, async (socket, payload) => typing.relay(socket, payload)))],
    ...privateRoomListeners(context, deps.privateRooms),
  ];
  const route = clientEventRouter(listeners, [['leaving', markLeaving]]);
  function onDisconnect(this: ChatSocket, reason: string): void {
    const socket = this;
    const end = connectionEnd(reason, socket.data);
    // After the connection's own start (a takeover in progress) and any wait it was claiming have settled:
    // what it claimed is ended, or kept for the grace period, like anything else it held.
    void (socket.data.ready ?? Promise.resolve())
      .then(() => deps.claims.settled(socket.id))
      .then(() => chat.disconnect(callerOf(socket), end))
      .catch((err: unknown) => socketLogger(logger, socket).error({ err, reason }, 'disconnect handling failed'));
  }

  io.on('connection', (socket) => {
    socket.onAny(route);
    socket.on('disconnect', onDisconnect);
    releaseHandshakeRequest(socket);
    // Events and the disconnect wait for this: the connection first learns whether it takes over a chat or wait.
    socket.data.ready = start(socket);
  });

  /** An offer of support made while the person had no connection open: shown now, on this one (support-offers.ts). */
  async function showKeptSupport(socket: ChatSocket): Promise<void> {
    const offer = await moderation.support.take(socket.data.userId).catch((err: unknown) => {
      socketLogger(logger, socket).warn({ err }, 'an offer of support kept for this person could not be taken');
      return undefined;
    });
    if (!offer) return;
    if (socket.connected) return void socket.emit('notice', offer.notice(socket.data.lang));
    // Gone while it was taken: an emit would be dropped, and the offer must not count as shown.
    await moderation.support.putBack(offer).catch((err: unknown) => socketLogger(logger, socket).warn({ err }, 'an offer of support could not be put back'));
  }

  async function start(socket: ChatSocket): Promise<void> {
    const caller = callerOf(socket);
    let attached = await chat.attach(caller, { takeOver: socket.data.resume, roomId: socket.data.resumeRoom }).catch((err: unknown) => {
      // The registry is unreachable (Redis down): connected anyway; nothing can be resumed right now.
      socketLogger(logger, socket).warn({ err }, 'could not look up the identity’s activity');
      return { status: 'idle' as const, resumed: undefined };
    });
    socket.data.ready = undefined;
    // Gone while it was being set up: its disconnect (which waited for this) hands the activity to the grace period.
    if (!socket.connected) return;
    const rulesRequired = await deps.rules.requirementFor(caller.userId).catch(() => undefined);
    if (!socket.connected) return;
    // What was taken over may have moved on since: ended (the partner left; the goodbye came to this
    // connection) — the session says idle — or a wait matched (`matched` came already) — it says chatting.
    // Either way nothing is resumed.
    if (attached.resumed) {
      const now = await chat.statusAfterTakeOver(caller, attached.resumed).catch(() => ({ status: attached.status, resume: true }));
      if (!now.resume) attached = { status: now.status, resumed: undefined };
    }
    if (!socket.connected) return;
    const sanction = moderation.sanctionOf(caller.userId, socket.data.address);
    // Banned while away — by network, say: no connection of theirs was there to be told, and the chat or
    // wait kept for their grace period was nobody's to end. What was taken over ends now, as the ban would
    // have ended it (the partner sees an ordinary goodbye); it is not resumed.
    // Muted while away: a wait taken over ends now, as the mute would have ended it; a chat goes on.
    const evicted = attached.resumed !== undefined && (sanction?.kind === 'banned' || (sanction?.kind === 'muted' && attached.resumed.activity.kind === 'waiting'));
    // What is in force, one of each kind: in the session (the page replaces what it shows, at once) and as events.
    const inForce = moderation.sanctionsOf(caller.userId, socket.data.address).map((s) => sanctionPayload(s, deps.timezone, caller.userId));
    socket.emit('session', {
      user_id: caller.userId,
      status: evicted ? 'idle' : attached.status,
      ...(rulesRequired ? { rules_required: rulesRequired } : {}),
      ...(socket.data.cookieIdentity ? {} : { token: signer.issueToken(caller.userId, Date.now()) }),
      ...(inForce.length > 0 ? { sanctions: inForce } : {}),
      report_window_ms: deps.reportWindowMs,
    });
    for (const payload of inForce) socket.emit('sanction', payload);
    void showKeptSupport(socket);
    if (evicted) {
      const queuedAs = attached.resumed?.takenFrom;
      const ending = sanction?.kind === 'banned' ? chat.evict(caller.userId, 'banned', queuedAs) : chat.endWait(caller.userId, queuedAs);
      await ending.catch((err: unknown) => socketLogger(logger, socket).warn({ err }, 'ending a sanctioned person’s chat or wait failed'));
      return;
    }
    if (!attached.resumed) return;
    const replay = attached.resumed.activity.kind === 'chatting' ? await mayReplay(socket) : false;
    chat.completeResume(caller, attached.resumed, socket.data.lastMessageId, { replay }).catch((err: unknown) => {
      socketLogger(logger, socket).error({ err }, 'resuming failed');
      const code = isAppError(err) ? err.code : ErrorCode.INTERNAL_ERROR;
      socket.emit('error', { code, message: errorText[socket.data.lang][code] });
    });
  }

  /** Replays are limited per identity and address: each may read a whole conversation. Over it, the client is told. */
  async function mayReplay(socket: ChatSocket): Promise<boolean> {
    try {
      await flood.checkResume(actorOf(socket));
      return true;
    } catch (err) {
      const retryAfterMs = isAppError(err) ? err.retryAfterMs : undefined;
      socket.emit('error', { code: ErrorCode.RATE_LIMITED, message: errorText[socket.data.lang].RATE_LIMITED, ...(retryAfterMs === undefined ? {} : { retry_after_ms: retryAfterMs }) });
      return false;
    }
  }
}

export function callerOf(socket: ChatSocket): Caller {
  return { userId: socket.data.userId, socketId: socket.id, lang: socket.data.lang };
}


/** What is left of a connection's handshake headers, auth and query once read. */
const NOTHING: Record<string, never> = Object.freeze({});

/**
 * The handshake's HTTP request, headers and auth were read by the middleware (address, cookie, language,
 * identity, challenge);
 * an idle connection holding them for its whole life costs memory (Socket.IO's own advice for many
 * connections). engine.io keeps the request reachable from the TCP socket until it closes, so its
 * headers are emptied as well as the references dropped.
 */
function releaseHandshakeRequest(socket: ChatSocket): void {
  const conn = socket.conn as unknown as { request: { headers: unknown; rawHeaders: unknown } | null };
  if (conn.request) {
    conn.request.headers = NOTHING;
    conn.request.rawHeaders = [];
    conn.request = null;
  }
  // One frozen empty object for all three, on every connection: an empty object each is 56 bytes.
  socket.handshake.headers = NOTHING;
  // Read by the middleware only (identity token, language, resume, a solved challenge of up to 4 KB):
  // what the connection needs of it is in `socket.data` by now.
  socket.handshake.auth = NOTHING;
  // Read by nobody here (the app reads `auth` and `headers`): a few hundred bytes per idle connection.
  socket.handshake.query = NOTHING;
  socket.handshake.url = '';
  socket.handshake.time = '';
}
