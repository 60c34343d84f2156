import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentitySigner, TOKEN_TTL_MS } from '../../src/identity.js';
import { connect, eventually, request, waitFor } from '../helpers/client.js';
import { GENEROUS_LIMITS, startTestServer, TEST_SECRET, type TestServer } from '../helpers/server.js';
import { serverSuite } from '../helpers/suite.js';

const suite = serverSuite({}, async ({ server }) => {
  await eventually(async () => expect(await server.app.liveStats.waitingCount()).toBe(0));
});

/** Loads the page as a browser would and returns the identity cookie it sets. */
async function pageCookie(cookie?: string): Promise<{ setCookie: string; cookie: string }> {
  const res = await fetch(suite.url + '/', { headers: cookie ? { cookie } : {} });
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { setCookie, cookie: setCookie.split(';')[0]! };
}

async function client(options: Parameters<typeof connect>[1] = {}) {
  const c = await connect(suite.url, options);
  suite.track(c.socket);
  return c;
}

describe('anonymous identity', () => {
  it('the page sets a signed, HttpOnly identity cookie that is kept across reloads', async () => {
    const first = await pageCookie();
    expect(first.setCookie).toMatch(/^uid=[a-z0-9]{12}\.[^;]+;/);
    expect(first.setCookie).toMatch(/HttpOnly/i);
    expect(first.setCookie).toMatch(/SameSite=Lax/i);
    const again = await pageCookie(first.cookie);
    expect(again.cookie).toBe(first.cookie);
  });

  it('a socket carrying the cookie gets the same ID in every tab', async () => {
    const { cookie } = await pageCookie();
    const tab1 = await client({ cookie });
    const tab2 = await client({ cookie });
    expect(tab1.session.user_id).toMatch(/^[a-z0-9]{12}$/);
    expect(tab2.session.user_id).toBe(tab1.session.user_id);
    expect(cookie).toContain(tab1.session.user_id);
  });

  it('a forged or tampered cookie is ignored: the server assigns its own ID', async () => {
    const { cookie } = await pageCookie();
    const [name, value] = cookie.split('=') as [string, string];
    const forgedId = 'aaaaaaaaaaaa';
    const forged = await client({ cookie: `${name}=${forgedId}.${value.split('.')[1]}` });
    expect(forged.session.user_id).not.toBe(forgedId);
    const unsigned = await client({ cookie: `uid=${forgedId}` });
    expect(unsigned.session.user_id).not.toBe(forgedId);
  });

  it('a client that has the cookie is never sent a bearer token (a script can read a token, not the HttpOnly cookie)', async () => {
    const { cookie } = await pageCookie();
    const tab = await client({ cookie });
    expect(tab.session.token).toBeUndefined();
  });

  it('a token expires: one older than its lifetime gets a new identity, and every connection gets a fresh token', async () => {
    const signer = createIdentitySigner(TEST_SECRET);
    const first = await client();
    const stale = signer.issueToken(first.session.user_id, Date.now() - TOKEN_TTL_MS - 1_000);
    expect((await client({ token: stale })).session.user_id).not.toBe(first.session.user_id);
    const fresh = signer.issueToken(first.session.user_id, Date.now());
    const again = await client({ token: fresh });
    expect(again.session.user_id).toBe(first.session.user_id);
    expect(again.session.token).not.toBe(fresh);
    // A cookie value is not a token.
    expect((await client({ token: signer.sign(first.session.user_id) })).session.user_id).not.toBe(first.session.user_id);
  });

  it('a client without cookies gets an ID and a token that keeps it on the next connection', async () => {
    const first = await client();
    expect(first.session.user_id).toMatch(/^[a-z0-9]{12}$/);
    const second = await client({ token: first.session.token });
    expect(second.session.user_id).toBe(first.session.user_id);
    const bogus = await client({ token: first.session.user_id });
    expect(bogus.session.user_id).not.toBe(first.session.user_id);
  });
});

