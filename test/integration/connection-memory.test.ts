/**
 * Memory per idle connection. Tens of thousands of people can sit on the start page or in a chat without
 * typing, so what one open connection keeps alive in the server's heap decides how many a machine holds
 * (the benchmark, `npm run bench -- connections`, measures RSS at 18,000). This guards the heap part:
 * per-socket closures, schemas or retained handshake requests would show up here at once.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENEROUS_LIMITS, startTestServer, type TestServer } from '../helpers/server.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Measured: ≈ 10.5 KB of heap per idle WebSocket connection (Socket.IO, engine.io, ws and ours); 15 KB
 * before listeners were shared and the handshake request released. */
const MAX_HEAP_PER_CONNECTION_KB = 13;
const CONNECTIONS = 1_000;

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

class IdleClients {
  private constructor(private readonly child: ChildProcess) {}

  static async start(url: string): Promise<IdleClients> {
    const file = fileURLToPath(new URL('../helpers/idle-clients.ts', import.meta.url));
    const child = fork(file, [url], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await once(child, 'message');
    return new IdleClients(child);
  }

  async open(count: number): Promise<number> {
    this.child.send({ open: count });
    const [answer] = (await once(this.child, 'message')) as [{ opened?: number; error?: string }];
    if (answer.error) throw new Error(answer.error);
    return answer.opened!;
  }

  async close(): Promise<void> {
    this.child.send({ close: true });
    await once(this.child, 'exit');
  }
}

describe('an idle connection', () => {
  let server: TestServer;
  let clients: IdleClients;
  beforeAll(async () => {
    server = await startTestServer({ config: { rateLimits: { ...GENEROUS_LIMITS, maxConnectionsPerAddress: 100_000 } } });
    clients = await IdleClients.start(server.url);
  });
  afterAll(async () => {
    await clients?.close();
    await server?.close();
  });

  it(`keeps at most ${MAX_HEAP_PER_CONNECTION_KB} KB of server heap alive`, { timeout: 60_000 }, async () => {
    // Warm up first, so code compiled for the first connections is not counted as theirs.
    await clients.open(100);
    const before = heapAfterGc();
    expect(await clients.open(CONNECTIONS)).toBe(100 + CONNECTIONS);
    expect(server.app.io.engine.clientsCount).toBe(100 + CONNECTIONS);
    const perConnectionKB = (heapAfterGc() - before) / CONNECTIONS / 1024;
    console.log(`heap per idle connection: ${perConnectionKB.toFixed(2)} KB`);
    expect(perConnectionKB).toBeLessThan(MAX_HEAP_PER_CONNECTION_KB);
  });
});
