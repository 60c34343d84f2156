/**
 * Copy-paste spam: the same text (as folded for matching) sent by one person into several different
 * chats within a window. Kept in this process's memory, bounded: a few recent texts per sender, and
 * senders not heard of within the window are forgotten.
 */

/** Texts remembered per sender. */
const TEXTS_PER_SENDER = 20;
/** Short texts ("hi", "hello") are what everyone sends everywhere: not spam. */
const MIN_CHARS = 12;
/** Every this many calls, senders idle for a whole window are dropped. */
const SWEEP_EVERY = 10_000;

interface Seen {
  rooms: Set<number>;
  lastMs: number;
}

export class RepeatTracker {
  private readonly senders = new Map<string, Map<string, Seen>>();
  private calls = 0;

  constructor(private readonly options: { repeatRooms: number; repeatWindowMs: number; now: () => number }) {}

  /** Records the text; true when the sender has now sent it into `repeatRooms` different chats within the window. */
  seen(senderId: string, folded: string, roomId: number): boolean {
    if (folded.length < MIN_CHARS) return false;
    const now = this.options.now();
    if (++this.calls % SWEEP_EVERY === 0) this.sweep(now);
    let texts = this.senders.get(senderId);
    if (!texts) this.senders.set(senderId, (texts = new Map()));
    let entry = texts.get(folded);
    if (!entry || now - entry.lastMs > this.options.repeatWindowMs) {
      entry = { rooms: new Set(), lastMs: now };
      texts.delete(folded);
      texts.set(folded, entry);
      if (texts.size > TEXTS_PER_SENDER) texts.delete(texts.keys().next().value!);
    }
    entry.rooms.add(roomId);
    entry.lastMs = now;
    return entry.rooms.size >= this.options.repeatRooms;
  }

  private sweep(now: number): void {
    for (const [sender, texts] of this.senders) {
      for (const [text, entry] of texts) if (now - entry.lastMs > this.options.repeatWindowMs) texts.delete(text);
      if (texts.size === 0) this.senders.delete(sender);
    }
  }
}
