/**
 * Instances of one cluster find each other through Redis: each announces itself every second with its
 * number of people connected (so "online now" is cluster-wide), notices when Redis lost its data (and puts
 * its own people back: activities re-asserted, waiting users re-queued or back in their private room),
 * and adopts the people of an instance that stopped announcing itself (a crash, `kill -9`; noticed after
 * about two announcement lifetimes, 6 s by default), so their partners are told after the grace period
 * instead of waiting forever.
 * An instance that was only stalled longer than that (a saturated machine) finds, when it announces
 * again, that it was taken for dead, and takes back the people still connected to it.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Activity } from '../chat/activity-registry.js';
import { entryInterests } from '../chat/matchmaker.js';
import type { RedisActivityRegistry } from '../chat/redis-activity-registry.js';
import type { Clock } from '../clock.js';
import { epochKey } from './epoch-key.js';
import type { RedisMatchQueue } from '../matching/redis-match-queue.js';

export interface ClusterPresenceOptions {
  redis: Redis;
  prefix: string;
  instanceId: string;
  registry: RedisActivityRegistry;
  queue: RedisMatchQueue;
  logger: Logger;
  /**
   * Paces the heartbeat and dates announcements and suspicions. Whether an announcement still exists is
   * Redis's own expiry (one clock for every instance), so reaping never compares two machines' clocks;
   * `isAlive` does compare an announcement's time with this clock, within 2.5 heartbeats.
   */
  clock: Clock;
  /** How often this instance announces itself, in ms. Default 1 s. */
  heartbeatMs?: number;
  /** How long an announcement lasts, in ms: an instance silent that long is suspected dead. Default 3 s. */
  instanceTtlMs?: number;
}

/** What the presence needs from the running app, given once it exists. */
export interface PresenceHooks {
  /**
   * People connected to this instance (distinct identities), announced for the cluster's "online now". Each
   * instance counts its own: a person with tabs on two instances counts on both.
   */
  localPeople(): number;
  adopt(userId: string, activity: Activity): Promise<void>;
  /** This instance was taken for dead and its people adopted: those still connected here are taken back. */
  reclaim(): Promise<void>;
  /**
   * False once this instance is stopping: it adopts nobody then (it would count their grace periods no
   * more — a stop ends the ones it counts); a live instance does.
   */
  mayAdopt?(): boolean;
  /** After Redis lost its data: a connected person's wait in a private room, back in that room. */
  restorePrivateWait?(userId: string, activity: Activity): Promise<void>;
  /**
   * After Redis lost its data: a person whose connection is away, written back, is counted down again
   * (a grace period that lapsed during the loss, its end failed, ends now).
   */
  restoreGrace?(userId: string, activity: Activity): void;
}

export class ClusterPresence {
  private cancelBeat: (() => void) | undefined;
  private stopped = false;
  private epoch: string | undefined;
  private hooks: PresenceHooks | undefined;
  private ticking: Promise<void> | undefined;
  /** An announcement renewed on its own while a long heartbeat runs (see `scheduleBeat`). */
  private renewing: Promise<void> | undefined;
  /** A take-back owed since this instance was found taken for dead, until one has run to its end. */
  private reclaimPending = false;
  private announced = false;
  private readonly heartbeatMs: number;
  private readonly instanceTtlMs: number;
  /** Instances whose announcement was found expired, and when. */
  private readonly silentSince = new Map<string, number>();

  constructor(private readonly options: ClusterPresenceOptions) {
    this.heartbeatMs = options.heartbeatMs ?? 1_000;
    this.instanceTtlMs = options.instanceTtlMs ?? 3_000;
  }

  private key(name: string): string {
    return `${this.options.prefix}${name}`;
  }

  /** Announces this instance now and every heartbeat from then on. */
  async start(hooks: PresenceHooks): Promise<void> {
    this.hooks = hooks;
    await this.tick();
    this.scheduleBeat();
  }

  /** Resolves once the heartbeat under way, if any, is done (stop waits for it; tests step with it). */
  async settled(): Promise<void> {
    await this.ticking;
  }

