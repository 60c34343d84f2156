import { describe, expect, it } from 'vitest';
import { collect, connect, eventually, matchedPair, request, send, waitFor } from '../helpers/client.js';
import { serverSuite } from '../helpers/suite.js';

const suite = serverSuite();

async function pair() {
  const p = await matchedPair(suite.url);
  suite.track(p.a, p.b);
  return p;
}

type MessageAck = { ok: true; message: { id: number; content: string; timestamp: string; cid?: string } } | { ok: false; code: string; message: string };

describe('chatting', () => {
  it('a message reaches both sides, stored first, with its Beijing time', async () => {
    const { a, b, aId, roomId } = await pair();
    const atA = waitFor(a, 'new_message');
    const atB = waitFor(b, 'new_message');
    const ack = await request<MessageAck>(a, 'send_message', { content: '你好 👋', cid: 'm-1' });
    expect(ack.ok).toBe(true);
    const [ma, mb] = await Promise.all([atA, atB]);
    expect(ma).toEqual(mb);
    expect(mb).toMatchObject({ room_id: roomId, sender_id: aId, content: '你好 👋', cid: 'm-1' });
    expect(mb.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    const stored = await suite.server.app.repository.listMessages(roomId);
    expect(stored.map((m) => [m.id, m.content])).toEqual([[mb.id, '你好 👋']]);
  });

  it('the original client shape works: send_message {content} without ack or cid', async () => {
    const { a, b } = await pair();
    const atB = waitFor(b, 'new_message');
    send(a, 'send_message', { content: 'plain' });
    const m = await atB;
    expect(m.content).toBe('plain');
    expect(m).not.toHaveProperty('cid');
  });

  it('with echo_in_ack, an acked message comes back to its sender in the ack only; unacked ones still echo', async () => {
    const { socket: a } = await connect(suite.url, { echoInAck: true });
    const { socket: b } = await connect(suite.url);
    suite.track(a, b);
    const matched = waitFor(b, 'matched');
    await request(a, 'join_queue');
    await request(b, 'join_queue');
    await matched;
    const atA = collect(a, 'new_message');
    const atB = collect(b, 'new_message');
    const ack = await request<MessageAck>(a, 'send_message', { content: 'acked', cid: 'e-1' });
    expect(ack).toMatchObject({ ok: true, message: { content: 'acked', cid: 'e-1' } });
    // Without an ack callback the echo is the only copy the sender could get: it is sent.
    send(a, 'send_message', { content: 'unacked' });
    // The partner (without the option) hears both its own and a's messages as before.
    await request(b, 'send_message', { content: 'reply' });
    await eventually(() => expect(atB.map((m) => m.content)).toEqual(['acked', 'unacked', 'reply']));
    await eventually(() => expect(atA.map((m) => m.content)).toEqual(['unacked', 'reply']));
    expect(atA.find((m) => m.content === 'acked')).toBeUndefined();
  });

  it('content is delivered verbatim, HTML included', async () => {
    const { a, b } = await pair();
    const html = '<b>x</b><script>alert(1)</script>  spaced  \n line';
    const atB = waitFor(b, 'new_message');
    await request(a, 'send_message', { content: html });
    expect((await atB).content).toBe(html);
  });

  it('500 Chinese characters or 500 emoji fit; 501 code points are MESSAGE_TOO_LONG and not delivered', async () => {
    const { a, b, roomId } = await pair();
    const received = collect(b, 'new_message');
    expect(await request<MessageAck>(a, 'send_message', { content: '汉'.repeat(500) })).toMatchObject({ ok: true });
    expect(await request<MessageAck>(a, 'send_message', { content: '😀'.repeat(500) })).toMatchObject({ ok: true });
    expect(await request<MessageAck>(a, 'send_message', { content: '汉'.repeat(501) })).toMatchObject({ ok: false, code: 'MESSAGE_TOO_LONG' });
    expect(await request<MessageAck>(a, 'send_message', { content: '😀'.repeat(501) })).toMatchObject({ ok: false, code: 'MESSAGE_TOO_LONG' });
    await eventually(() => expect(received).toHaveLength(2));
    expect(received.map((m) => [...m.content].length)).toEqual([500, 500]);
    expect(await suite.server.app.repository.listMessages(roomId)).toHaveLength(2);
  });

  it('empty and blank-only messages are refused with EMPTY_MESSAGE', async () => {
    const { a } = await pair();
    for (const content of ['', '   ', '\n\t', '\u3000']) {
      expect(await request<MessageAck>(a, 'send_message', { content })).toMatchObject({ ok: false, code: 'EMPTY_MESSAGE', message: expect.any(String) });
    }
  });

  it('a refused message without an ack is reported through the error event', async () => {
    const { a } = await pair();
    const error = waitFor(a, 'error');
    send(a, 'send_message', { content: ' ' });
    expect(await error).toMatchObject({ code: 'EMPTY_MESSAGE', message: '消息不能为空' });
  });

  it('a repeated cid is stored and delivered once, and the retry gets the original message', async () => {
    const { a, b, roomId } = await pair();
    const received = collect(b, 'new_message');
    const first = await request<MessageAck>(a, 'send_message', { content: 'once', cid: 'retry-1' });
    const retry = await request<MessageAck>(a, 'send_message', { content: 'once', cid: 'retry-1' });
    expect(retry).toEqual(first);
    // Two sends of one cid racing each other are also one message.
    const [x, y] = await Promise.all([
      request<MessageAck>(a, 'send_message', { content: 'race', cid: 'retry-2' }),
      request<MessageAck>(a, 'send_message', { content: 'race', cid: 'retry-2' }),
    ]);
    expect(x).toEqual(y);
    await eventually(() => expect(received.map((m) => m.content)).toEqual(['once', 'race']));
    expect(await suite.server.app.repository.listMessages(roomId)).toHaveLength(2);
  });

  it('a message written in an earlier chat (a retry, a send held while offline) is refused in the next one, never shown to the next stranger', async () => {
    const { a, b, roomId: first } = await pair();
    await request(b, 'leave_room_event');
    const c = (await connect(suite.url)).socket;
    suite.track(c);
    await request(c, 'join_queue');
    const matched = waitFor(a, 'matched');
    await request(a, 'join_queue');
    const { room_id: second } = await matched;
    expect(second).not.toBe(first);
    const atC = collect(c, 'new_message');
    expect(await request(a, 'send_message', { content: 'my number is …', cid: 'old-1', room_id: first })).toMatchObject({ ok: false, code: 'NOT_IN_CHAT' });
    expect(await request<MessageAck>(a, 'send_message', { content: 'hi', cid: 'new-1', room_id: second })).toMatchObject({ ok: true, message: { room_id: second } });
    await eventually(() => expect(atC.map((m) => m.content)).toEqual(['hi']));
    expect((await suite.server.app.repository.listMessages(second)).map((m) => m.content)).toEqual(['hi']);
  });

  it('messages arrive in the order they were sent', async () => {
    const { a, b } = await pair();
    const received = collect(b, 'new_message');
    await Promise.all(Array.from({ length: 50 }, (_, i) => request(a, 'send_message', { content: `n${i}` })));
    await eventually(() => expect(received).toHaveLength(50));
    expect(received.map((m) => m.content)).toEqual(Array.from({ length: 50 }, (_, i) => `n${i}`));
    const ids = received.map((m) => m.id);
    expect([...ids].sort((p, q) => p - q)).toEqual(ids);
  });

  it('sending while not in a chat is NOT_IN_CHAT', async () => {
    const { a } = await pair();
    await request(a, 'leave_room_event');
    expect(await request<MessageAck>(a, 'send_message', { content: 'late' })).toMatchObject({ ok: false, code: 'NOT_IN_CHAT' });
  });

  it('a message sent after the partner left is refused, not delivered and not stored', async () => {
    const { a, b, roomId } = await pair();
    const partnerLeft = waitFor(a, 'partner_left');
    const leftRoom = waitFor(b, 'left_room');
    await request(b, 'leave_room_event');
    await partnerLeft;
    expect(await leftRoom).toMatchObject({ room_id: roomId, reason: 'left' });
    const atB = collect(b, 'new_message');
    expect(await request<MessageAck>(a, 'send_message', { content: 'anyone?' })).toMatchObject({ ok: false, code: 'NOT_IN_CHAT' });
    expect(await suite.server.app.repository.listMessages(roomId)).toHaveLength(0);
    expect(atB).toHaveLength(0);
  });
});
