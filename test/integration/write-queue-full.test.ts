/**
 * Overload: while the write queue is full, a message is refused with SERVER_BUSY before any other work
 * (no activity read, no policy, no flood check), so refusing stays cheaper than writing; what was accepted
 * is still stored and delivered, and sending works again once the queue drains.
 */
import { describe, expect, it } from 'vitest';
import { SqlChatRepository } from '../../src/storage/chat-repository.js';
import { connect, eventually, received, request, waitFor } from '../helpers/client.js';
import { intercept, type Interceptor } from '../helpers/interleave.js';
import { serverSuite } from '../helpers/suite.js';

let repository!: Interceptor<SqlChatRepository>;
const suite = serverSuite({
  // Reads are not paused here (backpressure has its own test): this one is about the refusal itself.
  config: { writeQueueMax: 2, writeLanes: 1, readBackpressure: false },
  deps: (database) => {
    repository = intercept(new SqlChatRepository(database));
    return { repository: repository.proxy };
  },
});

type SendAck = { ok: boolean; code?: string; retry_after_ms?: number; message?: { id: number; content: string } };

async function client() {
  const c = await connect(suite.url);
  suite.track(c.socket);
  return c;
}

describe('a full write queue', () => {
  it('refuses at once with SERVER_BUSY — even someone not in a chat — and loses nothing it accepted', async () => {
    const a = await client();
    const b = await client();
    const matched = waitFor(a.socket, 'matched');
    await request(a.socket, 'join_queue');
    await request(b.socket, 'join_queue');
    const roomId = (await matched).room_id;
    const delivered = received(b.socket, 'new_message');

    // One statement in flight (held), two messages waiting: the queue (2) is full.
    const statement = repository.hold('appendMessages');
    const first = request<SendAck>(a.socket, 'send_message', { content: 'one' });
    await statement.reached;
    const waiting = [request<SendAck>(a.socket, 'send_message', { content: 'two' }), request<SendAck>(a.socket, 'send_message', { content: 'three' })];
    await eventually(() => expect(suite.server.app.writer.pending).toBe(2));

    const refused = await request<SendAck>(a.socket, 'send_message', { content: 'four' });
    expect(refused).toMatchObject({ ok: false, code: 'SERVER_BUSY' });
    expect(refused.retry_after_ms).toBeGreaterThan(0);
    // Not in a chat: without the early refusal this would answer NOT_IN_CHAT after reading the activity.
    const bystander = await client();
    expect(await request<SendAck>(bystander.socket, 'send_message', { content: 'five' })).toMatchObject({ ok: false, code: 'SERVER_BUSY' });

    statement.release();
    const acks = await Promise.all([first, ...waiting]);
    expect(acks.map((ack) => ack.ok)).toEqual([true, true, true]);
    await eventually(() => expect(delivered.map((m) => m.content)).toEqual(['one', 'two', 'three']));
    expect((await suite.server.app.repository.listMessages(roomId)).map((m) => m.content)).toEqual(['one', 'two', 'three']);

    // Drained: accepted again, and a bystander now hears the usual answer.
    expect(await request<SendAck>(a.socket, 'send_message', { content: 'six' })).toMatchObject({ ok: true });
    expect(await request<SendAck>(bystander.socket, 'send_message', { content: 'seven' })).toMatchObject({ ok: false, code: 'NOT_IN_CHAT' });
  });
});
