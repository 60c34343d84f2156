/**
 * What an admin is writing in a form, kept while it is unsent so that a session ending under their hands
 * (session-end.ts reloads the page to the login form) or a reload does not lose it: the generic part of
 * decision-draft.ts (a report's decision) and sanction-draft.ts (a sanction being issued). sessionStorage,
 * one key per draft under its kind's prefix: this tab only, gone with it — a note about a person has no
 * business outliving the tab — and all of them forgotten at a logout (the next admin at this tab must not
 * get them).
 */

/** The part of `Storage` used; a test gives a Map-backed one. */
export type DraftStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Every kind of draft kept in the tab, by the prefix of its keys: a logout forgets them all. */
export const DRAFT_PREFIXES = { decision: 'admin-decision-draft:', sanction: 'admin-sanction-draft:' } as const;

export interface FormDrafts<K extends string | number, D> {
  load(key: K): D | undefined;
  /** Keeps it, or forgets it when there is nothing in it (`isEmpty`). */
  save(key: K, draft: D): void;
  clear(key: K): void;
}

export interface DraftShape<D> {
  /** A stored draft read back: anything else (an older shape, edited by hand) is undefined, no draft. */
  parse(text: string | null): D | undefined;
  /** Nothing worth keeping: saved, it is forgotten instead. */
  isEmpty(draft: D): boolean;
}

/** `storage` undefined (blocked): nothing is kept, and nothing fails. */
export function createFormDrafts<K extends string | number, D>(storage: DraftStorage | undefined, prefix: string, shape: DraftShape<D>): FormDrafts<K, D> {
  const keyOf = (key: K) => `${prefix}${key}`;
  // Storage may throw (full, blocked after the page started): a draft not kept must not stop the form.
  const attempt = <T>(run: (store: DraftStorage) => T): T | undefined => {
    if (!storage) return undefined;
    try {
      return run(storage);
    } catch {
      return undefined;
    }
  };
  const clear = (key: K) => void attempt((store) => store.removeItem(keyOf(key)));
  return {
    load: (key) => attempt((store) => shape.parse(store.getItem(keyOf(key)))),
    save(key, draft) {
      if (shape.isEmpty(draft)) return clear(key);
      attempt((store) => store.setItem(keyOf(key), JSON.stringify(draft)));
    },
    clear,
  };
}

/** A stored text read back as an object's fields, or undefined (not JSON, not an object). */
export function parseFields(text: string | null): Record<string, unknown> | undefined {
  if (text === null) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Every draft of this tab, of every kind, forgotten (a logout). Never throws. */
export function forgetAllDrafts(storage: Pick<Storage, 'key' | 'length' | 'removeItem'> | undefined = sessionDraftStorage()): void {
  const prefixes: readonly string[] = Object.values(DRAFT_PREFIXES);
  try {
    // The keys first: removing while indexing may reorder them.
    const keys: string[] = [];
    for (let i = 0; i < (storage?.length ?? 0); i++) keys.push(storage?.key(i) ?? '');
    for (const key of keys) if (prefixes.some((prefix) => key.startsWith(prefix))) storage?.removeItem(key);
  } catch {
    // Blocked: there was nothing kept either.
  }
}

/** The tab's sessionStorage, or undefined where it is blocked. */
export function sessionDraftStorage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}
