/**
 * `chat_purge_failing` when its source cannot be read: the purge needs that same database, so the gauge
 * says failing rather than keep the last value (which would hide an outage from the alert).
 */
import { describe, expect, it } from 'vitest';
import { AppMetrics, type GaugeSources } from '../../src/metrics/app-metrics.js';

function metricsWith(purge: GaugeSources['purge']): AppMetrics {
  const metrics = new AppMetrics();
  metrics.expose({ connections: () => 0, waiting: async () => 0, activeChats: async () => 0, writeQueueDepth: () => 0, ...(purge ? { purge } : {}) });
  return metrics;
}

async function failing(metrics: AppMetrics): Promise<number | undefined> {
  const gauge = await metrics.registry.getSingleMetric('chat_purge_failing')?.get();
  return gauge?.values[0]?.value;
}

describe('chat_purge_failing', () => {
  it('is 0 while the purge succeeds, 1 once its record cannot be read, and 0 again when it can', async () => {
    let source: 'ok' | 'down' = 'ok';
    const metrics = metricsWith(async () => {
      if (source === 'down') throw new Error('connect ECONNREFUSED');
      return { lastSuccessAt: new Date(), failing: false };
    });
    expect(await failing(metrics)).toBe(0);
    source = 'down';
    expect(await failing(metrics)).toBe(1);
    source = 'ok';
    expect(await failing(metrics)).toBe(0);
  });

  it('is absent without RETENTION_DAYS', async () => {
    const metrics = metricsWith(undefined);
    expect(await failing(metrics)).toBeUndefined();
    expect(await metrics.registry.metrics()).not.toMatch(/chat_purge_(failing|last_success)/);
  });
});
