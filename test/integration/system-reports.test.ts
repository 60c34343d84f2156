/**
 * The content policy's own reports (reporter `system`) name the person whose messages they hold: one open
 * report per chat and sender, so when both people of a chat are caught there are two, and a decision on
 * one sanctions its sender only. With a real server and real sockets on each engine; and the migration
 * that made it so, applied to a database that already holds open reports.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { ReportDetail, ReportQueuePage } from '../../src/admin/reports-query.js';
import { ReportRepository } from '../../src/moderation/report-repository.js';
import { ReviewQueue, SYSTEM_REPORTER } from '../../src/policy/review-queue.js';
import { migrationsFolder, type Database } from '../../src/storage/database.js';
import { ENGINES } from '../admin/engines.js';
import { ADMIN_PASSWORD, injectLogin, stubWebDir } from '../admin/helpers.js';
import { tempDir, withDatabase, type Engine } from '../helpers/database.js';
import { eventually, matchedPair, request } from '../helpers/client.js';
import { testDatabaseUrl } from '../helpers/services.js';
import { serverSuite } from '../helpers/suite.js';

type Ack = { ok: boolean; code?: string; message?: { id: number; content: string } };

interface SystemReport {
  id: number;
  reported_id: string;
  message_ids: number[];
  note: string;
}

describe.each(ENGINES)('content-policy reports name their sender (%s)', (engine) => {
  const suite = serverSuite({
    engine,
    config: { policy: { enabled: true, hotlinesFile: undefined, spamRepeatRooms: 3, spamWindowMs: 600_000 }, adminPassword: ADMIN_PASSWORD, webDir: stubWebDir() },
  });
  const pair = async () => {
    const p = await matchedPair(suite.url);
    suite.track(p.a, p.b);
    return p;
  };
  const openSystemReports = async (roomId: number): Promise<SystemReport[]> => {
    const rows = await suite.server.database.query<{ id: number | string; reported_id: string; message_ids: (number | string)[]; note: string }>(
      "SELECT id, reported_id, message_ids, note FROM reports WHERE reporter_id = $1 AND room_id = $2 AND status = 'open' ORDER BY id",
      [SYSTEM_REPORTER, roomId],
    );
    return rows.map((r) => ({ id: Number(r.id), reported_id: r.reported_id, message_ids: r.message_ids.map(Number).sort((x, y) => x - y), note: r.note }));
  };
  const heldOf = async (roomId: number, senderId: string) =>
    (await suite.server.database.query<{ id: number | string }>('SELECT id FROM held_messages WHERE room_id = $1 AND sender_id = $2', [roomId, senderId])).map((r) => Number(r.id));

  /** A flags a link, then B sends a flagged phrase and a refused one, then A flags another link. */
  async function bothCaught() {
    const { a, b, aId, bId, roomId } = await pair();
    const link = await request<Ack>(a, 'send_message', { content: 'see https://example.com/deal' });
    expect(link.ok).toBe(true);
    // A's report is there first: the partner's messages must not be merged into it.
    await eventually(async () => expect((await openSystemReports(roomId)).map((r) => r.reported_id)).toEqual([aId]));
    const contact = await request<Ack>(b, 'send_message', { content: '加 我 微 信 吧' });
    expect(contact.ok).toBe(true);
    expect(await request<Ack>(b, 'send_message', { content: '约炮吗' })).toMatchObject({ ok: false, code: 'BLOCKED_CONTENT' });
    const again = await request<Ack>(a, 'send_message', { content: 'or www.example.org' });
    expect(again.ok).toBe(true);
    return { aId, bId, roomId, aMessages: [link.message!.id, again.message!.id], bMessage: contact.message!.id };
  }

  it('the partner’s flagged and refused messages go into a report naming the partner; the first sender’s next one joins their own report', async () => {
    const { aId, bId, roomId, aMessages, bMessage } = await bothCaught();
    await eventually(async () => {
      const [heldId] = await heldOf(roomId, bId);
      expect(heldId).toBeDefined();
      const reports = await openSystemReports(roomId);
      expect(reports.map(({ reported_id, message_ids }) => ({ reported_id, message_ids }))).toEqual([
        { reported_id: aId, message_ids: aMessages },
        { reported_id: bId, message_ids: [bMessage] },
      ]);
      expect(reports[1]!.note).toContain(`refused message held (#${heldId})`);
      expect(reports[0]!.note).not.toContain('refused');
    });
    expect(await heldOf(roomId, aId)).toEqual([]);
  });

  it('the admin queue shows both reports of the chat, each with its sender’s messages; a ban on one falls on its sender only', async () => {
    const { aId, bId, roomId, aMessages, bMessage } = await bothCaught();
    await eventually(async () => expect(await openSystemReports(roomId)).toHaveLength(2));
    await eventually(async () => expect((await openSystemReports(roomId))[0]!.message_ids).toHaveLength(2));
    const [ofA, ofB] = await openSystemReports(roomId);
    const fastify = suite.server.app.fastify;
    const cookie = await injectLogin(fastify);
    const get = (url: string) => fastify.inject({ url, headers: { cookie } });

    const queue = (await get('/admin/api/reports?limit=200')).json<ReportQueuePage>().reports.filter((r) => r.room_id === roomId);
    expect(queue.map((r) => [r.id, r.reporter_id, r.reported_id, r.reported_message_count]).sort()).toEqual(
      [
        [ofA!.id, SYSTEM_REPORTER, aId, 2],
        [ofB!.id, SYSTEM_REPORTER, bId, 1],
      ].sort(),
    );
    const detailA = (await get(`/admin/api/reports/${ofA!.id}`)).json<ReportDetail>();
    expect(detailA.people.reported.user_id).toBe(aId);
    expect(detailA.reported_messages.map((m) => m.id).sort((x, y) => x - y)).toEqual(aMessages);
    const detailB = (await get(`/admin/api/reports/${ofB!.id}`)).json<ReportDetail>();
    expect(detailB.people.reported.user_id).toBe(bId);
    expect(detailB.reported_messages.map((m) => m.id)).toEqual([bMessage]);
    expect(detailB.held_messages.map((h) => [h.sender_id, h.content])).toEqual([[bId, '约炮吗']]);

    const strikesOf = async (userId: string) => (await suite.server.database.query('SELECT id FROM strikes WHERE user_id = $1', [userId])).length;
    // The refused term; the flagged one is queued for a person, not struck.
    await eventually(async () => expect(await strikesOf(bId)).toBe(1));
    const response = await fastify.inject({
      method: 'POST',
      url: `/admin/api/reports/${ofB!.id}/resolve`,
      headers: { cookie, 'sec-fetch-site': 'same-origin' },
      payload: { action: 'ban', duration_s: 86_400, note: 'abuse' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ sanction: { user_id: bId, kind: 'banned' } });
    const now = new Date();
    expect(suite.server.app.moderation.sanctionCache.strongest(bId, () => undefined, now)).toMatchObject({ kind: 'banned' });
    expect(suite.server.app.moderation.sanctionCache.strongest(aId, () => undefined, now)).toBeUndefined();
    // The upheld report counts one: its flagged message was no strike yet (the refused one was: it counts once).
    await eventually(async () => expect(await strikesOf(bId)).toBe(2));
    expect(await strikesOf(aId)).toBe(0); // links are no strike, and the upheld report was not about A
    // A's report is still open, to be decided on its own.
    expect((await openSystemReports(roomId)).map((r) => r.id)).toEqual([ofA!.id]);
  });

  it('a partner’s report of only messages the policy struck counts no second strike when upheld; naming one more message counts', async () => {
    const fastify = suite.server.app.fastify;
    const cookie = await injectLogin(fastify);
    const strikesOf = async (userId: string) =>
      (await suite.server.database.query<{ source: string }>('SELECT source FROM strikes WHERE user_id = $1 ORDER BY id', [userId])).map((r) => r.source);
    const uphold = async (reportId: number) => {
      const response = await fastify.inject({
        method: 'POST',
        url: `/admin/api/reports/${reportId}/resolve`,
        headers: { cookie, 'sec-fetch-site': 'same-origin' },
        payload: { action: 'warn', note: 'insult' },
      });
      expect(response.statusCode).toBe(200);
    };
    /** B sends an insult (masked and struck) and a plain line; A reports B naming `which` of them. */
    const reported = async (which: 'struck' | 'both') => {
      const { a, b, bId } = await pair();
      const insult = await request<Ack>(b, 'send_message', { content: '你个傻 逼吧' });
      const plain = await request<Ack>(b, 'send_message', { content: '今天天气不错' });
      expect([insult.ok, plain.ok]).toEqual([true, true]);
      await eventually(async () => expect(await strikesOf(bId)).toEqual(['policy']));
      const ids = which === 'struck' ? [insult.message!.id] : [insult.message!.id, plain.message!.id];
      const filed = await request<{ ok: boolean; report_id: number }>(a, 'report', { reason: 'harassment', message_ids: ids });
      expect(filed.ok).toBe(true);
      return { bId, reportId: filed.report_id };
    };

    const onlyStruck = await reported('struck');
    await uphold(onlyStruck.reportId);
    expect(await strikesOf(onlyStruck.bId)).toEqual(['policy']);

    const oneMore = await reported('both');
    await uphold(oneMore.reportId);
    expect(await strikesOf(oneMore.bId)).toEqual(['policy', 'report']);
  });
});

