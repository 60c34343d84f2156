/**
 * One instance of the moderation service, built as the app builds it (minus the app), on a test database:
 * its repositories and bus wrapped by `intercept` (test/helpers/interleave.ts) so a test can hold their calls,
 * and the sanctions it was told of. Each instance has its own bus: nobody else's events reach it.
 */
import { MemoryModerationBus } from '../../src/moderation/moderation-bus.js';
import { ModerationService, type StrikeRules } from '../../src/moderation/moderation-service.js';
import { ReportRepository } from '../../src/moderation/report-repository.js';
import { SanctionRepository, type Sanction } from '../../src/moderation/sanction-repository.js';
import type { Database } from '../../src/storage/database.js';
import type { ManualClock } from './clock.js';
import { silentLogger } from './database.js';
import { intercept } from './interleave.js';

/** A warning at the first strike and at the second (a mute only at the fifth): two strikes would both want a warning. */
export const RACE_STRIKES: StrikeRules = { windowDays: 30, forWarning: 1, forMute: 5, forBan: 9, muteS: 86_400, banS: 604_800 };

export async function moderationInstance(database: Database, clock: ManualClock) {
  const sanctions = intercept(new SanctionRepository(database));
  const reports = intercept(new ReportRepository(database));
  const bus = intercept(new MemoryModerationBus());
  const moderation = new ModerationService({
    database,
    reports: reports.proxy,
    sanctions: sanctions.proxy,
    bus: bus.proxy,
    clock,
    logger: silentLogger,
    config: { reportWindowMs: 60_000, strikes: RACE_STRIKES },
    audit: async () => undefined,
    // Reloads only when a test asks.
    refreshMs: 3_600_000,
  });
  const told: Sanction[] = [];
  moderation.onSanction((sanction) => told.push(sanction));
  await moderation.start();
  return { moderation, sanctions, reports, bus, told, stop: () => moderation.stop() };
}
