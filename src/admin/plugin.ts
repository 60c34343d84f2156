/**
 * Admin back office: a self-contained Fastify plugin with its own auth (registered under /admin).
 * Placeholder until the admin issue lands.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { LiveStats } from '../chat/live-stats.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { Database } from '../storage/database.js';

export interface AdminPluginOptions {
  config: Config;
  database: Database;
  liveStats: LiveStats;
  clock: Clock;
  logger: Logger;
}

export async function adminPlugin(_app: FastifyInstance, _options: AdminPluginOptions): Promise<void> {}
