/**
 * A goodbye (`partner_left`, `left_room`) for a chat the page is not showing. Across instances a chat's
 * goodbye can overtake its `matched`: the two travel different ways (the goodbye from the instance that
 * ended the chat, `matched` from the one that made it, through Redis). Such a goodbye is kept, and played
 * once that chat opens, so the page ends up where it would have with the two in order. A goodbye for an
 * older chat is kept too and never played: it no longer ends the chat on screen.
 */
export interface EarlyGoodbyes {
  /**
   * Plays `goodbye` now when it is for the chat on screen (`shown`) or names no chat (leaving the
   * queue, or a server that does not name it); otherwise keeps it for `roomId` (the last few are kept).
   */
  route(roomId: number | undefined, shown: number | null, goodbye: () => void): void;
  /** The chat `roomId` is now on screen: plays the goodbye kept for it, if any. */
  opened(roomId: number): void;
}

/** Goodbyes kept at most: an early one is followed by its `matched` within moments; older ones are stale. */
const KEPT_MAX = 4;

export function createEarlyGoodbyes(): EarlyGoodbyes {
  const kept = new Map<number, () => void>();
  return {
    route(roomId, shown, goodbye) {
      if (roomId === undefined || roomId === shown) return goodbye();
      kept.delete(roomId);
      kept.set(roomId, goodbye);
      if (kept.size > KEPT_MAX) kept.delete(kept.keys().next().value!);
    },
    opened(roomId) {
      const goodbye = kept.get(roomId);
      if (!goodbye) return;
      kept.delete(roomId);
      goodbye();
    },
  };
}
