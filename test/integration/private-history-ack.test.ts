/**
 * The answer to `join_private` does not wait for the earlier conversation: a history can take long (a page
 * waits for its connection to take the previous one; here the database holds its read), and the page gives
 * up on an ack after 5 s. The history still follows `matched` on both connections. PostgreSQL only: a
 * second connection holds a lock on the messages while the two meet.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, eventually, request, requestWithin, waitFor, type TestSocket } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { hasPostgres } from '../helpers/services.js';

type Ack = { ok: boolean; key?: string; status?: string; room_id?: number };

/** The names of the events a socket receives, in order, from now on. */
function eventsOf(socket: TestSocket): string[] {
  const names: string[] = [];
  socket.onAny((name: string) => names.push(name));
  return names;
}

describe.runIf(hasPostgres())('join_private while the earlier conversation is slow to read', () => {
  let server: TestServer;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    server = await startTestServer({
      engine: 'postgres',
      config: { privateRooms: { keyAttemptsPerMin: 10_000, keyAttemptsPerAddressPerMin: 10_000, keepInTouchWindowMs: 120_000, historyMaxMessages: 1_000 } },
    });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await server?.close();
  });

  async function client() {
    const c = await connect(server.url);
    sockets.push(c.socket);
    return c;
  }

  it('is answered at once, and the history comes after `matched` on both sides once it can be read', async () => {
    const a = await client();
    const b = await client();
    const { key } = await request<Ack>(a.socket, 'create_private');
    const first = waitFor(a.socket, 'matched');
    expect(await request<Ack>(b.socket, 'join_private', { key })).toMatchObject({ status: 'matched' });
    await first;
    const said = waitFor(a.socket, 'new_message');
    await request(b.socket, 'send_message', { content: 'hello from before' });
    await said;
    await request(a.socket, 'leave_room_event');
    await eventually(async () => expect(await server.database.query('SELECT id FROM messages')).toHaveLength(1));
    expect(await request<Ack>(a.socket, 'join_private', { key })).toMatchObject({ status: 'waiting' });

    const locker = new pg.Client({ connectionString: server.databaseUrl });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE messages IN ACCESS EXCLUSIVE MODE');
      const aEvents = eventsOf(a.socket);
      const bEvents = eventsOf(b.socket);
      const ack = await requestWithin<Ack>(3_000, b.socket, 'join_private', { key });
      expect(ack).toMatchObject({ ok: true, status: 'matched' });
      await eventually(() => expect(aEvents).toContain('matched'));
      expect([aEvents.includes('room_history'), bEvents.includes('room_history')]).toEqual([false, false]);
      await locker.query('COMMIT');
      await eventually(() => expect([aEvents.includes('room_history'), bEvents.includes('room_history')]).toEqual([true, true]));
      for (const events of [aEvents, bEvents]) expect(events.indexOf('matched')).toBeLessThan(events.indexOf('room_history'));
    } finally {
      await locker.end();
    }
  });
});
