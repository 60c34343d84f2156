/**
 * The chat's extras across two instances (in this process, over one Redis and one PostgreSQL): "typing"
 * reaches a partner connected to the other instance (through the Socket.IO adapter, as messages do), and
 * `GET /api/online` on either instance counts the people of both (a person's tabs on one instance once).
 */
import { describe, expect, it } from 'vitest';
import { collect, connect, eventually, request, waitFor } from '../helpers/client.js';
import { startInProcessCluster } from '../helpers/in-process-cluster.js';
import { hasPostgres, hasRedis } from '../helpers/services.js';
import { clusterSuite } from '../helpers/suite.js';

const available = hasRedis() && hasPostgres();

describe.skipIf(!available)('typing and online figures across two instances', () => {
  const suite = clusterSuite(() => startInProcessCluster(2));
  const client = (instance: number) => suite.connect(instance);

  async function online(instance: number): Promise<unknown> {
    const res = await fetch(`${suite.cluster.instances[instance]!.url}/api/online`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    return res.json();
  }

  it('typing on one instance reaches the partner on the other, both ways; after the chat, nobody', async () => {
    const onA = await client(0);
    const onB = await client(1);
    await request(onA.socket, 'join_queue');
    const matched = waitFor(onA.socket, 'matched');
    expect(await request(onB.socket, 'join_queue')).toMatchObject({ status: 'matched' });
    await matched;
    const atA = collect(onA.socket, 'partner_typing');
    const atB = collect(onB.socket, 'partner_typing');

    expect(await request(onA.socket, 'typing', { typing: true })).toEqual({ ok: true });
    await eventually(() => expect(atB).toEqual([{ typing: true }]), 2_000);
    expect(await request(onB.socket, 'typing', { typing: true })).toEqual({ ok: true });
    expect(await request(onB.socket, 'typing', { typing: false })).toEqual({ ok: true });
    await eventually(() => expect(atA).toEqual([{ typing: true }, { typing: false }]), 2_000);

    const left = waitFor(onB.socket, 'partner_left');
    await request(onA.socket, 'leave_room_event');
    await left;
    // The partner's connection leaves the conversation on its own instance, told through the adapter.
    await eventually(async () => expect(await request(onB.socket, 'typing', { typing: true })).toMatchObject({ ok: false, code: 'NOT_IN_CHAT' }), 2_000);
    expect(await request(onA.socket, 'typing', { typing: true })).toMatchObject({ ok: false, code: 'NOT_IN_CHAT' });
    expect(atA).toHaveLength(2);
  });

  it('GET /api/online on either instance counts the people connected to both, and everyone waiting', async () => {
    suite.closeTracked();
    await eventually(async () => expect(await online(0)).toEqual({ online: 0, waiting: 0 }), 6_000, 200);
    await client(0);
    await client(1);
    const waiting = await client(1);
    await request(waiting.socket, 'join_queue');
    // Instances announce their connections every second; each reuses what it read for 1.5 s.
    await eventually(async () => expect(await online(0)).toEqual({ online: 3, waiting: 1 }), 6_000, 200);
    await eventually(async () => expect(await online(1)).toEqual({ online: 3, waiting: 1 }), 6_000, 200);
  });

  it('a person with two tabs on one instance counts once in the cluster’s figure', async () => {
    suite.closeTracked();
    await eventually(async () => expect(await online(0)).toEqual({ online: 0, waiting: 0 }), 6_000, 200);
    const cookie = ((await fetch(`${suite.cluster.instances[1]!.url}/`)).headers.get('set-cookie') ?? '').split(';')[0]!;
    for (let i = 0; i < 2; i++) suite.track((await connect(suite.cluster.instances[1]!.url, { cookie })).socket);
    await client(0);
    await eventually(async () => expect(await online(0)).toEqual({ online: 2, waiting: 0 }), 6_000, 200);
  });
});
