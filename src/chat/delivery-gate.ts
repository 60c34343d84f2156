/**
 * Delivers new messages to a conversation, and lets a reconnecting connection catch up without gaps or
 * duplicates: while its missed messages are replayed, live messages for that room are held, then
 * released — skipping the returning connection for any message its replay already contained.
 */
import type { ChatMessage } from '../shared/protocol.js';
import type { ChatNotifier } from './notifier.js';

interface Hold {
  queue: ChatMessage[];
  done: Promise<void>;
}

export class DeliveryGate {
  private readonly holds = new Map<number, Hold>();

  constructor(private readonly notifier: ChatNotifier) {}

  /** Sends a stored message to everyone in its conversation (or queues it while a replay runs). */
  deliver(message: ChatMessage): void {
    const hold = this.holds.get(message.room_id);
    if (hold) hold.queue.push(message);
    else this.notifier.toConversation(message.room_id, 'new_message', message);
  }

  /**
   * Replays `fetchMissed()` to `socketId`, then adds it to the conversation. Live messages stored
   * meanwhile reach it exactly once, after the replay. Replays of one room run one at a time.
   * Resolves with the number of messages replayed.
   */
  async replay(roomId: number, socketId: string, fetchMissed: () => Promise<ChatMessage[]>): Promise<number> {
    for (let existing = this.holds.get(roomId); existing; existing = this.holds.get(roomId)) await existing.done;
    let finish!: () => void;
    const hold: Hold = { queue: [], done: new Promise((resolve) => (finish = resolve)) };
    this.holds.set(roomId, hold);
    let replayedUpTo = 0;
    try {
      const missed = await fetchMissed();
      for (const message of missed) this.notifier.toSocket(socketId, 'new_message', message);
      replayedUpTo = missed.at(-1)?.id ?? 0;
      this.notifier.joinConversation(socketId, roomId);
      return missed.length;
    } finally {
      this.holds.delete(roomId);
      for (const message of hold.queue) {
        if (message.id <= replayedUpTo) this.notifier.toConversationExcept(roomId, [socketId], 'new_message', message);
        else this.notifier.toConversation(roomId, 'new_message', message);
      }
      finish();
    }
  }
}
