/**
 * GET /metrics (Prometheus text, prom-client): off unless METRICS_TOKEN or METRICS_PORT says otherwise;
 * behind the bearer token on the main port; alone on its own port; and the numbers follow what happens —
 * connections, matches, messages with their latency per stage, batch sizes, refusals by code, reports,
 * sanctions, content-policy hits, purge runs and the purge's health.
 */
import { cpSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startMetricsServer } from '../../src/metrics/metrics-endpoint.js';
import { connect, eventually, matchedPair, request, waitFor, type TestSocket } from '../helpers/client.js';
import { startServerProcess } from '../helpers/process.js';
import { freePort } from '../helpers/ports.js';
import { tempDir } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const TOKEN = 'metrics-test-token-0123456789';

/** The value of one sample (`name` or `name{labels}` exactly as printed), or undefined if absent. */
function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

async function scrape(url: string, token: string | undefined = TOKEN): Promise<string> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

describe('metrics on the main port behind METRICS_TOKEN', () => {
  let server: TestServer;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    server = await startTestServer({
      config: { metrics: { token: TOKEN, port: undefined, host: '127.0.0.1' }, retention: { retentionDays: 30, intervalMs: 3_600_000 } },
    });
  }, 60_000);
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.close();
  });

  it('refuses a scrape without the token or with a wrong one', async () => {
    const none = await fetch(`${server.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: TOKEN } })).status).toBe(401);
  });

  it('counts connections, matches, messages with their latency, batches and refusals by code', async () => {
    const before = await scrape(`${server.url}/metrics`);
    expect(sample(before, 'chat_matches_total{match_type="random"}') ?? 0).toBe(0);
    expect(before).toMatch(/^process_cpu_user_seconds_total /m);
    expect(before).toMatch(/^nodejs_eventloop_lag_seconds /m);

    const { a, b } = await matchedPair(server.url);
    sockets.push(a, b);
    for (const content of ['hello', 'there', 'again']) {
      const delivered = waitFor(b, 'new_message');
      expect(await request(a, 'send_message', { content })).toMatchObject({ ok: true });
      await delivered;
    }
    expect(await request(a, 'send_message', { content: 42 })).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });

    const text = await scrape(`${server.url}/metrics`);
    expect(sample(text, 'chat_connections')).toBe(2);
    expect(sample(text, 'chat_active_chats')).toBe(1);
    expect(sample(text, 'chat_waiting')).toBe(0);
    expect(sample(text, 'chat_matches_total{match_type="random"}')).toBe(1);
    expect(sample(text, 'chat_messages_total')).toBe(3);
    expect(sample(text, 'chat_message_latency_seconds_count{stage="committed"}')).toBe(3);
    expect(sample(text, 'chat_message_latency_seconds_count{stage="delivered"}')).toBe(3);
    const committed = sample(text, 'chat_message_latency_seconds_sum{stage="committed"}')!;
    expect(committed).toBeGreaterThan(0);
    expect(sample(text, 'chat_message_latency_seconds_sum{stage="delivered"}')!).toBeGreaterThanOrEqual(committed);
    // The stages in between: admission before the commit, each row's wait for its statement, the statements.
    expect(sample(text, 'chat_message_latency_seconds_count{stage="admitted"}')).toBe(3);
    expect(sample(text, 'chat_message_latency_seconds_sum{stage="admitted"}')!).toBeLessThanOrEqual(committed);
    expect(sample(text, 'chat_message_latency_seconds_count{stage="queued"}')).toBe(3);
    expect(sample(text, 'chat_write_statement_seconds_count')).toBe(3);
    expect(sample(text, 'chat_write_statement_seconds_sum')!).toBeGreaterThan(0);
    expect(sample(text, 'chat_write_statement_seconds_sum')!).toBeLessThanOrEqual(committed);
    expect(sample(text, 'chat_write_batch_rows_sum')).toBe(3);
    expect(sample(text, 'chat_write_queue_depth')).toBe(0);
    expect(sample(text, 'chat_events_total{event="send_message"}')).toBe(4);
    expect(sample(text, 'chat_event_errors_total{event="send_message",code="INVALID_PAYLOAD"}')).toBe(1);
    expect(sample(text, 'chat_event_errors_total{event="send_message",code="NOT_IN_CHAT"}')).toBeUndefined();
  });

  it('counts meetings in private rooms and matches by shared interests by their type', async () => {
    const maker = await connect(server.url);
    const joiner = await connect(server.url);
    sockets.push(maker.socket, joiner.socket);
    const { key } = await request<{ key: string }>(maker.socket, 'create_private');
    expect(await request(joiner.socket, 'join_private', { key })).toMatchObject({ ok: true, status: 'matched' });
    const x = await connect(server.url);
    const y = await connect(server.url);
    sockets.push(x.socket, y.socket);
    await request(x.socket, 'join_queue', { interests: ['电影'] });
    expect(await request(y.socket, 'join_queue', { interests: ['电影', '篮球'] })).toMatchObject({ ok: true, status: 'matched', match_type: 'interests' });

    const text = await scrape(`${server.url}/metrics`);
    expect(sample(text, 'chat_matches_total{match_type="private"}')).toBe(1);
    expect(sample(text, 'chat_matches_total{match_type="interests"}')).toBe(1);
  });

  it('counts reports, sanctions and content-policy hits', async () => {
    const { a, b, bId } = await matchedPair(server.url);
    sockets.push(a, b);
    const delivered = waitFor(b, 'new_message');
    expect(await request(a, 'send_message', { content: '你这个傻逼' })).toMatchObject({ ok: true });
    await delivered;
    expect(await request(a, 'report', { reason: 'harassment' })).toMatchObject({ ok: true });
    await server.app.moderation.issue({ userId: bId, networkHash: null, scope: 'identity', kind: 'muted', reason: 'test', createdBy: 'admin', durationS: 60 });

    const text = await scrape(`${server.url}/metrics`);
    expect(sample(text, 'chat_reports_total{reason="harassment",source="person"}')).toBe(1);
    expect(sample(text, 'chat_sanctions_total{kind="muted",source="admin"}')).toBe(1);
    expect(sample(text, 'chat_policy_hits_total{flag="term"}')).toBe(1);
    expect(sample(text, 'chat_policy_hits_total{flag="masked"}')).toBe(1);
  });

  it('counts a report once when it is filed: not again for a second report on the same chat, nor for each flagged message', async () => {
    const before = await scrape(`${server.url}/metrics`);
    const count = (text: string, labels: string) => sample(text, `chat_reports_total{${labels}}`) ?? 0;
    const { a, b } = await matchedPair(server.url);
    sockets.push(a, b);
    for (const content of ['我想自杀', '真的想死', '活不下去了']) {
      const delivered = waitFor(b, 'new_message');
      expect(await request(a, 'send_message', { content })).toMatchObject({ ok: true });
      await delivered;
    }
    // Three flagged messages, all in one open system report on the sender in this chat.
    await eventually(async () => {
      const rows = await server.database.query<{ message_ids: unknown[] }>(
        "SELECT message_ids FROM reports WHERE reporter_id = 'system' AND reason = 'self_harm' AND room_id = (SELECT max(id) FROM chat_rooms)",
      );
      expect(rows.map((r) => r.message_ids.length)).toEqual([3]);
    });
    const flagged = await scrape(`${server.url}/metrics`);
    expect(count(flagged, 'reason="self_harm",source="system"') - count(before, 'reason="self_harm",source="system"')).toBe(1);
    for (let i = 0; i < 3; i++) expect(await request(b, 'report', { reason: 'minor' })).toMatchObject({ ok: true });
    const after = await scrape(`${server.url}/metrics`);
    expect(count(after, 'reason="minor",source="person"') - count(before, 'reason="minor",source="person"')).toBe(1);
  });

  it('shows the purge: runs by outcome, rows removed, the last success and whether it is failing', async () => {
    const first = await scrape(`${server.url}/metrics`);
    expect(sample(first, 'chat_purge_failing')).toBe(0);
    expect(sample(first, 'chat_purge_last_success_timestamp_seconds')).toBe(0);
    await server.app.retention.runOnce();
    const text = await scrape(`${server.url}/metrics`);
    expect(sample(text, 'chat_purge_runs_total{outcome="success"}')).toBe(1);
    expect(sample(text, 'chat_purge_removed_total{what="messages"}')).toBe(0);
    expect(sample(text, 'chat_purge_last_success_timestamp_seconds')!).toBeGreaterThan(Date.now() / 1000 - 60);
  });
});

describe('metrics settings', () => {
  it('are off by default: no /metrics at all', async () => {
    const server = await startTestServer();
    try {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('on METRICS_PORT they are served there only, with the token when one is set too', async () => {
    const server = await startTestServer({ config: { metrics: { token: undefined, port: 9, host: '127.0.0.1' } } });
    const open = await startMetricsServer({ registry: server.app.metrics.registry, token: undefined, port: 0, host: '127.0.0.1' });
    const guarded = await startMetricsServer({ registry: server.app.metrics.registry, token: TOKEN, port: 0, host: '127.0.0.1' });
    try {
      // Not on the public port.
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
      expect(sample(await scrape(open.url, undefined), 'chat_connections')).toBe(0);
      expect((await fetch(open.url.replace('/metrics', '/other'))).status).toBe(404);
      expect((await fetch(guarded.url)).status).toBe(401);
      expect(sample(await scrape(guarded.url), 'chat_connections')).toBe(0);
    } finally {
      await open.close();
      await guarded.close();
      await server.close();
    }
  });

  it('the real process says where its metrics are and serves them on METRICS_PORT', async () => {
    const dir = tempDir();
    // The run's migrated database: no initdb in the child.
    cpSync(inject('pgliteTemplate'), dir.path, { recursive: true });
    const port = await freePort();
    try {
      const server = await startServerProcess({ DATA_DIR: dir.path, METRICS_PORT: String(port), METRICS_TOKEN: TOKEN }, { readyTimeoutMs: 60_000 });
      try {
        expect(server.output()).toMatch(new RegExp(`"metrics":"http://127\\.0\\.0\\.1:${port}/metrics"`));
        const text = await scrape(`http://127.0.0.1:${port}/metrics`);
        expect(sample(text, 'chat_connections')).toBe(0);
        expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
      } finally {
        expect(await server.stop('SIGTERM')).toBe(0);
      }
    } finally {
      dir.remove();
    }
  }, 120_000);

  it('warns at start when METRICS_PORT listens beyond this machine without a token', async () => {
    const dir = tempDir();
    cpSync(inject('pgliteTemplate'), dir.path, { recursive: true });
    const [guardedPort, openPort] = [await freePort(), await freePort()];
    try {
      const guarded = await startServerProcess({ DATA_DIR: dir.path, METRICS_PORT: String(guardedPort), METRICS_HOST: '0.0.0.0', METRICS_TOKEN: TOKEN }, { readyTimeoutMs: 60_000 });
      expect(await guarded.stop('SIGTERM')).toBe(0);
      expect(guarded.output()).not.toContain('metrics are open to anyone');
      const open = await startServerProcess({ DATA_DIR: dir.path, METRICS_PORT: String(openPort), METRICS_HOST: '0.0.0.0' }, { readyTimeoutMs: 60_000 });
      expect(await open.stop('SIGTERM')).toBe(0);
      expect(open.output()).toMatch(new RegExp(`"level":40.*metrics are open to anyone who reaches 0\\.0\\.0\\.0:${openPort}`));
    } finally {
      dir.remove();
    }
  }, 180_000);
});
