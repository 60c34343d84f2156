/**
 * A reload of the content policy that read the stored policy just before a change made on this instance
 * committed, and finishes after it: it must not put the older policy back in force. The reload's read is
 * held (test/helpers/interleave.ts) so the race is certain. Over each database engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryModerationBus } from '../../src/moderation/moderation-bus.js';
import { DEFAULT_POLICY } from '../../src/policy/policy-document.js';
import { PolicyService } from '../../src/policy/policy-service.js';
import { ENGINES } from '../admin/engines.js';
import { ManualClock } from '../helpers/clock.js';
import { openTestDatabase, silentLogger } from '../helpers/database.js';
import { intercept } from '../helpers/interleave.js';

describe.each(ENGINES)('a content-policy reload racing a change (%s)', (engine) => {
  let opened: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    opened = await openTestDatabase(engine);
  });
  afterAll(async () => opened?.drop());

  it('a reload that read before the change and finishes after it leaves the change in force', async () => {
    const db = intercept(opened.database);
    const bus = new MemoryModerationBus();
    const policy = new PolicyService({ database: db.proxy, bus, clock: new ManualClock(), logger: silentLogger, enabled: true, repeatRooms: 3, repeatWindowMs: 600_000, refreshMs: 3_600_000 });
    await policy.start();
    expect(policy.current()).toEqual(DEFAULT_POLICY);
    const reading = db.hold('query', { at: 'after', when: (sql: string) => sql.startsWith('SELECT document, updated_at FROM content_policy') });
    // Another instance's change announced: this one reloads, and its read comes back with what was stored then.
    await bus.publish({ type: 'policy' });
    await reading.reached;
    const next = { links: 'block' as const, terms: [{ term: 'mango', action: 'block' as const }] };
    await policy.replace(next);
    expect(policy.current()).toEqual(next);
    // The change's own announcement reloads too, and that reload (reading the change) finishes first.
    await new Promise((resolve) => setTimeout(resolve, 100));
    reading.release();
    // The reload finishes with its older read: the change stays in force.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(policy.current()).toEqual(next);
    policy.stop();
  });

  it('a stored policy put back from a backup (an older version) is loaded all the same', async () => {
    const bus = new MemoryModerationBus();
    const policy = new PolicyService({ database: opened.database, bus, clock: new ManualClock(), logger: silentLogger, enabled: true, repeatRooms: 3, repeatWindowMs: 600_000, refreshMs: 3_600_000 });
    await policy.start();
    await policy.replace({ links: 'flag', terms: [{ term: 'newer', action: 'block' }] });
    const restored = { links: 'allow' as const, terms: [{ term: 'older', action: 'mask' as const }] };
    await opened.database.query('UPDATE content_policy SET document = $1::jsonb, updated_at = $2 WHERE id = 1', [JSON.stringify(restored), new Date('2020-01-01T00:00:00Z')]);
    await bus.publish({ type: 'policy' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(policy.current()).toEqual(restored);
    policy.stop();
  });
});
