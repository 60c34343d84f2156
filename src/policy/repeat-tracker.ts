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

/**
 * `none`: not spam (yet); `crossed`: this send made the text spam (a strike); `again`: spam already, sent
 * once more (no strike).
 */
export type Repetition = 'none' | 'crossed' | 'again';

interface Seen {
  /**
   * The first chat it went into; a set only once it goes into a second (most texts never do). Since the
   * last strike for it, when there was one: the chats are counted afresh.
   */
  room: number;
  others: Set<number> | undefined;
  lastMs: number;
  /** When it last became spam (a strike); undefined while it is not spam. */
  struckMs: number | undefined;
}

export class RepeatTracker {
  private readonly senders = new Map<string, Map<string, Seen>>();
  private calls = 0;

  constructor(private readonly options: { repeatRooms: number; repeatWindowMs: number; now: () => number }) {}

  /**
   * Records the text. It is spam once the sender has sent it into `repeatRooms` different chats, each
   * within the window of the one before; `crossed` only for the send that made it so, so that one pasted
   * opener is one strike, not one for every chat (or message) after. A sender who goes on pasting it is
   * struck again once a window: `crossed` again when a window has passed since the last strike and it has
   * gone into `repeatRooms` chats since (else one strike would cover a spammer who never stops).
   */
  seen(senderId: string, folded: string, roomId: number): Repetition {
    if (folded.length < MIN_CHARS) return 'none';
    const now = this.options.now();
    if (++this.calls % SWEEP_EVERY === 0) this.sweep(now);
    let texts = this.senders.get(senderId);
    if (!texts) this.senders.set(senderId, (texts = new Map()));
    const entry = texts.get(folded);
    if (!entry || now - entry.lastMs > this.options.repeatWindowMs) {
      // Newest last, so the first key is the one to forget.
      if (entry) texts.delete(folded);
      const spam = this.options.repeatRooms <= 1;
      texts.set(folded, { room: roomId, others: undefined, lastMs: now, struckMs: spam ? now : undefined });
      if (texts.size > TEXTS_PER_SENDER) texts.delete(texts.keys().next().value!);
      return spam ? 'crossed' : 'none';
    }
    if (roomId !== entry.room) (entry.others ??= new Set()).add(roomId);
    entry.lastMs = now;
    const rooms = 1 + (entry.others?.size ?? 0);
    if (entry.struckMs === undefined) {
      if (rooms < this.options.repeatRooms) return 'none';
    } else if (now - entry.struckMs <= this.options.repeatWindowMs || rooms < this.options.repeatRooms) {
      return 'again';
    }
    entry.struckMs = now;
    // Counted afresh from this chat (it is the first): the next strike needs `repeatRooms` chats again.
    entry.room = roomId;
    entry.others = undefined;
    return 'crossed';
  }

  private sweep(now: number): void {
    for (const [sender, texts] of this.senders) {
      for (const [text, entry] of texts) if (now - entry.lastMs > this.options.repeatWindowMs) texts.delete(text);
      if (texts.size === 0) this.senders.delete(sender);
    }
  }
}
