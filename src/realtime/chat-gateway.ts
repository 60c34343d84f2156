/**
 * Connects sockets to the chat: identity on the way in, one validated handler per client event,
 * the chat told when a connection goes away.
 */
import type { Logger } from 'pino';
import type { Caller, ChatService } from '../chat/chat-service.js';
import type { IdentitySigner } from '../identity.js';
import { emptyPayload, joinQueuePayload, sendMessagePayload } from '../shared/protocol.js';
import { bindHandler } from './handler.js';
import { identityMiddleware } from './handshake.js';
import type { ChatServer, ChatSocket } from './types.js';

export function attachChatGateway(io: ChatServer, chat: ChatService, signer: IdentitySigner, logger: Logger): void {
  io.use(identityMiddleware(signer));
  io.on('connection', (socket) => onConnection(socket, chat, signer, logger));
}

function onConnection(socket: ChatSocket, chat: ChatService, signer: IdentitySigner, baseLogger: Logger): void {
  const { userId, lang } = socket.data;
  const caller: Caller = { userId, socketId: socket.id, lang };
  const logger = baseLogger.child({ userId, socketId: socket.id });
  socket.emit('session', { user_id: userId, token: signer.sign(userId) });

  bindHandler(socket, logger, 'join_queue', joinQueuePayload.nullable(), () => chat.joinQueue(caller));
  bindHandler(socket, logger, 'leave_queue', emptyPayload.nullable(), () => chat.leaveQueue(caller));
  bindHandler(socket, logger, 'send_message', sendMessagePayload, (payload) => chat.sendMessage(caller, payload));
  bindHandler(socket, logger, 'leave_room_event', emptyPayload.nullable(), () => chat.leaveRoom(caller));

  socket.on('disconnect', (reason) => {
    logger.debug({ reason }, 'disconnected');
    chat.disconnect(caller).catch((err: unknown) => logger.error({ err }, 'disconnect handling failed'));
  });
}
