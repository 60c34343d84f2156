/**
 * Clients that do not play by the protocol: bare Engine.IO sessions, event floods, endless invalid
 * events, a connection that stops reading, repeated replays, half-sent HTTP requests. Each is limited
 * below Socket.IO (src/realtime/engine-guard.ts) or by the one event wrapper, and the server keeps
 * answering everyone else.
 */
import { connect as tcpConnect, type Socket as TcpSocket } from 'node:net';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, eventually, received, request, waitFor, type TestSocket } from '../helpers/client.js';
import { GENEROUS_LIMITS, startTestServer, type TestServer } from '../helpers/server.js';
import { serverSuite } from '../helpers/suite.js';

const MAX_PER_ADDRESS = 8;
const suite = serverSuite({
  config: {
    reconnectGraceMs: 2_000,
    rateLimits: {
      ...GENEROUS_LIMITS,
      maxConnectionsPerAddress: MAX_PER_ADDRESS,
      packetsPerConnectionPerS: 20,
      packetsPerConnectionBurst: 100,
      resumesPerMin: 3,
      maxQueuedPacketsPerConnection: 40,
    },
  },
});

/** Opens a bare Engine.IO session over HTTP long-polling (no Socket.IO CONNECT). Resolves with its sid, or the HTTP status of a refusal. */
async function bareSession(): Promise<{ sid?: string; status: number }> {
  const res = await fetch(`${suite.url}/socket.io/?EIO=4&transport=polling`);
  const body = await res.text();
  if (!res.ok) return { status: res.status };
  return { sid: (JSON.parse(body.slice(1)) as { sid: string }).sid, status: res.status };
}

