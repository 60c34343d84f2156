/**
 * The moderation service's state across awaits, made certain with held calls (test/helpers/interleave.ts):
 * a reload whose snapshot is older than a change made meanwhile, bus events whose reads come back out of
 * order, a bus event that never arrived, two strikes at once, a report decision whose sanction fails, and
 * an offer of support on a report decided meanwhile. (One conduct counted once, its races included:
 * strikes-count-once.test.ts.)
 * Over each database engine, with the service built as the app builds it (minus the app).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetentionJob } from '../../src/privacy/retention.js';
import type { ModerationService } from '../../src/moderation/moderation-service.js';
import { ReportRepository } from '../../src/moderation/report-repository.js';
import { SqlChatRepository } from '../../src/storage/chat-repository.js';
import { ENGINES } from '../admin/engines.js';
import { newUserId } from '../admin/safety-helpers.js';
import { eventually } from '../helpers/client.js';
import { ManualClock } from '../helpers/clock.js';
import { openTestDatabase, silentLogger } from '../helpers/database.js';
import { moderationInstance, RACE_STRIKES } from '../helpers/moderation-instance.js';

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
  const instance = (own: ManualClock = clock) => moderationInstance(opened.database, own);

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
    for (let n = 3; n < RACE_STRIKES.forMute; n++) expect(await moderation.strike(target, 'policy')).toBeUndefined();
    const mute = await moderation.strike(target, 'policy');
    expect(mute).toMatchObject({ kind: 'muted', createdBy: 'automatic' });
    expect(mute!.endsAt!.getTime() - mute!.startsAt.getTime()).toBe(RACE_STRIKES.muteS * 1000);
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
