/**
 * The ceiling of the `messages` benchmark (`--db bare`): the simplest Socket.IO server that pairs sockets
 * and relays their messages — no validation, no identity, no storage, no rate limits, no metrics, no
 * sender echo; Socket.IO's own ack is the only answer. It speaks just enough of our protocol's names
 * (`session`, `join_queue`, `matched`, `send_message`, `new_message`) for the same load generator to drive it,
 * on the same Node.js, Socket.IO and options (WebSocket, no compression) as the real server.
 *
 * Started by the bench like the real server: `node --import tsx bench/bare-relay.ts`, HOST and PORT from
 * the environment, one "Server listening at …" line when ready.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { ChatMessage, ClientToServerEvents, ServerToClientEvents } from '../src/shared/protocol.js';

type RelaySocket = Socket<ClientToServerEvents, ServerToClientEvents>;

interface Person {
  socket: RelaySocket;
  userId: string;
  roomId: number;
  partner: Person | undefined;
}

const http = createServer();
const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
let waiting: Person | undefined;
let rooms = 0;
let messages = 0;

io.on('connection', (socket) => {
  const person: Person = { socket, userId: randomUUID().slice(0, 12), roomId: 0, partner: undefined };
  socket.emit('session', { user_id: person.userId, status: 'idle', report_window_ms: 120_000 });

  socket.on('join_queue', (_payload, ack) => {
    const other = waiting;
    if (!other || other === person || !other.socket.connected) {
      waiting = person;
      ack?.({ ok: true, status: 'waiting', waiting_count: 1 });
      return;
    }
    waiting = undefined;
    const roomId = ++rooms;
    person.roomId = other.roomId = roomId;
    person.partner = other;
    other.partner = person;
    other.socket.emit('matched', { room_id: roomId });
    socket.emit('matched', { room_id: roomId });
    ack?.({ ok: true, status: 'matched', room_id: roomId });
  });

  socket.on('send_message', (payload, ack) => {
    const message: ChatMessage = { id: ++messages, room_id: person.roomId, sender_id: person.userId, content: payload.content, timestamp: '', cid: payload.cid };
    person.partner?.socket.emit('new_message', message);
    ack?.({ ok: true, message });
  });

  socket.on('disconnect', () => {
    if (waiting === person) waiting = undefined;
  });
});

const host = process.env.HOST ?? '127.0.0.1';
http.listen(Number(process.env.PORT ?? 0), host, () => {
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(`Server listening at http://${host}:${port}`);
});
process.on('SIGTERM', () => {
  void io.close();
  http.close(() => process.exit(0));
});