async function closeSession(sid: string): Promise<void> {
  await fetch(`${suite.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: '1' }).catch(() => undefined);
}

describe('below Socket.IO', () => {
  it('bare Engine.IO sessions are counted per address and refused past twice the connection limit; they are not "online"', async () => {
    const sids: string[] = [];
    let refused: number | undefined;
    for (let i = 0; i < MAX_PER_ADDRESS * 3 && refused === undefined; i++) {
      const session = await bareSession();
      if (session.sid) sids.push(session.sid);
      else refused = session.status;
    }
    expect(sids).toHaveLength(MAX_PER_ADDRESS * 2);
    expect(refused).toBe(403);
    expect(await suite.server.app.liveStats.onlineCount()).toBe(0);
    for (const sid of sids) await closeSession(sid);
    await eventually(() => expect(suite.server.app.engineGuard.sessionsOf('127.0.0.1')).toBe(0));
    // Room again for real clients.
    const { socket } = await connect(suite.url);
    suite.track(socket);
    expect(await request(socket, 'join_queue')).toMatchObject({ ok: true });
  });

  it('a connection flooding events is disconnected, and the others are still answered', async () => {
    const bystander = await connect(suite.url);
    suite.track(bystander.socket);
    const flooder = io(suite.url, { transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise<void>((resolve) => flooder.once('connect', () => resolve()));
    const gone = new Promise((resolve) => flooder.once('disconnect', resolve));
    for (let i = 0; i < 5_000; i++) flooder.emit('leave_queue');
    await gone;
    expect(suite.server.app.engineGuard.closed.packetFlood).toBeGreaterThanOrEqual(1);
    expect(await request(bystander.socket, 'join_queue')).toMatchObject({ ok: true });
    flooder.close();
  });

  it('a connection that keeps sending invalid events is disconnected and no longer answered', async () => {
    const { socket } = await connect(suite.url);
    suite.track(socket);
    const gone = waitFor(socket, 'disconnect' as never, 10_000);
    const answers: unknown[] = [];
    // Slowly enough to stay inside the packet budget: it is the refusals that count here.
    for (let i = 0; i < 60 && socket.connected; i++) {
      void request(socket, 'send_message', { content: 42 }).then(
        (res) => answers.push(res),
        () => answers.push(undefined),
      );
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await gone;
    expect(answers.filter(Boolean).length).toBeLessThan(50);
    expect(answers.filter(Boolean)).toContainEqual(expect.objectContaining({ code: 'INVALID_PAYLOAD' }));
  });

  it('a connection that stops reading is dropped once too much waits for it; its partner is told it was lost', async () => {
    // A long-polling client that connects, joins, then never polls again: everything for it piles up.
    const { sid } = await bareSession();
    const post = (body: string) => fetch(`${suite.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body });
    await post('40');
    await fetch(`${suite.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`); // CONNECT answer and session
    await post('42["join_queue"]');
    const partner = await connect(suite.url);
    suite.track(partner.socket);
    expect(await request(partner.socket, 'join_queue')).toMatchObject({ status: 'matched' });
    const disconnected = waitFor(partner.socket, 'partner_disconnected', 10_000);
    for (let i = 0; i < 60; i++) await request(partner.socket, 'send_message', { content: `unread ${i}` });
    await disconnected;
    expect(suite.server.app.engineGuard.closed.stalledOutput).toBe(1);
  });

  it('replays are limited per identity: past the limit a resumed chat goes on without its replay, and the client is told', async () => {
    const a = await connect(suite.url);
    const b = await connect(suite.url);
    suite.track(a.socket, b.socket);
    await request(a.socket, 'join_queue');
    await request(b.socket, 'join_queue');
    await request(b.socket, 'send_message', { content: 'hello' });
    const replays: number[] = [];
    const errors: unknown[] = [];
    let last = a.socket;
    for (let i = 0; i < 4; i++) {
      const again = await connect(suite.url, { token: a.session.token, resume: true, lastMessageId: 0 });
      suite.track(again.socket);
      const messages = received(again.socket, 'new_message');
      const refused = received(again.socket, 'error');
      await eventually(() => expect(received(again.socket, 'matched')).toHaveLength(1));
      await new Promise((resolve) => setTimeout(resolve, 100));
      replays.push(messages.length);
      errors.push(...refused);
      last = again.socket;
    }
    expect(replays).toEqual([1, 1, 1, 0]);
    expect(errors).toEqual([expect.objectContaining({ code: 'RATE_LIMITED', retry_after_ms: expect.any(Number) })]);
    // The chat itself goes on.
    const atB = waitFor(b.socket, 'new_message');
    expect(await request(last, 'send_message', { content: 'still chatting' })).toMatchObject({ ok: true });
    expect(await atB).toMatchObject({ content: 'still chatting' });
  });

  it('TCP connections per peer address are capped: half-sent requests from one address do not starve another', async () => {
    const { port } = new URL(suite.url);
    const sockets: TcpSocket[] = [];
    let closedByServer = 0;
    for (let i = 0; i < MAX_PER_ADDRESS * 3; i++) {
      const socket = tcpConnect({ host: '127.0.0.1', port: Number(port), localAddress: '127.0.0.2' });
      socket.on('error', () => undefined);
      socket.on('close', () => closedByServer++);
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'); // headers never finished
      sockets.push(socket);
    }
    await eventually(() => expect(closedByServer).toBe(MAX_PER_ADDRESS));
    const health = await fetch(`${suite.url}/healthz`);
    expect(health.status).toBe(200);
    for (const socket of sockets) socket.destroy();
  });
});

describe('new identities per address', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { rateLimits: { ...GENEROUS_LIMITS, identitiesPerAddressPerMin: 5 } } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('are limited: past the limit a client without an identity is refused RATE_LIMITED; one that has an identity still connects', async () => {
    const opened: TestSocket[] = [];
    const tokens: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await connect(server.url);
      opened.push(c.socket);
      tokens.push(c.session.token!);
    }
    const refused = await new Promise<string | undefined>((resolve) => {
      const s = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
      s.on('connect', () => (resolve(undefined), s.close()));
      s.on('connect_error', (err) => (resolve((err as { data?: { code?: string } }).data?.code), s.close()));
    });
    expect(refused).toBe('RATE_LIMITED');
    const known = await connect(server.url, { token: tokens[0] });
    opened.push(known.socket);
    expect(known.session.user_id).toBeDefined();
    for (const s of opened) s.close();
  });
});
