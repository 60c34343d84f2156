/**
 * The moderation service's state across awaits, made certain with held calls (test/helpers/interleave.ts):
 * a reload whose snapshot is older than a change made meanwhile, bus events whose reads come back out of
 * order, a bus event that never arrived, two strikes at once, a report decision whose sanction fails, and
 * an offer of support on a report decided meanwhile.
 * Over each database engine, with the service built as the app builds it (minus the app).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryModerationBus } from '../../src/moderation/moderation-bus.js';
import { RetentionJob } from '../../src/privacy/retention.js';
import { ModerationService, type StrikeRules } from '../../src/moderation/moderation-service.js';
import { ReportRepository } from '../../src/moderation/report-repository.js';
import { SYSTEM_REPORTER } from '../../src/policy/review-queue.js';
import { SanctionRepository, type Sanction } from '../../src/moderation/sanction-repository.js';
import { SqlChatRepository } from '../../src/storage/chat-repository.js';
import { ENGINES } from '../admin/engines.js';
import { newUserId } from '../admin/safety-helpers.js';
import { eventually } from '../helpers/client.js';
import { ManualClock } from '../helpers/clock.js';
import { openTestDatabase, silentLogger } from '../helpers/database.js';
import { heldAfterReading, intercept } from '../helpers/interleave.js';

/** A warning at the first strike and at the second (a mute only at the fifth): two strikes would both want a warning. */
const STRIKES: StrikeRules = { windowDays: 30, forWarning: 1, forMute: 5, forBan: 9, muteS: 86_400, banS: 604_800 };

