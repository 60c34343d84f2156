/**
 * The conversations API: filters, keyset pagination, one conversation with its messages, input checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomSummary } from '../../src/admin/rooms-query.js';
import { ENGINES } from './engines.js';
import { clientKey, injectLogin, startBareAdmin, type BareAdmin } from './helpers.js';

/** The wire shape is the server's own type. */
type RoomJson = RoomSummary;

const beijing = (wall: string) => new Date(`${wall}+08:00`);

describe.each(ENGINES)('conversations API (%s)', (engine) => {
  let admin: BareAdmin;
  let cookie: string;
  const ids: Record<string, number> = {};

  async function room(name: string, user1: string, user2: string, createdAt: string, messages: [sender: 1 | 2, text: string][], closed: boolean) {
    const created = await admin.repository.createRoom({ user1Id: user1, user2Id: user2, matchType: 'random', createdAt: beijing(createdAt) });
    ids[name] = created.id;
    await admin.repository.appendMessages(
      messages.map(([sender, content], i) => ({
        roomId: created.id,
        senderId: sender === 1 ? user1 : user2,
        content,
        createdAt: new Date(beijing(createdAt).getTime() + (i + 1) * 1000),
      })),
    );
    if (closed) await admin.repository.endRoom(created.id, 'left', new Date(beijing(createdAt).getTime() + 60_000));
  }

  beforeAll(async () => {
    admin = await startBareAdmin({ engine });
    for (let i = 0; i < 5; i++) await room(`filler${i}`, `fill${i}aaaa`, `fill${i}bbbb`, `2025-12-20T1${i}:00:00`, [[1, 'filler']], false);
    await room('A', 'alice0000000', 'bob000000000', '2026-01-01T10:00:00', [[1, 'hello 100% sure'], [2, 'under_score'], [1, '<script>alert(1)</script>']], true);
    await room('B', 'carol0000000', 'alice0000000', '2026-01-02T09:30:00', [[2, 'Hi Carol']], false);
    await room('C', 'dave00000000', 'erin00000000', '2026-01-02T23:59:00', [], true);
    cookie = await injectLogin(admin.fastify);
  });
  afterAll(async () => admin?.close());

  async function list(query: string): Promise<{ rooms: RoomJson[]; next_cursor: string | null }> {
    const response = await admin.fastify.inject({ url: `/admin/api/rooms${query}`, headers: { cookie } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }
  const names = (rooms: RoomJson[]) => rooms.map((r) => Object.keys(ids).find((k) => ids[k] === r.id));

  it('lists conversations newest first with their message counts and Beijing times', async () => {
    const { rooms, next_cursor } = await list('');
    expect(names(rooms)).toEqual(['C', 'B', 'A', 'filler4', 'filler3', 'filler2', 'filler1', 'filler0']);
    expect(next_cursor).toBeNull();
    expect(rooms[2]).toEqual({
      id: ids['A'],
      user1_id: 'alice0000000',
      user2_id: 'bob000000000',
      created_at: '2026-01-01T10:00:00+08:00',
      ended_at: '2026-01-01T10:01:00+08:00',
      is_active: false,
      end_reason: 'left',
      message_count: 3,
    });
    expect(rooms[0]!.message_count).toBe(0);
  });

  it('filters by user ID on either side, and by status', async () => {
    expect(names((await list('?user=alice0000000')).rooms)).toEqual(['B', 'A']);
    expect(names((await list('?status=closed')).rooms)).toEqual(['C', 'A']);
    expect(names((await list('?status=active&user=carol0000000')).rooms)).toEqual(['B']);
    expect((await list('?user=nobody')).rooms).toEqual([]);
  });

  it('reads times without an offset in Beijing time, `to` exclusive, and ISO times exactly', async () => {
    expect(names((await list('?from=2026-01-02%2000:00&to=2026-01-02%2023:59')).rooms)).toEqual(['B']);
    expect(names((await list('?from=2026-01-02T00:00&to=2026-01-03')).rooms)).toEqual(['C', 'B']);
    expect(names((await list('?from=2026-01-01T16:00:00Z')).rooms)).toEqual(['C', 'B']);
    expect(names((await list('?to=2026-01-01T10:00:00%2B08:00')).rooms)).toHaveLength(5);
    expect(names((await list('?from=&to=&user=&q=&status=')).rooms)).toHaveLength(8);
  });

  it('finds conversations by message text, case-insensitively, with % and _ taken literally', async () => {
    expect(names((await list('?q=hi%20carol')).rooms)).toEqual(['B']);
    expect(names((await list('?q=%25')).rooms)).toEqual(['A']);
    expect(names((await list('?q=_')).rooms)).toEqual(['A']);
    expect(names((await list('?q=<script>')).rooms)).toEqual(['A']);
    expect((await list('?q=nothing%20like%20this')).rooms).toEqual([]);
  });

  it('pages with a cursor: every room exactly once, newest first, then no cursor', async () => {
    const seen: number[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const page = await list(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.rooms.length).toBeLessThanOrEqual(3);
      seen.push(...page.rooms.map((r) => r.id));
      cursor = page.next_cursor;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(new Set(seen).size).toBe(8);
    const filtered = await list('?limit=1&status=closed');
    expect(names(filtered.rooms)).toEqual(['C']);
    expect(names((await list(`?limit=1&status=closed&cursor=${filtered.next_cursor}`)).rooms)).toEqual(['A']);
  });

  it('answers 400 with the parameter name for bad input', async () => {
    const cases: [string, string][] = [
      ['?limit=0', 'limit'],
      ['?limit=201', 'limit'],
      ['?limit=ten', 'limit'],
      ['?status=open', 'status'],
      ['?from=yesterday', 'from'],
      ['?to=2026-02-30', 'to'],
      ['?cursor=abc', 'cursor'],
      ['?user=a&user=b', 'user'],
    ];
    for (const [query, name] of cases) {
      const response = await admin.fastify.inject({ url: `/admin/api/rooms${query}`, headers: { cookie } });
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error).toBe('INVALID_PAYLOAD');
      expect(response.json().message, query).toMatch(new RegExp(`^${name}: `));
    }
  });

  it('refuses NUL in any filter with 400 naming the parameter, before the database is asked', async () => {
    const cases: [string, string][] = [
      ['?q=hi%00carol', 'q'],
      ['?user=alice0000000%00', 'user'],
      ['?q=ok&user=%00', 'user'],
      ['?q=a&q=b%00', 'q'],
      ['?status=closed%00', 'status'],
      ['?from=2026-01-01%00', 'from'],
      ['?cursor=%00', 'cursor'],
      ['?limit=1%00', 'limit'],
    ];
    for (const [query, name] of cases) {
      const searchesBefore = admin.queries.count(/FROM chat_rooms/);
      const response = await admin.fastify.inject({ url: `/admin/api/rooms${query}`, headers: { cookie } });
      expect(response.statusCode, query).toBe(400);
      expect(response.json(), query).toEqual({ error: 'INVALID_PAYLOAD', message: `${name}: must not contain NUL (U+0000) or half of a surrogate pair` });
      expect(admin.queries.count(/FROM chat_rooms/), query).toBe(searchesBefore);
    }
    const conversation = await admin.fastify.inject({ url: `/admin/api/rooms/${ids['A']}?cursor=%00`, headers: { cookie } });
    expect(conversation.statusCode).toBe(400);
    expect((await admin.fastify.inject({ url: '/admin/api/audit?cursor=x%00', headers: { cookie } })).statusCode).toBe(400);
  });

  it('searches for an escaped NUL or undecodable percent-escapes as plain text: no refusal, no match', async () => {
    expect((await list('?q=%5Cu0000')).rooms).toEqual([]);
    expect((await list('?q=%ED%A0%80')).rooms).toEqual([]);
  });

  it('opens a conversation with every message, its sender side and time, and audits the view', async () => {
    const response = await admin.fastify.inject({ url: `/admin/api/rooms/${ids['A']}`, headers: { cookie } });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.room).toMatchObject({ id: ids['A'], user1_id: 'alice0000000', message_count: 3 });
    expect(body.messages).toEqual([
      { id: expect.any(Number), sender_id: 'alice0000000', sender: 'user1', content: 'hello 100% sure', timestamp: '2026-01-01T10:00:01+08:00' },
      { id: expect.any(Number), sender_id: 'bob000000000', sender: 'user2', content: 'under_score', timestamp: '2026-01-01T10:00:02+08:00' },
      { id: expect.any(Number), sender_id: 'alice0000000', sender: 'user1', content: '<script>alert(1)</script>', timestamp: '2026-01-01T10:00:03+08:00' },
    ]);
    expect(body.next_cursor).toBeNull();
    expect(response.headers['cache-control']).toBe('no-store');
    const audit = await admin.fastify.inject({ url: '/admin/api/audit?limit=1', headers: { cookie } });
    expect(audit.json().entries[0]).toMatchObject({ action: 'view_room', detail: { room_id: ids['A'] }, client_address: clientKey('127.0.0.1') });
    expect(audit.json().entries[0].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
  });

  it('audits a search by message text or by user, every page, and not a plain listing', async () => {
    const lastAudit = async () => (await admin.fastify.inject({ url: '/admin/api/audit?limit=1', headers: { cookie } })).json().entries[0];
    const before = await lastAudit();
    await list('?status=closed');
    expect(await lastAudit()).toEqual(before);
    await list('?q=hi%20carol&status=closed');
    expect(await lastAudit()).toMatchObject({ action: 'search_rooms', detail: { filters: { q: 'hi carol', status: 'closed' } }, client_address: clientKey('127.0.0.1') });
    const first = await list('?user=alice0000000&limit=1');
    expect(first.next_cursor).not.toBeNull();
    expect(await lastAudit()).toMatchObject({ action: 'search_rooms', detail: { filters: { user: 'alice0000000' } } });
    await list(`?user=alice0000000&limit=1&cursor=${first.next_cursor}`);
    expect(await lastAudit()).toMatchObject({ action: 'search_rooms', detail: { filters: { user: 'alice0000000' }, next_page: true } });
  });

  it('reads a long conversation a page at a time, in order, auditing each page', async () => {
    const url = (query: string) => `/admin/api/rooms/${ids['A']}${query}`;
    const pages: { messages: { id: number; content: string }[]; next_cursor: string | null; room: RoomJson }[] = [];
    let query = '?limit=2';
    for (;;) {
      const response = await admin.fastify.inject({ url: url(query), headers: { cookie } });
      expect(response.statusCode, response.body).toBe(200);
      const page = response.json();
      pages.push(page);
      if (!page.next_cursor) break;
      query = `?limit=2&cursor=${page.next_cursor}`;
    }
    expect(pages.map((p) => p.messages.map((m) => m.content))).toEqual([['hello 100% sure', 'under_score'], ['<script>alert(1)</script>']]);
    // The count is the whole conversation's, whichever page.
    expect(pages.map((p) => p.room.message_count)).toEqual([3, 3]);
    const audit = await admin.fastify.inject({ url: '/admin/api/audit?limit=2', headers: { cookie } });
    expect(audit.json().entries.map((e: { detail: unknown }) => e.detail)).toEqual([
      { room_id: ids['A'], from_message_id: pages[1]!.messages[0]!.id },
      { room_id: ids['A'] },
    ]);

    for (const bad of ['?cursor=abc', '?limit=0', '?limit=2001', '?limit=x']) {
      const response = await admin.fastify.inject({ url: url(bad), headers: { cookie } });
      expect(response.statusCode, bad).toBe(400);
      expect(response.json().error).toBe('INVALID_PAYLOAD');
    }
  });

  it('answers 404 for an unknown conversation and 400 for a malformed id', async () => {
    expect((await admin.fastify.inject({ url: '/admin/api/rooms/999999', headers: { cookie } })).statusCode).toBe(404);
    expect((await admin.fastify.inject({ url: '/admin/api/rooms/abc', headers: { cookie } })).statusCode).toBe(400);
    expect((await admin.fastify.inject({ url: '/admin/api/rooms/-1', headers: { cookie } })).statusCode).toBe(400);
  });

  it('pages through the audit log with a cursor', async () => {
    const first = await admin.fastify.inject({ url: '/admin/api/audit?limit=1', headers: { cookie } });
    const next = first.json().next_cursor as string;
    expect(next).toEqual(expect.any(String));
    const second = await admin.fastify.inject({ url: `/admin/api/audit?limit=1&cursor=${next}`, headers: { cookie } });
    expect(second.json().entries[0].id).toBeLessThan(first.json().entries[0].id);
  });
});