describe('two tabs of one identity', () => {
  it('only one tab may wait: the second gets ALREADY_CHATTING, and nobody is matched with themself', async () => {
    const { cookie } = await pageCookie();
    const tab1 = await client({ cookie });
    const tab2 = await client({ cookie });
    expect(await request(tab1.socket, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    expect(await request(tab2.socket, 'join_queue')).toMatchObject({ ok: false, code: 'ALREADY_CHATTING' });
    expect(await suite.server.app.liveStats.waitingCount()).toBe(1);
  });

  it('a second tab cannot join while the first chats, cannot send into its chat, and closing it leaves the chat alone', async () => {
    const { cookie } = await pageCookie();
    const tab1 = await client({ cookie });
    const tab2 = await client({ cookie });
    const stranger = await client();
    await request(tab1.socket, 'join_queue');
    await request(stranger.socket, 'join_queue');
    expect(await request(tab2.socket, 'join_queue')).toMatchObject({ ok: false, code: 'ALREADY_CHATTING' });
    expect(await request(tab2.socket, 'send_message', { content: 'from tab 2' })).toMatchObject({ ok: false, code: 'NOT_IN_CHAT' });
    expect(await request(tab2.socket, 'leave_room_event')).toMatchObject({ ok: false, code: 'NOT_IN_CHAT' });

    tab2.socket.close();
    const atStranger = waitFor(stranger.socket, 'new_message');
    expect(await request(tab1.socket, 'send_message', { content: 'still here' })).toMatchObject({ ok: true });
    expect((await atStranger).content).toBe('still here');
  });

  it('closing the chatting tab ends its chat, and the other tab can then start one', async () => {
    const { cookie } = await pageCookie();
    const tab1 = await client({ cookie });
    const tab2 = await client({ cookie });
    const stranger = await client();
    await request(tab1.socket, 'join_queue');
    await request(stranger.socket, 'join_queue');
    const partnerLeft = waitFor(stranger.socket, 'partner_left');
    tab1.socket.close();
    await partnerLeft;
    expect(await request(tab2.socket, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
  });

  it('an identity is never dropped while connected: a long-idle waiting user is still matched', async () => {
    const a = await client();
    await request(a.socket, 'join_queue');
    // Many other identities come and go in between; the waiting one must not be evicted.
    for (let i = 0; i < 20; i++) {
      const x = await client();
      const y = await client();
      await request(x.socket, 'leave_queue');
      x.socket.close();
      y.socket.close();
    }
    const b = await client();
    const matched = waitFor(a.socket, 'matched');
    expect(await request(b.socket, 'join_queue')).toMatchObject({ status: 'matched' });
    await matched;
  });
});

describe('a new identity on request (POST /api/identity/reset)', () => {
  it('gives this browser a brand-new identity cookie, which the next connection uses', async () => {
    const { cookie } = await pageCookie();
    const before = await client({ cookie });
    const res = await fetch(suite.url + '/api/identity/reset', { method: 'POST', headers: { cookie, 'sec-fetch-site': 'same-origin' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { user_id: string };
    const next = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(body.user_id).not.toBe(before.session.user_id);
    const after = await client({ cookie: next });
    expect(after.session.user_id).toBe(body.user_id);
  });

  it('is refused to another site’s page', async () => {
    const attempts: Record<string, string>[] = [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'https://evil.example' }];
    for (const headers of attempts) {
      const res = await fetch(suite.url + '/api/identity/reset', { method: 'POST', headers });
      expect(res.status).toBe(403);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });
});

describe('new identities from one network', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ config: { rateLimits: { ...GENEROUS_LIMITS, identitiesPerAddressPerMin: 3 } } });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('are limited: past the limit the page loads without a new cookie and a reset answers 429; a known visitor keeps theirs', async () => {
    const cookies: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(limited.url + '/');
      cookies.push((res.headers.get('set-cookie') ?? '').split(';')[0]!);
    }
    expect(cookies.every((c) => c.startsWith('uid='))).toBe(true);
    const over = await fetch(limited.url + '/');
    expect(over.status).toBe(200);
    expect(over.headers.get('set-cookie')).toBeNull();
    expect((await fetch(limited.url + '/api/identity/reset', { method: 'POST' })).status).toBe(429);
    const known = await fetch(limited.url + '/', { headers: { cookie: cookies[0]! } });
    expect((known.headers.get('set-cookie') ?? '').split(';')[0]).toBe(cookies[0]);
  });
});
