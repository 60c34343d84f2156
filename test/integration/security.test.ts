/** Hostile input at the edges: cross-site handshakes, headers, error bodies, and what reaches the logs. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { MemoryActivityRegistry } from '../../src/chat/activity-registry.js';
import { defaultConfig } from '../../src/config/config.js';
import { MemoryMatchQueue } from '../../src/matching/memory-match-queue.js';
import { connect, matchedPair, request, waitFor } from '../helpers/client.js';
import { openTestDatabase } from '../helpers/database.js';
import { GENEROUS_LIMITS, startTestServer, TEST_SECRET, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config: { allowedOrigins: ['https://partner.example'] } });
});
afterAll(async () => {
  await server?.close();
});

function handshake(origin: string | undefined): Promise<'connected' | 'refused'> {
  return new Promise((resolve) => {
    const socket = io(server.url, {
      transports: ['polling'],
      forceNew: true,
      reconnection: false,
      extraHeaders: origin ? { origin } : {},
    });
    socket.on('connect', () => (resolve('connected'), socket.close()));
    socket.on('connect_error', () => (resolve('refused'), socket.close()));
  });
}

describe('cross-site WebSocket hijacking', () => {
  it('refuses a handshake from another site', async () => {
    expect(await handshake('https://evil.example')).toBe('refused');
  });
  it('allows the same origin, configured origins, and clients that send no Origin', async () => {
    expect(await handshake(server.url)).toBe('connected');
    expect(await handshake('https://partner.example')).toBe('connected');
    expect(await handshake(undefined)).toBe('connected');
  });
});

describe('HTTP', () => {
  it('every page carries security headers: CSP without inline scripts, no framing, nosniff, referrer policy', async () => {
    for (const path of ['/', '/healthz', '/nope']) {
      const res = await fetch(server.url + path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('errors never carry a stack trace', async () => {
    const notFound = await fetch(server.url + '/definitely/missing');
    expect(notFound.status).toBe(404);
    const body = await fetch(server.url + '/readyz', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{bad json' }).then((r) => r.text());
    expect(body).not.toMatch(/at .+\(.+:\d+:\d+\)/);
    expect(body).not.toContain('node_modules');
  });

  it('the identity cookie is signed, HttpOnly and SameSite', async () => {
    const cookie = (await fetch(server.url + '/')).headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/uid=[^.;]+\.[^;]+/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });
});

describe('logs', () => {
  it('never contain message text, tokens or raw client addresses, even when things go wrong', async () => {
    let output = '';
    const sink = new Writable({ write: (chunk, _enc, done) => ((output += chunk.toString()), done()) });
    const db = await openTestDatabase('pglite');
    const app = await createApp(defaultConfig({ secretKey: TEST_SECRET, logLevel: 'debug', rateLimits: { ...GENEROUS_LIMITS, messagesBurst: 2, messagesPerS: 1 } }), {
      database: db.database,
      matchQueue: new MemoryMatchQueue(),
      registry: new MemoryActivityRegistry(),
      logger: pino({ level: 'trace' }, sink),
    });
    await app.fastify.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    try {
      const { a, b } = await matchedPair(url);
      const secret = 'my secret message 秘密';
      const atB = waitFor(b, 'new_message');
      await request(a, 'send_message', { content: secret });
      await atB;
      await request(a, 'send_message', { content: secret + ' again' });
      await request(a, 'send_message', { content: secret + ' flood' });
      await request(a, 'send_message', 'malformed ' + secret);
      const { socket: c, session } = await connect(url);
      await request(c, 'leave_room_event');
      a.close();
      b.close();
      c.close();
      await app.close();
      expect(output.length).toBeGreaterThan(0);
      expect(output).not.toContain('secret message');
      expect(output).not.toContain('秘密');
      expect(output).not.toContain(session.token);
      expect(output).not.toContain('127.0.0.1"');
      expect(output).not.toMatch(/"(remoteAddress|ip|address)":/);
    } finally {
      await app.close();
      await db.drop();
    }
  });
});

describe('dependencies', () => {
  it('socket.io-parser is at least 4.2.7 (the version without the known advisory)', async () => {
    const { readFile } = await import('node:fs/promises');
    const { version } = JSON.parse(await readFile(new URL('../../node_modules/socket.io-parser/package.json', import.meta.url), 'utf8')) as { version: string };
    const [major, minor, patch] = version.split('.').map(Number) as [number, number, number];
    expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(4_002_007);
  });
});
