/**
 * The conversations list and the exports take only the parameters they know: an unknown one (`room=1`,
 * `room_id=1`, a misspelt filter) is a 400 naming it, never ignored — ignored, an export meant for one
 * conversation held every one. Everything the admin page sends still works.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './engines.js';
import { injectLogin, parseCsv, startBareAdmin, type BareAdmin } from './helpers.js';

describe.each(ENGINES)('unknown filters of the conversations and exports (%s)', (engine) => {
  let admin: BareAdmin;
  let cookie: string;
  const rooms: number[] = [];

  beforeAll(async () => {
    admin = await startBareAdmin({ engine });
    for (const [a, b] of [
      ['filteruser01', 'filteruser02'],
      ['otheruser001', 'otheruser002'],
    ] as const) {
      const room = await admin.repository.createRoom({ user1Id: a, user2Id: b, matchType: 'random', createdAt: admin.clock.now() });
      await admin.repository.appendMessages([{ roomId: room.id, senderId: a, content: `hello from ${a}`, createdAt: admin.clock.now() }]);
      rooms.push(room.id);
    }
    cookie = await injectLogin(admin.fastify);
  });
  afterAll(async () => admin?.close());

  const get = (url: string) => admin.fastify.inject({ url, headers: { cookie } });
  const exportsRecorded = async () => (await admin.database.query<{ n: number }>("SELECT count(*)::int AS n FROM admin_audit_log WHERE action = 'export'"))[0]!.n;

  it.each([
    ['/admin/export.csv?room=1', 'room'],
    ['/admin/export.json?room_id=1', 'room_id'],
    ['/admin/export.json?format=ndjson&user=filteruser01&usr=x', 'usr'],
    ['/admin/export.csv?status=closed&limit=10', 'limit'],
    ['/admin/api/rooms?room=1', 'room'],
    ['/admin/api/rooms?q=hello&page=2', 'page'],
  ])('%s is a 400 naming the parameter, and nothing is exported', async (url, name) => {
    const before = await exportsRecorded();
    const response = await get(url);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'INVALID_PAYLOAD', message: `query: Unrecognized key: "${name}"` });
    expect(await exportsRecorded()).toBe(before);
  });

  it('an unknown parameter left empty is refused too (it is still not a filter)', async () => {
    expect((await get('/admin/export.csv?room=')).statusCode).toBe(400);
  });

  it('every parameter the admin page sends still works: the filters, the cursor, pseudonyms, NDJSON', async () => {
    const filters = new URLSearchParams({ from: '2000-01-01 00:00', to: '2100-01-01 00:00', user: 'filteruser01', status: 'active', q: 'hello' });
    const list = await get(`/admin/api/rooms?${filters}&limit=1`);
    expect(list.statusCode, list.body).toBe(200);
    expect((list.json() as { rooms: { id: number }[] }).rooms.map((r) => r.id)).toEqual([rooms[0]]);
    // The next page of the list, as the pager asks for it.
    const other = await get('/admin/api/rooms?limit=1');
    const cursor = (other.json() as { next_cursor: string | null }).next_cursor;
    expect(cursor).not.toBeNull();
    expect((await get(`/admin/api/rooms?limit=1&cursor=${encodeURIComponent(cursor!)}`)).statusCode).toBe(200);

    const csv = await get(`/admin/export.csv?${filters}&pseudonymize=1`);
    expect(csv.statusCode, csv.body).toBe(200);
    const records = parseCsv(csv.rawPayload.subarray(3).toString('utf8')).slice(1);
    expect(records).toHaveLength(1);
    expect(records[0]![0]).toBe(String(rooms[0]));
    const ndjson = await get(`/admin/export.json?${filters}&format=ndjson`);
    expect(ndjson.statusCode, ndjson.body).toBe(200);
    expect(ndjson.body.trim().split('\n')).toHaveLength(1);
    // Empty form fields mean no filter, as before: both conversations.
    expect((await get('/admin/export.json?from=&to=&user=&status=&q=&pseudonymize=')).json()).toHaveLength(2);
  });
});
