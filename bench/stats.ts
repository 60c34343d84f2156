/**
 * Latency histograms with bounded memory: log-linear buckets over microseconds (32 per power of two, so a
 * percentile is within ~3% of the true value), mergeable across workers, sendable over IPC as plain data.
 */

const SUB_BUCKETS = 32;
const SUB_BITS = 5; // log2(SUB_BUCKETS)
/** Covers 0 µs … 2^40 µs (≈ 12 days): far beyond any step. */
const MAX_EXPONENT = 40;
const BUCKETS = SUB_BUCKETS * (MAX_EXPONENT - SUB_BITS + 2);

/** What travels between processes and into the JSON results. */
export interface HistogramData {
  counts: Uint32Array;
  count: number;
  sumMs: number;
  minMs: number;
  maxMs: number;
}

export interface Summary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export class Histogram {
  private readonly counts = new Uint32Array(BUCKETS);
  private n = 0;
  private sum = 0;
  private min = Infinity;
  private max = 0;

  static from(data: HistogramData): Histogram {
    const h = new Histogram();
    h.merge(data);
    return h;
  }

  get count(): number {
    return this.n;
  }

  record(ms: number): void {
    const value = ms > 0 ? ms : 0;
    this.counts[bucketOf(value * 1000)]!++;
    this.n++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  merge(other: HistogramData): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i] ?? 0;
    this.n += other.count;
    this.sum += other.sumMs;
    if (other.count > 0) {
      this.min = Math.min(this.min, other.minMs);
      this.max = Math.max(this.max, other.maxMs);
    }
  }

  /** The value below which a fraction `p` (0…1) of the samples lie; 0 when empty. */
  percentile(p: number): number {
    if (this.n === 0) return 0;
    const rank = Math.max(1, Math.ceil(p * this.n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(Math.max(bucketUpperUs(i) / 1000, this.min), this.max);
    }
    return this.max;
  }

  summary(): Summary {
    return {
      count: this.n,
      meanMs: this.n ? this.sum / this.n : 0,
      p50Ms: this.percentile(0.5),
      p95Ms: this.percentile(0.95),
      p99Ms: this.percentile(0.99),
      maxMs: this.max,
    };
  }

  data(): HistogramData {
    return { counts: this.counts.slice(), count: this.n, sumMs: this.sum, minMs: this.n ? this.min : 0, maxMs: this.max };
  }
}

function bucketOf(us: number): number {
  const v = Math.floor(us);
  if (v < SUB_BUCKETS) return v;
  const exponent = Math.min(Math.floor(Math.log2(v)), MAX_EXPONENT);
  const mantissa = Math.min(Math.floor(v / 2 ** (exponent - SUB_BITS)), 2 * SUB_BUCKETS - 1);
  return Math.min((exponent - SUB_BITS + 1) * SUB_BUCKETS + (mantissa - SUB_BUCKETS), BUCKETS - 1);
}

function bucketUpperUs(index: number): number {
  if (index < SUB_BUCKETS) return index + 1;
  const exponent = Math.floor(index / SUB_BUCKETS) - 1 + SUB_BITS;
  const mantissa = SUB_BUCKETS + (index % SUB_BUCKETS);
  return (mantissa + 1) * 2 ** (exponent - SUB_BITS);
}

/** Exact percentile of a small array (sorted copy). */
export function percentileOf(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
