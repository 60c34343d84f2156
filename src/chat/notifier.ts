/**
 * How the chat reaches people, without knowing Socket.IO. The realtime layer implements it over
 * Socket.IO rooms, so it works unchanged with a cluster adapter.
 */
import type { ServerToClientEvents } from '../shared/protocol.js';

export type ServerEvent = keyof ServerToClientEvents;
export type EventPayload<E extends ServerEvent> = Parameters<ServerToClientEvents[E]>[0];

export interface ChatNotifier {
  /** Adds a connection to a conversation's delivery group. */
  joinConversation(socketId: string, roomId: number): void;
  /** Removes a connection from a conversation's delivery group. */
  leaveConversation(socketId: string, roomId: number): void;
  /** Emits to every connection in the conversation's delivery group. */
  toConversation<E extends ServerEvent>(roomId: number, event: E, payload: EventPayload<E>): void;
  /** Emits to the conversation's delivery group except some connections. */
  toConversationExcept<E extends ServerEvent>(roomId: number, exceptSocketIds: readonly string[], event: E, payload: EventPayload<E>): void;
  /** Closes a connection (on this instance or another) that has been replaced. */
  disconnect(socketId: string): void;
  /**
   * Closes a connection of this instance as if its network had dropped: its activity is kept for the
   * reconnect grace period, and the client reconnects and resumes.
   */
  dropConnection(socketId: string): void;
  /**
   * Resolves once a connection of this instance has taken everything sent to it so far (`drained`), when
   * it goes away (`gone`), or after `timeoutMs` without that (`stalled`).
   */
  drained(socketId: string, timeoutMs: number): Promise<'drained' | 'gone' | 'stalled'>;
  /** Whether a connection is open on this instance. */
  isConnected(socketId: string): Promise<boolean>;
  /** Emits to one connection. */
  toSocket<E extends ServerEvent>(socketId: string, event: E, payload: EventPayload<E>): void;
}
