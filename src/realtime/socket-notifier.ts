import type { ChatNotifier, EventPayload, ServerEvent } from '../chat/notifier.js';
import type { ChatServer } from './types.js';

/** Socket.IO room name of a conversation's delivery group. */
export const conversationRoom = (roomId: number) => `chat:${roomId}`;

/**
 * ChatNotifier over Socket.IO rooms. Emits and joins for sockets on other instances go through the
 * adapter; a socket on this instance joins at once, because a cluster adapter applies even local joins
 * only after a round trip through Redis, and the next emit must already reach it.
 */
export class SocketNotifier implements ChatNotifier {
  constructor(private readonly io: ChatServer) {}

  joinConversation(socketId: string, roomId: number): void {
    const local = this.io.sockets.sockets.get(socketId);
    if (local) void local.join(conversationRoom(roomId));
    else this.io.in(socketId).socketsJoin(conversationRoom(roomId));
  }

  leaveConversation(socketId: string, roomId: number): void {
    const local = this.io.sockets.sockets.get(socketId);
    if (local) void local.leave(conversationRoom(roomId));
    else this.io.in(socketId).socketsLeave(conversationRoom(roomId));
  }

  toConversation<E extends ServerEvent>(roomId: number, event: E, payload: EventPayload<E>): void {
    (this.io.to(conversationRoom(roomId)).emit as (e: E, p: EventPayload<E>) => boolean)(event, payload);
  }

  toConversationExcept<E extends ServerEvent>(roomId: number, exceptSocketIds: readonly string[], event: E, payload: EventPayload<E>): void {
    (this.io.to(conversationRoom(roomId)).except([...exceptSocketIds]).emit as (e: E, p: EventPayload<E>) => boolean)(event, payload);
  }

  async isConnected(socketId: string): Promise<boolean> {
    if (this.io.sockets.sockets.has(socketId)) return true;
    try {
      // Asks the other instances (a dead instance no longer subscribes, so it is not waited for).
      return (await this.io.in(socketId).fetchSockets()).length > 0;
    } catch {
      return true; // cannot tell: never take over a connection that may be alive
    }
  }

  toSocket<E extends ServerEvent>(socketId: string, event: E, payload: EventPayload<E>): void {
    (this.io.to(socketId).emit as (e: E, p: EventPayload<E>) => boolean)(event, payload);
  }
}
