/**
 * Delivers new messages to a conversation, and lets a reconnecting connection catch up without gaps or
 * duplicates: its missed messages are replayed a page at a time (each page only once the connection has
 * taken the previous one), while live messages for that room still reach the partner at once and are
 * held for the returning connection, then released — skipping what its replay already contained.
 */
import type { ChatMessage } from '../shared/protocol.js';
import type { ChatNotifier } from './notifier.js';

/** Messages per replayed page. */
export const REPLAY_PAGE = 500;
/** A connection that takes none of its replay for this long is dropped (it reconnects and resumes later). */
const REPLAY_STALL_MS = 30_000;

interface Hold {
  socketId: string;
  queue: ChatMessage[];
}

/** How a replay ended: every missed message sent, or stopped because the connection went or stalled. */
export type ReplayOutcome = { status: 'done'; replayed: number } | { status: 'gone' | 'stalled'; replayed: number };

export class DeliveryGate {
  /** Connections catching up, by conversation. */
  private readonly holds = new Map<number, Hold[]>();

  constructor(private readonly notifier: ChatNotifier) {}

  /**
   * Sends a stored message to everyone in its conversation but `exceptSocketId` (a sender that takes its
   * copy from the ack); a connection catching up gets it afterwards.
   */
  deliver(message: ChatMessage, exceptSocketId?: string): void {
    const holds = this.holds.get(message.room_id);
    if (!holds) {
      if (exceptSocketId === undefined) this.notifier.toConversation(message.room_id, 'new_message', message);
      else this.notifier.toConversationExcept(message.room_id, [exceptSocketId], 'new_message', message);
      return;
    }
    this.notifier.toConversationExcept(
      message.room_id,
      exceptSocketId === undefined ? holds.map((h) => h.socketId) : [exceptSocketId, ...holds.map((h) => h.socketId)],
      'new_message',
      message,
    );
    for (const hold of holds) hold.queue.push(message);
  }

  /**
   * Sends `socketId` every message of the room after `afterId` (`fetchPage(afterId)` reads one page in id
   * order), adds it to the conversation, then sends what was stored meanwhile. Each message reaches it
   * once, in order. A replay stops when the connection goes away or stops reading.
   */
  async replay(roomId: number, socketId: string, afterId: number, fetchPage: (afterId: number) => Promise<ChatMessage[]>): Promise<ReplayOutcome> {
    const hold: Hold = { socketId, queue: [] };
    this.holds.set(roomId, [...(this.holds.get(roomId) ?? []), hold]);
    const progress = { lastId: afterId, replayed: 0 };
    let complete = false;
    try {
      const first = await this.sendPages(socketId, progress, fetchPage);
      if (first !== 'done') return { status: first, replayed: progress.replayed };
      this.notifier.joinConversation(socketId, roomId);
      // Stored by another instance between the last page and the join: its live delivery missed this connection.
      const rest = await this.sendPages(socketId, progress, fetchPage);
      complete = rest === 'done';
      return { status: rest, replayed: progress.replayed };
    } finally {
      const remaining = (this.holds.get(roomId) ?? []).filter((h) => h !== hold);
      if (remaining.length > 0) this.holds.set(roomId, remaining);
      else this.holds.delete(roomId);
      // Only after a whole replay: a connection whose replay failed or stopped halfway must not be sent the
      // newer messages held for it — it counts the newest id it has shown as seen, and would never ask for
      // the ones its replay did not reach (it is dropped, and resumes after what it really has).
      if (complete) {
        for (const message of hold.queue) {
          if (message.id > progress.lastId) this.notifier.toSocket(socketId, 'new_message', message);
        }
      }
    }
  }

  private sendPages(
    socketId: string,
    progress: { lastId: number; replayed: number },
    fetchPage: (afterId: number) => Promise<ChatMessage[]>,
  ): Promise<'done' | 'gone' | 'stalled'> {
    return sendPages(this.notifier, socketId, progress, fetchPage, (page) => {
      for (const message of page) this.notifier.toSocket(socketId, 'new_message', message);
    });
  }
}

/**
 * Sends a connection of this instance pages of messages (`fetchPage(afterId)` reads one page in id
 * order, `emit` sends it), each page once the connection has taken the previous one: memory stays
 * bounded by a page whatever the length. `progress` follows what was sent; it stops when the connection
 * goes away or stops reading.
 */
export async function sendPages(
  notifier: Pick<ChatNotifier, 'drained'>,
  socketId: string,
  progress: { lastId: number; replayed: number },
  fetchPage: (afterId: number) => Promise<ChatMessage[]>,
  emit: (page: ChatMessage[]) => void,
): Promise<'done' | 'gone' | 'stalled'> {
  for (;;) {
    const page = await fetchPage(progress.lastId);
    if (page.length > 0) emit(page);
    progress.replayed += page.length;
    progress.lastId = page.at(-1)?.id ?? progress.lastId;
    if (page.length < REPLAY_PAGE) return 'done';
    const state = await notifier.drained(socketId, REPLAY_STALL_MS);
    if (state !== 'drained') return state;
  }
}
