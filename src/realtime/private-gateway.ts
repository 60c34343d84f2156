/**
 * The private rooms' events on the socket: `create_private`, `join_private`, `keep_in_touch`, each through
 * the one validating wrapper and behind the same door as `join_queue` (bans, the rules gate, the bot
 * challenge, join limits) — plus a limit on key attempts per client network, so keys cannot be guessed.
 * In a cluster, the instances ask each other to send a private room's history to the connections they hold.
 */
import type { Server } from 'socket.io';
import type { Caller } from '../chat/caller.js';
import type { BotChallenge } from '../door/bot-challenge.js';
import type { RulesGate } from '../door/rules.js';
import type { Config } from '../config/config.js';
import { AppError, ErrorCode } from '../errors.js';
import type { ModerationService } from '../moderation/moderation-service.js';
import type { KeepInTouch } from '../private/keep-in-touch.js';
import type { HistoryRequest, PrivateHistory } from '../private/private-history.js';
import type { PrivateRooms } from '../private/private-rooms.js';
import type { RateLimiter, RateRule } from '../ratelimit/rate-limiter.js';
import { emptyPayload, joinPrivatePayload, keepInTouchPayload } from '../shared/protocol.js';
import { actorOf, type FloodControl } from './flood-control.js';
import { passDoor } from './door.js';
import { eventListener, type ClientEvent, type SocketListener } from './handler.js';
import type { ChatServer, ChatSocket } from './types.js';

/** The server-side event instances send each other: "send this history to that connection of yours". */
const HISTORY_EVENT = 'private_history';

export interface PrivateGatewayDeps {
  rooms: PrivateRooms;
  keepInTouch: KeepInTouch;
  moderation: Pick<ModerationService, 'assertMayJoin' | 'assertNotBanned'>;
  rules: Pick<RulesGate, 'assertAccepted'>;
  /**
   * The bot challenge: checked as on `join_queue`, told of addresses over the key-attempt limit, and asked
   * whether an identity solved it (key attempts past the network's budget).
   */
  challenge: Pick<BotChallenge, 'mode' | 'checkJoin' | 'refused' | 'hasSolved'>;
  flood: FloodControl;
  limiter: RateLimiter;
  /** `join_private` attempts one identity, and one client network, may make per minute. */
  keyAttempts: Pick<Config['privateRooms'], 'keyAttemptsPerMin' | 'keyAttemptsPerAddressPerMin'>;
}

const emptyArgs = emptyPayload.nullable();
const keepInTouchArgs = keepInTouchPayload.nullable();

/** The listeners of the private rooms' events, built once per server (see handler.ts). */
export function privateRoomListeners(context: Parameters<typeof eventListener>[0], deps: PrivateGatewayDeps): Array<[ClientEvent, SocketListener]> {
  const { rooms, keepInTouch, moderation, rules, challenge, flood } = deps;
  const perMinute = (n: number): RateRule => ({ capacity: n, perSecond: n / 60 });
  const identityRule = perMinute(deps.keyAttempts.keyAttemptsPerMin);
  const addressRule = perMinute(deps.keyAttempts.keyAttemptsPerAddressPerMin);

  const doorDeps = { moderation, rules, challenge, flood };

  return [
    [
      'create_private',
      eventListener(context, 'create_private', emptyArgs, async (socket) => {
        await passDoor(doorDeps, socket);
        return rooms.create(callerOf(socket));
      }),
    ],
    [
      'join_private',
      eventListener(context, 'join_private', joinPrivatePayload, async (socket, payload) => {
        await passDoor(doorDeps, socket);
        // Every attempt counts, found or not: a guesser cannot tell which ones would have been "free". The
        // identity's budget first, so a guesser spends its own and leaves its network's to the others there.
        const own = await deps.limiter.take(`pk:i:${socket.data.userId}`, identityRule);
        if (!own.allowed) throw new AppError(ErrorCode.RATE_LIMITED, { retryAfterMs: own.retryAfterMs });
        const network = await deps.limiter.take(`pk:a:${socket.data.address}`, addressRule);
        // Past the network's budget, an identity that solved the bot check lately goes on (within its own
        // budget); any other is asked to solve one. A person behind a busy carrier address solves it once and
        // enters their key; a guesser pays a proof of work for every identity it mints. With the challenge
        // off, a wait. Only a refused attempt counts towards the address's suspicion (a whole network over its
        // budget with identities that did not solve looks like a bot); one let through does not.
        if (!network.allowed && (challenge.mode === 'off' || !(await challenge.hasSolved(socket.data.userId)))) {
          await challenge.refused(socket.data.address);
          if (challenge.mode === 'off') throw new AppError(ErrorCode.RATE_LIMITED, { retryAfterMs: network.retryAfterMs });
          throw new AppError(ErrorCode.CHALLENGE_REQUIRED);
        }
        return rooms.join(callerOf(socket), payload.key);
      }),
    ],
    [
      'keep_in_touch',
      eventListener(context, 'keep_in_touch', keepInTouchArgs, async (socket, payload) => {
        moderation.assertNotBanned(socket.data.userId, socket.data.address);
        await flood.checkReport(actorOf(socket));
        return keepInTouch.ask(callerOf(socket), payload?.room_id);
      }),
    ],
  ];
}

