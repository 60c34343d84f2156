/**
 * What the person was writing survives a reload of the page: when the page goes away (`pagehide`) with a
 * chat going on and text in the input, the text is kept in sessionStorage (this tab only, never sent
 * anywhere) with the chat's id; when the reloaded page has that same chat back (`restore`), the text is
 * given back once and forgotten. Any other chat, or a page shown again from the back-forward cache (its
 * input still holds the text), forgets it. Storage may be blocked (privacy modes): then nothing is kept.
 */

const STORAGE_KEY = 'chat-draft';

interface Draft {
  roomId: number;
  text: string;
}

export interface DraftKeeper {
  /** The page goes away: the chat on screen while it goes on (null: none, or ended) and the input's text. */
  leaving(roomId: number | null, text: string): void;
  /** The chat `roomId` is on screen again: the text written in it before the reload, if any (once). */
  restore(roomId: number): string | null;
  /** Whatever is kept is forgotten (the page came back without reloading). */
  forget(): void;
}

export function createDraftKeeper(storage: () => Storage = () => sessionStorage): DraftKeeper {
  const read = (): Draft | null => {
    try {
      const saved: unknown = JSON.parse(storage().getItem(STORAGE_KEY) ?? 'null');
      if (typeof saved !== 'object' || saved === null) return null;
      const { roomId, text } = saved as Partial<Draft>;
      return typeof roomId === 'number' && typeof text === 'string' && text !== '' ? { roomId, text } : null;
    } catch {
      return null;
    }
  };
  const forget = (): void => {
    try {
      storage().removeItem(STORAGE_KEY);
    } catch {
      // Nothing was kept.
    }
  };

  return {
    leaving(roomId, text) {
      if (roomId === null || text.trim() === '') return forget();
      try {
        storage().setItem(STORAGE_KEY, JSON.stringify({ roomId, text } satisfies Draft));
      } catch {
        // Not kept: the reloaded page starts with an empty input, as it did before.
      }
    },
    restore(roomId) {
      const draft = read();
      forget();
      return draft?.roomId === roomId ? draft.text : null;
    },
    forget,
  };
}
