/** Hostile input at the edges: cross-site handshakes, headers, error bodies, and what reaches the logs. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { buildSeams } from '../../src/composition.js';
import { defaultConfig } from '../../src/config/config.js';
import { connect, matchedPair, request, waitFor } from '../helpers/client.js';
import { openTestDatabase } from '../helpers/database.js';
import { CHALLENGE_OFF, GENEROUS_LIMITS, RULES_OFF, startTestServer, TEST_SECRET, type TestServer } from '../helpers/server.js';

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

/** A raw long-polling request, as a `<script>` tag or another page's fetch would send it. */
async function poll(path: string, headers: Record<string, string> = {}, init: RequestInit = {}): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling${path}`, { ...init, headers });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

describe('the Socket.IO endpoint and other sites (JSONP, cross-site polling)', () => {
  it('never serves JSONP polling, whatever the headers', async () => {
    const res = await poll('&j=0');
    expect(res.status).toBe(400);
    expect(res.body).not.toContain('___eio');
  });

  it('refuses a handshake that a page of another site (another port, a sibling subdomain) makes with a script tag', async () => {
    for (const site of ['same-site', 'cross-site']) {
      expect((await poll('', { 'sec-fetch-site': site, 'sec-fetch-dest': 'script' })).status).toBe(400);
    }
    expect((await poll('', { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });

  it('checks every request of a long-polling session, not only its handshake', async () => {
    const open = await poll('');
    const sid = (JSON.parse(open.body.slice(1)) as { sid: string }).sid;
    const foreign = await poll(`&sid=${sid}`, { origin: 'https://evil.example', 'content-type': 'text/plain' }, { method: 'POST', body: '40{"resume":true,"last_message_id":0}' });
    expect(foreign.status).toBe(400);
    const fromScript = await poll(`&sid=${sid}`, { 'sec-fetch-site': 'same-site' });
    expect(fromScript.status).toBe(400);
  });

  it('answers long-polling with headers that stop it being read as a script or cached', async () => {
    const res = await poll('');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
  });

  it('does not trust X-Forwarded-Host without TRUST_PROXY, and compares the scheme too', async () => {
    expect(await handshakeWith({ origin: 'https://evil.example', 'x-forwarded-host': 'evil.example' })).toBe('refused');
    const { host } = new URL(server.url);
    expect(await handshakeWith({ origin: `https://${host}` })).toBe('refused');
    expect(await handshakeWith({ origin: `http://${host}` })).toBe('connected');
  });
});

function handshakeWith(extraHeaders: Record<string, string>): Promise<'connected' | 'refused'> {
  return new Promise((resolve) => {
    const socket = io(server.url, { transports: ['polling'], forceNew: true, reconnection: false, extraHeaders });
    socket.on('connect', () => (resolve('connected'), socket.close()));
    socket.on('connect_error', () => (resolve('refused'), socket.close()));
  });
}

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
    const config = defaultConfig({ secretKey: TEST_SECRET, logLevel: 'debug', rules: RULES_OFF, challenge: CHALLENGE_OFF, rateLimits: { ...GENEROUS_LIMITS, messagesBurst: 2, messagesPerS: 1 } });
    const logger = pino({ level: 'trace' }, sink);
    const { seams } = await buildSeams({ config, database: db.database, logger });
    const app = await createApp(config, { database: db.database, seams, logger });
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
