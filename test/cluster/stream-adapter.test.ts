/**
 * The cluster adapter's reader never asks Redis from `$` (src/cluster/stream-adapter.ts). The library's
 * reader asks for "entries added from now on" until it has read one, and asks again whenever a blocking
 * read ends empty: an entry added between the two reads was never read by that instance. Here the gap is
 * made certain — the reading instance's empty replies are held back while the other instance emits —
 * and the emit must still reach the client connected to the reading instance.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { streamAdapter } from '../../src/cluster/stream-adapter.js';
import { hasRedis, testRedisUrl } from '../helpers/services.js';

type XRead = (...args: Array<string | number>) => Promise<unknown>;

/** A client whose duplicates (the adapter's readers) hold every empty XREAD reply for `holdMs`, telling `onHeld` each time. */
function slowToAskAgain(holdMs: number, onHeld: () => void): Redis {
  const client = new Redis(testRedisUrl!, { maxRetriesPerRequest: null });
  const duplicate = client.duplicate.bind(client);
  client.duplicate = ((override?: Parameters<Redis['duplicate']>[0]) => {
    const reader = duplicate(override);
    const xread = (reader.xread as unknown as XRead).bind(reader);
    (reader as unknown as { xread: XRead }).xread = async (...args) => {
      const reply = await xread(...args);
      if (reply === null) {
        onHeld();
        await new Promise((resolve) => setTimeout(resolve, holdMs));
      }
      return reply;
    };
    return reader;
  }) as Redis['duplicate'];
  return client;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(io: Server): Promise<{ url: string; http: HttpServer }> {
  const http = createServer();
  io.attach(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => io.close(() => resolve())));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, http };
}

describe.skipIf(!hasRedis())('cluster adapter: the reader never asks from `$`', () => {
  it('an emit made while the other instance is between two empty reads reaches its client', async () => {
    const streamName = `test:${process.pid}:${Math.random().toString(36).slice(2, 8)}:socket.io`;
    let held!: () => void;
    const gap = new Promise<void>((resolve) => (held = resolve));
    const readerClient = slowToAskAgain(400, () => held());
    const writerClient = new Redis(testRedisUrl!, { maxRetriesPerRequest: null });
    cleanups.push(async () => {
      await writerClient.del(streamName);
      readerClient.disconnect();
      writerClient.disconnect();
    });

    // Instance 1 holds the client and reads the stream slowly; instance 2 emits to that client.
    const one = new Server({ adapter: streamAdapter(readerClient, { streamName, maxLen: 1_000, blockTimeInMs: 100 }) });
    const two = new Server({ adapter: streamAdapter(writerClient, { streamName, maxLen: 1_000 }) });
    const { url } = await listen(one);
    await listen(two);
    const client: ClientSocket = connectClient(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    cleanups.push(() => void client.close());
    await new Promise<void>((resolve) => client.on('connect', () => resolve()));
    const arrived = new Promise<unknown>((resolve) => client.on('hello' as never, resolve as never));

    // Instance 1's reader got an empty reply (nothing was ever added) and has not asked again yet.
    await gap;
    two.to(client.id!).emit('hello' as never, 'from instance 2' as never);
    const outcome = await Promise.race([arrived, new Promise((resolve) => setTimeout(() => resolve('never arrived'), 3_000))]);
    expect(outcome).toBe('from instance 2');
  });

  it('what was added before the instance started is not replayed to it', async () => {
    const streamName = `test:${process.pid}:${Math.random().toString(36).slice(2, 8)}:socket.io`;
    const writerClient = new Redis(testRedisUrl!, { maxRetriesPerRequest: null });
    const laterClient = new Redis(testRedisUrl!, { maxRetriesPerRequest: null });
    cleanups.push(async () => {
      await writerClient.del(streamName);
      writerClient.disconnect();
      laterClient.disconnect();
    });
    const two = new Server({ adapter: streamAdapter(writerClient, { streamName, maxLen: 1_000 }) });
    await listen(two);
    two.to('room-x').emit('news' as never, 'old' as never);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await writerClient.xlen(streamName)).toBe(1);

    const one = new Server({ adapter: streamAdapter(laterClient, { streamName, maxLen: 1_000, blockTimeInMs: 100 }) });
    one.on('connection', (socket) => void socket.join('room-x'));
    const { url } = await listen(one);
    const client: ClientSocket = connectClient(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    cleanups.push(() => void client.close());
    const heard: unknown[] = [];
    client.on('news' as never, ((news: unknown) => heard.push(news)) as never);
    await new Promise<void>((resolve) => client.on('connect', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 300)); // its reader has started from where the stream was
    two.to('room-x').emit('news' as never, 'new' as never);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(heard).toEqual(['new']);
  });
});
