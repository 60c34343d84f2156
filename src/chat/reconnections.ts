/**
 * Connections that end and come back: a lost or closed connection keeps its chat or place in the queue
 * for a grace period (the partner is told); a new connection of the same identity takes it over and gets
 * what it missed; a grace period that runs out ends it. In cluster mode also the people of an instance
 * that died (adopted) and, for an instance that was only stalled, taken back.
 */
import type { AppEvents } from '../metrics/app-events.js';
import { ErrorCode } from '../errors.js';
import { errorText, eventText } from '../shared/codes.js';
import type { SessionStatus } from '../shared/protocol.js';
import type { ActivityEnder } from './activity-ender.js';
import type { ChatServiceDeps } from './chat-service.js';
import { MAX_CAS_ATTEMPTS, ownActivity, stateOf, type Activity } from './activity-registry.js';
import type { Caller } from './caller.js';
import { REPLAY_PAGE, type DeliveryGate } from './delivery-gate.js';
import type { GraceTimers, LostConnection } from './grace-timers.js';
import type { Matchmaker } from './matchmaker.js';
import { toWireMessage } from './message-rules.js';

/**
 * How a connection ended: `deliberate` (the client disconnected on purpose) ends its activity at once;
 * `closed` (the transport closed cleanly: a tab closed or reloaded) keeps it for the short close grace,
 * long enough for a reload to come back; `lost` (ping timeout, transport error) keeps it for the whole
 * reconnect grace period.
 */
export type ConnectionEnd = 'deliberate' | 'closed' | 'lost';

/** An activity taken over by a new connection, with where its replay starts when the client names nothing. */
export interface Resumed {
  activity: Activity;
  resumeAfterId: number | undefined;
  /** The connection that held it before: a wait's queue entry still names it until the resume queues it again. */
  takenFrom?: string;
}

/** What `Reconnections` works with: the chat's seams and settings (as ChatServiceDeps documents them), and parts ChatService owns. */
export type ReconnectionDeps = Pick<
  ChatServiceDeps,
  'registry' | 'queue' | 'repository' | 'notifier' | 'clock' | 'logger' | 'timezone' | 'reconnectGraceMs' | 'closeGraceMs' | 'instanceId' | 'instanceLiveness' | 'privateWaits'
> & {
  /** One timer per detached activity; when it fires, `expire` ends it. */
  grace: GraceTimers;
  /** Orders a replay before live messages for a returning connection. */
  gate: DeliveryGate;
  /** A resumed wait goes back through it (and may be matched at once). */
  matchmaker: Matchmaker;
  ender: ActivityEnder;
  events: Pick<AppEvents, 'resumed'>;
};

function holds(now: Activity | undefined, caller: Caller, activity: Activity): boolean {
  if (!now || now.kind !== activity.kind || now.socketId !== caller.socketId || now.detached) return false;
  return now.kind !== 'chatting' || (activity.kind === 'chatting' && now.roomId === activity.roomId);
}

export class Reconnections {
  constructor(private readonly deps: ReconnectionDeps) {}

