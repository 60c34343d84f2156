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
import { bindHandler } from './handler.js';
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

export function attachChatGateway(io: ChatServer, deps: GatewayDeps): void {
  const handshakes = new WeakMap<ChatSocket, HandshakeResult>();
  io.use(identityMiddleware(deps.signer, deps.addressOf));
  io.use(connectionLimitMiddleware(deps.connectionLimits));
  io.use(resumeMiddleware(deps.chat, handshakes));
  io.on('connection', (socket) => onConnection(socket, deps, handshakes.get(socket) ?? { status: 'idle' }));
}

export function callerOf(socket: ChatSocket): Caller {
  return { userId: socket.data.userId, socketId: socket.id, lang: socket.data.lang };
}

function onConnection(socket: ChatSocket, deps: GatewayDeps, handshake: HandshakeResult): void {
  const { chat, flood, signer } = deps;
  const caller = callerOf(socket);
  const actor = { userId: caller.userId, address: socket.data.address };
  // Built on first use: most connections never log, and 18,000 idle child loggers cost memory.
  let child: Logger | undefined;
  const logger = () => (child ??= deps.logger.child({ userId: caller.userId, socketId: socket.id }));

  bindHandler(socket, logger, 'join_queue', joinQueuePayload.nullable(), async () => {
    await flood.checkJoin(actor);
    return chat.joinQueue(caller);
  });
  bindHandler(socket, logger, 'leave_queue', emptyPayload.nullable(), () => chat.leaveQueue(caller));
  bindHandler(socket, logger, 'send_message', sendMessagePayload, async (payload) => {
    await flood.checkMessage(actor);
    return chat.sendMessage(caller, payload);
  });
  bindHandler(socket, logger, 'leave_room_event', emptyPayload.nullable(), () => chat.leaveRoom(caller));

  socket.on('disconnect', (reason) => {
    const end: ConnectionEnd = DELIBERATE.has(reason) ? 'closed' : 'lost';
    chat.disconnect(caller, end).catch((err: unknown) => logger().error({ err, reason }, 'disconnect handling failed'));
  });

  // The handshake's HTTP request and headers were read by the middleware (address, cookie, language);
  // holding them for the life of an idle connection costs memory (Socket.IO's own advice for many
  // connections).
  (socket.conn as unknown as { request: unknown }).request = null;
  socket.handshake.headers = {};

  socket.emit('session', { user_id: caller.userId, token: signer.sign(caller.userId), status: handshake.status });
  if (handshake.resumed) {
    chat
      .completeResume(caller, handshake.resumed, socket.data.lastMessageId)
      .catch((err: unknown) => logger().error({ err }, 'resuming failed'));
  }
}
