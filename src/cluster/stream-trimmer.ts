/**
 * The Socket.IO streams adapter keeps every broadcast — message texts included — in a Redis stream, so
 * that an instance whose connection blips catches up. Bounded by count (`maxLen` at each XADD) that could
 * still mean hours of texts on a quiet site; this trims by age too, so nothing stays in Redis longer than
 * the window an instance could ever need to catch up (far longer than the 6 s after which a silent
 * instance counts as dead). Retention and erasure then need not reach into Redis.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface StreamTrimmerOptions {
  redis: Redis;
  stream: string;
  /** Entries older than this are removed. */
  retentionMs: number;
  /** How often to trim. */
  intervalMs: number;
  logger: Logger;
}

export class StreamTrimmer {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: StreamTrimmerOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.trim(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Removes entries older than the retention window (stream ids start with their time in ms). Returns how many. */
  async trim(): Promise<number> {
    const { redis, stream, retentionMs, logger } = this.options;
    try {
      return await redis.xtrim(stream, 'MINID', Date.now() - retentionMs);
    } catch (err) {
      logger.debug({ err }, 'trimming the adapter stream failed (Redis unreachable?)');
      return 0;
    }
  }
}
