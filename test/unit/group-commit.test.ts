/** Group commit on its own, over a write function that records its statements and fails on demand. */
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/storage/group-commit.js';

const dataError = (code = '23503') => Object.assign(new Error('a row the database refused'), { code });
const outage = () => Object.assign(new Error('timeout exceeded when trying to connect'), { code: undefined });

function commit(write: (batch: number[]) => Promise<number[]>) {
  const statements: number[][] = [];
  const group = new GroupCommit<number, number>(
    async (batch) => {
      statements.push(batch);
      return write(batch);
    },
    {
      maxBatch: 1_000,
      maxQueued: 10_000,
      busy: () => new Error('busy'),
      failed: (cause) => new Error(`failed: ${(cause as Error).message}`),
      retryApart: (cause) => /^2[23]/.test((cause as { code?: string }).code ?? ''),
    },
  );
  return { group, statements };
}

describe('group commit', () => {
  it('writes what was submitted in one turn as one statement, each caller getting its own result', async () => {
    const { group, statements } = commit(async (batch) => batch.map((n) => n * 10));
    const results = await Promise.all([1, 2, 3].map((n) => group.submit(n)));
    expect(results).toEqual([10, 20, 30]);
    expect(statements).toEqual([[1, 2, 3]]);
  });

  it('after a data error writes the items one by one, so only the bad one fails', async () => {
    const { group, statements } = commit(async (batch) => {
      if (batch.includes(2)) throw dataError();
      return batch.map((n) => n * 10);
    });
    const results = await Promise.allSettled([1, 2, 3].map((n) => group.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(statements).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('stops writing one by one when the database itself fails meanwhile: the rest fail at once', async () => {
    let down = false;
    const { group, statements } = commit(async (batch) => {
      if (down) throw outage();
      if (batch.length > 1) {
        down = true; // the database goes away just after refusing the batch
        throw dataError();
      }
      return batch.map((n) => n * 10);
    });
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, n) => group.submit(n)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect((results[99] as PromiseRejectedResult).reason.message).toBe('failed: timeout exceeded when trying to connect');
    // Before, each of the 100 items was tried alone, each waiting its own timeout (hours for 2,000 rows).
    expect(statements.length).toBe(2);
  });
});
