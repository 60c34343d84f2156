import type { ChatNotifier, EventPayload, ServerEvent } from '../chat/notifier.js';
import type { ChatServer } from './types.js';

type Emit<E extends ServerEvent> = (e: E, p: EventPayload<E>) => boolean;

/** How often a connection's output buffer is looked at while waiting for it to drain. */
const DRAIN_POLL_MS = 20;

/** A conversation's delivery group holds the connections of its two people. */
const PAIR = 2;

/** Socket.IO room name of a conversation's delivery group. */
export const conversationRoom = (roomId: number) => `chat:${roomId}`;

/**
 * The conversation a connection of this instance is in, from the delivery groups the server put it in
 * (only the server joins sockets to rooms); undefined when in none. The last one joined: a join made
 * through another instance can arrive after that chat's goodbye (the adapter's order is per instance),
 * leaving the connection in a closed conversation it joined before its current one.
 */
export function conversationOf(rooms: ReadonlySet<string>): number | undefined {
  let found: number | undefined;
  for (const room of rooms) {
    if (!room.startsWith('chat:')) continue;
    const id = Number(room.slice('chat:'.length));
    if (Number.isSafeInteger(id) && id > 0) found = id;
  }
  return found;
}

/**
 * ChatNotifier over Socket.IO rooms. Emits and joins for sockets on other instances go through the
 * adapter; a socket on this instance joins at once, because a cluster adapter applies even local joins
 * only after a round trip through Redis, and the next emit must already reach it.
 */
export class SocketNotifier implements ChatNotifier {
  constructor(private readonly io: ChatServer) {}

  joinConversation(socketId: string, roomId: number): void {
    const local = this.io.sockets.sockets.get(socketId);
    const room = conversationRoom(roomId);
    if (local) {
      // One conversation at a time: a closed one it is still in (a late join) is left now.
      for (const other of local.rooms) if (other !== room && other.startsWith('chat:')) void local.leave(other);
      void local.join(room);
    } else this.io.in(socketId).socketsJoin(room);
  }

  leaveConversation(socketId: string, roomId: number): void {
    const local = this.io.sockets.sockets.get(socketId);
    if (local) void local.leave(conversationRoom(roomId));
    else this.io.in(socketId).socketsLeave(conversationRoom(roomId));
  }

  toConversation<E extends ServerEvent>(roomId: number, event: E, payload: EventPayload<E>): void {
    const room = conversationRoom(roomId);
    (this.reach(room, PAIR).to(room).emit as Emit<E>)(event, payload);
  }

  toConversationExcept<E extends ServerEvent>(roomId: number, exceptSocketIds: readonly string[], event: E, payload: EventPayload<E>): void {
    const room = conversationRoom(roomId);
    const members = this.io.sockets.adapter.rooms.get(room);
    if (members && members.size >= PAIR) {
      // Both people connected here (the usual case, and every message of a sender whose copy rides in its
      // ack): straight to each recipient's socket, without a broadcast operator and the sets it builds.
      for (const id of members) if (!exceptSocketIds.includes(id)) this.emitLocal(id, event, payload);
      return;
    }
    (this.io.to(room).except([...exceptSocketIds]).emit as Emit<E>)(event, payload);
  }

  toSocket<E extends ServerEvent>(socketId: string, event: E, payload: EventPayload<E>): void {
    if (!this.emitLocal(socketId, event, payload)) (this.io.to(socketId).emit as Emit<E>)(event, payload);
  }

  disconnect(socketId: string): void {
    const local = this.io.sockets.sockets.get(socketId);
    if (local) local.disconnect(true);
    else this.io.in(socketId).disconnectSockets(true);
  }

  dropConnection(socketId: string): void {
    // Closing the transport (reason "forced close"), not the Socket.IO socket: the gateway takes that for
    // a lost connection, and socket.io-client reconnects by itself.
    this.io.sockets.sockets.get(socketId)?.conn.close(true);
  }

  async drained(socketId: string, timeoutMs: number): Promise<'drained' | 'gone' | 'stalled'> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const socket = this.io.sockets.sockets.get(socketId);
      if (!socket?.connected) return 'gone';
      // engine.io keeps packets it could not hand to the transport yet in `writeBuffer`; the transport is
      // not writable while its previous frames still wait for the network.
      const conn = socket.conn as unknown as { writeBuffer: unknown[]; transport: { writable: boolean } };
      if (conn.writeBuffer.length === 0 && conn.transport.writable) return 'drained';
      if (Date.now() >= deadline) return 'stalled';
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
  }

  async isConnected(socketId: string): Promise<boolean> {
    return this.io.sockets.sockets.has(socketId);
  }

  /** Emits on a connection of this instance; false when it is not here. */
  private emitLocal<E extends ServerEvent>(socketId: string, event: E, payload: EventPayload<E>): boolean {
    const socket = this.io.sockets.sockets.get(socketId);
    if (!socket) return false;
    (socket.emit as Emit<E>).call(socket, event, payload);
    return true;
  }

  /**
   * When everyone a room can hold is connected here, emit locally: no round trip through the cluster
   * adapter (which publishes before it delivers, and so would hold even same-instance chats while Redis
   * is unreachable). Otherwise go through the adapter to reach the other instances.
   */
  private reach(room: string, capacity: number) {
    return (this.io.sockets.adapter.rooms.get(room)?.size ?? 0) >= capacity ? this.io.local : this.io;
  }
}
