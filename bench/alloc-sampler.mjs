/*
 * Preloaded into the bench's server (`node --import`) by `--alloc-prof`: V8's sampling heap profiler,
 * counting every sampled allocation — also what a minor or major collection frees soon after, which is
 * what garbage collection time is spent on. Sampling starts at the first SIGUSR2 (the bench sends it as
 * the load starts) and the profile is written when the process exits, to
 * $BENCH_ALLOC_PROF_DIR/ALLOC.<pid>.heapprofile. Plain JavaScript: it runs before anything is compiled.
 */
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.BENCH_ALLOC_PROF_DIR;
if (!dir) throw new Error('alloc-sampler: BENCH_ALLOC_PROF_DIR is not set');
/** Mean bytes between samples: small enough for a per-message picture, large enough to cost little. */
const SAMPLING_INTERVAL = 16_384;

const session = new Session();
session.connect();
let sampling = false;

process.on('SIGUSR2', () => {
  if (sampling) return;
  sampling = true;
  session.post('HeapProfiler.startSampling', {
    samplingInterval: SAMPLING_INTERVAL,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
});

// A same-thread inspector session answers synchronously, so this completes inside the exit handler.
process.on('exit', () => {
  if (!sampling) return;
  session.post('HeapProfiler.stopSampling', (error, result) => {
    if (error) console.error('alloc-sampler:', error);
    else writeFileSync(join(dir, `ALLOC.${process.pid}.heapprofile`), JSON.stringify(result.profile));
  });
});
