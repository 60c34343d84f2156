/**
 * An offer of support decided on one instance reaches the reported person on every instance (two complete
 * instances in this process over one Redis and one PostgreSQL): each of their open connections, wherever
 * it is, is shown the crisis help card — as sanctions reach people, through the moderation bus. One made
 * while the person had no connection is shown on their next, on whichever instance, once: two connections
 * opened at the same moment on the two instances show it on one of them (the database decides).
 */
import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, injectLogin, stubWebDir } from '../admin/helpers.js';
import { connect, eventually, received, request, waitFor } from '../helpers/client.js';
import { startInProcessCluster } from '../helpers/in-process-cluster.js';
import { hasPostgres, hasRedis } from '../helpers/services.js';
import { clusterSuite } from '../helpers/suite.js';

const available = hasRedis() && hasPostgres();

describe.skipIf(!available)('an offer of support across two instances', () => {
  const suite = clusterSuite(() => startInProcessCluster(2, { adminPassword: ADMIN_PASSWORD, webDir: stubWebDir() }));

  it('decided on instance A, shows the help card on the reported person’s connections on both instances within 2 s', async () => {
    const [a] = suite.cluster.instances;
    const reporter = await suite.connect(0);
    const reported = await suite.connect(1);
    // The reported person's second tab, on the other instance, in English.
    const secondTab = await connect(suite.cluster.instances[0]!.url, { token: reported.session.token!, lang: 'en' });
    suite.track(secondTab.socket);
    expect(secondTab.session.user_id).toBe(reported.session.user_id);
    await request(reporter.socket, 'join_queue');
    const matched = waitFor(reporter.socket, 'matched');
    expect(await request(reported.socket, 'join_queue')).toMatchObject({ status: 'matched' });
    await matched;
    const filed = await request<{ ok: boolean; report_id: number }>(reporter.socket, 'report', { reason: 'self_harm' });
    expect(filed.ok).toBe(true);

    const cookie = await injectLogin(a!.app.fastify);
    const shown = Promise.all([waitFor(reported.socket, 'notice', 2_000), waitFor(secondTab.socket, 'notice', 2_000)]);
    const response = await a!.app.fastify.inject({
      method: 'POST',
      url: `/admin/api/reports/${filed.report_id}/resolve`,
      headers: { cookie, 'sec-fetch-site': 'same-origin' },
      payload: { action: 'support' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ report: { status: 'actioned', resolution: 'support' }, sanction: null });
    const [onB, onA] = await shown;
    expect(onB).toMatchObject({ kind: 'crisis', hotlines: [expect.objectContaining({ phone: '12356' }), expect.anything(), expect.anything()] });
    expect(onA).toMatchObject({ kind: 'crisis', hotlines: [expect.objectContaining({ url: 'https://findahelpline.com' }), expect.anything(), expect.anything()] });
    expect(received(reporter.socket, 'notice')).toEqual([]);
  });

  it('decided on instance A while the person had no connection, is shown once on their next, on either instance', async () => {
    const [a, b] = suite.cluster.instances;
    const reporter = await suite.connect(0);
    const reported = await suite.connect(1);
    await request(reporter.socket, 'join_queue');
    const matched = waitFor(reporter.socket, 'matched');
    expect(await request(reported.socket, 'join_queue')).toMatchObject({ status: 'matched' });
    await matched;
    const filed = await request<{ ok: boolean; report_id: number }>(reporter.socket, 'report', { reason: 'self_harm' });
    const left = waitFor(reporter.socket, 'partner_left');
    reported.socket.close();
    await left;

    expect(await a!.app.moderation.resolve(filed.report_id, { action: 'support', scope: 'identity' }, 'admin')).toMatchObject({ report: { resolution: 'support' } });
    // Both instances have heard of it (the bus), and neither could show it: each keeps it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const token = reported.session.token!;
    const [onA, onB] = await Promise.all([connect(a!.url, { token }), connect(b!.url, { token })]);
    suite.track(onA.socket, onB.socket);
    const crisis = () => [...received(onA.socket, 'notice'), ...received(onB.socket, 'notice')].filter((n) => n.kind === 'crisis');
    await eventually(() => expect(crisis()).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(crisis()).toHaveLength(1);
    expect(received(reporter.socket, 'notice')).toEqual([]);
  });
});
