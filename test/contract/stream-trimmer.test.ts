/** The cluster adapter's Redis stream keeps broadcasts (message texts) only for the retention window. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { StreamTrimmer } from '../../src/cluster/stream-trimmer.js';
import { testRedis } from '../helpers/redis.js';
import { hasRedis } from '../helpers/services.js';

describe.skipIf(!hasRedis())('adapter stream trimming (Redis)', () => {
  it('removes entries older than the retention window and keeps recent ones', async () => {
    const { redis, prefix, cleanup } = testRedis();
    try {
      const stream = `${prefix}socket.io`;
      const now = Date.now();
      // Stream ids start with their time in ms: two written "10 minutes ago", two now.
      await redis.xadd(stream, `${now - 600_000}-0`, 'msg', 'old text 1');
      await redis.xadd(stream, `${now - 600_000}-1`, 'msg', 'old text 2');
      await redis.xadd(stream, '*', 'msg', 'recent 1');
      await redis.xadd(stream, '*', 'msg', 'recent 2');
      const trimmer = new StreamTrimmer({ redis, stream, retentionMs: 60_000, intervalMs: 60_000, logger: pino({ level: 'silent' }) });
      expect(await trimmer.trim()).toBe(2);
      const left = await redis.xrange(stream, '-', '+');
      expect(left.map(([, fields]) => fields[1])).toEqual(['recent 1', 'recent 2']);
    } finally {
      await cleanup();
    }
  });
});
