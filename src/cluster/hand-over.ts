/**
 * The primary stops reading a connection before it hands it to a worker.
 *
 * Node, passing a TCP handle to another process, keeps reading it until the receiver acknowledges the
 * hand-over and throws away whatever it reads in between (`handle.onread = nop` in Node's
 * lib/internal/child_process.js; the handle is closed on `NODE_HANDLE_ACK`). A WebSocket client answers
 * the worker at once — Socket.IO's CONNECT right after the upgrade — and while the primary is busy (many
 * connects at once, just after a start) those bytes can be read by the primary and vanish: the worker never
 * sees the CONNECT, and its connect timeout closes the connection (measured: about 1 connect in 1,500–3,000 in
 * the first seconds after start, BENCHMARKS.md *Two workers*). With the handle's reads stopped, the bytes stay
 * in the kernel until the worker reads them.
 *
 * Only a connection @socket.io/sticky hands over is stopped: one whose first chunk holds a request without a
 * body. Sticky keeps a request with `Content-Length` or `Transfer-Encoding` in the primary and forwards its
 * chunks, so the primary must go on reading those.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** Call after `setupMaster(server)`: this listener then runs before sticky's on the first chunk. */
export function stopReadsOnHandOver(server: Server): void {
  server.on('connection', (socket: Socket) => {
    socket.prependOnceListener('data', (chunk: Buffer) => {
      if (isHandedOver(chunk)) stopReading(socket);
    });
  });
}

/** Whether @socket.io/sticky (2.0) passes the connection itself to a worker, judged as it does from the first chunk. */
export function isHandedOver(chunk: Buffer): boolean {
  const header = chunk.subarray(0, chunk.indexOf('\r\n\r\n')).toString('latin1').toLowerCase();
  return !header.includes('content-length:') && !header.includes('transfer-encoding:');
}

/** `net.Socket#pause` only stops delivering data; the handle's own `readStop` stops the reads. */
function stopReading(socket: Socket): void {
  const handle = (socket as unknown as { _handle?: { reading?: boolean; readStop?: () => number } | null })._handle;
  if (typeof handle?.readStop !== 'function') return;
  handle.reading = false;
  handle.readStop();
}
