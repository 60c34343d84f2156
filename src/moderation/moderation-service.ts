/**
 * The safety loop's rules: reports and blocks from chatters; sanctions issued, lifted and escalated from
 * strikes; and the checks the chat makes on every join and message — answered from memory (the
 * enforcement caches), never from the database. Every instance learns of a change through the
 * moderation bus within moments, and reloads everything now and then in case it missed one.
 * Knows the repositories and the bus, never Socket.IO.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { AppError, ErrorCode } from '../errors.js';
import { SupportDesk } from './support-desk.js';
import type { Lang } from '../shared/codes.js';
import type { Hotline, ReportPayload, ReportReason, SanctionKind } from '../shared/protocol.js';
import { atLeastAsStrong, BlockCache, SanctionCache } from './enforcement-cache.js';
import type { ModerationBus, ModerationEvent } from './moderation-bus.js';
import { EnforcementSync } from './enforcement-sync.js';
import { reportVersion, type ReportAction, type ReportRecord, type ReportRepository, type RoomParticipants, type SanctionAction } from './report-repository.js';
import { automaticReason } from './system-notes.js';
import type { NewSanction, Sanction, SanctionRepository } from './sanction-repository.js';
import type { AppEvents } from '../metrics/app-events.js';
import type { Database, Queryable } from '../storage/database.js';

/** Reasons that put a report at the top of the queue. */
const PRIORITY_REASONS: ReadonlySet<ReportReason> = new Set(['minor', 'self_harm']);
/** How often every cache is reloaded in full, in case a bus event was missed. */
const DEFAULT_REFRESH_MS = 30_000;
/** Added to two reload intervals for how long a new block is also held in the match queue (a reload may fail once). */
const BUS_MARGIN_MS = 10_000;
/** How long a decider waits for its own instance to handle its offer of support (its bus event's way back). */
const SUPPORT_HANDLED_WAIT_MS = 2_000;

export interface StrikeRules {
  /** Strikes older than this many days no longer count. */
  windowDays: number;
  /** Strikes (within the window) that bring an automatic warning, 24 h mute, 7-day ban. */
  forWarning: number;
  forMute: number;
  forBan: number;
  muteS: number;
  banS: number;
}

export interface ModerationConfig {
  /** How long after a chat ended it can still be reported. */
  reportWindowMs: number;
  strikes: StrikeRules;
}

export interface ModerationDeps {
  /** Where a decision and what records it (the audit row) commit together; where offers of support wait. */
  database: Pick<Database, 'transaction' | 'query'>;
  reports: ReportRepository;
  sanctions: SanctionRepository;
  bus: ModerationBus;
  clock: Clock;
  logger: Logger;
  config: ModerationConfig;
  /** Records an automatic decision in the audit log, in the transaction that issues it. */
  audit: (tx: Queryable, detail: Record<string, unknown>) => Promise<void>;
  refreshMs?: number;
  /**
   * Keeps two people apart in matching for `forMs`, on every instance (the match queue): a new block holds
   * there while the other instances' caches have not heard of it yet.
   */
  keepApart?: (a: string, b: string, forMs: number) => Promise<void>;
  /** Reports filed and sanctions issued (metrics). */
  events?: Pick<AppEvents, 'reported' | 'sanctioned'>;
  /** The crisis lines an offer of support shows (`CRISIS_HOTLINES_FILE`); default: the built-in ones. */
  hotlines?: Record<Lang, Hotline[]>;
}

/** Written in a decision's own transaction (the admin's audit row): the decision is recorded, or not made. */
export type RecordWith<T> = (tx: Queryable, outcome: T) => Promise<void>;

/** What an admin's decision on a report came to. */
export interface ReportDecision {
  report: ReportRecord;
  sanction?: Sanction;
}

/** Who a sanction targets: an identity, a network (by its hash), or both. */
export type SanctionScope = 'identity' | 'address' | 'both';

export interface SanctionRequest {
  userId: string;
  /** The person's network hash, for `address` and `both`. */
  networkHash: string | null;
  scope: SanctionScope;
  kind: SanctionKind;
  reason: string;
  /** Omitted: a warning or mute lasts 24 h, a ban for good. */
  durationS?: number;
  createdBy: string;
  reportId?: number;
}