/**
 * Cluster mode: a history for a connection held by another instance is sent by that instance (only it
 * can see whether the connection keeps up). Given this instance's history, listens for the others' asks
 * and returns how this instance asks them.
 */
export function historyRelay(io: ChatServer): (history: PrivateHistory) => (request: HistoryRequest) => void {
  // Inter-server events are untyped in ChatServer (the adapter's own traffic is none of the protocol's).
  const server = io as unknown as Server;
  return (history) => {
    server.on(HISTORY_EVENT, (request: HistoryRequest) => void history.sendHere(request));
    return (request) => server.serverSideEmit(HISTORY_EVENT, request);
  };
}

const CONTACT_KEY_EVENT = 'contact_key_relay';

interface ContactKeyDelivery {
  userId: string;
  exceptSocketId: string;
  key: string;
  /** The chat the key is filed with (absent when relayed by an instance of an earlier version). */
  roomId?: number;
}

/**
 * Gives a contact key to an identity's connections other than `exceptSocketId`, on this instance and (in
 * cluster mode) the others: the person asked on a connection that is gone and came back on a new one (a
 * reload, a reconnect) where nothing of the chat is held, so no record points at it. A scan of this
 * instance's connections, for an event that is rare (one key per pair that both ask), rather than an index
 * of connections by identity that every idle connection would pay for.
 */
export function contactKeyRelay(io: ChatServer, cluster: boolean): (userId: string, exceptSocketId: string, key: string, roomId: number) => void {
  const here = ({ userId, exceptSocketId, key, roomId }: ContactKeyDelivery): void => {
    const payload = typeof roomId === 'number' ? { key, room_id: roomId } : { key };
    for (const socket of io.of('/').sockets.values()) {
      if (socket.data.userId === userId && socket.id !== exceptSocketId) socket.emit('contact_key', payload);
    }
  };
  // Inter-server events are untyped in ChatServer, as for the history relay above.
  const server = io as unknown as Server;
  if (cluster) server.on(CONTACT_KEY_EVENT, here);
  // `roomId` is optional only because the callback's type in build-private-rooms.ts has no room yet; KeepInTouch always gives it.
  return (userId, exceptSocketId, key, roomId) => {
    const delivery: ContactKeyDelivery = roomId === undefined ? { userId, exceptSocketId, key } : { userId, exceptSocketId, key, roomId };
    here(delivery);
    if (cluster) server.serverSideEmit(CONTACT_KEY_EVENT, delivery);
  };
}

function callerOf(socket: ChatSocket): Caller {
  return { userId: socket.data.userId, socketId: socket.id, lang: socket.data.lang, networkHash: socket.data.address };
}

