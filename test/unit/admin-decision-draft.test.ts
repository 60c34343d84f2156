/**
 * The decision an admin is writing on a report, kept until it is sent (web/admin/src/decision-draft.ts):
 * per report, read back only when it is a draft's shape, forgotten when empty, and never a failure when
 * the storage is blocked or full.
 */
import { describe, expect, it } from 'vitest';
import { createDraftStore, forgetAllDrafts, parseDraft, type DecisionDraft } from '../../web/admin/src/decision-draft.js';
import { claimDrafts } from '../../web/admin/src/form-draft.js';
import { THROWING_STORAGE } from '../helpers/throwing-storage.js';
import { memoryStorage } from '../helpers/memory-storage.js';

/** A tab's storage with account 1 logged in: drafts are kept for them. */
function ownedStorage(): ReturnType<typeof memoryStorage> {
  const storage = memoryStorage();
  claimDrafts(1, storage);
  return storage;
}
const draftKeys = (storage: ReturnType<typeof memoryStorage>) => [...storage.items.keys()].filter((key) => key.startsWith('admin-decision-draft:'));

const WARN: DecisionDraft = { action: 'warn', scope: 'identity', duration: 604_800, note: '第二次发广告', tag: null };

describe('the decision draft of a report', () => {
  it('comes back for its own report only, and goes once cleared', () => {
    const storage = ownedStorage();
    const drafts = createDraftStore(storage);
    drafts.save(3, WARN);
    drafts.save(4, { action: 'ban', scope: 'both', duration: null, note: '', tag: null });
    expect(drafts.load(3)).toEqual(WARN);
    expect(drafts.load(4)).toEqual({ action: 'ban', scope: 'both', duration: null, note: '', tag: null });
    expect(drafts.load(5)).toBeUndefined();
    drafts.clear(3);
    expect(drafts.load(3)).toBeUndefined();
    expect(drafts.load(4)).toBeDefined();
  });

  it('keeps a note written before an action is chosen, and forgets a draft with nothing in it', () => {
    const storage = ownedStorage();
    const drafts = createDraftStore(storage);
    drafts.save(3, { action: null, scope: 'identity', duration: 86_400, note: '先记下', tag: null });
    expect(drafts.load(3)?.note).toBe('先记下');
    drafts.save(3, { action: null, scope: 'identity', duration: 86_400, note: '  ', tag: null });
    expect(drafts.load(3)).toBeUndefined();
    expect(draftKeys(storage)).toEqual([]);
  });

  it('keeps an offer of support as it keeps a sanction', () => {
    const drafts = createDraftStore(ownedStorage());
    const support: DecisionDraft = { action: 'support', scope: 'identity', duration: 86_400, note: '给了热线', tag: '"r0123456789abcdef"' };
    drafts.save(6, support);
    expect(drafts.load(6)).toEqual(support);
  });

  it.each([
    ['not JSON', '{'],
    ['not an object', '"warn"'],
    ['an unknown action', JSON.stringify({ ...WARN, action: 'delete' })],
    ['an unknown scope', JSON.stringify({ ...WARN, scope: 'everyone' })],
    ['a duration that is no number of seconds', JSON.stringify({ ...WARN, duration: -1 })],
    ['no note', JSON.stringify({ action: 'warn', scope: 'identity', duration: null })],
  ])('is no draft when stored as %s', (_name, text) => {
    expect(parseDraft(text)).toBeUndefined();
  });

  it('never fails a decision when the storage is blocked or full', () => {
    for (const drafts of [createDraftStore(THROWING_STORAGE), createDraftStore(undefined)]) {
      expect(() => drafts.save(3, WARN)).not.toThrow();
      expect(drafts.load(3)).toBeUndefined();
      expect(() => drafts.clear(3)).not.toThrow();
    }
  });

  it('keeps the report version the choice was made on; a draft of the earlier shape reads as made on none', () => {
    const store = ownedStorage();
    const drafts = createDraftStore(store);
    drafts.save(4, { ...WARN, tag: '"r0123456789abcdef"' });
    expect(drafts.load(4)?.tag).toBe('"r0123456789abcdef"');
    expect(parseDraft(JSON.stringify({ action: 'warn', scope: 'identity', duration: 60, note: '' }))?.tag).toBeNull();
    expect(parseDraft(JSON.stringify({ ...WARN, tag: 12 }))).toBeUndefined();
  });

  it('a logout forgets every draft of the tab, and nothing else', () => {
    const items = new Map<string, string>([
      ['admin-decision-draft:1', '{}'],
      ['admin-decision-draft:22', '{}'],
      ['lang', 'en'],
    ]);
    const storage = {
      get length() {
        return items.size;
      },
      key: (i: number) => [...items.keys()][i] ?? null,
      removeItem: (key: string) => void items.delete(key),
    };
    forgetAllDrafts(storage);
    expect([...items.keys()]).toEqual(['lang']);
    expect(() => forgetAllDrafts(undefined)).not.toThrow();
  });
});
