/**
 * `GET /api/online` → `{online, waiting}`: people connected right now and people waiting for a match,
 * across the whole cluster, for the start screen's "n online". Read at most once per `ONLINE_CACHE_MS` per
 * instance however many pages poll it, so it needs no per-address limit; never cached by browsers or
 * proxies (the figures change every second).
 */
import type { FastifyInstance } from 'fastify';
import { CachedLiveStats, type LiveStats } from '../chat/live-stats.js';
import type { Clock } from '../clock.js';
import { AppError, ErrorCode } from '../errors.js';

/** How long an instance reuses the figures it read (the cluster's connection counts refresh every second). */
export const ONLINE_CACHE_MS = 1_500;

export async function registerOnlineRoutes(app: FastifyInstance, options: { liveStats: LiveStats; clock: Clock }): Promise<void> {
  const figures = new CachedLiveStats(options.liveStats, () => options.clock.now().getTime(), ONLINE_CACHE_MS);
  app.get('/api/online', async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    try {
      return await figures.figures();
    } catch (err) {
      // Redis unreachable (cluster mode): the page simply shows no count; the error handler logs the cause.
      throw new AppError(ErrorCode.MATCHING_UNAVAILABLE, { cause: err });
    }
  });
}