  /** A connection ended. Lost or closed connections keep their chat or place in the queue for a while. */
  async disconnect(caller: Caller, end: ConnectionEnd): Promise<void> {
    const { reconnectGraceMs, closeGraceMs, logger } = this.deps;
    const graceMs = end === 'deliberate' ? 0 : end === 'closed' ? Math.min(closeGraceMs, reconnectGraceMs) : reconnectGraceMs;
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = await ownActivity(this.deps.registry, caller);
      if (!current) return; // another tab (or a newer connection of this page) owns the activity, if any
      // A deliberate disconnect is the person's own choice: a quick one counts as a skip, as a leave does.
      const settled = graceMs > 0 ? await this.detach(caller, current, graceMs) : await this.deps.ender.endActivity(caller.userId, current, 'disconnected', end === 'deliberate');
      if (settled) return;
    }
    logger.warn({ userId: caller.userId }, 'a closed connection’s activity kept changing; left to its grace timer');
  }

  /**
   * Status of an identity for a connection that has just opened, taking over its activity if its
   * connection was lost, is gone without a goodbye (its instance died), or — with `takeOver`, the same
   * page coming back — is still considered open. An activity held by another open connection belongs to
   * another tab. Called once the connection exists (never from handshake middleware), so a connection
   * that fails during its handshake cannot take anything over.
   */
  async attach(caller: Caller, options: { takeOver?: boolean; roomId?: number } = {}): Promise<{ status: SessionStatus; resumed?: Resumed }> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = await this.deps.registry.get(caller.userId);
      if (!current) return { status: 'idle' };
      // `takeOver` names the page's chat (`roomId`) when it had one: another chat of the identity is not
      // this page's to take (a tab left behind whose chat ended), however the page remembers it.
      const mine = options.takeOver === true && !(current.kind === 'chatting' && options.roomId !== undefined && current.roomId !== options.roomId);
      const replacing = !current.detached && !mine;
      if (replacing && (await this.holderConnected(current))) return { status: current.kind };
      const taken = await this.deps.registry.transition(
        caller.userId,
        { rev: current.rev },
        { ...stateOf(current), socketId: caller.socketId, lang: caller.lang, detached: undefined, instanceId: this.deps.instanceId },
      );
      if (!taken) continue;
      this.deps.grace.cancel(caller.userId);
      if (!current.detached) {
        // The old connection may still be open (a reload the server has not seen close yet): retire it —
        // told why, so a page still alive there (a duplicated tab's original) lets go instead of taking
        // the chat back with its own resume, and the two tabs pulling it back and forth for ever.
        if (current.kind === 'chatting') this.deps.notifier.leaveConversation(current.socketId, current.roomId);
        this.deps.notifier.toSocket(current.socketId, 'error', { code: ErrorCode.CONTINUED_ELSEWHERE, message: errorText[current.lang].CONTINUED_ELSEWHERE });
        this.deps.notifier.disconnect(current.socketId);
      }
      return { status: current.kind, resumed: { activity: taken, resumeAfterId: current.detached?.resumeAfterId, takenFrom: current.socketId } };
    }
    return { status: 'idle' };
  }

  /**
   * After `attach` took an activity over: a wait goes back to its place in the queue (and may be matched
   * at once); a chat is announced with `matched {resumed}`, the messages it missed are replayed — after
   * `lastSeenId` when the client names one, unless `replay` is off (over the replay limit) — and the
   * partner is told.
   */
  async completeResume(caller: Caller, resumed: Resumed, lastSeenId: number | undefined, options: { replay: boolean } = { replay: true }): Promise<void> {
    const { notifier, repository, timezone, logger } = this.deps;
    const activity = resumed.activity;
    this.deps.events.resumed(activity.kind);
    if (activity.kind === 'waiting') {
      if (activity.privateKey !== undefined && this.deps.privateWaits) await this.deps.privateWaits.resume(caller, activity);
      else await this.deps.matchmaker.match(caller, activity);
      return;
    }
    // The chat may have ended since it was taken over (the partner left, a ban; the goodbye went to this
    // connection): announced only if it is still this connection's — nothing awaited between check and send.
    if (!(await this.stillHolds(caller, activity))) return;
    notifier.toSocket(caller.socketId, 'matched', { room_id: activity.roomId, resumed: true, ...(activity.privateKey === undefined ? {} : { match_type: 'private' as const }) });
    if (!options.replay) {
      // Over the replay limit: back in the conversation, without what it missed meanwhile.
      notifier.joinConversation(caller.socketId, activity.roomId);
      if (!(await this.stillHolds(caller, activity))) notifier.leaveConversation(caller.socketId, activity.roomId);
      return;
    }
    const afterId = lastSeenId ?? resumed.resumeAfterId ?? 0;
    const replay = await this.deps.gate
      .replay(activity.roomId, caller.socketId, afterId, async (after) =>
        (await repository.listMessages(activity.roomId, { afterId: after, limit: REPLAY_PAGE })).map((m) => toWireMessage(m, timezone)),
      )
      .catch((err: unknown) => {
        // The conversation could not be read (database down): the client reconnects and resumes again.
        logger.warn({ err, roomId: activity.roomId }, 'replay failed: connection dropped so that it resumes again');
        notifier.dropConnection(caller.socketId);
        return undefined;
      });
    if (replay?.status === 'stalled') notifier.dropConnection(caller.socketId);
    if (replay?.status !== 'done') return;
    // Ended while it replayed: out of the conversation it joined (its goodbye came), and nobody to tell.
    if (!(await this.stillHolds(caller, activity))) {
      notifier.leaveConversation(caller.socketId, activity.roomId);
      return;
    }
    logger.debug({ roomId: activity.roomId, replayed: replay.replayed }, 'chat resumed');
    // A page that asks for everything (`last_message_id: 0`: reloaded, it has nothing) lost a private room's
    // earlier conversation with the rest. Not on a fallback to 0 (a take-back after a stall has it all).
    if (lastSeenId === 0 && activity.privateKey !== undefined) this.deps.privateWaits?.resumedFromStart(caller.socketId, activity.privateKey, activity.roomId);
    const partner = await this.deps.registry.get(activity.partnerId);
    if (partner?.kind === 'chatting' && partner.roomId === activity.roomId && !partner.detached) {
      notifier.toSocket(partner.socketId, 'partner_reconnected', { message: eventText[partner.lang].partnerReconnected });
    }
  }

  /**
   * Takes over the people of an instance that died (cluster mode): their connections are gone, so they
   * get what was left of their grace period (or the whole of it), counted by this instance.
   */
  async adopt(userId: string, activity: Activity): Promise<void> {
    const dead = activity.instanceId;
    let current: Activity | undefined = activity;
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const caller: Caller = { userId, socketId: current.socketId, lang: current.lang };
      const untilMs = current.detached?.untilMs ?? this.deps.clock.now().getTime() + this.deps.reconnectGraceMs;
      if (await this.detach(caller, current, Math.max(0, untilMs - this.deps.clock.now().getTime()))) return;
      // Changed since it was read — a match made with them meanwhile on another instance, say — but still
      // the dead instance's: adopted as it is now. Before, it was left so for good, in a silent chat.
      current = await this.deps.registry.get(userId);
      if (current === undefined || current.instanceId !== dead) return;
    }
    // Kept changing: the adoption fails, and the dead instance stays listed for a later one (cluster-presence.ts).
    throw new Error('a dead instance’s person kept changing while being adopted');
  }

  /**
   * Takes back, for a connection still open here, an activity another instance adopted while this one
   * was stalled (taken for dead): a wait goes back to its place, a chat goes on (what the partner sent
   * meanwhile replayed, the partner told). Nothing if the activity moved on (ended, or another connection).
   */
  async reclaim(caller: Caller): Promise<void> {
    const current = await this.deps.registry.get(caller.userId);
    if (!current?.detached || current.socketId !== caller.socketId || current.instanceId === this.deps.instanceId) return;
    const taken = await this.deps.registry.transition(caller.userId, { rev: current.rev }, { ...stateOf(current), detached: undefined, instanceId: this.deps.instanceId });
    if (!taken) return;
    this.deps.logger.info({ userId: caller.userId, kind: taken.kind }, 'took back an activity adopted while this instance stalled');
    await this.completeResume(caller, { activity: taken, resumeAfterId: current.detached.resumeAfterId }, undefined);
  }

  /**
   * Whether what a connection took over is still its own, attached: the same wait, or a chat in the same
   * room — not ended meanwhile (the partner left, a ban), not lost again.
   */
  async stillHolds(caller: Caller, activity: Activity): Promise<boolean> {
    return holds(await this.deps.registry.get(caller.userId), caller, activity);
  }

  /**
   * The session status of a connection whose take-over may have moved on before it was announced: what it
   * took over (`resumed`), something else it holds now (a wait taken over and matched meanwhile: `matched`
   * went to it already), or nothing (ended meanwhile: idle).
   */
  async statusAfterTakeOver(caller: Caller, activity: Activity): Promise<{ status: SessionStatus; resume: boolean }> {
    const now = await this.deps.registry.get(caller.userId);
    if (holds(now, caller, activity)) return { status: activity.kind, resume: true };
    return { status: now && now.socketId === caller.socketId && !now.detached ? now.kind : 'idle', resume: false };
  }

  /** Whether the connection holding an activity is still there: here, or on a live instance. */
  private async holderConnected(activity: Activity): Promise<boolean> {
    const { instanceId, instanceLiveness, notifier } = this.deps;
    if (activity.instanceId && activity.instanceId !== instanceId && instanceLiveness) return instanceLiveness.isAlive(activity.instanceId);
    return notifier.isConnected(activity.socketId);
  }

  /**
   * Keeps an activity whose connection is gone for `graceMs`: a wait keeps its place but is nobody's
   * partner meanwhile; a chat's partner is told. False if the activity changed before it could be marked.
   */
  private async detach(caller: Caller, current: Activity, graceMs: number): Promise<boolean> {
    const { registry, queue, clock, notifier, repository, logger } = this.deps;
    const sinceMs = current.detached?.sinceMs ?? clock.now().getTime();
    const untilMs = clock.now().getTime() + graceMs;
    const detached = await registry.transition(
      caller.userId,
      { rev: current.rev },
      { ...stateOf(current), detached: { sinceMs, untilMs, resumeAfterId: current.detached?.resumeAfterId }, instanceId: this.deps.instanceId },
    );
    if (!detached) return false;
    this.deps.grace.start(caller.userId, { socketId: caller.socketId, untilMs });
    if (current.kind === 'waiting') {
      await queue.pause(caller.userId).catch((err: unknown) => logger.warn({ err }, 'could not pause a lost wait in the queue'));
      return true;
    }
    if (current.detached) return true; // adopted from a dead instance: the partner was told already
    notifier.leaveConversation(caller.socketId, current.roomId);
    const partner = await registry.get(current.partnerId);
    if (partner?.kind === 'chatting' && partner.roomId === current.roomId) {
      notifier.toSocket(partner.socketId, 'partner_disconnected', { message: eventText[partner.lang].partnerConnectionLost, grace_ms: graceMs });
    }
    // Where replay starts for a client that does not name its last message: after what the lost
    // connection was sent. Recorded only if the activity is still this detached one.
    const resumeAfterId = await repository.lastMessageId(current.roomId).catch(() => undefined);
    if (resumeAfterId !== undefined && detached.detached) {
      await registry.transition(caller.userId, { rev: detached.rev }, { ...stateOf(detached), detached: { ...detached.detached, resumeAfterId } });
    }
    return true;
  }

  /**
   * The grace period ran out: if the identity did not come back, its chat or wait ends. Only the grace
   * period the timer was started for: a timer left on an instance that adopted the person, after their own
   * instance took them back and lost the same connection again, does not cut the new grace period short.
   */
  async expire(userId: string, lost: LostConnection): Promise<void> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = await this.deps.registry.get(userId);
      // Back on another connection, already ended, or in another grace period: nothing to do.
      if (!current?.detached || current.socketId !== lost.socketId || current.detached.untilMs !== lost.untilMs) return;
      if (await this.deps.ender.endActivity(userId, current, 'disconnected')) return;
    }
  }
}
