import type { Activity } from './activity-registry.js';
import type { Caller } from './caller.js';

/**
 * Waits in private rooms (src/private/private-rooms.ts): outside the queue, so a resumed one goes back to
 * its room, and an ended one gives up its place there.
 */
export interface PrivateWaits {
  /** A private wait taken over by a new connection: back in its room (and met, if the other person is there). */
  resume(caller: Caller, activity: Activity): Promise<void>;
  /** A private wait ended (left, gone for good, banned, shutdown): its place in the room is given up. Never throws. */
  vacate(userId: string, keyHash: string): Promise<void>;
  /**
   * A private chat taken over by a connection that has nothing of it (a reloaded page, replayed from the
   * start): its earlier conversation is sent again, as at the meeting. Never throws.
   */
  resumedFromStart(socketId: string, keyHash: string, roomId: number): void;
}
