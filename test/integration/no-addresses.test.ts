/**
 * No raw client address is stored anywhere: after a full session from one address — page load, chat,
 * report, block, the receipt read and an erasure tried, a private room, a ban by network, admin login, conversation view, export — every text column of every
 * table is searched for it (receipts and a private room included). Only its network's HMAC may be found.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networkOf } from '../../src/http/client-address.js';
import { createNetworkHasher } from '../../src/privacy/network-hash.js';
import { ADMIN_PASSWORD, startAdminApp, type AdminTestApp } from '../admin/helpers.js';
import { connect, request, waitFor } from '../helpers/client.js';
import type { Engine } from '../helpers/database.js';
import { hasPostgres } from '../helpers/services.js';
import { TEST_SECRET } from '../helpers/server.js';

const engines: Engine[] = ['pglite', ...(hasPostgres() ? (['postgres'] as const) : [])];
/** The client's address, as a trusted proxy passes it on (127.0.0.1 would also appear in unrelated places). */
const CLIENT = '203.0.113.77';
const IPV6_CLIENT = '2001:db8:77:1:abcd::42';

describe.each(engines)('stored data on %s', (engine) => {
  let app: AdminTestApp;
  beforeAll(async () => {
    app = await startAdminApp({ engine, config: { trustProxy: ['127.0.0.1'] } });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it('holds no client address after a full session, only network hashes', async () => {
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const page = await fetch(`${app.url}/`, { headers: from(CLIENT) });
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
    const a = await connect(app.url, { cookie, extraHeaders: from(CLIENT) });
    const b = await connect(app.url, { extraHeaders: from(IPV6_CLIENT) });
    // A private room made and entered from both addresses, then left.
    const created = await request<{ key: string }>(a.socket, 'create_private');
    expect(created).toMatchObject({ ok: true });
    expect(await request(b.socket, 'join_private', { key: created.key })).toMatchObject({ ok: true, status: 'matched' });
    expect(await request(b.socket, 'leave_room_event')).toMatchObject({ ok: true });
    await request(a.socket, 'join_queue');
    const matched = waitFor(a.socket, 'matched');
    await request(b.socket, 'join_queue');
    await matched;
    const sent = await request<{ message: { id: number } }>(b.socket, 'send_message', { content: 'hello from the other side' });
    await request(a.socket, 'send_message', { content: 'hi' });
    expect(await request(a.socket, 'report', { reason: 'spam', message_ids: [sent.message.id] })).toMatchObject({ ok: true });
    const receipt = waitFor(a.socket, 'receipt');
    expect(await request(a.socket, 'block')).toMatchObject({ ok: true });
    // The receipt of the chat the block ended: read and erased from the same address.
    const { code } = await receipt;
    expect((await fetch(`${app.url}/api/receipts/${code}`, { headers: from(CLIENT) })).status).toBe(200);
    const erase = await fetch(`${app.url}/api/receipts/${code}/erase`, { method: 'POST', headers: { origin: app.url, ...from(CLIENT) } });
    expect(erase.status).toBe(409); // the report filed above is open: the conversation is kept as evidence
    const network = createNetworkHasher(TEST_SECRET)(networkOf(IPV6_CLIENT));
    await app.app.moderation.issue({ userId: b.session.user_id, networkHash: network, scope: 'both', kind: 'banned', reason: 'test', createdBy: 'admin' });

    const login = await fetch(`${app.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...from(CLIENT) },
      body: JSON.stringify({ password: ADMIN_PASSWORD }),
    });
    const admin = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    await fetch(`${app.url}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json', ...from(CLIENT) }, body: '{"password":"wrong"}' });
    const rooms = (await (await fetch(`${app.url}/admin/api/rooms`, { headers: { cookie: admin, ...from(CLIENT) } })).json()) as { rooms: { id: number }[] };
    await fetch(`${app.url}/admin/api/rooms/${rooms.rooms[0]!.id}`, { headers: { cookie: admin, ...from(CLIENT) } });
    await (await fetch(`${app.url}/admin/export.csv`, { headers: { cookie: admin, ...from(CLIENT) } })).text();
    a.socket.close();
    b.socket.close();

    const found = await searchEveryTextColumn(app, [CLIENT, '2001:db8:77', '2001:0db8']);
    expect(found).toEqual([]);
    // What is kept instead: the networks' hashes, with the rooms and sanctions that need them.
    const kept = await app.database.query<{ user2_network: string | null }>('SELECT user2_network FROM chat_rooms ORDER BY id DESC LIMIT 1');
    expect(kept[0]?.user2_network).toBe(network);
  });
});

/** Every (table, column, value) whose text holds one of `needles`, across every table of the schema. */
async function searchEveryTextColumn(app: AdminTestApp, needles: string[]): Promise<string[]> {
  const columns = await app.database.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY', 'USER-DEFINED')`,
  );
  expect(columns.length).toBeGreaterThan(10);
  const hits: string[] = [];
  for (const { table_name: table, column_name: column } of columns) {
    for (const needle of needles) {
      const rows = await app.database.query<{ v: string }>(`SELECT "${column}"::text AS v FROM "${table}" WHERE strpos("${column}"::text, $1) > 0 LIMIT 1`, [needle]);
      for (const row of rows) hits.push(`${table}.${column}: ${row.v}`);
    }
  }
  return hits;
}