describe.each(ENGINES)('moderation races (%s)', (engine) => {
  let opened: Awaited<ReturnType<typeof openTestDatabase>>;
  const clock = new ManualClock();

  beforeAll(async () => {
    opened = await openTestDatabase(engine);
  });
  afterAll(async () => {
    await opened.drop();
  });

  /** One instance of the service, on the shared database and its own bus (nobody else's events reach it). */
  async function instance(own: ManualClock = clock) {
    const sanctions = intercept(new SanctionRepository(opened.database));
    const reports = intercept(new ReportRepository(opened.database));
    const bus = intercept(new MemoryModerationBus());
    const moderation = new ModerationService({
      database: opened.database,
      reports: reports.proxy,
      sanctions: sanctions.proxy,
      bus: bus.proxy,
      clock: own,
      logger: silentLogger,
      config: { reportWindowMs: 60_000, strikes: STRIKES },
      audit: async () => undefined,
      // Reloads only when a test asks.
      refreshMs: 3_600_000,
    });
    const told: Sanction[] = [];
    moderation.onSanction((sanction) => told.push(sanction));
    await moderation.start();
    return { moderation, sanctions, reports, bus, told, stop: () => moderation.stop() };
  }

  const ban = (moderation: ModerationService, userId: string) =>
    moderation.issue({ userId, networkHash: null, scope: 'identity', kind: 'banned', reason: 'race test', createdBy: 'admin' });

  async function activeFor(userId: string): Promise<{ kind: string }[]> {
    return opened.database.query<{ kind: string }>('SELECT kind FROM sanctions WHERE user_id = $1 AND lifted_at IS NULL ORDER BY id', [userId]);
  }

  it('a ban issued while a reload reads is not undone by the reload’s older snapshot', async () => {
    const { moderation, sanctions, stop } = await instance();
    const target = newUserId('reld');
    const held = sanctions.hold('active', { at: 'after' });
    const reloading = moderation.reload();
    await held.reached; // the snapshot is read: it has no ban
    await ban(moderation, target);
    expect(moderation.sanctionOf(target, 'net')?.kind).toBe('banned');
    held.release();
    await reloading;
    expect(moderation.sanctionOf(target, 'net')?.kind).toBe('banned');
    stop();
  });

  it('a lift made while a reload reads stays lifted', async () => {
    const { moderation, sanctions, stop } = await instance();
    const target = newUserId('lift');
    const issued = await ban(moderation, target);
    const held = sanctions.hold('active', { at: 'after' });
    const reloading = moderation.reload();
    await held.reached; // the snapshot still has the ban in force
    await moderation.lift(issued.id, 'admin');
    held.release();
    await reloading;
    expect(moderation.sanctionOf(target, 'net')).toBeUndefined();
    stop();
  });

  it('a block that arrives while a reload reads is kept', async () => {
    const { moderation, sanctions, bus, stop } = await instance();
    const [a, b] = [newUserId('blka'), newUserId('blkb')];
    const held = sanctions.hold('allBlocks', { at: 'after' });
    const reloading = moderation.reload();
    await held.reached;
    // Another instance's block, as its bus event.
    await bus.proxy.publish({ type: 'block', blockerId: a, blockedId: b });
    await eventually(() => expect(moderation.blockCache.blocked(a, b)).toBe(true));
    held.release();
    await reloading;
    expect(moderation.blockCache.blocked(b, a)).toBe(true);
    stop();
  });

  it('a ban’s slow read that comes back after its lift does not bring the ban back, nor tell it', async () => {
    const { moderation, sanctions, told, stop } = await instance();
    const target = newUserId('ordr');
    // The ban's own event reads it back (in force) and is held before applying it; the lift's event overtakes it.
    const held = sanctions.hold('get', { at: 'after' });
    const issued = await ban(moderation, target);
    await held.reached;
    await moderation.lift(issued.id, 'admin');
    await eventually(() => expect(told.filter((s) => s.id === issued.id).map((s) => s.liftedAt !== null)).toEqual([true]));
    held.release();
    // The released read applies within microtasks; a timer's turn is ample.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(moderation.sanctionOf(target, 'net')).toBeUndefined();
    expect(told.filter((s) => s.id === issued.id).map((s) => s.liftedAt !== null)).toEqual([true]);
    await moderation.reload();
    expect(moderation.sanctionOf(target, 'net')).toBeUndefined();
    stop();
  });

  it('a lift whose bus event another instance missed is told there at its next reload', async () => {
    const here = await instance();
    const there = await instance();
    const target = newUserId('lmis');
    const issued = await ban(here.moderation, target);
    await there.moderation.reload();
    expect(there.moderation.sanctionOf(target, 'net')?.kind).toBe('banned');
    await here.moderation.lift(issued.id, 'admin');
    await there.moderation.reload();
    expect(there.moderation.sanctionOf(target, 'net')).toBeUndefined();
    expect(there.told.filter((s) => s.id === issued.id).map((s) => s.liftedAt !== null)).toEqual([false, true]);
    here.stop();
    there.stop();
  });

  it('a ban whose bus event another instance missed is enforced there at its next reload, once', async () => {
    const here = await instance();
    const there = await instance(); // its own bus: it hears nothing from `here`
    const target = newUserId('miss');
    const issued = await ban(here.moderation, target);
    await eventually(() => expect(here.told.map((s) => s.id)).toContain(issued.id));
    expect(there.told.map((s) => s.id)).not.toContain(issued.id);
    await there.moderation.reload();
    expect(there.told.filter((s) => s.id === issued.id)).toHaveLength(1);
    expect(there.moderation.sanctionOf(target, 'net')?.kind).toBe('banned');
    await there.moderation.reload();
    expect(there.told.filter((s) => s.id === issued.id)).toHaveLength(1);
    here.stop();
    there.stop();
  });

  it('a ban whose publish failed is enforced on its own instance at once', async () => {
    const { moderation, bus, told, stop } = await instance();
    const target = newUserId('pubf');
    bus.failNext('publish', new Error('redis away'));
    const issued = await ban(moderation, target);
    await eventually(() => expect(told.map((s) => s.id)).toContain(issued.id));
    stop();
  });

  it('two strikes at once issue one automatic warning, not two', async () => {
    const { moderation, stop } = await instance();
    const target = newUserId('strk');
    const [a, b] = await Promise.all([moderation.strike(target, 'policy'), moderation.strike(target, 'policy')]);
    expect([a?.kind, b?.kind].sort()).toEqual(['warning', undefined]);
    expect(await activeFor(target)).toEqual([{ kind: 'warning' }]);
    stop();
  });

  it('two strikes at once on two instances issue one automatic warning: each decides on the database, not on its cache', async () => {
    const [one, two] = [await instance(), await instance()];
    for (let round = 0; round < 5; round++) {
      const target = newUserId(`str${round}`);
      // Each instance has its own bus here: neither hears of the other's warning.
      const issued = await Promise.all([one.moderation.strike(target, 'policy'), two.moderation.strike(target, 'policy')]);
      expect(issued.filter(Boolean)).toHaveLength(1);
      expect(await activeFor(target)).toEqual([{ kind: 'warning' }]);
    }
    one.stop();
    two.stop();
  });

  it('a strike whose clock is a moment behind the one that got the lock first still sees its sanction', async () => {
    const [ahead, behind] = [await instance(), await instance(new ManualClock(clock.now().getTime() - 1_000))];
    const target = newUserId('strc');
    expect((await ahead.moderation.strike(target, 'policy'))?.kind).toBe('warning');
    // The other instance's clock reads a second earlier: its strike must not read past the warning.
    expect(await behind.moderation.strike(target, 'policy')).toBeUndefined();
    expect(await activeFor(target)).toEqual([{ kind: 'warning' }]);
    ahead.stop();
    behind.stop();
  });

  it('a strike issues nothing while a sanction at least as strong holds, and outlasts a shorter one', async () => {
    const { moderation, stop } = await instance();
    const target = newUserId('strl');
    expect((await moderation.strike(target, 'policy'))?.kind).toBe('warning');
    // A minute later, a second strike in the same tier: the warning in force already lasts as long.
    clock.advance(60_000);
    expect(await moderation.strike(target, 'policy')).toBeUndefined();
    // An admin's one-hour mute, then strikes up to the mute tier: the automatic 24 h mute is issued over it.
    await moderation.issue({ userId: target, networkHash: null, scope: 'identity', kind: 'muted', reason: 'admin', durationS: 3600, createdBy: 'admin' });
    for (let n = 3; n < STRIKES.forMute; n++) expect(await moderation.strike(target, 'policy')).toBeUndefined();
    const mute = await moderation.strike(target, 'policy');
    expect(mute).toMatchObject({ kind: 'muted', createdBy: 'automatic' });
    expect(mute!.endsAt!.getTime() - mute!.startsAt.getTime()).toBe(STRIKES.muteS * 1000);
    expect(await moderation.strike(target, 'policy')).toBeUndefined();
    expect(await activeFor(target)).toEqual([{ kind: 'warning' }, { kind: 'muted' }, { kind: 'muted' }]);
    stop();
  });

  it('a strike that fails does not stop the next one', async () => {
    const { moderation, sanctions, stop } = await instance();
    const target = newUserId('strf');
    sanctions.failNext('strike', new Error('database away'));
    await expect(moderation.strike(target, 'policy')).rejects.toThrow('database away');
    expect((await moderation.strike(target, 'policy'))?.kind).toBe('warning');
    stop();
  });

  /** A report on a new chat of two new people: its id, and the person it names. */
  async function someReport(moderation: ModerationService, prefix: string): Promise<{ reportId: number; reported: string }> {
    const [reporter, reported] = [newUserId(`${prefix}r`), newUserId(`${prefix}d`)];
    const room = await new SqlChatRepository(opened.database).createRoom({ user1Id: reporter, user2Id: reported, matchType: 'random', createdAt: clock.now() });
    return { reportId: (await moderation.report(reporter, { reason: 'harassment', room_id: room.id })).id, reported };
  }
  const strikesOf = async (userId: string) =>
    opened.database.query<{ source: string }>('SELECT source FROM strikes WHERE user_id = $1 ORDER BY id', [userId]);

  it('one conduct counts once: the content policy’s strikes for a report’s messages and an admin upholding it', async () => {
    const { moderation, stop } = await instance();
    // Struck by the policy for two messages of the report, then upheld: no third strike.
    const caught = await someReport(moderation, 'oc1');
    await moderation.strike(caught.reported, 'policy', caught.reportId);
    await moderation.strike(caught.reported, 'policy', caught.reportId);
    await moderation.resolve(caught.reportId, { action: 'warn', scope: 'identity' }, 'admin');
    expect(await strikesOf(caught.reported)).toEqual([{ source: 'policy' }, { source: 'policy' }]);
    // A report of nothing the policy struck (crisis words, a person's report): upholding it is a strike.
    const other = await someReport(moderation, 'oc2');
    await moderation.resolve(other.reportId, { action: 'warn', scope: 'identity' }, 'admin');
    expect(await strikesOf(other.reported)).toEqual([{ source: 'report' }]);
    stop();
  });

  it('a policy strike and the upholding of its report at once, on two instances, count one strike', async () => {
    const { moderation, stop } = await instance();
    const { reportId, reported } = await someReport(moderation, 'ocr');
    // Each strike waits after looking for the other's until both have looked (or 300 ms: under the lock,
    // the second cannot look before the first commits). Looked at outside the lock, both would count.
    const slow = heldAfterReading(opened.database, /WITH counting AS/);
    const [one, two] = [new SanctionRepository(slow), new SanctionRepository(slow)];
    const strike = (repository: SanctionRepository, source: 'policy' | 'report') =>
      repository.strike({ userId: reported, source, reportId, messageId: null, at: clock.now(), countSince: new Date(0) }, () => undefined);
    const [policy, upheld] = await Promise.all([strike(one, 'policy'), strike(two, 'report')]);
    expect([policy.counted, upheld.counted].sort()).toEqual([false, true]);
    expect(await strikesOf(reported)).toHaveLength(1);
    stop();
  });

  /** A chat of two new people in which the second sent `count` messages: their ids, and the two. */
  async function chatWithMessages(prefix: string, count: number) {
    const [reporter, reported] = [newUserId(`${prefix}r`), newUserId(`${prefix}d`)];
    const chats = new SqlChatRepository(opened.database);
    const room = await chats.createRoom({ user1Id: reporter, user2Id: reported, matchType: 'random', createdAt: clock.now() });
    const sent = await chats.appendMessages(
      Array.from({ length: count }, (_, n) => ({ roomId: room.id, senderId: reported, content: `line ${n}`, createdAt: clock.now() })),
    );
    const ids = sent.map((outcome) => (outcome.status === 'stored' ? outcome.message.id : Number.NaN));
    const [own] = await chats.appendMessages([{ roomId: room.id, senderId: reporter, content: 'the reporter’s own line', createdAt: clock.now() }]);
    return { reporter, reported, roomId: room.id, ids, reporterMessage: own?.status === 'stored' ? own.message.id : Number.NaN };
  }

  it('one conduct counts once, by message: a person’s report of only struck messages, or of messages an upheld report named, counts none', async () => {
    const { moderation, stop } = await instance();
    const uphold = (id: number) => moderation.resolve(id, { action: 'warn', scope: 'identity' }, 'admin');
    const { reporter, reported, roomId, ids, reporterMessage } = await chatWithMessages('om', 3);
    const [struck, plain, last] = ids as [number, number, number];
    await moderation.strike(reported, 'policy', null, struck);
    // Naming only the struck message: no second strike.
    const first = await moderation.report(reporter, { reason: 'harassment', room_id: roomId, message_ids: [struck] });
    await uphold(first.id);
    expect(await strikesOf(reported)).toEqual([{ source: 'policy' }]);
    // Naming it and another: the other is new conduct.
    const second = await moderation.report(reporter, { reason: 'harassment', room_id: roomId, message_ids: [struck, plain] });
    await uphold(second.id);
    expect(await strikesOf(reported)).toEqual([{ source: 'policy' }, { source: 'report' }]);
    // Again those two (a report decided stands for every message it names), then the conduct as a whole.
    const third = await moderation.report(reporter, { reason: 'spam', room_id: roomId, message_ids: [plain, struck] });
    await uphold(third.id);
    expect(await strikesOf(reported)).toHaveLength(2);
    const whole = await moderation.report(reporter, { reason: 'spam', room_id: roomId });
    await uphold(whole.id);
    expect(await strikesOf(reported)).toHaveLength(3);
    // The reporter's own line is not the reported person's conduct: ticking it too makes nothing new.
    const withOwn = await moderation.report(reporter, { reason: 'spam', room_id: roomId, message_ids: [struck, reporterMessage] });
    await uphold(withOwn.id);
    expect(await strikesOf(reported)).toHaveLength(3);
    // A policy strike of a message an upheld report named (the other order) is not counted either; of another, it is.
    await moderation.strike(reported, 'policy', null, plain);
    expect(await strikesOf(reported)).toHaveLength(3);
    await moderation.strike(reported, 'policy', null, last);
    expect(await strikesOf(reported)).toHaveLength(4);
    stop();
  });

  it('the content policy’s report of a message it struck and one it only flagged: upholding it counts the flagged one, once', async () => {
    const { moderation, stop } = await instance();
    const uphold = (id: number) => moderation.resolve(id, { action: 'warn', scope: 'identity' }, 'admin');
    const { reporter, reported, roomId, ids } = await chatWithMessages('of', 2);
    const [struck, flagged] = ids as [number, number];
    const { report } = await new ReportRepository(opened.database).upsert({
      roomId,
      reporterId: SYSTEM_REPORTER,
      reportedId: reported,
      reason: 'spam',
      note: null,
      messageIds: [struck, flagged],
      priority: 0,
      at: clock.now(),
    });
    await moderation.strike(reported, 'policy', report.id, struck);
    await uphold(report.id);
    expect(await strikesOf(reported)).toEqual([{ source: 'policy' }, { source: 'report' }]);
    // The partner's report of the flagged line, decided after: that line counts already.
    const partners = await moderation.report(reporter, { reason: 'spam', room_id: roomId, message_ids: [flagged] });
    await uphold(partners.id);
    expect(await strikesOf(reported)).toHaveLength(2);
    stop();
  });

  it('a message’s policy strike that no longer counts does not stand for a report of it decided later', async () => {
    const later = new ManualClock();
    const { moderation, stop } = await instance(later);
    const { reporter, reported, roomId, ids } = await chatWithMessages('ox', 1);
    await moderation.strike(reported, 'policy', null, ids[0]!);
    const report = await moderation.report(reporter, { reason: 'harassment', room_id: roomId, message_ids: ids });
    later.advance((STRIKES.windowDays + 1) * 86_400_000);
    await moderation.resolve(report.id, { action: 'warn', scope: 'identity' }, 'admin');
    expect(await strikesOf(reported)).toEqual([{ source: 'policy' }, { source: 'report' }]);
    stop();
  });

  it('a message’s policy strike and the upholding of a person’s report of it at once, on two instances, count one strike', async () => {
    const { moderation, stop } = await instance();
    const { reporter, reported, roomId, ids } = await chatWithMessages('omr', 1);
    const report = await moderation.report(reporter, { reason: 'harassment', room_id: roomId, message_ids: ids });
    const slow = heldAfterReading(opened.database, /WITH counting AS/);
    const [one, two] = [new SanctionRepository(slow), new SanctionRepository(slow)];
    const strike = (repository: SanctionRepository, source: 'policy' | 'report', reportId: number | null, messageId: number | null) =>
      repository.strike({ userId: reported, source, reportId, messageId, at: clock.now(), countSince: new Date(0) }, () => undefined);
    const [policy, upheld] = await Promise.all([strike(one, 'policy', null, ids[0]!), strike(two, 'report', report.id, null)]);
    expect([policy.counted, upheld.counted].sort()).toEqual([false, true]);
    expect(await strikesOf(reported)).toHaveLength(1);
    stop();
  });

  it('a report decision whose sanction could not be stored goes back to the queue, to be decided again', async () => {
    const { moderation, sanctions, stop } = await instance();
    const [reporter, reported] = [newUserId('rprt'), newUserId('rptd')];
    const room = await new SqlChatRepository(opened.database).createRoom({ user1Id: reporter, user2Id: reported, matchType: 'random', createdAt: clock.now() });
    const report = await moderation.report(reporter, { reason: 'harassment', room_id: room.id });
    sanctions.failNext('insert', new Error('database away'));
    await expect(moderation.resolve(report.id, { action: 'ban', scope: 'identity' }, 'admin')).rejects.toThrow('database away');
    const reports = new ReportRepository(opened.database);
    expect(await reports.get(report.id)).toMatchObject({ status: 'open', resolvedAt: null, resolvedBy: null });
    const decided = await moderation.resolve(report.id, { action: 'ban', scope: 'identity' }, 'admin');
    expect(decided?.report.status).toBe('actioned');
    expect(await activeFor(reported)).toEqual([{ kind: 'banned' }]);
    stop();
  });

  it('an offer of support on a report another admin decided meanwhile is not made: nobody is shown the card', async () => {
    const [here, there] = [await instance(), await instance()];
    const offered: number[] = [];
    here.moderation.support.onOffer((offer) => offered.push(offer.reportId));
    const [reporter, reported] = [newUserId('sprr'), newUserId('sprd')];
    const room = await new SqlChatRepository(opened.database).createRoom({ user1Id: reporter, user2Id: reported, matchType: 'random', createdAt: clock.now() });
    const report = await here.moderation.report(reporter, { reason: 'self_harm', room_id: room.id });
    // The offer has read the report open; the other admin's dismissal lands before its decision does.
    const read = here.reports.hold('get', { at: 'after' });
    const offering = here.moderation.resolve(report.id, { action: 'support', scope: 'identity' }, 'admin');
    await read.reached;
    expect((await there.moderation.resolve(report.id, { action: 'dismiss', scope: 'identity' }, 'other'))?.report.status).toBe('dismissed');
    read.release();
    expect(await offering).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(offered).toEqual([]);
    expect(await new ReportRepository(opened.database).get(report.id)).toMatchObject({ status: 'dismissed', resolution: 'dismiss', resolvedBy: 'other' });
    here.stop();
    there.stop();
  });

  it('a report decided while the retention purge runs over its old conversation: the decision is carried out, the purge waits', async () => {
    const { moderation, sanctions, stop } = await instance();
    const [reporter, reported] = [newUserId('prgr'), newUserId('prgd')];
    const chats = new SqlChatRepository(opened.database);
    const room = await chats.createRoom({ user1Id: reporter, user2Id: reported, matchType: 'random', createdAt: new Date(clock.now().getTime() - 61 * 86_400_000) });
    await chats.endRoom(room.id, 'left', new Date(clock.now().getTime() - 60 * 86_400_000));
    const [row] = await opened.database.query<{ id: string | number }>(
      `INSERT INTO reports (room_id, reporter_id, reported_id, reason, created_at, updated_at) VALUES ($1, $2, $3, 'harassment', $4, $4) RETURNING id`,
      [room.id, reporter, reported, clock.now()],
    );
    const reportId = Number(row!.id);
    // The decision is taken (the report no longer open, in its transaction) and its sanction is about to be
    // stored when the purge runs. The purge waits for the decision to commit (PGlite: for its one connection;
    // PostgreSQL: for the report's row), so it can only finish once the decision is released.
    const storing = sanctions.hold('insert');
    const deciding = moderation.resolve(reportId, { action: 'ban', scope: 'identity' }, 'admin');
    await storing.reached;
    const purge = new RetentionJob({ database: opened.database, clock, logger: silentLogger, settings: { retentionDays: 30, intervalMs: 3_600_000 }, pauseMs: 0 });
    const purging = purge.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 100));
    storing.release();
    await purging;
    expect((await deciding)?.sanction?.kind).toBe('banned');
    expect(await activeFor(reported)).toEqual([{ kind: 'banned' }]);
    expect(await new ReportRepository(opened.database).get(reportId)).toMatchObject({ status: 'actioned' });
    stop();
  });
});
