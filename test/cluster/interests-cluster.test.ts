/**
 * Interests across two instances (in this process, over one Redis and one PostgreSQL, one test clock):
 * people on different instances sharing an interest are matched as `interests` by the shared queue's
 * Lua script; somebody sharing nothing falls back to anyone after INTEREST_WAIT_MS — by their own
 * instance's timer, or by any instance's next join once the time has passed.
 */
import { describe, expect, it } from 'vitest';
import { eventually, request, waitFor } from '../helpers/client.js';
import { ManualClock } from '../helpers/clock.js';
import { startInProcessCluster } from '../helpers/in-process-cluster.js';
import { hasPostgres, hasRedis } from '../helpers/services.js';
import { clusterSuite } from '../helpers/suite.js';

const available = hasRedis() && hasPostgres();
const WAIT_MS = 10_000;

describe.skipIf(!available)('interests across two instances', () => {
  const clock = new ManualClock();
  const suite = clusterSuite(() => startInProcessCluster(2, { interestWaitMs: WAIT_MS, closeGraceMs: 0 }, { clock }));
  const client = (instance: number) => suite.connect(instance);
  const waitingCount = () => suite.cluster.instances[0]!.app.liveStats.waitingCount();

  it('A and B on different instances with a shared interest are matched as interests; a third sharing nothing falls back after the wait', async () => {
    const a = await client(0);
    const b = await client(1);
    const c = await client(0);
    expect(await request(a.socket, 'join_queue', { interests: ['电影', '篮球'] })).toMatchObject({ status: 'waiting', interests: ['电影', '篮球'] });
    expect(await request(c.socket, 'join_queue', { interests: ['chess'] })).toMatchObject({ status: 'waiting', fallback_at: expect.stringMatching(/\+08:00$/) });
    const aMatched = waitFor(a.socket, 'matched');
    const bMatched = waitFor(b.socket, 'matched');
    const ack = await request<{ room_id: number }>(b.socket, 'join_queue', { interests: ['喜欢打篮球'] });
    const expected = { room_id: ack.room_id, match_type: 'interests', common_interests: ['篮球'] };
    expect(ack).toMatchObject({ status: 'matched', ...expected });
    expect(await aMatched).toEqual(expected);
    expect(await bMatched).toEqual(expected);

    // D (no interests, on the other instance) does not take C while C waits for a shared interest.
    const d = await client(1);
    expect(await request(d.socket, 'join_queue')).toMatchObject({ status: 'waiting', waiting_count: 1 });
    const cMatched = waitFor(c.socket, 'matched');
    const dMatched = waitFor(d.socket, 'matched');
    // C's wait ends: its own instance (0) makes the choice again and takes D, waiting on instance 1.
    clock.advance(WAIT_MS);
    const [mc, md] = await Promise.all([cMatched, dMatched]);
    expect(mc).toEqual({ room_id: expect.any(Number), match_type: 'random' });
    expect(md).toEqual(mc);
    expect(await waitingCount()).toBe(0);
  });

  it('past its fallback time an entry is open to a joiner on any instance, whoever runs the timer', async () => {
    const e = await client(1);
    await request(e.socket, 'join_queue', { interests: ['poker'] });
    const waitingOn = waitFor(e.socket, 'waiting');
    clock.advance(WAIT_MS);
    expect(await waitingOn).toEqual({ message: expect.any(String), waiting_count: 0, interests: ['poker'] });
    const f = await client(0);
    const eMatched = waitFor(e.socket, 'matched');
    expect(await request(f.socket, 'join_queue')).toMatchObject({ status: 'matched', match_type: 'random' });
    expect((await eMatched).match_type).toBe('random');
  });

  it('widen_search on one instance lets a waiter on the other be matched at once', async () => {
    const g = await client(0);
    const h = await client(1);
    await request(g.socket, 'join_queue', { interests: ['go'] });
    await request(h.socket, 'join_queue');
    await eventually(async () => expect(await waitingCount()).toBe(2));
    const hMatched = waitFor(h.socket, 'matched');
    expect(await request(g.socket, 'widen_search')).toMatchObject({ ok: true, status: 'matched', match_type: 'random' });
    expect((await hMatched).match_type).toBe('random');
  });
});
