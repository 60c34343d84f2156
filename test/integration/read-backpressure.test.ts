/**
 * Backpressure on reads (src/realtime/read-backpressure.ts) with a real server, real sockets and the real
 * repository held at its statement: while the write queue is over half full the server stops reading from
 * its WebSockets, so a further message waits in the network instead of being refused; once the statement
 * is done everything is read, stored in order and acked, none refused. A pause that outlasts its limit
 * gives way to the refusal (SERVER_BUSY), and the heartbeat survives it.
 */
import type { Counter } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SqlChatRepository } from '../../src/storage/chat-repository.js';
import { connect, eventually, received, request, waitFor } from '../helpers/client.js';
import { intercept, type Interceptor } from '../helpers/interleave.js';
import { serverSuite, type ServerSuite } from '../helpers/suite.js';

type SendAck = { ok: boolean; code?: string; message?: { id: number; content: string } };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function heldServer(config: Record<string, unknown>) {
  let repository!: Interceptor<SqlChatRepository>;
  const suite = serverSuite({
    config: { writeQueueMax: 8, writeLanes: 1, ...config },
    deps: (database) => {
      repository = intercept(new SqlChatRepository(database));
      return { repository: repository.proxy };
    },
  });
  return { suite, repository: () => repository };
}

async function pair(suite: ServerSuite) {
  const a = await connect(suite.url);
  const b = await connect(suite.url);
  suite.track(a.socket);
  suite.track(b.socket);
  const matched = waitFor(a.socket, 'matched');
  await request(a.socket, 'join_queue');
  await request(b.socket, 'join_queue');
  return { a, b, roomId: (await matched).room_id };
}

async function pauses(suite: ServerSuite): Promise<number> {
  const metric = suite.server.app.metrics.registry.getSingleMetric('chat_read_pauses_total') as Counter | undefined;
  return (await metric!.get()).values[0]?.value ?? 0;
}

/** Held statement with m1; m2…m5 fill the queue to its high mark (4 of 8): reads pause. */
async function fillToHighMark(suite: ServerSuite, repository: Interceptor<SqlChatRepository>, a: Awaited<ReturnType<typeof connect>>) {
  const statement = repository.hold('appendMessages');
  const acks = [request<SendAck>(a.socket, 'send_message', { content: 'm1' })];
  await statement.reached;
  for (const n of [2, 3, 4, 5]) acks.push(request<SendAck>(a.socket, 'send_message', { content: `m${n}` }));
  await eventually(() => expect(suite.server.app.writer.pending).toBe(4));
  return { statement, acks };
}

describe('backpressure on reads', () => {
  describe('while the write queue is over half full', () => {
    const { suite, repository } = heldServer({});

    it('stops reading: a further message waits in the network, then is stored and acked in order, none refused', async () => {
      const { a, b, roomId } = await pair(suite);
      const delivered = received(b.socket, 'new_message');
      const before = await pauses(suite);
      const { statement, acks } = await fillToHighMark(suite, repository(), a);
      expect(await pauses(suite)).toBe(before);

      let answered = false;
      const sixth = request<SendAck>(a.socket, 'send_message', { content: 'm6' }).finally(() => (answered = true));
      // Not read: neither queued nor refused, and the connection is still up.
      await sleep(400);
      expect(answered).toBe(false);
      expect(suite.server.app.writer.pending).toBe(4);
      expect(a.socket.connected).toBe(true);

      statement.release();
      const all = await Promise.all([...acks, sixth]);
      expect(all.map((ack) => ack.ok)).toEqual([true, true, true, true, true, true]);
      const contents = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'];
      await eventually(() => expect(delivered.map((m) => m.content)).toEqual(contents));
      expect((await suite.server.app.repository.listMessages(roomId)).map((m) => m.content)).toEqual(contents);
      expect(await pauses(suite)).toBe(before + 1);
    });

    it('answers a client that connects during a pause at once (newcomers are not paused)', async () => {
      const { a } = await pair(suite);
      const { statement, acks } = await fillToHighMark(suite, repository(), a);
      const newcomer = await connect(suite.url);
      suite.track(newcomer.socket);
      expect(await request<{ ok: boolean }>(newcomer.socket, 'join_queue')).toMatchObject({ ok: true });
      statement.release();
      expect((await Promise.all(acks)).every((ack) => ack.ok)).toBe(true);
    });
  });

  describe('when a pause outlasts its limit (half the ping timeout)', () => {
    // pingTimeoutMs 600 → pauses end after 300 ms; a ping every 200 ms must still be answered after it.
    const { suite, repository } = heldServer({ pingTimeoutMs: 600, pingIntervalMs: 200 });

    it('reads again and the full queue refuses with SERVER_BUSY; the heartbeat survives; nothing accepted is lost', async () => {
      const { a, b, roomId } = await pair(suite);
      const delivered = received(b.socket, 'new_message');
      const { statement, acks } = await fillToHighMark(suite, repository(), a);
      // Read after the pause gives up: m6…m9 fill the queue (8), m10 is refused.
      const more = [6, 7, 8, 9].map((n) => request<SendAck>(a.socket, 'send_message', { content: `m${n}` }));
      await eventually(() => expect(suite.server.app.writer.pending).toBe(8));
      expect(await request<SendAck>(a.socket, 'send_message', { content: 'm10' })).toMatchObject({ ok: false, code: 'SERVER_BUSY' });
      // Several ping intervals with the statement still held: nobody was dropped.
      await sleep(800);
      expect(a.socket.connected && b.socket.connected).toBe(true);

      statement.release();
      expect((await Promise.all([...acks, ...more])).every((ack) => ack.ok)).toBe(true);
      const contents = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9'];
      await eventually(() => expect(delivered.map((m) => m.content)).toEqual(contents));
      expect((await suite.server.app.repository.listMessages(roomId)).map((m) => m.content)).toEqual(contents);
    });
  });
});
