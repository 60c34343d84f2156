/**
 * Handshakes that do not play by the protocol, sent as raw frames on a real Engine.IO connection: a client
 * that leaves while its checks run, several CONNECTs on one connection, a flood of frames other than
 * messages, an out-of-range handshake field next to a valid token, and a reconnect loop. Real server; the identity check is
 * slowed (a rate limiter that answers after 150 ms) so that the window is wide.
 */
import { Manager } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { MemoryRateLimiter } from '../../src/ratelimit/memory-rate-limiter.js';
import { connect, eventually } from '../helpers/client.js';
import { GENEROUS_LIMITS, startTestServer, type TestServer } from '../helpers/server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class SlowLimiter extends MemoryRateLimiter {
  override async takeAll(...args: Parameters<MemoryRateLimiter['takeAll']>): ReturnType<MemoryRateLimiter['takeAll']> {
    await sleep(150);
    return super.takeAll(...args);
  }
}

/** What a test does with a bare Engine.IO connection: raw Socket.IO frames, Engine.IO packets. */
interface RawEngine {
  write(data: string): void;
  // engine.io-client's own (internal) way to send a packet of any type.
  _sendPacket(type: 'pong' | 'noop'): void;
  close(): void;
  on(event: 'close', listener: () => void): void;
}

/** An open Engine.IO connection (WebSocket) with no Socket.IO CONNECT sent yet. */
async function rawEngine(url: string): Promise<{ engine: RawEngine; manager: Manager }> {
  const manager = new Manager(url, { autoConnect: false, reconnection: false, transports: ['websocket'] });
  await new Promise<void>((resolve, reject) => manager.open((err) => (err ? reject(err) : resolve())));
  return { engine: manager.engine as unknown as RawEngine, manager };
}

/** 'connected', or the refusal's code. */
async function connectOutcome(url: string, auth: { token?: string } = {}): Promise<string> {
  const manager = new Manager(url, { autoConnect: false, reconnection: false, transports: ['websocket'], forceNew: true });
  const socket = manager.socket('/', { auth });
  try {
    return await new Promise<string>((resolve) => {
      socket.on('connect', () => resolve('connected'));
      socket.on('connect_error', (err: Error & { data?: { code?: string } }) => resolve(err.data?.code ?? err.message));
      socket.connect();
    });
  } finally {
    socket.close();
  }
}

const servers: TestServer[] = [];
async function server(rateLimits: Partial<typeof GENEROUS_LIMITS> = {}): Promise<TestServer> {
  const started = await startTestServer({ config: { rateLimits: { ...GENEROUS_LIMITS, ...rateLimits } }, deps: { rateLimiter: new SlowLimiter(systemClock) } });
  servers.push(started);
  return started;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('handshakes that do not play by the protocol', () => {
  it('a client that leaves while its handshake is checked gives its connection count back', async () => {
    const s = await server({ maxConnectionsPerAddress: 2 });
    for (let i = 0; i < 3; i++) {
      const { engine } = await rawEngine(s.url);
      engine.write('0'); // CONNECT to "/", with no identity: the slowed check for a new one runs
      await sleep(20);
      engine.close();
    }
    await sleep(400); // every check has come back by now
    expect(await connectOutcome(s.url)).toBe('connected');
  });

  it('several CONNECTs on one connection make one socket, not one per CONNECT', async () => {
    const s = await server();
    const { engine, manager } = await rawEngine(s.url);
    for (let i = 0; i < 5; i++) engine.write('0');
    await sleep(600);
    expect(s.app.io.of('/').sockets.size).toBe(1);
    manager.engine.close();
    await eventually(() => expect(s.app.io.of('/').sockets.size).toBe(0));
  });

  it('a flood of pongs or no-ops is charged to the packet budget like messages', async () => {
    const s = await server({ packetsPerConnectionBurst: 100, packetsPerConnectionPerS: 10 });
    for (const type of ['pong', 'noop'] as const) {
      const before = s.app.engineGuard.closed.packetFlood;
      const { engine } = await rawEngine(s.url);
      let closed = false;
      engine.on('close', () => (closed = true));
      for (let i = 0; i < 2_000; i++) engine._sendPacket(type);
      await eventually(() => expect(closed, type).toBe(true));
      expect(s.app.engineGuard.closed.packetFlood).toBe(before + 1);
    }
  });

  it('an out-of-range handshake field drops that field only: the token still names the identity', async () => {
    const s = await server();
    const first = await connect(s.url);
    const token = first.session.token;
    expect(token).toBeTruthy();
    first.socket.close();
    const again = await connect(s.url, { token, lang: 'x'.repeat(11), lastMessageId: -1 });
    try {
      expect(again.session.user_id).toBe(first.session.user_id);
    } finally {
      again.socket.close();
    }
  });

  it('an identity reconnecting in a loop is refused past its connections per minute; another identity is not', async () => {
    const s = await server({ connectsPerMin: 3 });
    const first = await connect(s.url);
    const token = first.session.token;
    first.socket.close();
    // The first connection minted the identity; three more with its token fill the bucket.
    for (let i = 0; i < 3; i++) {
      const again = await connect(s.url, { token, resume: true });
      again.socket.close();
    }
    expect(await connectOutcome(s.url, { token })).toBe('RATE_LIMITED');
    expect(await connectOutcome(s.url)).toBe('connected');
  });

  it('a CONNECT after the namespace was left on the same connection is refused, and leaves nothing behind', async () => {
    const s = await server();
    const { engine, manager } = await rawEngine(s.url);
    const frames: string[] = [];
    (manager.engine as unknown as { on(event: 'message', listener: (data: unknown) => void): void }).on('message', (data) => frames.push(String(data)));
    engine.write('0');
    await eventually(() => expect(s.app.io.of('/').sockets.size).toBe(1));
    engine.write('1'); // DISCONNECT from "/", the connection stays
    await eventually(() => expect(s.app.io.of('/').sockets.size).toBe(0));
    for (let i = 0; i < 5; i++) engine.write('0');
    // Each is refused (CONNECT_ERROR); before, each threw on the released handshake request and stayed half-made.
    // (The Engine.IO message is the Socket.IO packet: `4{…}` a CONNECT_ERROR, `0{…}` a CONNECT accepted.)
    await eventually(() => expect(frames.filter((f) => f.startsWith('4{'))).toHaveLength(5));
    expect(frames.filter((f) => f.startsWith('0{'))).toHaveLength(1);
    expect(s.app.io.of('/').sockets.size).toBe(0);
    manager.engine.close();
  });
});
