/**
 * Erasure in the admin API: a conversation (`DELETE /admin/api/rooms/:id`) and every conversation of one
 * identity (`DELETE /admin/api/users/:id/rooms`) — behind the session and the cross-site check, with a
 * reason required, audited with who and why, refused for a conversation with an open report unless forced
 * and for one still going on. Erased messages stay as markers in the conversation view and in the CSV and
 * JSON exports, never with their text. Exports with `?pseudonymize=1` replace user IDs with pseudonyms
 * consistent within one export and unrelated across exports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation } from '../../src/admin/rooms-query.js';
import { ConversationErasure } from '../../src/privacy/erasure.js';
import { ENGINES } from './engines.js';
import { ManualClock, injectLogin, parseCsv, startBareAdmin, type BareAdmin } from './helpers.js';
import { CROSS_SITE_HEADERS, auditOf, fileReport, newUserId, seedConversation } from './safety-helpers.js';

describe.each(ENGINES)('erasure and pseudonyms in the admin (%s)', (engine) => {
  const clock = new ManualClock(Date.parse('2026-01-03T08:00:00Z'));
  let admin: BareAdmin;
  let cookie: string;

  beforeAll(async () => {
    admin = await startBareAdmin({ engine, clock });
    cookie = await injectLogin(admin.fastify);
  });
  afterAll(async () => admin?.close());

  const get = (url: string) => admin.fastify.inject({ url, headers: { cookie } });
  const del = (url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    admin.fastify.inject({ method: 'DELETE', url, headers: { cookie, ...headers }, ...(payload === undefined ? {} : { payload: payload as object }) });
  const eraseRoom = (id: number | string, payload: unknown = { reason: '用户要求删除' }, headers?: Record<string, string>) => del(`/admin/api/rooms/${id}`, payload, headers);
  const eraseUser = (id: string, payload: unknown = { reason: 'GDPR request' }, headers?: Record<string, string>) => del(`/admin/api/users/${id}/rooms`, payload, headers);

  /** An ended conversation of two fresh people with the messages given (`a` speaks first, then they alternate). */
  async function endedRoom(texts: string[] = ['hello', 'secret reply', 'bye'], people?: [string, string], endedAt = clock.now()): Promise<{ roomId: number; a: string; b: string; ids: number[] }> {
    const [a, b] = people ?? [newUserId('era'), newUserId('erb')];
    const room = await seedConversation(admin, a, b, texts.map((t, i) => [i % 2 === 0 ? a : b, t] as [string, string]));
    await admin.repository.endRoom(room.roomId, 'left', endedAt);
    return { roomId: room.roomId, a, b, ids: room.messageIds };
  }

  const stored = (roomId: number) =>
    admin.database.query<{ content: string; erased_by: string | null; erased_at: Date | null }>('SELECT content, erased_by, erased_at FROM messages WHERE room_id = $1 ORDER BY id', [roomId]);

  describe('DELETE /admin/api/rooms/:id', () => {
    it('empties every message, keeps them as markers erased by admin, and audits who and why', async () => {
      const { roomId } = await endedRoom();
      const response = await eraseRoom(roomId, { reason: '  用户要求删除  ' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.json()).toEqual({ room_id: roomId, erased: 3, erased_at: '2026-01-03T16:00:00+08:00' });
      expect(await stored(roomId)).toEqual(Array(3).fill({ content: '', erased_by: 'admin', erased_at: clock.now() }));
      const audit = (await auditOf(admin, 'erase_room')).filter((r) => r.detail['room_id'] === roomId);
      expect(audit.map((r) => r.detail)).toEqual([{ room_id: roomId, who: 'admin', why: '用户要求删除', messages: 3 }]);
    });

    it('deletes the messages the content policy held back in that conversation, with the rest', async () => {
      const { roomId, a, b } = await endedRoom();
      const other = await endedRoom();
      const hold = (room: number, sender: string) =>
        admin.database.query("INSERT INTO held_messages (room_id, sender_id, content, reasons, created_at) VALUES ($1, $2, 'held text', '{term}', $3)", [room, sender, clock.now()]);
      await hold(roomId, a);
      await hold(roomId, b);
      await hold(other.roomId, other.a);
      const heldIn = async (room: number) =>
        (await admin.database.query<{ sender_id: string }>('SELECT sender_id FROM held_messages WHERE room_id = $1 ORDER BY id', [room])).map((r) => r.sender_id);
      // A holder's own erasure takes their held messages only; an admin's takes the room's.
      await new ConversationErasure(admin.database).eraseOwn(roomId, a, clock.now(), 0);
      expect(await heldIn(roomId)).toEqual([b]);
      expect((await eraseRoom(roomId)).statusCode).toBe(200);
      expect(await heldIn(roomId)).toEqual([]);
      expect(await heldIn(other.roomId)).toEqual([other.a]);
    });

    it('keeps the marker of a message its sender erased earlier', async () => {
      const earlier = new Date(clock.now().getTime() - 60_000);
      const { roomId, a } = await endedRoom(undefined, undefined, new Date(earlier.getTime() - 60_000));
      await new ConversationErasure(admin.database).eraseOwn(roomId, a, earlier, 0);
      expect((await eraseRoom(roomId)).json()).toMatchObject({ erased: 1 });
      expect((await stored(roomId)).map((m) => m.erased_by)).toEqual(['sender', 'admin', 'sender']);
      expect((await stored(roomId))[0]?.erased_at).toEqual(earlier);
    });

    it('refuses a conversation with an open report (409 report_open) unless forced; a forced erasure says so in the audit', async () => {
      const { roomId, a } = await endedRoom();
      await fileReport(admin, a, roomId, 'harassment');
      const refused = await eraseRoom(roomId);
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ error: 'REPORT_OPEN' });
      expect((await stored(roomId)).every((m) => m.erased_at === null)).toBe(true);
      const forced = await eraseRoom(roomId, { reason: 'court order', force: true });
      expect(forced.statusCode).toBe(200);
      expect((await stored(roomId)).every((m) => m.content === '' && m.erased_by === 'admin')).toBe(true);
      const audit = (await auditOf(admin, 'erase_room')).filter((r) => r.detail['room_id'] === roomId);
      expect(audit.map((r) => r.detail)).toEqual([{ room_id: roomId, who: 'admin', why: 'court order', messages: 3, forced: true, open_reports: 1 }]);
    });

    it('refuses a conversation still going on (409), and answers 404 for one that does not exist', async () => {
      const a = newUserId('live');
      const live = await seedConversation(admin, a, newUserId('live'), [[a, 'still here']]);
      expect((await eraseRoom(live.roomId)).statusCode).toBe(409);
      expect((await stored(live.roomId))[0]?.content).toBe('still here');
      expect((await eraseRoom(987_654_321)).statusCode).toBe(404);
    });

    it.each([
      ['no body', undefined],
      ['no reason', {}],
      ['an empty reason', { reason: '' }],
      ['a blank reason', { reason: '   ' }],
      ['a reason too long', { reason: 'x'.repeat(501) }],
      ['force that is not a boolean', { reason: 'r', force: 'yes' }],
      ['an unknown field', { reason: 'r', everything: true }],
      ['a NUL in the reason', { reason: 'a\u0000b' }],
    ])('answers 400 for %s, erasing nothing', async (_name, payload) => {
      const { roomId } = await endedRoom();
      // No body at all (a default reason would fill `undefined` in): straight through `del`.
      const response = payload === undefined ? await del(`/admin/api/rooms/${roomId}`) : await eraseRoom(roomId, payload);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: 'INVALID_PAYLOAD' });
      expect((await stored(roomId)).every((m) => m.erased_at === null)).toBe(true);
    });

    it('answers 400 for an id that is not a room id', async () => {
      expect((await eraseRoom('abc')).statusCode).toBe(400);
      expect((await eraseRoom(0)).statusCode).toBe(400);
    });

    it('needs a session (401) and refuses cross-site requests (403) before erasing anything', async () => {
      const { roomId } = await endedRoom();
      const anonymous = await admin.fastify.inject({ method: 'DELETE', url: `/admin/api/rooms/${roomId}`, payload: { reason: 'r' } });
      expect(anonymous.statusCode).toBe(401);
      for (const headers of CROSS_SITE_HEADERS) {
        const response = await eraseRoom(roomId, { reason: 'r' }, headers);
        expect(response.statusCode).toBe(403);
        expect(response.json()).toMatchObject({ error: 'CROSS_SITE_REQUEST' });
      }
      expect((await stored(roomId)).every((m) => m.erased_at === null)).toBe(true);
      expect((await eraseRoom(roomId, { reason: 'r' }, { 'sec-fetch-site': 'same-origin' })).statusCode).toBe(200);
    });
  });

  describe('DELETE /admin/api/users/:id/rooms', () => {
    it('erases every ended conversation of the identity, skips open reports and live chats unless forced, and audits it', async () => {
      const target = newUserId('tgt');
      const plain = await endedRoom(['one', 'two'], [target, newUserId('p1')]);
      const asSecond = await endedRoom(['three', 'four'], [newUserId('p2'), target]);
      const reported = await endedRoom(['five'], [target, newUserId('p3')]);
      await fileReport(admin, reported.b, reported.roomId, 'spam');
      const live = await seedConversation(admin, target, newUserId('p4'), [[target, 'live']]);
      const bystander = await endedRoom(['not theirs']);

      const response = await eraseUser(target);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        user_id: target,
        rooms: [plain.roomId, asSecond.roomId],
        erased: 4,
        skipped: [
          { room_id: reported.roomId, reason: 'report_open' },
          { room_id: live.roomId, reason: 'active' },
        ],
        erased_at: '2026-01-03T16:00:00+08:00',
      });
      expect((await stored(plain.roomId)).map((m) => m.content)).toEqual(['', '']);
      expect((await stored(asSecond.roomId)).map((m) => m.erased_by)).toEqual(['admin', 'admin']);
      expect((await stored(reported.roomId))[0]?.content).toBe('five');
      expect((await stored(bystander.roomId))[0]?.content).toBe('not theirs');
      const audit = (await auditOf(admin, 'erase_user_rooms')).filter((r) => r.detail['user_id'] === target);
      expect(audit.map((r) => r.detail)).toEqual([
        {
          user_id: target,
          who: 'admin',
          why: 'GDPR request',
          rooms: [plain.roomId, asSecond.roomId],
          messages: 4,
          skipped: [
            { room_id: reported.roomId, reason: 'report_open' },
            { room_id: live.roomId, reason: 'active' },
          ],
        },
      ]);

      const forced = await eraseUser(target, { reason: 'GDPR request', force: true });
      expect(forced.json()).toMatchObject({ rooms: [plain.roomId, asSecond.roomId, reported.roomId], erased: 1, skipped: [{ room_id: live.roomId, reason: 'active' }] });
      expect((await stored(reported.roomId))[0]?.content).toBe('');
      // The audit names each room whose open reports the force went past.
      const forcedAudit = (await auditOf(admin, 'erase_user_rooms')).filter((r) => r.detail['user_id'] === target && r.detail['forced'] === true);
      expect(forcedAudit.map((r) => r.detail['forced_rooms'])).toEqual([[{ room_id: reported.roomId, open_reports: 1 }]]);
    });

    it('erases nothing when the audit row cannot be written: every room and its record, or none', async () => {
      const target = newUserId('tga');
      const first = await endedRoom(['one'], [target, newUserId('p5')]);
      const second = await endedRoom(['two'], [newUserId('p6'), target]);
      await admin.database.query('ALTER TABLE admin_audit_log RENAME TO admin_audit_log_away');
      try {
        expect((await eraseUser(target)).statusCode).toBe(500);
      } finally {
        await admin.database.query('ALTER TABLE admin_audit_log_away RENAME TO admin_audit_log');
      }
      expect((await stored(first.roomId))[0]?.content).toBe('one');
      expect((await stored(second.roomId))[0]?.content).toBe('two');
      expect((await eraseUser(target)).json()).toMatchObject({ rooms: [first.roomId, second.roomId], erased: 2 });
    });

    it('answers 404 for someone who never chatted, 400 without a reason, 401 without a session, 403 cross-site', async () => {
      expect((await eraseUser('nobody000000')).statusCode).toBe(404);
      const { a, roomId } = await endedRoom();
      expect((await eraseUser(a, {})).statusCode).toBe(400);
      expect((await admin.fastify.inject({ method: 'DELETE', url: `/admin/api/users/${a}/rooms`, payload: { reason: 'r' } })).statusCode).toBe(401);
      for (const headers of CROSS_SITE_HEADERS) expect((await eraseUser(a, { reason: 'r' }, headers)).statusCode).toBe(403);
      expect((await stored(roomId)).every((m) => m.erased_at === null)).toBe(true);
    });
  });

  describe('erased messages in the views and exports', () => {
    it('the conversation view and the exports show markers, never the text', async () => {
      const { roomId, a, ids } = await endedRoom(['public hello', 'private detail', 'public bye']);
      await new ConversationErasure(admin.database).eraseOwn(roomId, a, clock.now(), 0);
      const view = (await get(`/admin/api/rooms/${roomId}`)).json<Conversation>();
      expect(view.messages).toEqual([
        { id: ids[0], sender_id: a, sender: 'user1', content: '', timestamp: expect.any(String), erased_at: '2026-01-03T16:00:00+08:00', erased_by: 'sender' },
        expect.objectContaining({ id: ids[1], content: 'private detail' }),
        expect.objectContaining({ id: ids[2], content: '', erased_by: 'sender' }),
      ]);
      expect(view.messages[1]).not.toHaveProperty('erased_at');

      const csv = (await get(`/admin/export.csv?user=${a}`)).rawPayload.subarray(3).toString('utf8');
      expect(csv).not.toContain('public hello');
      const rows = parseCsv(csv).slice(1);
      expect(rows.map((r) => r[4])).toEqual(['〔已删除 erased · 发送者 sender · 2026-01-03 16:00:00〕', 'private detail', '〔已删除 erased · 发送者 sender · 2026-01-03 16:00:00〕']);

      const json = (await get(`/admin/export.json?user=${a}`)).json<{ messages: Record<string, unknown>[] }[]>();
      expect(json[0]?.messages.map((m) => [m['content'], m['erased_at'] ?? null, m['erased_by'] ?? null])).toEqual([
        ['', '2026-01-03T16:00:00+08:00', 'sender'],
        ['private detail', null, null],
        ['', '2026-01-03T16:00:00+08:00', 'sender'],
      ]);
      // Nor does a search find erased text.
      expect((await get(`/admin/api/rooms?q=${encodeURIComponent('public hello')}`)).json<{ rooms: unknown[] }>().rooms).toEqual([]);
    });
  });

  describe('pseudonymized exports', () => {
    it('replace every user ID consistently within an export, differently in the next one, and are audited as such', async () => {
      const shared = newUserId('psa');
      const other1 = newUserId('psb');
      const other2 = newUserId('psc');
      const r1 = await endedRoom(['a1', 'b1'], [shared, other1]);
      const r2 = await endedRoom(['b2', 'a2'], [other2, shared]);
      const query = `from=${encodeURIComponent('2026-01-01 00:00')}`;

      const jsonRooms = (text: string) =>
        (JSON.parse(text) as { id: number; user1_id: string; user2_id: string; messages: { sender_id: string; content: string }[] }[]).filter((r) => r.id === r1.roomId || r.id === r2.roomId);
      const first = jsonRooms((await get(`/admin/export.json?${query}&pseudonymize=1`)).body);
      const second = jsonRooms((await get(`/admin/export.json?${query}&pseudonymize=1`)).body);
      const [f1, f2] = first;
      expect(f1?.user1_id).toMatch(/^p_[0-9a-f]{16}$/);
      // The same person has the same pseudonym in both rooms of one export, and senders match the room's people.
      expect(f1?.user1_id).toBe(f2?.user2_id);
      expect(new Set([f1?.user1_id, f1?.user2_id, f2?.user1_id]).size).toBe(3);
      expect(f1?.messages.map((m) => m.sender_id)).toEqual([f1?.user1_id, f1?.user2_id]);
      expect(f2?.messages.map((m) => [m.sender_id, m.content])).toEqual([
        [f2?.user1_id, 'b2'],
        [f2?.user2_id, 'a2'],
      ]);
      // Another export: other pseudonyms for the same people.
      expect(second[0]?.user1_id).toMatch(/^p_[0-9a-f]{16}$/);
      expect(second[0]?.user1_id).not.toBe(f1?.user1_id);
      const everything = (await get(`/admin/export.json?${query}&pseudonymize=1`)).body;
      for (const id of [shared, other1, other2]) expect(everything).not.toContain(id);

      const csv = parseCsv((await get(`/admin/export.csv?${query}&pseudonymize=1`)).rawPayload.subarray(3).toString('utf8')).slice(1);
      const csvRows = csv.filter((r) => Number(r[0]) === r1.roomId || Number(r[0]) === r2.roomId);
      expect(csvRows).toHaveLength(4);
      const [c1, , c3] = csvRows;
      expect(c1?.[1]).toMatch(/^p_[0-9a-f]{16}$/);
      expect(c1?.[1]).toBe(c3?.[2]);
      expect(c1?.[3]).toBe(c1?.[1]);
      expect(csv.flat().join(',')).not.toContain(shared);

      // Without the option, the IDs as they are; a wrong value is refused.
      expect((await get(`/admin/export.json?${query}`)).body).toContain(shared);
      expect((await get(`/admin/export.csv?pseudonymize=yes`)).statusCode).toBe(400);
      const audit = await auditOf(admin, 'export');
      expect(audit.slice(-4).map((r) => r.detail['pseudonymized'] ?? false)).toEqual([true, true, true, false]);
    });
  });
});
