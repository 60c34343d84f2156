/**
 * An instance told of a new sanction (real PGlite sanctions): it announces the sanction at once, even
 * with its clock a little behind the clock of the instance that issued it.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { EnforcementSync } from '../../src/moderation/enforcement-sync.js';
import { SanctionRepository, type Sanction } from '../../src/moderation/sanction-repository.js';
import { ManualClock } from '../helpers/clock.js';
import { databaseForFile } from '../helpers/database.js';

describe('enforcement sync', () => {
  const db = databaseForFile('pglite');

  it('announces a sanction issued on an instance whose clock is ahead of this one’s', async () => {
    const issuedAt = new Date('2026-06-01T12:00:00.000Z');
    const sanctions = new SanctionRepository(db.get());
    const ban = await sanctions.insert({ userId: null, networkHash: 'net-1', kind: 'banned', reason: 'abuse', startsAt: issuedAt, endsAt: null, createdBy: 'admin', reportId: null });
    // This instance's clock is 50 ms behind the issuer's.
    const clock = new ManualClock(issuedAt.getTime() - 50);
    const sync = new EnforcementSync({ sanctions, clock, logger: pino({ level: 'silent' }) });
    const told: Sanction[] = [];
    sync.onSanction((sanction) => told.push(sanction));
    await sync.handle({ type: 'sanction', id: ban.id });
    // Before, it was taken for one not started yet: told nobody until the next reload (30 s).
    expect(told.map((s) => s.id)).toEqual([ban.id]);
    expect(sync.sanctions.strongest('someone', () => 'net-1', clock.now())?.kind).toBe('banned');
  });
});
