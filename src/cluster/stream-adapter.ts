/**
 * The cluster's Socket.IO adapter: `@socket.io/redis-streams-adapter`, whose reader never asks from `$`.
 *
 * Streams, not plain pub/sub: a broadcast stays in the stream until every instance has read it from its
 * last position, so an instance whose connection to Redis blips (or a Redis restart) loses nothing meanwhile
 * (README, *Scaling out*). But the adapter (0.3.1, the latest) starts its reader at `$` — "entries added
 * from now on" — and stays there until it has read one entry; each blocking read that ends empty (every
 * 5 s) is followed by a new one from `$`. An entry added between the two reads is never read by that
 * instance: on a quiet cluster, or at the start, a `matched` or a message for a person connected there is
 * lost (found in `test/cluster/cluster.test.ts`, one of 1,000 clients never told it was matched; made
 * certain in `test/cluster/stream-adapter.test.ts`).
 *
 * So the adapter's reading connection resolves `$` to a concrete position once — the stream's last entry
 * when it first reads (`0-0` if the stream is empty) — and reads after that until the adapter moves on to
 * the ids it has read. Entries older than the instance are still not replayed, as with `$`.
 */
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';

export interface StreamAdapterOptions {
  /** The stream (and the prefix of the adapter's channels). */
  streamName: string;
  /** The stream is capped at about this many entries. */
  maxLen: number;
  /** How long one blocking read waits for an entry (the adapter's default: 5,000 ms). */
  blockTimeInMs?: number;
}

/**
 * The adapter factory for `io.adapter(…)`. `client` publishes; the adapter duplicates it for reading (and
 * for its request channel), and the duplicates read from a concrete position — `client.duplicate` is
 * replaced for that, so give it a client of its own.
 */
export function streamAdapter(client: Redis, options: StreamAdapterOptions): ReturnType<typeof createAdapter> {
  const duplicate = client.duplicate.bind(client);
  client.duplicate = ((override?: Parameters<Redis['duplicate']>[0]) => readFromConcretePosition(duplicate(override))) as Redis['duplicate'];
  // No heartbeat options: 0.3.1 builds on socket.io-adapter's ClusterAdapter, which has none (the cluster's
  // own presence, src/cluster/cluster-presence.ts, tells which instances are alive).
  return createAdapter(client, {
    streamName: options.streamName,
    channelPrefix: options.streamName,
    maxLen: options.maxLen,
    ...(options.blockTimeInMs === undefined ? {} : { blockTimeInMs: options.blockTimeInMs }),
  });
}

type XRead = (...args: Array<string | number>) => Promise<unknown>;

/**
 * Makes `reader`'s XREAD ask from a concrete position where it is asked from `$`: the stream's last entry
 * at the first such read, kept for every later one (until then nothing was read, or the caller would have
 * passed that entry's id). A failure to find the position (Redis down) fails that read, and the next tries again.
 */
export function readFromConcretePosition(reader: Redis): Redis {
  const xread = (reader.xread as unknown as XRead).bind(reader);
  let start: Promise<string> | undefined;
  const concrete: XRead = async (...args) => {
    const last = args.length - 1;
    if (args[last] === '$') {
      start ??= lastEntryId(reader, String(args[last - 1])).catch((err: unknown) => {
        start = undefined;
        throw err;
      });
      args[last] = await start;
    }
    return xread(...args);
  };
  (reader as unknown as { xread: XRead }).xread = concrete;
  return reader;
}

/** The id of the stream's newest entry, or `0-0` when it has none (or does not exist yet). */
async function lastEntryId(redis: Redis, stream: string): Promise<string> {
  const newest = await redis.xrevrange(stream, '+', '-', 'COUNT', 1);
  return newest[0]?.[0] ?? '0-0';
}
