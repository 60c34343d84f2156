/**
 * "New identity" (`POST /api/identity/reset`) never takes a chat from another tab: the cookie is the whole
 * browser's, so a tab chatting or waiting on its open connection would come back as the new identity at its
 * next reconnect, its chat lost. The reset is refused (409 CONFLICT, the cookie unchanged) while the
 * identity chats, waits in the queue or in a private room, or is within its grace period; allowed once it
 * has left. An accepted reset closes the old identity's idle connections, which come back as the new one —
 * including a `join_queue` that landed while the reset was being decided (a held registry read makes that
 * race certain). Across instances: test/cluster/identity-reset-cluster.test.ts.
 */
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { MemoryActivityRegistry } from '../../src/chat/activity-registry.js';
import { closedBy, connect, eventually, request, waitFor, type TestSocket } from '../helpers/client.js';
import { intercept } from '../helpers/interleave.js';
import { serverSuite } from '../helpers/suite.js';

const registry = intercept(new MemoryActivityRegistry());
const suite = serverSuite({ config: { closeGraceMs: 60_000, reconnectGraceMs: 60_000 }, deps: { registry: registry.proxy } });

/** Loads the page as a browser would: the identity cookie every tab of that browser sends. */
async function browserCookie(): Promise<string> {
  const res = await fetch(suite.url + '/');
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

async function tab(cookie?: string) {
  const c = await connect(suite.url, cookie === undefined ? {} : { cookie });
  suite.track(c.socket);
  return c;
}

interface ResetAnswer {
  status: number;
  body: { error?: string; message?: string; user_id?: string };
  /** The new identity cookie, if one was set. */
  setCookie: string | null;
}

async function reset(cookie: string): Promise<ResetAnswer> {
  const res = await fetch(suite.url + '/api/identity/reset', { method: 'POST', headers: { cookie, 'sec-fetch-site': 'same-origin' } });
  return { status: res.status, body: (await res.json()) as ResetAnswer['body'], setCookie: res.headers.get('set-cookie') };
}

const REFUSED = { status: 409, body: { error: 'CONFLICT', message: expect.stringContaining('first') }, setCookie: null };

/** A tab of the browser `cookie` in a chat with a stranger. */
async function chatting(cookie: string): Promise<{ mine: TestSocket; stranger: TestSocket }> {
  const mine = (await tab(cookie)).socket;
  const stranger = (await tab()).socket;
  const matched = waitFor(mine, 'matched');
  expect(await request(mine, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
  expect(await request(stranger, 'join_queue')).toMatchObject({ ok: true, status: 'matched' });
  await matched;
  return { mine, stranger };
}


describe('POST /api/identity/reset while the identity is in use', () => {
  it('is refused while another tab chats, the cookie unchanged and the chat going on; allowed once it has left', async () => {
    const cookie = await browserCookie();
    const { mine, stranger } = await chatting(cookie);
    // Tab 2 of the same browser, on the start screen.
    await tab(cookie);

    expect(await reset(cookie)).toMatchObject(REFUSED);
    const arrived = waitFor(stranger, 'new_message');
    expect(await request(mine, 'send_message', { content: '还在', cid: 'c-1' })).toMatchObject({ ok: true });
    expect(await arrived).toMatchObject({ content: '还在' });
    expect(mine.connected).toBe(true);

    const left = waitFor(stranger, 'partner_left');
    await request(mine, 'leave_room_event');
    await left;
    const accepted = await reset(cookie);
    expect(accepted.status).toBe(200);
    expect(accepted.setCookie).toMatch(/^uid=/);
    expect(cookie).not.toContain(accepted.body.user_id);
  });

  it('is refused while another tab waits in the queue; allowed once it stopped waiting', async () => {
    const cookie = await browserCookie();
    const waiting = (await tab(cookie)).socket;
    expect(await request(waiting, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    expect(await reset(cookie)).toMatchObject(REFUSED);
    expect(await suite.server.app.liveStats.waitingCount()).toBe(1);

    expect(await request(waiting, 'leave_queue')).toMatchObject({ ok: true, was_waiting: true });
    expect((await reset(cookie)).status).toBe(200);
  });

  it('is refused while another tab waits in a private room; allowed once it stopped waiting', async () => {
    const cookie = await browserCookie();
    const waiting = (await tab(cookie)).socket;
    expect(await request(waiting, 'create_private')).toMatchObject({ ok: true });
    expect(await reset(cookie)).toMatchObject(REFUSED);

    expect(await request(waiting, 'leave_queue')).toMatchObject({ ok: true, was_waiting: true });
    expect((await reset(cookie)).status).toBe(200);
  });

  it('is refused while a chat is kept for a lost connection to come back (its grace period)', async () => {
    const cookie = await browserCookie();
    const { mine, stranger } = await chatting(cookie);
    const lost = waitFor(stranger, 'partner_disconnected');
    // The transport drops (no goodbye): the chat waits for the tab to come back, as the same identity.
    mine.io.engine.close();
    await lost;
    expect(await reset(cookie)).toMatchObject(REFUSED);
  });

  it('answers 503 and changes nothing when the registry cannot be read (Redis unreachable)', async () => {
    const cookie = await browserCookie();
    const { session } = await tab(cookie);
    const failed = registry.failNext('get', new Error('redis down'), { when: (userId: string) => userId === session.user_id });
    const answer = await reset(cookie);
    await failed;
    expect(answer).toMatchObject({ status: 503, body: { error: 'MATCHING_UNAVAILABLE' }, setCookie: null });
  });
});

describe('an accepted reset', () => {
  it('closes the old identity’s idle tabs, which come back as the new identity; other people’s connections stay', async () => {
    const cookie = await browserCookie();
    const idle = await tab(cookie);
    const other = await tab(await browserCookie());
    const closed = closedBy(idle.socket);

    const accepted = await reset(cookie);
    expect(accepted.status).toBe(200);
    // A server disconnect: the page connects again by itself, with the browser's cookie — the new one.
    expect(await closed).toBe('io server disconnect');
    const back = await tab(accepted.setCookie!.split(';')[0]!);
    expect(back.session.user_id).toBe(accepted.body.user_id);
    expect(back.session.user_id).not.toBe(idle.session.user_id);
    expect(other.socket.connected).toBe(true);
  });

  it('a join_queue landing while the reset is decided is ended with the old connection: nobody waits as the retired identity', async () => {
    const cookie = await browserCookie();
    const { socket, session } = await tab(cookie);
    const closed = closedBy(socket);
    // The reset has read "idle" and is held there; the other tab presses Start meanwhile.
    const decided = registry.hold('get', { when: (userId: string) => userId === session.user_id, at: 'after' });
    const answer = reset(cookie);
    await decided.reached;
    expect(await request(socket, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    decided.release();

    expect((await answer).status).toBe(200);
    expect(await closed).toBe('io server disconnect');
    // The wait ended at once (a deliberate close), not kept for a grace period with nobody to come back.
    await eventually(async () => {
      expect(await registry.proxy.get(session.user_id)).toBeUndefined();
      expect(await suite.server.app.liveStats.waitingCount()).toBe(0);
    });
  });

  it('a tab of the old identity that connects just after the reset (its handshake under way) is closed too, its disconnect handled', async () => {
    const cookie = await browserCookie();
    const first = await tab(cookie);
    const accepted = await reset(cookie);
    expect(accepted.status).toBe(200);
    // The old cookie, sent by a tab whose reconnect started before the reset answered: it connects (the
    // handshake does not know of the reset), then is closed by the server.
    const late: TestSocket = io(suite.url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie } });
    suite.track(late);
    const reason = await new Promise<string>((resolve) => late.once('disconnect', resolve));
    expect(reason).toBe('io server disconnect');
    // Closed like any other connection: nothing of it is held.
    expect(await registry.proxy.get(first.session.user_id)).toBeUndefined();
  });
});

describe('POST /api/identity/reset under a sanction', () => {
  it('is refused while a mute or a ban is in force (the cookie unchanged), allowed with a warning and once it is lifted', async () => {
    const cookie = await browserCookie();
    const { socket, session } = await tab(cookie);
    const userId = session.user_id;
    socket.disconnect();
    const moderation = suite.server.app.moderation;
    const sanctioned = { status: 409, body: { error: 'SANCTION_IN_FORCE', message: expect.stringContaining('not with a new identity') }, setCookie: null };
    for (const kind of ['muted', 'banned'] as const) {
      const sanction = await moderation.issue({ userId, networkHash: null, scope: 'identity', kind, reason: 'test', createdBy: 'admin', durationS: 3600 });
      expect(await reset(cookie), kind).toEqual(sanctioned);
      await moderation.lift(sanction.id, 'admin');
    }
    await moderation.issue({ userId, networkHash: null, scope: 'identity', kind: 'warning', reason: 'test', createdBy: 'admin' });
    const allowed = await reset(cookie);
    expect(allowed.status).toBe(200);
    expect(allowed.body.user_id).not.toBe(userId);
  });
});
