/**
 * The safety loop's service over one database and bus, as the app (and the admin's own tests) run it.
 */
import type { Logger } from 'pino';
import { AuditLog } from '../admin/audit-log.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { AppEvents } from '../metrics/app-events.js';
import type { Database } from '../storage/database.js';
import { loadHotlines } from '../policy/crisis.js';
import type { ModerationBus } from './moderation-bus.js';
import { ModerationService, type ModerationDeps } from './moderation-service.js';
import { ReportRepository } from './report-repository.js';
import { SanctionRepository } from './sanction-repository.js';

export interface ModerationParts {
  database: Database;
  bus: ModerationBus;
  clock: Clock;
  logger: Logger;
  /** `policy.hotlinesFile`: the crisis lines an offer of support shows. */
  config: Pick<Config, 'moderation' | 'timezone' | 'policy'>;
  /** Reports filed and sanctions issued (metrics). */
  events?: Pick<AppEvents, 'reported' | 'sanctioned'>;
  /** The match queue's `keepApart`: a new block holds in matching before every instance knows it. */
  keepApart: NonNullable<ModerationDeps['keepApart']>;
}

/** Builds and starts it (the caches are loaded before it answers anything). */
export async function startModeration(parts: ModerationParts): Promise<ModerationService> {
  // Automatic decisions have no client address; nothing to hash.
  const audit = new AuditLog(parts.database, parts.clock, parts.config.timezone, () => '');
  const moderation = new ModerationService({
    database: parts.database,
    reports: new ReportRepository(parts.database),
    sanctions: new SanctionRepository(parts.database),
    bus: parts.bus,
    clock: parts.clock,
    logger: parts.logger,
    config: parts.config.moderation,
    audit: (tx, detail) => audit.record({ action: 'sanction_automatic', clientAddress: undefined, detail }, tx),
    ...(parts.events ? { events: parts.events } : {}),
    keepApart: parts.keepApart,
    hotlines: loadHotlines(parts.config.policy.hotlinesFile),
  });
  await moderation.start();
  return moderation;
}
