/**
 * Property-based fuzzing of the protocol: random events with random payloads, in random orders, from
 * several clients at once. The server must never throw, crash or stop serving others, must answer every
 * acked event, and must not keep state for people who are gone.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, eventually, matchedPair, request, type TestSocket } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  server = await startTestServer({ config: { reconnectGraceMs: 200 } });
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  await server?.close();
});

const EVENTS = ['join_queue', 'leave_queue', 'widen_search', 'send_message', 'leave_room_event', 'session', 'matched', 'error', 'disconnect_me', '__proto__', 'constructor'];

const payload = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.record({ content: fc.oneof(fc.string({ maxLength: 600 }), fc.string({ unit: 'grapheme', maxLength: 520 }), fc.anything()) }, { requiredKeys: [] }),
  fc.record({ content: fc.string(), cid: fc.oneof(fc.string({ maxLength: 80 }), fc.integer()) }),
  fc.record({ interests: fc.anything() }),
  fc.record({ interests: fc.array(fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('电影', '喜欢看电影和打篮球', 'Music')), { maxLength: 12 }) }),
  fc.constant(undefined),
  fc.constant(null),
);

const action = fc.record({
  client: fc.nat({ max: 3 }),
  event: fc.constantFrom(...EVENTS),
  args: fc.array(payload, { maxLength: 3 }),
  withAck: fc.boolean(),
  drop: fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
});

type Step = typeof action extends fc.Arbitrary<infer T> ? T : never;

async function perform(sockets: TestSocket[], step: Step): Promise<void> {
  const socket = sockets[step.client]!;
  if (step.drop) {
    socket.io.engine.close();
    return;
  }
  if (!socket.connected) return;
  const known = ['join_queue', 'leave_queue', 'widen_search', 'send_message', 'leave_room_event'].includes(step.event);
  // Unknown events are ignored by design, so an ack for them would only wait for its timeout.
  if (step.withAck && known) {
    const answer = await (socket.timeout(3_000) as unknown as { emitWithAck(e: string, ...a: unknown[]): Promise<unknown> })
      .emitWithAck(step.event, ...step.args.slice(0, 2))
      .catch((err: Error) => ({ lost: err.message }));
    // A known event always answers with a well-formed reply (unknown events are ignored: the timeout).
    if (socket.connected) {
      if (!(answer as { lost?: string }).lost) expect(answer).toHaveProperty('ok');
      if ((answer as { ok?: boolean }).ok === false) expect(answer).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    }
  } else {
    (socket as unknown as { emit(e: string, ...a: unknown[]): void }).emit(step.event, ...step.args);
  }
}

describe('protocol fuzzing', () => {
  it('random events, payloads and orders never crash the server or leave it unusable', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 5, maxLength: 40 }), async (steps) => {
        const sockets = await Promise.all(Array.from({ length: 4 }, async () => (await connect(server.url)).socket));
        try {
          await Promise.all([0, 1, 2, 3].map(async (c) => {
            for (const step of steps.filter((s) => s.client === c)) await perform(sockets, step);
          }));
        } finally {
          for (const s of sockets) s.close();
        }
        // Everyone left (some by a lost connection, kept for the short grace period), and no fuzz
        // connection is still open whose last events could reach the server late...
        await eventually(async () => {
          expect(await server.app.liveStats.onlineCount()).toBe(0);
          expect(server.app.chat.detachedCount).toBe(0);
          expect(await server.app.liveStats.waitingCount()).toBe(0);
        }, 5_000);
        // ...and the server still serves a fresh pair end to end.
        const { a, b } = await matchedPair(server.url);
        expect(await request(a, 'send_message', { content: 'still alive' })).toMatchObject({ ok: true });
        a.close();
        b.close();
      }),
      { numRuns: 40, interruptAfterTimeLimit: 60_000 },
    );
    expect(unhandled).toEqual([]);
    // Nobody is left behind: no waiting entries, no grace timers, no active chats for departed people.
    await eventually(async () => {
      expect(await server.app.liveStats.waitingCount()).toBe(0);
      expect(server.app.chat.detachedCount).toBe(0);
      expect(server.app.writer.pending).toBe(0);
      expect(await server.app.liveStats.onlineCount()).toBe(0);
    }, 5_000);
    const active = await server.database.query('SELECT id FROM chat_rooms WHERE is_active');
    expect(active).toEqual([]);
  });
});
