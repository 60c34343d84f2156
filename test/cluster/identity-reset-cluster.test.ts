/**
 * "New identity" across two instances (in this process, over one Redis and one PostgreSQL): the reset
 * reaching instance B is refused while the identity chats on instance A — the registry is the cluster's —
 * and, once allowed, closes the old identity's connection on A too, which then comes back as the new one.
 */
import { describe, expect, it } from 'vitest';
import { closedBy, connect, request, waitFor, type TestSocket } from '../helpers/client.js';
import { startInProcessCluster } from '../helpers/in-process-cluster.js';
import { hasPostgres, hasRedis } from '../helpers/services.js';
import { clusterSuite } from '../helpers/suite.js';

const available = hasRedis() && hasPostgres();

describe.skipIf(!available)('a new identity across two instances', () => {
  const suite = clusterSuite(() => startInProcessCluster(2));
  const url = (instance: number) => suite.cluster.instances[instance]!.url;

  async function tab(instance: number, cookie: string) {
    const c = await connect(url(instance), { cookie });
    suite.track(c.socket);
    return c;
  }

  async function reset(instance: number, cookie: string): Promise<{ status: number; body: { error?: string; user_id?: string }; setCookie: string | null }> {
    const res = await fetch(url(instance) + '/api/identity/reset', { method: 'POST', headers: { cookie, 'sec-fetch-site': 'same-origin' } });
    return { status: res.status, body: (await res.json()) as { error?: string; user_id?: string }, setCookie: res.headers.get('set-cookie') };
  }


  it('refused on B while the identity chats on A; once the chat is over, allowed on B and A’s connection comes back as the new identity', async () => {
    // One browser: its page came from A, its cookie goes to both.
    const cookie = ((await fetch(url(0) + '/')).headers.get('set-cookie') ?? '').split(';')[0]!;
    const onA = await tab(0, cookie);
    const stranger = await suite.connect(1);
    const matched = waitFor(onA.socket, 'matched');
    await request(onA.socket, 'join_queue');
    expect(await request(stranger.socket, 'join_queue')).toMatchObject({ status: 'matched' });
    await matched;
    await tab(1, cookie);

    expect(await reset(1, cookie)).toMatchObject({ status: 409, body: { error: 'CONFLICT' }, setCookie: null });
    const arrived = waitFor(stranger.socket, 'new_message');
    await request(onA.socket, 'send_message', { content: '还在', cid: 'c-1' });
    expect(await arrived).toMatchObject({ content: '还在' });

    const left = waitFor(stranger.socket, 'partner_left');
    await request(onA.socket, 'leave_room_event');
    await left;
    const closedOnA = closedBy(onA.socket);
    const accepted = await reset(1, cookie);
    expect(accepted.status).toBe(200);
    // Told through the adapter: A closes its connection of the old identity.
    expect(await closedOnA).toBe('io server disconnect');
    const back = await tab(0, accepted.setCookie!.split(';')[0]!);
    expect(back.session.user_id).toBe(accepted.body.user_id);
    expect(back.session.user_id).not.toBe(onA.session.user_id);
    expect(stranger.socket.connected).toBe(true);
  });
});
