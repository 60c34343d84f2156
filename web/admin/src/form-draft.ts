/**
 * What an admin is writing in a form, kept while it is unsent so that a session ending under their hands
 * (session-end.ts reloads the page to the login form) or a reload does not lose it: the generic part of
 * decision-draft.ts (a report's decision) and sanction-draft.ts (a sanction being issued). sessionStorage,
 * one key per draft under its kind's prefix: this tab only, gone with it — a note about a person has no
 * business outliving the tab — and all of them forgotten at a logout (the next admin at this tab must not
 * get them).
 *
 * Drafts are the account's that wrote them: the tab records whose they are (`claimDrafts`, once the server
 * has said who logged in: login.ts, main.ts) and each draft carries its writer's id. Another account logging
 * in at this tab (a session that ended, and someone else at the login form) deletes them; a draft of another
 * account, or of none (kept by an older page), is never read back but deleted.
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

/** The tab's record of whose drafts it keeps: an account id. */
const OWNER_KEY = 'admin-drafts-owner';
/** The field of a stored draft saying who wrote it: no draft's own field may have this name. */
const OWNER_FIELD = 'owner';

/** The account the tab's drafts are kept for, or undefined (not yet known: nothing is kept). */
function ownerOf(store: DraftStorage): number | undefined {
  const owner = Number(store.getItem(OWNER_KEY) ?? Number.NaN);
  return Number.isSafeInteger(owner) ? owner : undefined;
}

export interface DraftShape<D> {
  /** A stored draft read back: anything else (an older shape, edited by hand) is undefined, no draft. */
  parse(text: string | null): D | undefined;
  /** Nothing worth keeping: saved, it is forgotten instead. */
  isEmpty(draft: D): boolean;
}

/** `storage` undefined (blocked): nothing is kept, and nothing fails. */
export function createFormDrafts<K extends string | number, D extends object>(storage: DraftStorage | undefined, prefix: string, shape: DraftShape<D>): FormDrafts<K, D> {
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
    load: (key) =>
      attempt((store) => {
        const text = store.getItem(keyOf(key));
        const owner = ownerOf(store);
        if (text === null) return undefined;
        // Another admin's (or nobody's): not theirs to see, nor to keep in the tab.
        if (owner === undefined || parseFields(text)?.[OWNER_FIELD] !== owner) return void store.removeItem(keyOf(key));
        return shape.parse(text);
      }),
    save(key, draft) {
      if (shape.isEmpty(draft)) return clear(key);
      attempt((store) => {
        const owner = ownerOf(store);
        // Whose it would be is not known yet: nothing kept rather than a draft anyone could get.
        if (owner === undefined) return store.removeItem(keyOf(key));
        store.setItem(keyOf(key), JSON.stringify({ ...draft, [OWNER_FIELD]: owner }));
      });
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

/**
 * Every draft of this tab, of every kind, forgotten, and whose they were (a logout). Whether there was any.
 * Never throws.
 */
export function forgetAllDrafts(storage: Pick<Storage, 'key' | 'length' | 'removeItem'> | undefined = sessionDraftStorage()): boolean {
  const prefixes: readonly string[] = Object.values(DRAFT_PREFIXES);
  try {
    // The keys first: removing while indexing may reorder them.
    const keys: string[] = [];
    for (let i = 0; i < (storage?.length ?? 0); i++) keys.push(storage?.key(i) ?? '');
    const drafts = keys.filter((key) => prefixes.some((prefix) => key.startsWith(prefix)));
    for (const key of drafts) storage?.removeItem(key);
    storage?.removeItem(OWNER_KEY);
    return drafts.length > 0;
  } catch {
    // Blocked: there was nothing kept either.
    return false;
  }
}

/**
 * `accountId` is who is logged in now (the server said so): the tab's drafts are kept for them from now on.
 * Those of another account, or of none, are deleted. Whether any were: a page showing them must be loaded
 * again. Never throws.
 */
export function claimDrafts(accountId: number, storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'> | undefined = sessionDraftStorage()): boolean {
  let mine = false;
  try {
    mine = storage?.getItem(OWNER_KEY) === String(accountId);
  } catch {
    // Blocked: nothing is kept, for anyone.
    return false;
  }
  if (mine) return false;
  // The previous owner forgotten before the new one is written: should the writing fail (storage full),
  // the tab keeps no owner, and so no drafts, rather than the new account's under the old one's name.
  const forgotten = forgetAllDrafts(storage);
  try {
    storage?.setItem(OWNER_KEY, String(accountId));
  } catch {
    // Full: no drafts kept for this account either.
  }
  return forgotten;
}

/** The tab's sessionStorage, or undefined where it is blocked. */
export function sessionDraftStorage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}
