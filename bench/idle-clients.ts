/**
 * A separate process holding idle Socket.IO connections to a server, so the `heap` benchmark
 * (bench/scenarios/heap.ts) can measure the server's memory per connection without the clients' own
 * memory in the same heap.
 *
 * Forked with IPC: `{ open: n }` opens n more WebSocket connections and answers `{ opened: total }` once
 * each has its `session`; `{ close: true }` closes them all and exits.
 */
import { io, type Socket } from 'socket.io-client';

const url = process.argv[2];
if (!url || !process.send) throw new Error('usage: fork(idle-clients.ts, [url]) with an IPC channel');
const sockets: Socket[] = [];

function openOne(): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = io(url!, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 30_000 });
    sockets.push(socket);
    socket.once('session', () => resolve());
    socket.once('connect_error', reject);
  });
}

process.on('message', (message: { open?: number; close?: boolean }) => {
  if (message.close) {
    for (const socket of sockets) socket.close();
    process.exit(0);
  }
  if (message.open) {
    const wanted = message.open;
    void (async () => {
      for (let i = 0; i < wanted; i += 100) await Promise.all(Array.from({ length: Math.min(100, wanted - i) }, openOne));
      process.send!({ opened: sockets.length });
    })().catch((error: unknown) => process.send!({ error: String(error) }));
  }
});
// The bench stopped (Ctrl-C, an error): nobody is left to measure for.
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