/** The automatic sanction `count` strikes within the window bring, if any. */
function dueFor(count: number, rules: StrikeRules): { kind: SanctionKind; durationS: number } | undefined {
  if (count >= rules.forBan) return { kind: 'banned', durationS: rules.banS };
  if (count >= rules.forMute) return { kind: 'muted', durationS: rules.muteS };
  // A warning lasts 24 h, as an admin's.
  if (count >= rules.forWarning) return { kind: 'warning', durationS: 24 * 3600 };
  return undefined;
}

export class ModerationService {
  private readonly sync: EnforcementSync;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** Each person's strikes, applied one after the other (the last one's promise, never rejecting). */
  private readonly striking = new Map<string, Promise<unknown>>();
  /** Offers of support: shown on the person's connections, or kept for their next one. */
  readonly support: SupportDesk;

  constructor(private readonly deps: ModerationDeps) {
    this.sync = new EnforcementSync({ sanctions: deps.sanctions, clock: deps.clock, logger: deps.logger });
    this.support = new SupportDesk({ database: deps.database, clock: deps.clock, logger: deps.logger, ...(deps.hotlines ? { hotlines: deps.hotlines } : {}) });
  }

  get sanctionCache(): SanctionCache {
    return this.sync.sanctions;
  }

  get blockCache(): BlockCache {
    return this.sync.blocks;
  }

  /** Loads the caches and starts listening for changes from every instance. */
  async start(): Promise<void> {
    await this.deps.bus.subscribe((event) => this.handle(event));
    // Nobody is connected yet: the sanctions in force need no telling.
    await Promise.all([this.sync.reload({ enforce: false }), this.support.load()]);
    this.refreshTimer = setInterval(() => {
      this.reload().catch((err: unknown) => this.deps.logger.warn({ err }, 'reloading sanctions and blocks failed'));
    }, this.refreshMs);
    this.refreshTimer.unref();
  }

  /**
   * Reads every sanction and block again, and enforces a sanction whose bus event this instance missed; and
   * who has an offer of support waiting.
   */
  async reload(): Promise<void> {
    await Promise.all([this.sync.reload(), this.support.load()]);
  }

  stop(): void {
    clearInterval(this.refreshTimer);
  }

  private get refreshMs(): number {
    return this.deps.refreshMs ?? DEFAULT_REFRESH_MS;
  }

  /** Called on every instance whenever a sanction is issued or lifted anywhere. */
  onSanction(listener: (sanction: Sanction) => void): void {
    this.sync.onSanction(listener);
  }

  /**
   * The strongest sanction in force for an identity or its client network (its hash, as every address is
   * kept) — of `kind` only, when named (the longest of that kind).
   */
  sanctionOf(userId: string, networkHash: string, kind?: Sanction['kind']): Sanction | undefined {
    return this.sanctionCache.strongest(userId, () => networkHash, this.deps.clock.now(), kind);
  }

  /** The longest sanction in force of each kind, weakest kind first (what a connecting page is told). */
  sanctionsOf(userId: string, networkHash: string): Sanction[] {
    return SANCTION_KINDS.flatMap((kind) => this.sanctionOf(userId, networkHash, kind) ?? []);
  }

  /**
   * A new chat or wait (join_queue, create_private, join_private, and a wait's claim as it is matched): not while
   * banned, nor while muted — matched, a muted person could only leave a stranger talking to silence. A
   * chat already going on when a mute comes goes on (the muted person reads, and can leave).
   */
  assertMayJoin(userId: string, networkHash: string): void {
    this.assertMaySend(userId, networkHash);
  }

  /**
   * What a mute leaves alone but a ban does not (keep_in_touch: its key opens a room only by join_private,
   * refused while muted — refusing the ask would lose for good a contact the partner wanted).
   */
  assertNotBanned(userId: string, networkHash: string): void {
    if (this.sanctionOf(userId, networkHash)?.kind === 'banned') throw new AppError(ErrorCode.BANNED);
  }

  assertMaySend(userId: string, networkHash: string): void {
    const kind = this.sanctionOf(userId, networkHash)?.kind;
    if (kind === 'banned') throw new AppError(ErrorCode.BANNED);
    if (kind === 'muted') throw new AppError(ErrorCode.MUTED);
  }

  /** Everyone the person must never be matched with (blocked, or blocked by). */
  avoidFor(userId: string): readonly string[] {
    return this.blockCache.avoidFor(userId);
  }

  /**
   * A report of the partner of `room_id` (default: the reporter's current or last chat), during the
   * chat or within the report window after it. A second report on the same room adds to the open one.
   */
  async report(reporterId: string, payload: ReportPayload): Promise<ReportRecord> {
    const room = await this.roomOf(reporterId, payload.room_id);
    const now = this.deps.clock.now();
    if (!room.isActive && (room.endedAt === null || now.getTime() - room.endedAt.getTime() > this.deps.config.reportWindowMs)) {
      throw new AppError(ErrorCode.REPORT_WINDOW_CLOSED);
    }
    const messageIds = [...new Set(payload.message_ids ?? [])];
    if ((await this.deps.reports.countRoomMessages(room.id, messageIds)) !== messageIds.length) throw new AppError(ErrorCode.NOT_FOUND);
    const { report, filed } = await this.deps.reports.upsert({
      roomId: room.id,
      reporterId,
      reportedId: partnerIn(room, reporterId),
      reason: payload.reason,
      note: payload.note?.trim() || null,
      messageIds,
      priority: PRIORITY_REASONS.has(payload.reason) ? 1 : 0,
      at: now,
    });
    // Counted once per report: a second report on the same room and person adds to the open one.
    if (filed) this.deps.events?.reported(payload.reason, 'person');
    return report;
  }

  /**
   * Blocks the partner of `roomId` (default: the current or last chat), on every instance, for good. Once
   * it returns, the two are never matched again anywhere: the queue keeps them apart until every instance
   * has had its next full reload (an instance that missed the bus event has the block by then).
   */
  async block(blockerId: string, roomId?: number): Promise<{ blockedId: string; room: RoomParticipants }> {
    const room = await this.roomOf(blockerId, roomId);
    const blockedId = partnerIn(room, blockerId);
    await this.deps.sanctions.addBlock(blockerId, blockedId, this.deps.clock.now());
    this.sync.addBlock(blockerId, blockedId);
    // If the queue cannot be reached, nobody is being matched either; the caches still learn the block.
    await this.deps.keepApart?.(blockerId, blockedId, 2 * this.refreshMs + BUS_MARGIN_MS).catch((err: unknown) => this.deps.logger.warn({ err }, 'a new block not kept apart in the queue'));
    await this.publish({ type: 'block', blockerId, blockedId });
    return { blockedId, room };
  }

  /** Issues a sanction: stored (with what `record` writes, in one transaction), then in force on every instance. */
  async issue(request: SanctionRequest, record?: RecordWith<Sanction>): Promise<Sanction> {
    const sanction = this.newSanction(request);
    const stored = await this.deps.database.transaction(async (tx) => {
      const inserted = await this.deps.sanctions.insert(sanction, tx);
      await record?.(tx, inserted);
      return inserted;
    });
    await this.announce(stored);
    return stored;
  }

  private newSanction(request: SanctionRequest): NewSanction {
    const now = this.deps.clock.now();
    const byNetwork = request.scope !== 'identity';
    if (byNetwork && !request.networkHash) throw new AppError(ErrorCode.NOT_FOUND, { detail: 'no network known for that person' });
    const durationS = request.durationS ?? (request.kind === 'banned' ? undefined : 24 * 3600);
    return {
      userId: request.scope === 'address' ? null : request.userId,
      networkHash: byNetwork ? request.networkHash : null,
      kind: request.kind,
      reason: request.reason,
      startsAt: now,
      endsAt: durationS === undefined ? null : new Date(now.getTime() + durationS * 1000),
      createdBy: request.createdBy,
      reportId: request.reportId ?? null,
    };
  }

  /** A sanction just stored: counted, in force on this instance at once, and on the others through the bus. */
  private async announce(stored: Sanction): Promise<void> {
    this.deps.events?.sanctioned(stored.kind, stored.createdBy === 'automatic' ? 'automatic' : 'admin');
    this.sync.putSanction(stored);
    await this.publish({ type: 'sanction', id: stored.id });
  }

  /** Lifts a sanction everywhere (with what `record` writes, in one transaction). Undefined if it was not in force. */
  async lift(id: number, by: string, record?: RecordWith<Sanction>): Promise<Sanction | undefined> {
    const lifted = await this.deps.database.transaction(async (tx) => {
      const done = await this.deps.sanctions.lift(id, by, this.deps.clock.now(), tx);
      if (done) await record?.(tx, done);
      return done;
    });
    if (!lifted) return undefined;
    this.sync.putSanction(lifted);
    await this.publish({ type: 'sanction', id });
    return lifted;
  }

  /**
   * An admin's decision on an open report: dismissed; upheld with a warning, mute or ban of the
   * reported person (by identity, network or both); or `support` — the report is closed (actioned) with no
   * sanction and no strike, and every connection the reported person has open, on any instance, is shown the
   * crisis help card (one not connected then is shown it on their next connection, within
   * SUPPORT_OFFER_KEEP_MS: support-offers.ts).
   * With `ifVersion` (`reportVersion`), only on the report as the admin saw it: one made more urgent since
   * (its reporter reported a minor, the policy flagged crisis words) is not decided (undefined). The
   * report's new state, the sanction and what `record` writes commit together: a decision whose sanction cannot be stored leaves the report open.
   * An upheld report is then a strike, which may escalate (its own transaction: a strike that fails to
   * count is logged, the decision stands).
   */
  async resolve(
    reportId: number,
    decision: { action: ReportAction; scope: SanctionScope; durationS?: number; note?: string; ifVersion?: string },
    by: string,
    record?: RecordWith<ReportDecision>,
  ): Promise<(ReportDecision & { automatic?: Sanction }) | undefined> {
    const report = await this.deps.reports.get(reportId);
    if (!report || report.status !== 'open') return undefined;
    if (decision.ifVersion !== undefined && reportVersion(report) !== decision.ifVersion) return undefined;
    let sanction: NewSanction | undefined;
    if (decision.action !== 'dismiss' && decision.action !== 'support') {
      const room = await this.deps.reports.room(report.roomId);
      sanction = this.newSanction({
        userId: report.reportedId,
        networkHash: room ? networkOf(room, report.reportedId) : null,
        scope: decision.scope,
        kind: ACTION_KIND[decision.action],
        // Without a note, the report's reason as its code: the person's page names it in their language
        // (before: "report #10: harassment", English and internal). The sanction keeps its report id.
        reason: decision.note?.trim() || report.reason,
        durationS: decision.durationS,
        createdBy: by,
        reportId,
      });
    }
    const decided = await this.deps.database.transaction(async (tx): Promise<ReportDecision | undefined> => {
      const resolved = await this.deps.reports.resolve(
        reportId,
        // With `ifVersion`, also in the same statement: a change between the read above and the decision is seen.
        { status: sanction || decision.action === 'support' ? 'actioned' : 'dismissed', action: decision.action, note: decision.note ?? null, by, at: this.deps.clock.now(), ...(decision.ifVersion === undefined ? {} : { ifUnchanged: report }) },
        tx,
      );
      if (!resolved) return undefined;
      const outcome = sanction ? { report: resolved, sanction: await this.deps.sanctions.insert(sanction, tx) } : { report: resolved };
      await record?.(tx, outcome);
      return outcome;
    });
    if (decided && decision.action === 'support') {
      // Answered once this instance has shown it (or kept it): the answer says whether it was shown here.
      const handled = this.support.handledHere(reportId, SUPPORT_HANDLED_WAIT_MS);
      await this.publish({ type: 'support', userId: report.reportedId, reportId });
      await handled;
      // Read again for its `support_shown_at`; the decision stands if that read fails.
      const reread = await this.deps.reports.get(reportId).catch(() => undefined);
      return { ...decided, report: reread ?? decided.report };
    }
    if (!decided?.sanction) return decided;
    await this.announce(decided.sanction);
    const automatic = await this.strike(report.reportedId, 'report', reportId).catch((err: unknown) => {
      this.deps.logger.warn({ err, reportId }, 'the strike of an upheld report was not recorded');
      return undefined;
    });
    return { ...decided, ...(automatic ? { automatic } : {}) };
  }

  /**
   * Records a strike and applies what the thresholds say for the strikes within the window — unless a
   * sanction at least as strong is already in force. Returns the automatic sanction, if one was issued.
   * `reportId` and `messageId` say what conduct it is for (the report decided or the policy's report; the
   * message the policy struck): conduct already counted is not counted again (`SanctionRepository.strike`).
   */
  strike(userId: string, source: 'report' | 'policy', reportId: number | null = null, messageId: number | null = null): Promise<Sanction | undefined> {
    // One person's strikes one after the other on this instance too: a burst of refused messages waits here
    // rather than holding a pooled connection per strike at the database's lock (`SanctionRepository.strike`).
    const before = this.striking.get(userId) ?? Promise.resolve();
    const mine = before.then(() => this.strikeNow(userId, source, reportId, messageId));
    const last = mine.catch(() => undefined);
    this.striking.set(userId, last);
    void last.then(() => {
      if (this.striking.get(userId) === last) this.striking.delete(userId);
    });
    return mine;
  }

  private async strikeNow(userId: string, source: 'report' | 'policy', reportId: number | null, messageId: number | null): Promise<Sanction | undefined> {
    const { sanctions, clock, config } = this.deps;
    const now = clock.now();
    const rules = config.strikes;
    // Counted, decided and issued in one transaction, one strike of the person at a time on every instance:
    // each decides on what is in the database, not on this instance's cache (another's sanction may not be there yet).
    const { issued } = await sanctions.strike(
      { userId, source, reportId, messageId, at: now, countSince: new Date(now.getTime() - rules.windowDays * 86_400_000) },
      (counted, inForce) => {
        const due = dueFor(counted, rules);
        if (!due) return undefined;
        const candidate: NewSanction = {
          userId,
          networkHash: null,
          kind: due.kind,
          // A code of the admin page's (system-notes.ts); the person is told `rule_breaks`.
          reason: automaticReason(counted, rules.windowDays),
          startsAt: now,
          endsAt: new Date(now.getTime() + due.durationS * 1000),
          createdBy: 'automatic',
          reportId,
        };
        // Not again while one at least as strong holds (the last strike's, or an admin's for as long).
        return inForce.some((current) => atLeastAsStrong(current, { ...candidate, id: 0, liftedAt: null, liftedBy: null })) ? undefined : candidate;
      },
      (tx, count, issued) =>
        this.deps.audit(tx, { sanction_id: issued.id, user_id: userId, kind: issued.kind, strikes: count, source, report_id: reportId }),
    );
    if (!issued) return undefined;
    await this.announce(issued);
    return issued;
  }

  /** The room a request is about: the one named (which the person must have been in), or their last one. */
  private async roomOf(userId: string, roomId: number | undefined): Promise<RoomParticipants> {
    const room = roomId === undefined ? await this.deps.reports.lastRoomOf(userId) : await this.deps.reports.room(roomId);
    if (!room || (room.user1Id !== userId && room.user2Id !== userId)) throw new AppError(ErrorCode.NOT_FOUND);
    return room;
  }

  private async publish(event: ModerationEvent): Promise<void> {
    await this.deps.bus.publish(event).catch((err: unknown) => {
      this.deps.logger.warn(
        { err, event: event.type },
        event.type === 'support'
          ? 'an offer of support not published: shown on this instance, or kept for the person’s next connection (the decision is recorded)'
          : 'moderation event not published: applied here; other instances catch up at their next reload',
      );
      this.handle(event);
    });
  }

  /** An event from the bus (any instance's, this one's too). */
  private handle(event: ModerationEvent): void {
    if (event.type === 'support') void this.support.offered(event.userId, event.reportId);
    else void this.sync.handle(event);
  }
}

/** Every kind, weakest first. */
const SANCTION_KINDS: readonly SanctionKind[] = ['warning', 'muted', 'banned'];

const ACTION_KIND: Record<SanctionAction, SanctionKind> = { warn: 'warning', mute: 'muted', ban: 'banned' };

function partnerIn(room: RoomParticipants, userId: string): string {
  return room.user1Id === userId ? room.user2Id : room.user1Id;
}

function networkOf(room: RoomParticipants, userId: string): string | null {
  return room.user1Id === userId ? room.user1Network : room.user2Network;
}
