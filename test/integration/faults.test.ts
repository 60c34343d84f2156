/**
 * Bad days, with real processes: the server killed with -9 mid-chat, PostgreSQL restarted mid-chat.
 * Three ledgers are compared: what senders were told was stored (acked), what the database holds, and
 * what partners received.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlChatRepository } from '../../src/storage/chat-repository.js';
import { connect, eventually, received, request, waitFor, type TestSocket } from '../helpers/client.js';
import { openTestDatabase, tempDir, type Engine } from '../helpers/database.js';
import { postgresBinDir, startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres.js';
import { startServerProcess } from '../helpers/process.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { hasPostgres, requireService } from '../helpers/services.js';

const engines: Engine[] = ['pglite', ...(hasPostgres() ? (['postgres'] as const) : [])];
const GENEROUS_ENV = { RATE_MESSAGES_PER_S: '100000', RATE_MESSAGES_BURST: '100000', RATE_MESSAGES_PER_ADDRESS_PER_S: '100000', PACKETS_PER_CONNECTION_PER_S: '100000', PACKETS_PER_CONNECTION_BURST: '100000' };

async function pairs(url: string, count: number): Promise<{ sender: TestSocket; receiver: TestSocket }[]> {
  const result = [];
  for (let i = 0; i < count; i++) {
    const { socket: sender } = await connect(url);
    const { socket: receiver } = await connect(url);
    await request(sender, 'join_queue');
    await request(receiver, 'join_queue');
    result.push({ sender, receiver });
  }
  return result;
}

describe.each(engines)('kill -9 of the server on %s', (engine) => {
  it('every message acknowledged before the kill is in the database after the restart', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const db = engine === 'postgres' ? await openTestDatabase('postgres') : undefined;
    await db?.database.close();
    const env = { ...GENEROUS_ENV, DATA_DIR: dir.path, ...(db?.url ? { DATABASE_URL: db.url } : {}) };
    try {
      const server = await startServerProcess(env);
      const chats = await pairs(server.url, 5);
      const acked = new Set<string>();
      const receivedCids = chats.map(({ receiver }) => received(receiver, 'new_message'));
      let sent = 0;
      let stop = false;
      const senders = chats.map(async ({ sender }, p) => {
        for (let i = 0; !stop && i < 10_000; i++) {
          const cid = `p${p}-${i}`;
          sent++;
          const ack = await request<{ ok: boolean }>(sender, 'send_message', { content: `message ${cid}`, cid }).catch(() => ({ ok: false }));
          if (ack.ok) acked.add(cid);
          else return;
        }
      });
      await eventually(() => expect(acked.size).toBeGreaterThan(200), 10_000);
      const killed = server.stop('SIGKILL');
      stop = true;
      await Promise.all(senders);
      // As a supervisor does: the next start once the killed process is gone (its data directory is
      // locked until then — a process in an fsync dies only when the fsync returns).
      await killed;
      for (const { sender, receiver } of chats) sender.close(), receiver.close();

      const restarted = await startServerProcess(env);
      expect(await restarted.stop('SIGTERM')).toBe(0);
      const check = await openTestDatabase(engine, { dataDir: dir.path, databaseName: db?.url ? new URL(db.url).pathname.slice(1) : undefined });
      const rows = await check.database.query<{ cid: string }>('SELECT cid FROM messages');
      const active = await check.database.query('SELECT id FROM chat_rooms WHERE is_active');
      await check.database.close();
      const stored = new Set(rows.map((r) => r.cid));
      const missing = [...acked].filter((cid) => !stored.has(cid));
      expect(missing).toEqual([]);
      const deliveredNotStored = receivedCids.flat().filter((m) => !stored.has(m.cid!));
      expect(deliveredNotStored).toEqual([]);
      expect(stored.size).toBe(rows.length); // no duplicates
      expect(stored.size).toBeLessThanOrEqual(sent);
      expect(active).toEqual([]); // the restart closed the chats the kill interrupted
    } finally {
      if (db) await db.drop();
      dir.remove();
    }
  });
});

describe('PostgreSQL restarted mid-chat', () => {
  const available = requireService('PostgreSQL server binaries', postgresBinDir() !== undefined, 'install the postgresql package');
  let pgServer: PrivatePostgres;
  let server: TestServer;
  beforeAll(async () => {
    if (!available) return;
    pgServer = await startPrivatePostgres();
    server = await startTestServer({ engine: 'postgres', postgresServerUrl: pgServer.url });
  }, 60_000);
  afterAll(async () => {
    await server?.close().catch(() => undefined);
    await pgServer?.destroy();
  });

  it.skipIf(!available)('sends fail with STORAGE_UNAVAILABLE while it is down, nothing acked is lost, and the service recovers by itself', async () => {
    const [{ sender, receiver }] = await pairs(server.url, 1) as [{ sender: TestSocket; receiver: TestSocket }];
    const atReceiver = received(receiver, 'new_message');
    expect(await request(sender, 'send_message', { content: 'before', cid: 'before' })).toMatchObject({ ok: true });

    await pgServer.stop('immediate');
    const during = await request<{ ok: boolean; code?: string }>(sender, 'send_message', { content: 'during', cid: 'during' });
    expect(during).toMatchObject({ ok: false, code: 'STORAGE_UNAVAILABLE' });
    // Matching needs the database for the room: the one who would be matched is told, the waiting one keeps its place.
    const { socket: waiting } = await connect(server.url);
    const { socket: joining } = await connect(server.url);
    expect(await request(waiting, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    expect(await request(joining, 'join_queue')).toMatchObject({ ok: false, code: 'STORAGE_UNAVAILABLE' });
    expect(await fetch(server.url + '/readyz').then((r) => r.status)).toBe(503);

    await pgServer.start();
    // The pool reconnects on its own: no restart of our server.
    await eventually(async () => expect(await request(sender, 'send_message', { content: 'after', cid: 'after' })).toMatchObject({ ok: true }), 15_000, 200);
    await eventually(() => expect(atReceiver.map((m) => m.cid)).toEqual(['before', 'after']));
    const stored = await new SqlChatRepository(server.database).listMessages(atReceiver[0]!.room_id);
    expect(stored.map((m) => m.cid)).toEqual(['before', 'after']);
    expect(await fetch(server.url + '/readyz').then((r) => r.status)).toBe(200);
    expect(await request(joining, 'join_queue')).toMatchObject({ ok: true, status: 'matched' });
    for (const s of [sender, receiver, waiting, joining]) s.close();
  });
});

describe('PostgreSQL hung (every process frozen with SIGSTOP) mid-chat', () => {
  const available = requireService('PostgreSQL server binaries', postgresBinDir() !== undefined, 'install the postgresql package');
  const QUERY_TIMEOUT_MS = 1_500;
  let pgServer: PrivatePostgres;
  let server: TestServer;
  beforeAll(async () => {
    if (!available) return;
    pgServer = await startPrivatePostgres();
    server = await startTestServer({ engine: 'postgres', postgresServerUrl: pgServer.url, queryTimeoutMs: QUERY_TIMEOUT_MS, config: { reconnectGraceMs: 30_000 } });
  }, 60_000);
  afterAll(async () => {
    await pgServer?.thaw().catch(() => undefined);
    await server?.close().catch(() => undefined);
    await pgServer?.destroy();
  });

  it.skipIf(!available)('sends answer STORAGE_UNAVAILABLE instead of hanging, /readyz answers 503, a resume during it is retried, and all recovers when it thaws', { timeout: 60_000 }, async () => {
    const [{ sender, receiver }] = (await pairs(server.url, 1)) as [{ sender: TestSocket; receiver: TestSocket }];
    const senderId = (await request<{ ok: boolean; message: { sender_id: string } }>(sender, 'send_message', { content: 'before', cid: 'before' })).message.sender_id;
    await pgServer.freeze();
    try {
      const during = await request<{ ok: boolean; code?: string }>(sender, 'send_message', { content: 'during', cid: 'during' });
      expect(during).toMatchObject({ ok: false, code: 'STORAGE_UNAVAILABLE' });
      const ready = await fetch(server.url + '/readyz', { signal: AbortSignal.timeout(4_000) });
      expect(ready.status).toBe(503);

      // The receiver's page reloads meanwhile: its replay cannot be read, so the connection is dropped (the
      // page reconnects by itself) rather than left in a chat it would never hear from again.
      const token = received(receiver, 'session')[0]!.token;
      receiver.io.engine.close();
      const back = await connect(server.url, { token, resume: true, lastMessageId: 0 });
      await eventually(() => expect(back.socket.connected).toBe(false), QUERY_TIMEOUT_MS * 4, 100);
      back.socket.close();
    } finally {
      await pgServer.thaw();
    }
    // Back: the pool reconnects, the sender's retry (same cid) is stored once, and a fresh resume replays.
    await eventually(async () => expect(await request(sender, 'send_message', { content: 'during', cid: 'during' })).toMatchObject({ ok: true }), 20_000, 300);
    const again = await connect(server.url, { token: received(receiver, 'session')[0]!.token, resume: true, lastMessageId: 0 });
    const replayed = received(again.socket, 'new_message');
    await eventually(() => expect(replayed.map((m) => m.cid)).toEqual(['before', 'during']), 10_000);
    const atAgain = waitFor(again.socket, 'new_message');
    expect(await request(sender, 'send_message', { content: 'after', cid: 'after' })).toMatchObject({ ok: true });
    expect(await atAgain).toMatchObject({ cid: 'after', sender_id: senderId });
    expect(await fetch(server.url + '/readyz').then((r) => r.status)).toBe(200);
    for (const s of [sender, receiver, again.socket]) s.close();
  });
});
