/**
 * A policy change an instance did not hear of (its bus event was lost: Redis down at that moment) is in
 * force there at its next check of the stored version, on both engines. Two PolicyServices share one
 * database, each with a bus that loses everything; time is the test's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModerationBus } from '../../src/moderation/moderation-bus.js';
import { DEFAULT_POLICY } from '../../src/policy/policy-document.js';
import { PolicyService } from '../../src/policy/policy-service.js';
import type { Database } from '../../src/storage/database.js';
import { ManualClock } from '../helpers/clock.js';
import { openTestDatabase, silentLogger, type Engine } from '../helpers/database.js';
import { hasPostgres } from '../helpers/services.js';

const engines: Engine[] = ['pglite', ...(hasPostgres() ? (['postgres'] as const) : [])];
const REFRESH_MS = 30_000;

/** A bus whose events never arrive anywhere. */
const lossyBus: ModerationBus = { publish: async () => undefined, subscribe: async () => undefined };

describe.each(engines)('content policy on %s', (engine) => {
  let opened: Awaited<ReturnType<typeof openTestDatabase>>;
  let database: Database;
  beforeAll(async () => {
    opened = await openTestDatabase(engine);
    database = opened.database;
  }, 120_000);
  afterAll(async () => {
    await opened?.drop();
  });

  it('a change whose event was lost reaches the other instance at its next check, not before', async () => {
    const clock = new ManualClock();
    const service = () => new PolicyService({ database, bus: lossyBus, clock, logger: silentLogger, enabled: true, repeatRooms: 3, repeatWindowMs: 60_000, refreshMs: REFRESH_MS });
    const a = service();
    const b = service();
    await a.start();
    await b.start();
    try {
      const context = { senderId: 'u1', roomId: 1 };
      expect(b.evaluate('来买西瓜籽', context).action).toBe('allow');
      clock.advance(1_000);
      await a.replace({ ...DEFAULT_POLICY, terms: [...DEFAULT_POLICY.terms, { term: '西瓜籽', action: 'block' }] });
      expect(a.evaluate('来买西瓜籽', context).action).toBe('block');
      // b heard nothing: the old policy, until its check.
      expect(b.evaluate('来买西瓜籽', context).action).toBe('allow');
      clock.advance(REFRESH_MS);
      await expect.poll(() => b.evaluate('来买西瓜籽', context).action).toBe('block');
      expect(b.current().terms).toContainEqual({ term: '西瓜籽', action: 'block' });
    } finally {
      a.stop();
      b.stop();
    }
  });
});
