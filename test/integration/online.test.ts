/**
 * `GET /api/online` → `{online, waiting}` for the start screen: people connected (identities: a person's
 * tabs count once) and people waiting,
 * never cached by browsers, read at most once per 1.5 s per instance however many ask.
 * (Across instances: test/cluster/experience-cluster.test.ts.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ONLINE_CACHE_MS } from '../../src/http/online-routes.js';
import { connect, eventually, request, type TestSocket } from '../helpers/client.js';
import { ManualClock } from '../helpers/clock.js';
import { serverSuite } from '../helpers/suite.js';

const clock = new ManualClock();
const suite = serverSuite({ deps: { clock } });

async function online(): Promise<{ status: number; body: unknown; cacheControl: string | null; type: string | null }> {
  const res = await fetch(`${suite.url}/api/online`);
  return { status: res.status, body: await res.json(), cacheControl: res.headers.get('cache-control'), type: res.headers.get('content-type') };
}

const open: TestSocket[] = [];
async function client() {
  const c = await connect(suite.url);
  open.push(c.socket);
  return c;
}

afterEach(async () => {
  vi.restoreAllMocks();
  // The test's people are gone, and the next test reads afresh.
  for (const socket of open.splice(0)) socket.close();
  await eventually(() => expect(suite.server.app.io.of('/').sockets.size).toBe(0));
  clock.advance(ONLINE_CACHE_MS);
});

describe('GET /api/online', () => {
  it('counts the people connected and the people waiting, JSON never stored by a cache', async () => {
    expect(await online()).toEqual({ status: 200, body: { online: 0, waiting: 0 }, cacheControl: 'no-store', type: 'application/json; charset=utf-8' });
    clock.advance(ONLINE_CACHE_MS);
    const a = await client();
    await client();
    await client();
    await request(a.socket, 'join_queue');
    expect((await online()).body).toEqual({ online: 3, waiting: 1 });
  });

  it('counts people, not tabs: two connections of one identity count once, until the last one closes', async () => {
    const cookie = ((await fetch(suite.url + '/')).headers.get('set-cookie') ?? '').split(';')[0]!;
    const tab1 = await connect(suite.url, { cookie });
    const tab2 = await connect(suite.url, { cookie });
    open.push(tab1.socket, tab2.socket);
    expect(tab2.session.user_id).toBe(tab1.session.user_id);
    const other = await client();
    expect((await online()).body).toEqual({ online: 2, waiting: 0 });

    tab1.socket.close();
    await eventually(() => expect(suite.server.app.io.of('/').sockets.size).toBe(2));
    clock.advance(ONLINE_CACHE_MS);
    expect((await online()).body).toEqual({ online: 2, waiting: 0 });

    tab2.socket.close();
    await eventually(() => expect(suite.server.app.io.of('/').sockets.size).toBe(1));
    clock.advance(ONLINE_CACHE_MS);
    expect((await online()).body).toEqual({ online: 1, waiting: 0 });

    other.socket.close();
    await eventually(() => expect(suite.server.app.io.of('/').sockets.size).toBe(0));
    clock.advance(ONLINE_CACHE_MS);
    expect((await online()).body).toEqual({ online: 0, waiting: 0 });
  });

  it('figures are reused for 1.5 s, then read again', async () => {
    await client();
    expect((await online()).body).toEqual({ online: 1, waiting: 0 });
    const b = await client();
    await request(b.socket, 'join_queue');
    clock.advance(ONLINE_CACHE_MS - 1);
    expect((await online()).body).toEqual({ online: 1, waiting: 0 });
    clock.advance(1);
    expect((await online()).body).toEqual({ online: 2, waiting: 1 });
  });

  it('a crowd asking at once costs one read', async () => {
    const stats = suite.server.app.liveStats;
    const onlineCount = vi.spyOn(stats, 'onlineCount');
    const waitingCount = vi.spyOn(stats, 'waitingCount');
    const answers = await Promise.all(Array.from({ length: 50 }, () => online()));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(onlineCount).toHaveBeenCalledTimes(1);
    expect(waitingCount).toHaveBeenCalledTimes(1);
  });

  it('figures that cannot be read (Redis down) answer 503, and are read again at the next request', async () => {
    vi.spyOn(suite.server.app.liveStats, 'onlineCount').mockRejectedValueOnce(new Error('redis down'));
    expect(await online()).toMatchObject({ status: 503, cacheControl: 'no-store' });
    expect(await online()).toMatchObject({ status: 200, body: { online: 0, waiting: 0 } });
  });
});
