/**
 * Which worker the WEB_CONCURRENCY primary starts again after it exited while serving
 * (src/cluster/primary.ts `restartsAfterExit`): one that got ready and served a while, never one that did
 * not get ready — however long it took to fail.
 */
import { describe, expect, it } from 'vitest';
import { MIN_WORKER_LIFETIME_MS, restartsAfterExit } from '../../src/cluster/primary.js';

describe('restartsAfterExit', () => {
  const startedAt = 1_000_000;
  it('a worker that was ready and served past MIN_WORKER_LIFETIME_MS is restarted', () => {
    expect(restartsAfterExit({ ready: true, startedAt }, startedAt + MIN_WORKER_LIFETIME_MS)).toBe(true);
    expect(restartsAfterExit({ ready: true, startedAt }, startedAt + 3_600_000)).toBe(true);
  });

  it('one that died soon after its start is not (it would crash-loop)', () => {
    expect(restartsAfterExit({ ready: true, startedAt }, startedAt + MIN_WORKER_LIFETIME_MS - 1)).toBe(false);
  });

  it('a replacement that never got ready is not, however long it took to fail', () => {
    // Before, 6 s of trying to reach PostgreSQL and failing was restarted for ever, every 6 s.
    expect(restartsAfterExit({ ready: false, startedAt }, startedAt + 6_000)).toBe(false);
    expect(restartsAfterExit({ ready: false, startedAt }, startedAt + 600_000)).toBe(false);
  });
});
