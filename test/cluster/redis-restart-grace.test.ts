/**
 * A grace period that lapses while the heartbeat is putting this instance's people back after Redis lost its
 * data (restarted empty, as FLUSHALL leaves it) still ends: the person's wait is not left in Redis for ever.
 * The heartbeat writes back what it read from the instance's mirror when it began; a grace timer that fires
 * meanwhile reads the wait as gone (Redis is still empty), so it ends nothing and forgets the person — and
 * then the heartbeat writes the wait back, its connection still away. Nobody counts that grace period any
 * more: without `ChatService.restoreGrace` (the presence hook for a person written back whose connection is
 * away) the wait stays, with its place in the queue, for good. With it, the timer starts again, its end
 * already past, and ends the wait at once.
 * (A lapse before the heartbeat begins leaves nothing to end: the read drops the wait from the mirror, and
 * the heartbeat does not write it back. A chat lapsing then is written back by that read and ended.)
 *
 * One complete instance in this process over a Redis of the test's own and one PostgreSQL, on a ManualClock
 * (heartbeats and grace timers only run when the test moves it), and the heartbeat held just before it writes
 * the person back: the order is certain, not raced against real timers.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Activity } from '../../src/chat/activity-registry.js';
import { RedisActivityRegistry } from '../../src/chat/redis-activity-registry.js';
import { eventually, request } from '../helpers/client.js';
import { ManualClock } from '../helpers/clock.js';
import { flushedRedisCluster } from '../helpers/flushed-redis-cluster.js';
import { hasPostgres, hasRedis } from '../helpers/services.js';

const available = hasRedis() && hasPostgres();

type Ack = { ok: boolean; status?: string };

/** ClusterPresence's heartbeat (its default: the composition sets none). */
const HEARTBEAT_MS = 1_000;
/** Longer than a heartbeat: the heartbeat that notices the loss comes before the grace period runs out. */
const GRACE_MS = 10_000;

describe.skipIf(!available)('a grace period that lapses while the heartbeat restores after Redis lost its data', () => {
  const prefix = `gracerestore:${process.pid}:`;
  const clock = new ManualClock();
  const { redis, client } = flushedRedisCluster(1, prefix, { overrides: { closeGraceMs: GRACE_MS, reconnectGraceMs: GRACE_MS }, clock });

  it('ends the wait the heartbeat wrote back: its activity and its place in the queue are gone', { timeout: 30_000 }, async () => {
    const a = await client(0);
    const userId = a.session.user_id;
    const activityKey = `${prefix}act:${userId}`;
    const readActivity = async () => JSON.parse((await redis().get(activityKey)) ?? 'null') as Activity | null;
    const inQueue = async () => (await redis().zscore(`${prefix}queue:order`, userId)) !== null;
    const paused = async () => (await redis().sismember(`${prefix}queue:paused`, userId)) === 1;

    expect(await request<Ack>(a.socket, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    // The page goes away (its transport closed, without a goodbye): the wait is kept for the grace period.
    a.socket.io.engine.close();
    const detached = await eventually(async () => {
      const activity = await readActivity();
      expect(activity?.detached).toBeDefined();
      expect(await paused()).toBe(true);
      return activity!.detached!;
    }, 10_000);
    expect(detached.untilMs - clock.now().getTime()).toBeGreaterThan(HEARTBEAT_MS);

    // The heartbeat's write-back of this person, held until the test lets it go (once).
    const restore = RedisActivityRegistry.prototype.restore;
    let registry: RedisActivityRegistry | undefined;
    let reached!: () => void;
    const atRestore = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const held = vi.spyOn(RedisActivityRegistry.prototype, 'restore').mockImplementation(async function (this: RedisActivityRegistry, id, activity) {
      if (id === userId && registry === undefined) {
        registry = this;
        reached();
        await gate;
      }
      return restore.call(this, id, activity);
    });
    try {
      await redis().flushall();
      // The next heartbeat (one, the grace period still running) notices the loss and reads the mirror.
      clock.advance(HEARTBEAT_MS);
      await atRestore;
      // Meanwhile the grace period runs out (later beats only renew the announcement while this one runs):
      // the timer reads the wait as gone, ends nothing, and the read drops it from the mirror.
      clock.advance(detached.untilMs - clock.now().getTime());
      await eventually(() => expect(registry!.mirrored().map(([id]) => id)).not.toContain(userId), 10_000);
      expect(await redis().exists(activityKey)).toBe(0);

      // The heartbeat goes on, with what it read before: the wait is back in Redis, connection away, paused in
      // the queue (its pause comes after the hook, so the hook has run).
      release();
      await eventually(async () => {
        expect((await readActivity())?.detached?.untilMs).toBe(detached.untilMs);
        expect(await paused()).toBe(true);
      }, 10_000);
    } finally {
      release();
      held.mockRestore();
    }

    // The timer the hook started again is due now (its end is past): it ends the wait.
    clock.advance(0);
    await eventually(async () => {
      expect(await redis().exists(activityKey)).toBe(0);
      expect(await inQueue()).toBe(false);
      expect(await paused()).toBe(false);
    }, 10_000);
  });
});