const OLD_MIGRATIONS = 6; // 0000–0005: reports were one open per reporter and room

/** A copy of the migrations folder as it was before the change: its first `count` migrations. */
function migrationsUpTo(count: number): string {
  const dir = tempDir('migrations-').path;
  mkdirSync(join(dir, 'meta'));
  const journal = JSON.parse(readFileSync(join(migrationsFolder(), 'meta', '_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
  journal.entries = journal.entries.filter((e) => e.idx < count);
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify(journal));
  for (const { tag } of journal.entries) cpSync(join(migrationsFolder(), `${tag}.sql`), join(dir, `${tag}.sql`));
  return dir;
}

/** A database of `engine` migrated with `folder`, which can then be migrated further. */
async function databaseAt(engine: Engine, folder: string) {
  if (engine === 'pglite') {
    const client = await PGlite.create('memory://');
    const migrateWith = (f: string) => migratePglite(drizzlePglite({ client }), { migrationsFolder: f });
    await migrateWith(folder);
    const query = async <T>(text: string, params: readonly unknown[] = []) => (await client.query<T>(text, params as unknown[])).rows;
    return { query, migrateWith, close: () => client.close() };
  }
  const name = `chat_test_mig_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const client = new pg.Client({ connectionString: withDatabase(testDatabaseUrl!, name) });
  await client.connect();
  const migrateWith = (f: string) => migratePg(drizzlePg({ client }), { migrationsFolder: f });
  await migrateWith(folder);
  const query = async <T>(text: string, params: readonly unknown[] = []) => (await client.query(text, params as unknown[])).rows as T[];
  return {
    query,
    migrateWith,
    close: async () => {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

describe.each(ENGINES)('the migration to one system report per sender (%s)', (engine) => {
  it('applies on a database holding open reports, keeps them, and then files per sender', async () => {
    const db = await databaseAt(engine, migrationsUpTo(OLD_MIGRATIONS));
    try {
      const [room] = await db.query<{ id: number | string }>("INSERT INTO chat_rooms (user1_id, user2_id) VALUES ('aaaa', 'bbbb') RETURNING id");
      const roomId = Number(room!.id);
      const at = new Date('2026-01-03T08:00:00Z');
      const insert = (reporter: string, reported: string, status: string, ids: number[]) =>
        db.query(
          `INSERT INTO reports (room_id, reporter_id, reported_id, reason, note, message_ids, status, created_at, updated_at)
           VALUES ($1, $2, $3, 'spam', 'old', $4::bigint[], $5, $6, $6)`,
          [roomId, reporter, reported, ids, status, at],
        );
      await insert(SYSTEM_REPORTER, 'aaaa', 'open', [1, 2]);
      await insert(SYSTEM_REPORTER, 'aaaa', 'dismissed', [3]);
      await insert('bbbb', 'aaaa', 'open', [1]);
      const before = await db.query('SELECT * FROM reports ORDER BY id');

      await db.migrateWith(migrationsFolder());

      // Kept as they were; the columns later migrations add come with their defaults (0008: other_reasons,
      // 0011: support_shown_at).
      const after = await db.query<Record<string, unknown>>('SELECT * FROM reports ORDER BY id');
      expect(after.map(({ other_reasons: _other, support_shown_at: _shown, ...rest }) => rest)).toEqual(before);
      expect(after.map((r) => r['other_reasons'])).toEqual([[], [], []]);
      expect(after.map((r) => r['support_shown_at'])).toEqual([null, null, null]);
      const indexes = (await db.query<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE tablename = 'reports'")).map((r) => r.indexname);
      expect(indexes).toContain('reports_one_open_per_reporter_room_reported_uq');
      expect(indexes).not.toContain('reports_one_open_per_reporter_room_uq');

      // The code of this version on the migrated rows: B gets a report of their own, A's grows.
      const database = { query: db.query } as Pick<Database, 'query'> as Database;
      const review = new ReviewQueue(database);
      await review.flag({ roomId, senderId: 'bbbb', reason: 'other', messageId: 4, note: 'policy: term', priority: 0, at });
      await review.flag({ roomId, senderId: 'aaaa', reason: 'spam', messageId: 5, note: 'policy: link', priority: 0, at });
      // A person's report is still one per reporter and room: filing again adds to it (the first reason stays at the same priority).
      await new ReportRepository(database).upsert({ roomId, reporterId: 'bbbb', reportedId: 'aaaa', reason: 'harassment', note: null, messageIds: [2], priority: 0, at });
      const open = await db.query<{ reporter_id: string; reported_id: string; message_ids: (number | string)[]; reason: string }>(
        "SELECT reporter_id, reported_id, message_ids, reason FROM reports WHERE status = 'open' ORDER BY id",
      );
      expect(open.map((r) => ({ ...r, message_ids: r.message_ids.map(Number).sort((x, y) => x - y) }))).toEqual([
        { reporter_id: SYSTEM_REPORTER, reported_id: 'aaaa', message_ids: [1, 2, 5], reason: 'spam' },
        { reporter_id: 'bbbb', reported_id: 'aaaa', message_ids: [1, 2], reason: 'spam' },
        { reporter_id: SYSTEM_REPORTER, reported_id: 'bbbb', message_ids: [4], reason: 'other' },
      ]);
    } finally {
      await db.close();
    }
  }, 60_000);
});