  private scheduleBeat(): void {
    if (this.stopped) return;
    this.cancelBeat = this.options.clock.schedule(this.heartbeatMs, () => {
      // A heartbeat still running is not doubled. But one can run long — adopting a dead instance's
      // thousands of people, restoring them all after Redis lost its data — and this instance must not
      // look dead meanwhile: others would adopt its people. So this beat renews the announcement only.
      if (this.ticking) this.renewing ??= this.renew().finally(() => (this.renewing = undefined));
      else this.ticking = this.tick().finally(() => (this.ticking = undefined));
      this.scheduleBeat();
    });
  }

  /**
   * The announcement alone, while a heartbeat is under way. Not added back to the instances: that is the
   * heartbeat's own announcement, which so notices if this instance was taken for dead.
   */
  private async renew(): Promise<void> {
    await this.options.redis.set(this.key(`inst:${this.options.instanceId}`), this.announcement(), 'PX', this.instanceTtlMs).catch((err: unknown) => {
      this.options.logger.debug({ err }, 'cluster announcement failed (Redis unreachable?)');
    });
  }

  private announcement(): string {
    return `${this.hooks?.localPeople() ?? 0} ${this.nowMs()}`;
  }

  private nowMs(): number {
    return this.options.clock.now().getTime();
  }

  /** True when no other live instance announces itself (so this one may tidy up after a full stop). */
  async alone(): Promise<boolean> {
    const others = (await this.options.redis.smembers(this.key('instances'))).filter((id) => id !== this.options.instanceId);
    if (others.length === 0) return true;
    const alive = await this.options.redis.exists(...others.map((id) => this.key(`inst:${id}`)));
    return alive === 0;
  }

