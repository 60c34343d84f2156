/**
 * An event the client sends right before it closes arrives in the same read as its goodbye. It must
 * not start after the disconnect was handled: a `join_queue` started then left a waiting place behind
 * for a connection that was gone (found by the protocol fuzz test when the event router ran listeners
 * at once; src/realtime/handler.ts runs them a tick later, only while the socket is connected).
 */
import { expect, it } from 'vitest';
import { connect, eventually, type TestSocket } from '../helpers/client.js';
import { serverSuite } from '../helpers/suite.js';

const suite = serverSuite({ config: { reconnectGraceMs: 200 } });

const emit = (s: TestSocket, event: string, ...args: unknown[]) => (s as unknown as { emit(e: string, ...a: unknown[]): void }).emit(event, ...args);
const request = (s: TestSocket, event: string, ...args: unknown[]) =>
  (s.timeout(3_000) as unknown as { emitWithAck(e: string, ...a: unknown[]): Promise<unknown> }).emitWithAck(event, ...args).catch((err: Error) => ({ lost: err.message }));

it('a join sent with the goodbye leaves nobody waiting or online, round after round', { timeout: 120_000 }, async () => {
  for (let round = 0; round < 40; round++) {
    const sockets = await Promise.all(Array.from({ length: 2 }, async () => (await connect(suite.url)).socket));
    const [a, b] = sockets as [TestSocket, TestSocket];
    await Promise.all([
      (async () => {
        await request(b, 'join_queue');
        emit(b, 'join_queue');
      })(),
      (async () => {
        emit(a, 'join_queue');
        emit(a, 'join_queue');
        await request(a, 'join_queue', { content: undefined }, null);
      })(),
    ]);
    for (const socket of sockets) socket.close();
    await eventually(async () => {
      expect(await suite.server.app.liveStats.onlineCount(), `round ${round}`).toBe(0);
      expect(await suite.server.app.liveStats.waitingCount(), `round ${round}`).toBe(0);
      expect(suite.server.app.chat.detachedCount).toBe(0);
    }, 5_000);
  }
});
