import type { ChatNotifier, EventPayload, ServerEvent } from '../chat/notifier.js';
import type { ChatServer } from './types.js';

/** Socket.IO room name of a conversation's delivery group. */
export const conversationRoom = (roomId: number) => `chat:${roomId}`;

/**
 * ChatNotifier over Socket.IO rooms. `in(socketId).socketsJoin()` and `to(room).emit()` go through the
 * adapter, so the same calls reach sockets on other instances in cluster mode.
 */
export class SocketNotifier implements ChatNotifier {
  constructor(private readonly io: ChatServer) {}

  joinConversation(socketId: string, roomId: number): void {
    this.io.in(socketId).socketsJoin(conversationRoom(roomId));
  }

  leaveConversation(socketId: string, roomId: number): void {
    this.io.in(socketId).socketsLeave(conversationRoom(roomId));
  }

  toConversation<E extends ServerEvent>(roomId: number, event: E, payload: EventPayload<E>): void {
    (this.io.to(conversationRoom(roomId)).emit as (e: E, p: EventPayload<E>) => boolean)(event, payload);
  }

  toConversationExcept<E extends ServerEvent>(roomId: number, exceptSocketIds: readonly string[], event: E, payload: EventPayload<E>): void {
    (this.io.to(conversationRoom(roomId)).except([...exceptSocketIds]).emit as (e: E, p: EventPayload<E>) => boolean)(event, payload);
  }

  toSocket<E extends ServerEvent>(socketId: string, event: E, payload: EventPayload<E>): void {
    (this.io.to(socketId).emit as (e: E, p: EventPayload<E>) => boolean)(event, payload);
  }
}
