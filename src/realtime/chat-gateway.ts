/**
 * Connects sockets to the chat: the handshake checks, one validated handler per client event (with flood
 * control), resume after a lost connection, and the chat told when a connection goes away.
 */
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { Caller, ChatService, ConnectionEnd } from '../chat/chat-service.js';
import type { IdentitySigner } from '../identity.js';
import { emptyPayload, joinQueuePayload, sendMessagePayload } from '../shared/protocol.js';
import type { ConnectionLimits } from './connection-limits.js';
import type { FloodControl } from './flood-control.js';
import { eventListener, listen, socketLogger, type SocketListener } from './handler.js';
import { connectionLimitMiddleware, identityMiddleware, resumeMiddleware, type HandshakeResult } from './handshake.js';
import type { ChatServer, ChatSocket } from './types.js';

export interface GatewayDeps {
  chat: ChatService;
  signer: IdentitySigner;
  flood: FloodControl;
  connectionLimits: ConnectionLimits;
  addressOf: (req: IncomingMessage) => string;
  logger: Logger;
}

/** Disconnect reasons that mean the client chose to go; anything else is a lost connection. */
const DELIBERATE = new Set(['client namespace disconnect', 'server namespace disconnect']);

/** Payload schemas, built once: a zod schema per connection would cost memory on every idle socket. */
const joinQueueArgs = joinQueuePayload.nullable();
const emptyArgs = emptyPayload.nullable();

export function attachChatGateway(io: ChatServer, deps: GatewayDeps): void {
  const { chat, flood, signer, logger } = deps;
  const handshakes = new WeakMap<ChatSocket, HandshakeResult>();
  io.use(identityMiddleware(signer, deps.addressOf));
  io.use(connectionLimitMiddleware(deps.connectionLimits));
  io.use(resumeMiddleware(chat, handshakes));

  // One listener per event for the whole server, called with the socket as `this`.
  const listeners: Array<[string, SocketListener]> = [
    [
      'join_queue',
      eventListener(logger, 'join_queue', joinQueueArgs, async (socket) => {
        await flood.checkJoin(actorOf(socket));
        return chat.joinQueue(callerOf(socket));
      }),
    ],
    ['leave_queue', eventListener(logger, 'leave_queue', emptyArgs, (socket) => chat.leaveQueue(callerOf(socket)))],
    [
      'send_message',
      eventListener(logger, 'send_message', sendMessagePayload, async (socket, payload) => {
        await flood.checkMessage(actorOf(socket));
        return chat.sendMessage(callerOf(socket), payload);
      }),
    ],
    ['leave_room_event', eventListener(logger, 'leave_room_event', emptyArgs, (socket) => chat.leaveRoom(callerOf(socket)))],
    [
      'disconnect',
      function onDisconnect(this: ChatSocket, reason: unknown) {
        const end: ConnectionEnd = DELIBERATE.has(reason as string) ? 'closed' : 'lost';
        chat.disconnect(callerOf(this), end).catch((err: unknown) => socketLogger(logger, this).error({ err, reason }, 'disconnect handling failed'));
      },
    ],
  ];

  io.on('connection', (socket) => {
    const handshake = handshakes.get(socket) ?? { status: 'idle' };
    handshakes.delete(socket);
    for (const [event, listener] of listeners) listen(socket, event, listener);
    releaseHandshakeRequest(socket);

    const caller = callerOf(socket);
    socket.emit('session', { user_id: caller.userId, token: signer.sign(caller.userId), status: handshake.status });
    if (handshake.resumed) {
      chat
        .completeResume(caller, handshake.resumed, socket.data.lastMessageId)
        .catch((err: unknown) => socketLogger(logger, socket).error({ err }, 'resuming failed'));
    }
  });
}

export function callerOf(socket: ChatSocket): Caller {
  return { userId: socket.data.userId, socketId: socket.id, lang: socket.data.lang };
}

function actorOf(socket: ChatSocket): { userId: string; address: string } {
  return { userId: socket.data.userId, address: socket.data.address };
}

/**
 * The handshake's HTTP request and headers were read by the middleware (address, cookie, language);
 * an idle connection holding them for its whole life costs memory (Socket.IO's own advice for many
 * connections). engine.io keeps the request reachable from the TCP socket until it closes, so its
 * headers are emptied as well as the references dropped.
 */
function releaseHandshakeRequest(socket: ChatSocket): void {
  const conn = socket.conn as unknown as { request: { headers: unknown; rawHeaders: unknown } | null };
  if (conn.request) {
    conn.request.headers = {};
    conn.request.rawHeaders = [];
    conn.request = null;
  }
  socket.handshake.headers = {};
}
