import { describe, expect, it } from 'vitest';
import { connect, matchedPair, request, requestWithin, send, waitFor } from '../helpers/client.js';
import { serverSuite } from '../helpers/suite.js';

const suite = serverSuite();

const badSendPayloads: [string, unknown[]][] = [
  ['a string instead of an object', ['hello']],
  ['a number', [42]],
  ['null', [null]],
  ['no payload at all', []],
  ['an array', [['hello']]],
  ['number content', [{ content: 123 }]],
  ['null content', [{ content: null }]],
  ['missing content', [{}]],
  ['unknown fields', [{ content: 'hi', evil: true }]],
  ['an object as content', [{ content: { toString: 'x' } }]],
  ['an over-long cid', [{ content: 'hi', cid: 'x'.repeat(65) }]],
  ['a number cid', [{ content: 'hi', cid: 7 }]],
  ['two payloads', [{ content: 'hi' }, { content: 'again' }]],
  ['a NUL character in the content (PostgreSQL text cannot hold it)', [{ content: 'a\u0000b' }]],
  ['a NUL character in the cid', [{ content: 'hi', cid: 'c\u0000' }]],
  ['a lone high surrogate (would be stored as U+FFFD, not as sent)', [{ content: 'x\uD83D' }]],
  ['a lone low surrogate', [{ content: '\uDE00y' }]],
];

/** Messages that show nothing at all: refused like an empty one. */
const invisible: [string, string][] = [
  ['zero-width spaces and joiners', '\u200B\u200C\u200D\u2060'],
  ['a byte-order mark', '\uFEFF'],
  ['Hangul fillers', '\u3164\u115F\uFFA0'],
  ['the blank Braille pattern', '\u2800\u2800'],
  ['an ideographic space and a tab', '\u3000\t'],
];

describe('malformed payloads', () => {
  it.each(badSendPayloads)('send_message with %s gets INVALID_PAYLOAD and the connection stays usable', async (_name, args) => {
    const { a, b } = await matchedPair(suite.url);
    suite.track(a, b);
    expect(await request(a, 'send_message', ...args)).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD', message: expect.any(String) });
    const atB = waitFor(b, 'new_message');
    expect(await request(a, 'send_message', { content: 'still fine' })).toMatchObject({ ok: true });
    expect((await atB).content).toBe('still fine');
  });

  it.each(invisible)('a message of only %s is EMPTY_MESSAGE and is not stored', async (_name, content) => {
    const { a, b } = await matchedPair(suite.url);
    suite.track(a, b);
    expect(await request(a, 'send_message', { content })).toMatchObject({ ok: false, code: 'EMPTY_MESSAGE' });
    // An emoji (a surrogate pair) and text around invisible characters are fine.
    expect(await request(a, 'send_message', { content: `\u200B😀\u200B` })).toMatchObject({ ok: true, message: { content: '\u200B😀\u200B' } });
  });

  it('an oversized message (far beyond 500 characters, within the frame limit) is MESSAGE_TOO_LONG, not a crash', async () => {
    const { a, b } = await matchedPair(suite.url);
    suite.track(a, b);
    expect(await request(a, 'send_message', { content: 'x'.repeat(5_000) })).toMatchObject({ ok: false, code: 'MESSAGE_TOO_LONG' });
    expect(await request(a, 'send_message', { content: 'ok' })).toMatchObject({ ok: true });
  });

  it.each([
    ['join_queue', ['now']],
    ['join_queue', [{ interests: 'all' }]],
    ['join_queue', [{ unknown: 1 }]],
    ['leave_queue', [{ x: 1 }]],
    ['leave_room_event', [5]],
  ] as [string, unknown[]][])('%s with %j gets INVALID_PAYLOAD', async (event, args) => {
    const { socket } = await connect(suite.url);
    suite.track(socket);
    expect(await request(socket, event, ...args)).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    expect(await request(socket, 'join_queue')).toMatchObject({ ok: true });
  });

  it('without an ack, a malformed payload is answered with an error event carrying a code', async () => {
    const { socket } = await connect(suite.url);
    suite.track(socket);
    const error = waitFor(socket, 'error');
    send(socket, 'send_message', 'not an object');
    expect(await error).toEqual({ code: 'INVALID_PAYLOAD', message: '请求格式无效' });
  });

  it('unknown events are ignored and the connection stays usable', async () => {
    const { socket } = await connect(suite.url);
    suite.track(socket);
    send(socket, 'drop_database', { please: true });
    expect(await request(socket, 'join_queue')).toMatchObject({ ok: true });
  });

  it('event names that are properties of every object, or the server’s own `error`, reach nothing', async () => {
    const { socket } = await connect(suite.url);
    suite.track(socket);
    const errors: unknown[] = [];
    socket.on('error', (e: unknown) => errors.push(e));
    for (const event of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'error']) {
      await expect(requestWithin(300, socket, event, {}), event).rejects.toThrow(/timed out/);
    }
    expect(await request(socket, 'join_queue')).toMatchObject({ ok: true });
    expect(errors).toEqual([]);
  });
});
