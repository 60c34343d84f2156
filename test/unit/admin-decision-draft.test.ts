/**
 * The decision an admin is writing on a report, kept until it is sent (web/admin/src/decision-draft.ts):
 * per report, read back only when it is a draft's shape, forgotten when empty, and never a failure when
 * the storage is blocked or full.
 */
import { describe, expect, it } from 'vitest';
import { createDraftStore, parseDraft, type DecisionDraft, type DraftStorage } from '../../web/admin/src/decision-draft.js';

function memoryStorage(): DraftStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

const WARN: DecisionDraft = { action: 'warn', scope: 'identity', duration: 604_800, note: '第二次发广告' };

describe('the decision draft of a report', () => {
  it('comes back for its own report only, and goes once cleared', () => {
    const storage = memoryStorage();
    const drafts = createDraftStore(storage);
    drafts.save(3, WARN);
    drafts.save(4, { action: 'ban', scope: 'both', duration: null, note: '' });
    expect(drafts.load(3)).toEqual(WARN);
    expect(drafts.load(4)).toEqual({ action: 'ban', scope: 'both', duration: null, note: '' });
    expect(drafts.load(5)).toBeUndefined();
    drafts.clear(3);
    expect(drafts.load(3)).toBeUndefined();
    expect(drafts.load(4)).toBeDefined();
  });

  it('keeps a note written before an action is chosen, and forgets a draft with nothing in it', () => {
    const storage = memoryStorage();
    const drafts = createDraftStore(storage);
    drafts.save(3, { action: null, scope: 'identity', duration: 86_400, note: '先记下' });
    expect(drafts.load(3)?.note).toBe('先记下');
    drafts.save(3, { action: null, scope: 'identity', duration: 86_400, note: '  ' });
    expect(drafts.load(3)).toBeUndefined();
    expect(storage.items.size).toBe(0);
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
    const throwing: DraftStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    for (const drafts of [createDraftStore(throwing), createDraftStore(undefined)]) {
      expect(() => drafts.save(3, WARN)).not.toThrow();
      expect(drafts.load(3)).toBeUndefined();
      expect(() => drafts.clear(3)).not.toThrow();
    }
  });
});
