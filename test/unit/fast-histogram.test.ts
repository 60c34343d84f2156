/**
 * FastHistogram stands in for prom-client's Histogram on the message path: for the same observations,
 * a registry holding it must expose exactly what a registry holding prom-client's histogram does (text
 * and JSON), bucket edges, values above the last bucket, sums and all.
 */
import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastHistogram } from '../../src/metrics/fast-histogram.js';

const BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.25, 2.5];
const STAGES = ['admitted', 'queued', 'committed'];

function pair(labelled: boolean) {
  const ours = new Registry();
  const theirs = new Registry();
  const options = { name: 'x_seconds', help: 'Help with "quotes" and a \\ backslash', buckets: BUCKETS };
  if (!labelled) {
    const fast = new FastHistogram({ ...options, registers: [ours] }).child();
    const prom = new Histogram({ ...options, registers: [theirs] });
    return { ours, theirs, observe: (_stage: number, v: number) => (fast.observe(v), prom.observe(v)) };
  }
  const fast = new FastHistogram({ ...options, labelName: 'stage', registers: [ours] });
  const prom = new Histogram({ ...options, labelNames: ['stage'], registers: [theirs] });
  const fastSeries = STAGES.map((s) => fast.child(s));
  const promSeries = STAGES.map((s) => prom.labels(s));
  return {
    ours,
    theirs,
    observe: (stage: number, v: number) => {
      fastSeries[stage]!.observe(v);
      promSeries[stage]!.observe(v);
    },
  };
}

describe('FastHistogram against prom-client’s Histogram', () => {
  it('exposes the same text and JSON for any observations, with and without a label', async () => {
    const value = fc.oneof(fc.constantFrom(...BUCKETS, 0, 3, 1e9), fc.double({ min: 0, max: 5, noNaN: true }));
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(fc.tuple(fc.nat(STAGES.length - 1), value), { maxLength: 200 }), async (labelled, observations) => {
        const { ours, theirs, observe } = pair(labelled);
        // prom-client shows a series from its first observation, ours from its creation: observe each once first.
        for (let stage = 0; stage < STAGES.length; stage++) observe(stage, 0.003);
        for (const [stage, v] of observations) observe(stage, v);
        expect(await ours.metrics()).toBe(await theirs.metrics());
        expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
      }),
      { numRuns: 200 },
    );
  });

  it('counts a value equal to a bound in that bound’s bucket, and one above every bound only in +Inf', async () => {
    const registry = new Registry();
    const h = new FastHistogram({ name: 'y', help: 'y', buckets: [1, 2], registers: [registry] }).child();
    h.observe(1);
    h.observe(2.5);
    const text = await registry.metrics();
    expect(text).toContain('y_bucket{le="1"} 1\ny_bucket{le="2"} 1\ny_bucket{le="+Inf"} 2\ny_sum 3.5\ny_count 2');
  });

  it('refuses what prom-client refuses: a value that is not a number, unsorted buckets, a label that does not fit', () => {
    const registry = new Registry();
    const h = new FastHistogram({ name: 'z', help: 'z', buckets: [1], labelName: 'stage', registers: [registry] });
    expect(() => h.child('a').observe(Number.NaN)).toThrow(TypeError);
    expect(() => h.child()).toThrow(/label/);
    expect(() => new FastHistogram({ name: 'w', help: 'w', buckets: [2, 1], registers: [] })).toThrow(/ascending/);
    expect(() => new FastHistogram({ name: 'z', help: 'again', buckets: [1], registers: [registry] })).toThrow(/already been registered/);
  });

  it('reset empties every series and keeps them bound', async () => {
    const registry = new Registry();
    const h = new FastHistogram({ name: 'r', help: 'r', buckets: [1], registers: [registry] });
    const series = h.child();
    series.observe(0.5);
    registry.resetMetrics();
    series.observe(2);
    expect(await registry.metrics()).toContain('r_bucket{le="1"} 0\nr_bucket{le="+Inf"} 1\nr_sum 2\nr_count 1');
  });
});
