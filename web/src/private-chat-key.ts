/**
 * The key of the private room a chat is in, kept for this tab through the chat and after it: the chat-ended
 * bar shows it again with "Enter this room again" (private-again.ts), since the server keeps the room — the
 * two meet again there with their earlier conversation — but only the key's hash. The waiting room's key
 * (private-wait.ts) is handed over here when its `matched` comes, and is gone from there; kept in
 * sessionStorage, so that a reload during the chat or on its ended screen (ended-restore.ts) still has it.
 * One chat's key at a time: a new chat's `matched` replaces it (or forgets it, not a private room), a
 * resumed one of the same chat keeps it; leaving the ended screen (a new wait, back to the start) or
 * blocking the partner forgets it — a key that opens the room and its history is not kept past its use.
 */

/** The part of `Storage` used here. */
export type KeyStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface ChatKeyStore {
  /**
   * `matched` for the chat of `roomId`: `key` is its private room's key, null when it is not a private room
   * or the key is not known here (a resumed chat, whose wait's key was handed over already: it is kept).
   */
  matched(roomId: number, key: string | null): void;
  /** The key of the private room of the chat `roomId`, if this tab kept it. */
  keyOf(roomId: number): string | null;
  /** Its ended screen left (a new wait, back at the start) or the room closed by a block: not kept longer. */
  forget(roomId?: number): void;
}

const STORAGE_KEY = 'private-chat-key';

interface Kept {
  roomId: number;
  key: string;
}

/** `storage` is asked at each use: reaching sessionStorage may throw (privacy modes), and then nothing is kept. */
export function createChatKeyStore(storage: () => KeyStorage): ChatKeyStore {
  const kept = (): Kept | null => {
    try {
      const saved: unknown = JSON.parse(storage().getItem(STORAGE_KEY) ?? 'null');
      if (typeof saved !== 'object' || saved === null) return null;
      // Written by this page, but storage is the browser's: a shape it does not know is no key.
      const { roomId, key } = saved as Partial<Kept>;
      return typeof roomId === 'number' && typeof key === 'string' && key !== '' ? { roomId, key } : null;
    } catch {
      return null;
    }
  };
  const keep = (value: Kept | null): void => {
    try {
      if (value === null) storage().removeItem(STORAGE_KEY);
      else storage().setItem(STORAGE_KEY, JSON.stringify(value));
    } catch {
      // Not kept: the ended bar then offers no way back into the room (its two may still have the key).
    }
  };

  return {
    matched(roomId, key) {
      if (key === null && kept()?.roomId === roomId) return;
      keep(key === null ? null : { roomId, key });
    },
    keyOf: (roomId) => {
      const saved = kept();
      return saved?.roomId === roomId ? saved.key : null;
    },
    forget(roomId) {
      if (roomId === undefined || kept()?.roomId === roomId) keep(null);
    },
  };
}
