/**
 * Export content: CSV for Excel (BOM, the original's header, RFC 4180 quoting, formula neutralising,
 * Chinese text, Beijing times, a row for a room without messages), JSON in the original's shape, NDJSON,
 * filters, file names and the audit record. Tiny page sizes make rooms span several database pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvExport } from '../../src/admin/export-csv.js';
import { ENGINES } from './engines.js';
import { ManualClock, injectLogin, parseCsv, startBareAdmin, type BareAdmin } from './helpers.js';

const HEADER = ['房间ID', '用户1', '用户2', '发送者ID', '消息内容', '发送时间', '房间状态'];
const TRICKY = [
  'hello, "world"',
  'line1\nline2\r\nline3',
  '=1+2',
  '+SUM(A1)',
  '-2+3',
  '@cmd',
  '\tTabbed',
  '\rCR',
  '你好，世界',
  '＝HYPERLINK("x")',
  '<script>alert(1)</script>',
];
const NEUTRALISED = ['hello, "world"', 'line1\nline2\r\nline3', "'=1+2", "'+SUM(A1)", "'-2+3", "'@cmd", "'\tTabbed", "'\rCR", '你好，世界', '\'＝HYPERLINK("x")', '<script>alert(1)</script>'];

describe.each(ENGINES)('export content (%s)', (engine) => {
  let admin: BareAdmin;
  let cookie: string;
  const ids = { old: 0, tricky: 0, empty: 0, long: 0 };
  const beijing = (wall: string) => new Date(`${wall}+08:00`);

  async function room(user1: string, user2: string, createdAt: string, contents: string[], close: boolean): Promise<number> {
    const r = await admin.repository.createRoom({ user1Id: user1, user2Id: user2, matchType: 'random', createdAt: beijing(createdAt) });
    await admin.repository.appendMessages(
      contents.map((content, i) => ({ roomId: r.id, senderId: i % 2 === 0 ? user1 : user2, content, createdAt: new Date(beijing(createdAt).getTime() + (i + 1) * 1000) })),
    );
    if (close) await admin.repository.endRoom(r.id, 'left', new Date(beijing(createdAt).getTime() + 3_600_000));
    return r.id;
  }

  const get = (url: string) => admin.fastify.inject({ url, headers: { cookie } });

  beforeAll(async () => {
    admin = await startBareAdmin({ engine, clock: new ManualClock(beijing('2026-01-03T00:30:00').getTime()), tuning: { exportBatch: { rooms: 2, messages: 3 } } });
    ids.old = await room('olduser00001', 'olduser00002', '2025-12-01T08:00:00', ['old times'], true);
    ids.tricky = await room('user1aaaaaaa', 'user2bbbbbbb', '2026-01-02T10:00:00', TRICKY, true);
    ids.empty = await room('lonelyuser01', 'lonelyuser02', '2026-01-02T11:00:00', [], false);
    ids.long = await room('chattyuser01', 'chattyuser02', '2026-01-02T12:00:00', ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6'], false);
    cookie = await injectLogin(admin.fastify);
  });
  afterAll(async () => admin?.close());

  it('writes CSV for Excel: BOM, header, every field quoted, CRLF records', async () => {
    const response = await get('/admin/export.csv');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="chat-export-2026-01-03.csv"');
    expect([...response.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = response.rawPayload.subarray(3).toString('utf8');
    expect(text.startsWith('"房间ID","用户1","用户2","发送者ID","消息内容","发送时间","房间状态"\r\n')).toBe(true);
    expect(text).toContain(`\r\n"${ids.empty}","lonelyuser01","lonelyuser02","","","","活跃"\r\n`);
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('keeps commas, quotes, newlines and Chinese intact and neutralises formulas', async () => {
    const records = parseCsv((await get('/admin/export.csv')).rawPayload.subarray(3).toString('utf8'));
    expect(records[0]).toEqual(HEADER);
    const tricky = records.filter((r) => r[0] === String(ids.tricky));
    expect(tricky.map((r) => r[4])).toEqual(NEUTRALISED);
    expect(tricky[0]).toEqual([String(ids.tricky), 'user1aaaaaaa', 'user2bbbbbbb', 'user1aaaaaaa', 'hello, "world"', '2026-01-02 10:00:01', '已结束']);
    expect(tricky[1]![3]).toBe('user2bbbbbbb');
    expect(tricky.at(-1)![5]).toBe('2026-01-02 10:00:11');
  });

  it('has one row per message and one per room without messages, rooms oldest first', async () => {
    const records = parseCsv((await get('/admin/export.csv')).rawPayload.subarray(3).toString('utf8')).slice(1);
    expect(records.map((r) => Number(r[0]))).toEqual([ids.old, ...TRICKY.map(() => ids.tricky), ids.empty, ...Array(7).fill(ids.long)]);
    expect(records.filter((r) => r[0] === String(ids.long)).map((r) => r[4])).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    expect(records.filter((r) => r[0] === String(ids.long)).every((r) => r[6] === '活跃')).toBe(true);
  });

  it('honours the filters and audits the export with them', async () => {
    const roomsIn = async (query: string) =>
      [...new Set(parseCsv((await get(`/admin/export.csv${query}`)).rawPayload.subarray(3).toString('utf8')).slice(1).map((r) => Number(r[0])))];
    expect(await roomsIn('?from=2026-01-01')).toEqual([ids.tricky, ids.empty, ids.long]);
    expect(await roomsIn('?status=active')).toEqual([ids.empty, ids.long]);
    expect(await roomsIn('?user=user2bbbbbbb')).toEqual([ids.tricky]);
    expect(await roomsIn('?q=M3')).toEqual([ids.long]);
    expect(await roomsIn('?to=2025-12-02%2000:00&status=closed')).toEqual([ids.old]);
    const audit = await get('/admin/api/audit?limit=1');
    expect(audit.json().entries[0]).toMatchObject({
      action: 'export',
      detail: { format: 'csv', filters: { to: '2025-12-01T16:00:00.000Z', status: 'closed' } },
    });
  });

  it("writes JSON in the original's shape with times in Beijing time", async () => {
    const response = await get('/admin/export.json');
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="chat-export-2026-01-03.json"');
    const rooms = response.json() as Record<string, unknown>[];
    expect(rooms.map((r) => r['id'])).toEqual([ids.old, ids.tricky, ids.empty, ids.long]);
    const tricky = rooms[1]!;
    expect(Object.keys(tricky)).toEqual(['id', 'user1_id', 'user2_id', 'created_at', 'is_active', 'messages']);
    expect(tricky).toMatchObject({ user1_id: 'user1aaaaaaa', user2_id: 'user2bbbbbbb', created_at: '2026-01-02T10:00:00+08:00', is_active: false });
    const messages = tricky['messages'] as Record<string, unknown>[];
    expect(messages.map((m) => m['content'])).toEqual(TRICKY);
    expect(Object.keys(messages[0]!)).toEqual(['id', 'room_id', 'sender_id', 'content', 'timestamp']);
    expect(messages[0]).toMatchObject({ room_id: ids.tricky, sender_id: 'user1aaaaaaa', timestamp: '2026-01-02T10:00:01+08:00' });
    expect(rooms[2]).toMatchObject({ id: ids.empty, is_active: true, messages: [] });
    expect((rooms[3]!['messages'] as unknown[]).length).toBe(7);
  });

  it('writes NDJSON: one room per line', async () => {
    const response = await get('/admin/export.json?format=ndjson&from=2026-01-01');
    expect(response.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="chat-export-2026-01-03.ndjson"');
    expect(response.body.endsWith('\n')).toBe(true);
    const lines = response.body.trimEnd().split('\n').map((line) => JSON.parse(line) as { id: number; messages: unknown[] });
    expect(lines.map((r) => [r.id, r.messages.length])).toEqual([[ids.tricky, TRICKY.length], [ids.empty, 0], [ids.long, 7]]);
  });

  it('writes well-formed empty exports', async () => {
    const csv = await get('/admin/export.csv?user=nobody');
    expect(csv.rawPayload.subarray(3).toString('utf8')).toBe('"房间ID","用户1","用户2","发送者ID","消息内容","发送时间","房间状态"\r\n');
    expect((await get('/admin/export.json?user=nobody')).json()).toEqual([]);
    expect((await get('/admin/export.json?user=nobody&format=ndjson')).body).toBe('');
  });

  it('offers no HEAD on exports (it would run a whole export for nothing)', async () => {
    const head = await admin.fastify.inject({ method: 'HEAD', url: '/admin/export.csv', headers: { cookie } });
    expect(head.statusCode).toBe(404);
  });

  it('answers 400 JSON for bad filters, before any download starts', async () => {
    for (const query of ['?status=gone', '?from=soon', '?format=xml']) {
      const response = await get(`/admin/export.json${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.headers['content-disposition']).toBeUndefined();
    }
  });

  it('refuses NUL in a filter with 400 before any download starts or any export is audited', async () => {
    const exportsBefore = (await admin.database.query("SELECT id FROM admin_audit_log WHERE action = 'export'")).length;
    for (const path of ['/admin/export.csv', '/admin/export.json', '/admin/export.json?format=ndjson&']) {
      for (const filter of ['q=m3%00', 'user=user2bbbbbbb%00', 'format=json%00']) {
        const url = `${path}${path.includes('?') ? '' : '?'}${filter}`;
        const response = await get(url);
        expect(response.statusCode, url).toBe(400);
        expect(response.json().message, url).toMatch(/^(q|user|format): must not contain NUL/);
        expect(response.headers['content-disposition'], url).toBeUndefined();
      }
    }
    expect((await admin.database.query("SELECT id FROM admin_audit_log WHERE action = 'export'")).length).toBe(exportsBefore);
  });
});

/** Formula characters behind blanks or invisible characters: spreadsheets skip those and still run the formula. */
const HIDDEN_FORMULAS = [
  ' =1+2',
  '   +SUM(A1)',
  '\u200B=HYPERLINK("https://evil.example","click")',
  '\u00A0-2+3',
  '\u3000＝1+1',
  '\n@SUM(A1)',
  '\u200D\u200B\u2060 -1',
  '\u202E=1',
  '\u0001=1',
  '\t =1',
];
const PLAIN = ['  hello', '\u200Bhi there', 'a=b', ' 3 - 2 = 1', '你好 =)', 'x\u200B=1'];
/** PGlite reads a text value's leading BOM away, so this one is checked on the CSV writer directly. */
const BEHIND_BOM = '\uFEFF+cmd|\' /C calc\'!A0';

