/**
 * The repository's nginx config in front of three instances: real clients through nginx see one service,
 * and responses come compressed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { connect, eventually, received, request, waitFor } from '../helpers/client.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { NGINX_BIN, startNginx, type Nginx } from '../helpers/nginx.js';
import { hasPostgres, hasRedis, requireService } from '../helpers/services.js';

const available = hasPostgres() && hasRedis() && requireService('nginx', NGINX_BIN !== undefined, 'apt-get install nginx-light');

describe.skipIf(!available)('nginx in front of 3 instances (deploy/nginx.conf)', () => {
  let cluster: TestCluster;
  let nginx: Nginx;
  beforeAll(async () => {
    cluster = await startCluster(3, { TRUST_PROXY: '127.0.0.1' });
    nginx = await startNginx(cluster.urls);
  }, 120_000);
  afterAll(async () => {
    await nginx?.stop();
    await cluster?.stop();
  });

  it('serves the page with an identity cookie and reports ready', async () => {
    const page = await fetch(nginx.url + '/');
    expect(page.headers.get('set-cookie')).toMatch(/^uid=/);
    expect(await fetch(nginx.url + '/readyz').then((r) => r.json())).toMatchObject({ status: 'ready', redis: 'ok' });
  });

  it('passes the precompressed page through and gzips JSON the instances send plain', async () => {
    const page = await fetch(nginx.url + '/', { headers: { 'accept-encoding': 'br' } });
    expect(page.headers.get('content-encoding')).toBe('br');
    expect(page.headers.get('vary')).toMatch(/accept-encoding/i);
    const login = await fetch(nginx.url + '/admin/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: cluster.env.ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = /admin_sid=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
    const stats = await fetch(nginx.url + '/admin/api/stats', { headers: { cookie, 'accept-encoding': 'gzip' } });
    expect(stats.status).toBe(200);
    expect(stats.headers.get('content-encoding')).toBe('gzip');
    expect(await stats.json()).toHaveProperty('total_rooms');
  });

  // The largest policy (50,000 terms, 2.7 MB) is parsed, stored and compiled by three instances: past 30 s in
  // a loaded CI run.
  it('the content policy is saved through nginx with the ETag the page got, which gzip made weak', { timeout: 90_000 }, async () => {
    const login = await fetch(nginx.url + '/admin/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: cluster.env.ADMIN_PASSWORD }),
    });
    const cookie = /admin_sid=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
    const json = { cookie, 'content-type': 'application/json', 'accept-encoding': 'gzip', 'sec-fetch-site': 'same-origin' };
    // Big enough for nginx to compress (over 1 KB).
    const bigger = { links: 'flag', terms: Array.from({ length: 100 }, (_, i) => ({ term: `spamword${i}`, action: 'flag' })) };
    expect((await fetch(nginx.url + '/admin/api/policy', { method: 'PUT', headers: json, body: JSON.stringify(bigger) })).status).toBe(200);
    const got = await fetch(nginx.url + '/admin/api/policy', { headers: json });
    expect(got.headers.get('content-encoding')).toBe('gzip');
    const etag = got.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"p\d+"$/);
    const saved = await fetch(nginx.url + '/admin/api/policy', { method: 'PUT', headers: { ...json, 'if-match': etag }, body: JSON.stringify(await got.json()) });
    expect(saved.status).toBe(200);
    // A policy over nginx's 1 MiB default body size (50,000 terms: 2.7 MB) passes through to the app.
    const chars = [...'的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年'];
    const largest = {
      links: 'flag',
      terms: Array.from({ length: 50_000 }, (_, i) => ({ term: Array.from({ length: 8 }, (_, k) => chars[Math.floor(i / chars.length ** k) % chars.length]).join(''), action: 'flag' })),
    };
    const large = await fetch(nginx.url + '/admin/api/policy', { method: 'PUT', headers: json, body: JSON.stringify(largest) });
    expect(large.status, await large.clone().text()).toBe(200);
    const current = await fetch(nginx.url + '/admin/api/policy', { headers: json });
    const restored = await fetch(nginx.url + '/admin/api/policy', { method: 'PUT', headers: { ...json, 'if-match': current.headers.get('etag')! }, body: JSON.stringify(bigger) });
    expect(restored.status).toBe(200);
    // The copy it was made from is stale now.
    expect((await fetch(nginx.url + '/admin/api/policy', { method: 'PUT', headers: { ...json, 'if-match': etag }, body: JSON.stringify(bigger) })).status).toBe(409);
  });

  it('WebSocket clients spread over the instances are matched and chat through nginx', { timeout: 60_000 }, async () => {
    const clients = await Promise.all(Array.from({ length: 60 }, () => connect(nginx.url)));
    const matched = clients.map((c) => waitFor(c.socket, 'matched', 15_000));
    await Promise.all(clients.map((c) => request(c.socket, 'join_queue')));
    const rooms = await Promise.all(matched);
    expect(new Set(rooms.map((r) => r.room_id)).size).toBe(30);
    // Every pair exchanges a message both ways.
    const inbox = clients.map((c) => received(c.socket, 'new_message'));
    await Promise.all(clients.map((c, i) => request(c.socket, 'send_message', { content: `hello ${i}`, cid: `n${i}` })));
    await eventually(() => {
      clients.forEach((_, i) => {
        const partner = clients.findIndex((_o, j) => j !== i && rooms[j]!.room_id === rooms[i]!.room_id);
        expect(inbox[partner]!.map((m) => m.cid)).toContain(`n${i}`);
      });
    }, 10_000);
    // The connections really were spread: every instance announces some in its heartbeat.
    const redis = new Redis(cluster.env.REDIS_URL!);
    await eventually(async () => {
      const keys = await redis.keys(`${cluster.env.REDIS_PREFIX}inst:*`);
      const counts = (await redis.mget(...keys)).map((v) => Number(v?.split(' ')[0]));
      expect(counts).toHaveLength(3);
      for (const count of counts) expect(count).toBeGreaterThan(5);
    }, 5_000, 200);
    redis.disconnect();
    for (const c of clients) c.socket.close();
  });

  it('its access log keeps no client address, no query string and no receipt code', { timeout: 30_000 }, async () => {
    const a = await connect(nginx.url, { transports: ['polling', 'websocket'] });
    const b = await connect(nginx.url);
    const matched = waitFor(a.socket, 'matched', 15_000);
    await request(a.socket, 'join_queue');
    await request(b.socket, 'join_queue');
    await matched;
    const receipt = waitFor(a.socket, 'receipt');
    await request(b.socket, 'leave_room_event');
    const { code } = await receipt;
    expect((await fetch(`${nginx.url}/api/receipts/${code}`)).status).toBe(200);
    expect((await fetch(`${nginx.url}/api/receipts/${code}?format=txt`)).status).toBe(200);
    a.socket.close();
    b.socket.close();
    const log = nginx.accessLog();
    // Before, nginx's default log kept "127.0.0.1 … GET /api/receipts/<code>?format=txt" for weeks.
    expect(log).toContain('"GET /api/receipts/CODE"');
    expect(log).toContain('"GET /socket.io/"');
    expect(log).not.toContain(code);
    expect(log).not.toContain(code.replaceAll('-', ''));
    expect(log).not.toContain('127.0.0.1');
    expect(log).not.toMatch(/sid=|EIO=|format=/);
  });

  it('a browser on nginx’s own port (not 80) is same-origin: its socket, its new identity and the admin login are served', async () => {
    // A browser sends its Origin with the port; nginx's `$host` dropped it from the Host it passed on, so
    // the instances refused every socket (400) and form (CROSS_SITE_REQUEST) of a site not on 80 or 443.
    const origin = nginx.url;
    const socket = await connect(nginx.url, { transports: ['polling', 'websocket'], extraHeaders: { origin } });
    expect(socket.session.user_id).toMatch(/\S/);
    socket.socket.close();
    const cookie = (await fetch(nginx.url + '/')).headers.get('set-cookie')!.split(';')[0]!;
    const reset = await fetch(nginx.url + '/api/identity/reset', { method: 'POST', headers: { origin, cookie } });
    expect(reset.status, await reset.clone().text()).toBe(200);
    const login = await fetch(nginx.url + '/admin/login', { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ password: 'not the password' }) });
    expect(await login.text()).not.toContain('CROSS_SITE_REQUEST');
    expect(login.status).toBe(401);
    // Another site is still another site.
    const elsewhere = await fetch(nginx.url + '/api/identity/reset', { method: 'POST', headers: { origin: 'http://evil.example', cookie } });
    expect(await elsewhere.text()).toContain('CROSS_SITE_REQUEST');
  });

  it('a long-polling client (the original page) works through nginx, sticky to its instance', async () => {
    const a = await connect(nginx.url, { transports: ['polling'] });
    const b = await connect(nginx.url, { transports: ['polling', 'websocket'] });
    await request(a.socket, 'join_queue');
    expect(await request(b.socket, 'join_queue')).toMatchObject({ status: 'matched' });
    const atA = waitFor(a.socket, 'new_message');
    await request(b.socket, 'send_message', { content: 'through the proxy' });
    expect((await atA).content).toBe('through the proxy');
    a.socket.close();
    b.socket.close();
  });
});