  /** People connected across every live instance: the sum of each instance's distinct identities. */
  async onlineCount(): Promise<number> {
    const { redis } = this.options;
    const ids = await redis.smembers(this.key('instances'));
    if (ids.length === 0) return 0;
    const counts = await redis.mget(...ids.map((id) => this.key(`inst:${id}`)));
    return counts.reduce((sum, value) => sum + Number(value?.split(' ')[0] ?? 0), 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelBeat?.();
    await this.ticking;
    await this.renewing;
    const { redis, instanceId } = this.options;
    await redis.del(this.key(`inst:${instanceId}`)).catch(() => undefined);
    await redis.srem(this.key('instances'), instanceId).catch(() => undefined);
  }

  private async tick(): Promise<void> {
    try {
      const removed = await this.announce();
      // Redis restarted empty also removes us: then our people are restored from the mirror, not reclaimed
      // (reclaiming first would read their activities as gone and forget them).
      const restored = await this.checkEpoch();
      if (removed && !restored) {
        this.options.logger.warn('this instance was taken for dead (a stall?) and its people adopted: taking back those still connected');
        this.reclaimPending = true;
      }
      // Until a take-back has run to its end: one cut short (Redis away halfway) is run again at the next
      // beat, when the announcement no longer says this instance had been removed.
      if (this.reclaimPending && this.hooks) {
        await this.hooks.reclaim();
        this.reclaimPending = false;
      }
      await this.reapDeadInstances();
    } catch (err) {
      this.options.logger.debug({ err }, 'cluster heartbeat failed (Redis unreachable?)');
    }
  }

  /**
   * Each announcement is `"<people connected> <epoch ms>"`, so others can tell how fresh it is. True when this
   * instance had been removed from the instances since its last announcement: an adopter removes it (or
   * Redis lost its data).
   */
  private async announce(): Promise<boolean> {
    const { redis, instanceId } = this.options;
    await redis.set(this.key(`inst:${instanceId}`), this.announcement(), 'PX', this.instanceTtlMs);
    const added = await redis.sadd(this.key('instances'), instanceId);
    const removed = added === 1 && this.announced;
    this.announced = true;
    return removed;
  }

  /**
   * Whether another instance is alive. A crashed instance's last announcement lingers until it expires,
   * so an announcement older than two heartbeats counts as dead, and a recent one is trusted only once a
   * newer one arrives (waiting at most about two heartbeats): a connection taking over a chat must not
   * wrongly believe its old, crashed connection is another live tab.
   */
  async isAlive(instanceId: string): Promise<boolean> {
    const asked = this.nowMs();
    const staleMs = this.heartbeatMs * 2.5;
    for (;;) {
      const raw = await this.options.redis.get(this.key(`inst:${instanceId}`));
      if (raw === null) return false;
      const beatMs = Number(raw.split(' ')[1] ?? 0);
      if (this.nowMs() - beatMs > staleMs) return false;
      if (beatMs >= asked) return true;
      if (this.nowMs() - asked > staleMs) return false;
      await new Promise<void>((resolve) => this.options.clock.schedule(this.heartbeatMs / 4, resolve));
    }
  }

  /**
   * Redis keeps a random "epoch" value; if it vanished, Redis restarted empty and we restore our people.
   * True when they were restored.
   */
  private async checkEpoch(): Promise<boolean> {
    const { redis } = this.options;
    const key = epochKey(this.options.prefix);
    const current = await redis.get(key);
    if (current !== null && current === this.epoch) return false;
    if (current === null) await redis.set(key, randomUUID(), 'NX');
    const fresh = (await redis.get(key)) ?? undefined;
    const lost = this.epoch !== undefined;
    // Taken as the epoch only once restored: a restore cut short (Redis away halfway) runs again next beat.
    if (lost) await this.restore();
    this.epoch = fresh;
    // From now on a person read as gone ended (until the epoch changes again).
    if (fresh !== undefined) this.options.registry.restoredUnder(fresh);
    return lost;
  }

  private async restore(): Promise<void> {
    const { registry, queue, logger } = this.options;
    let restored = 0;
    for (const [userId, activity] of registry.mirrored()) {
      const written = await registry.restore(userId, activity);
      if (written) restored++;
      if (written && activity.detached) this.hooks?.restoreGrace?.(userId, activity);
      if (activity.kind !== 'waiting') continue;
      // A wait in a private room is not in the queue: it waits in its room again — entering it meets whoever
      // entered the key since Redis lost its data. Only a wait written back here (one Redis holds again was
      // written by a change since, which saw to the room) and still connected: one whose connection is away
      // enters its room again when it comes back (a resume).
      if (activity.privateKey !== undefined) {
        if (written && !activity.detached) await this.hooks?.restorePrivateWait?.(userId, activity);
        continue;
      }
      await queue.enqueue({ userId, socketId: activity.socketId, ...entryInterests(activity) });
      if (activity.detached) await queue.pause(userId);
    }
    logger.warn({ restored }, 'Redis lost its data: restored this instance’s chats, queue places and private waits');
  }

  /**
   * Adopts the people of instances that stopped announcing. An instance is suspected when its
   * announcement has expired and reaped only if it is still silent an announcement lifetime later: a
   * live instance whose event loop stalled for a few seconds (a loaded machine) must not lose its chats.
   */
  private async reapDeadInstances(): Promise<void> {
    const { redis, instanceId, registry, logger } = this.options;
    if (this.hooks?.mayAdopt?.() === false) return;
    const members = await redis.smembers(this.key('instances'));
    for (const id of this.silentSince.keys()) if (!members.includes(id)) this.silentSince.delete(id);
    for (const id of members) {
      if (id === instanceId) continue;
      if ((await redis.exists(this.key(`inst:${id}`))) === 1) {
        this.silentSince.delete(id);
        continue;
      }
      const since = this.silentSince.get(id);
      if (since === undefined) this.silentSince.set(id, this.nowMs());
      if (since === undefined || this.nowMs() - since < this.instanceTtlMs) continue;
      this.silentSince.delete(id);
      // One instance adopts a dead one's people; the lock outlives the adoption.
      if ((await redis.set(this.key(`reap:${id}`), instanceId, 'PX', 60_000, 'NX')) !== 'OK') continue;
      const orphans = await registry.heldBy(id);
      // One person who cannot be adopted (Redis away for a moment) does not leave everyone after them.
      let failed = 0;
      for (const [userId, activity] of orphans) {
        await this.hooks?.adopt(userId, activity).catch((err: unknown) => {
          failed++;
          logger.warn({ err, deadInstance: id }, 'could not adopt a dead instance’s person');
        });
      }
      if (failed > 0) {
        // Kept as an instance, its lock let go: it is adopted again (those still its own) at a later heartbeat.
        await redis.del(this.key(`reap:${id}`));
        logger.warn({ deadInstance: id, adopted: orphans.length - failed, failed }, 'instance stopped announcing itself: adopted some of its people, the rest later');
        continue;
      }
      await redis.srem(this.key('instances'), id);
      logger.warn({ deadInstance: id, adopted: orphans.length }, 'instance stopped announcing itself: adopted its people');
    }
  }
}