describe('CSV cells hiding a formula', () => {
  let admin: BareAdmin;

  beforeAll(async () => {
    admin = await startBareAdmin({ engine: 'pglite' });
    const room = await admin.repository.createRoom({ user1Id: 'user1aaaaaaa', user2Id: 'user2bbbbbbb', matchType: 'random', createdAt: new Date('2026-01-02T02:00:00Z') });
    await admin.repository.appendMessages(
      [...HIDDEN_FORMULAS, ...PLAIN].map((content, i) => ({ roomId: room.id, senderId: 'user1aaaaaaa', content, createdAt: new Date(Date.parse('2026-01-02T02:00:00Z') + (i + 1) * 1000) })),
    );
  });
  afterAll(async () => admin?.close());

  it('get the same leading apostrophe as a leading formula character, and plain text stays as it was', async () => {
    const cookie = await injectLogin(admin.fastify);
    const response = await admin.fastify.inject({ url: '/admin/export.csv', headers: { cookie } });
    const cells = parseCsv(response.rawPayload.subarray(3).toString('utf8')).slice(1).map((r) => r[4]);
    expect(cells).toEqual([...HIDDEN_FORMULAS.map((text) => `'${text}`), ...PLAIN]);
  });

  it('get the apostrophe behind a byte order mark too', async () => {
    const room = { id: 1, user1_id: 'user1aaaaaaa', user2_id: 'user2bbbbbbb', match_type: 'random', created_at: new Date(), ended_at: null, is_active: true, end_reason: null, user1_network: null, user2_network: null };
    const messages = [BEHIND_BOM, '\uFEFFplain'].map((content, i) => ({ id: i + 1, room_id: 1, sender_id: 'user1aaaaaaa', content, created_at: new Date(), cid: null, erased_at: null, erased_by: null }));
    async function* pages() {
      yield [{ room, messages, first: true, last: true }];
    }
    let text = '';
    for await (const piece of csvExport(pages(), 'Asia/Shanghai')) text += piece.toString('utf8');
    expect(parseCsv(text.slice(1)).slice(1).map((r) => r[4])).toEqual([`'${BEHIND_BOM}`, '\uFEFFplain']);
  });
});
