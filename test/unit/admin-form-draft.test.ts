/**
 * Drafts belong to the account that wrote them (web/admin/src/form-draft.ts): the same admin logging in
 * again at the tab gets theirs back; another account gets none, and the previous one's are deleted then,
 * not hidden; a draft of another account, or of none (kept by an older page), is never read back.
 */
import { describe, expect, it } from 'vitest';
import { createDraftStore, type DecisionDraft } from '../../web/admin/src/decision-draft.js';
import { claimDrafts, forgetAllDrafts } from '../../web/admin/src/form-draft.js';
import { createSanctionDrafts, type SanctionDraft } from '../../web/admin/src/sanction-draft.js';
import { memoryStorage } from '../helpers/memory-storage.js';
import { THROWING_STORAGE } from '../helpers/throwing-storage.js';

const OWNER = 1;
const MODERATOR = 7;
const BAN: DecisionDraft = { action: 'ban', scope: 'both', duration: null, note: '威胁要公开对方住址', tag: null };
const PAGE: SanctionDraft = { userId: 'spammer0001', kind: 'muted', scope: 'identity', duration: 604_800, reason: '反复发送广告链接' };

/** A tab where `OWNER` logged in and wrote a decision and a sanction. */
function ownersTab(): ReturnType<typeof memoryStorage> {
  const storage = memoryStorage();
  storage.setItem('lang', 'en');
  expect(claimDrafts(OWNER, storage)).toBe(false);
  createDraftStore(storage).save(3, BAN);
  createSanctionDrafts(storage).save('page', PAGE);
  return storage;
}

const draftKeys = (storage: ReturnType<typeof memoryStorage>) => [...storage.items.keys()].filter((key) => key.includes('-draft:'));

describe('whose drafts a tab keeps', () => {
  it('the same account logging in again gets its drafts back', () => {
    const storage = ownersTab();
    expect(claimDrafts(OWNER, storage)).toBe(false);
    expect(createDraftStore(storage).load(3)).toEqual(BAN);
    expect(createSanctionDrafts(storage).load('page')).toEqual(PAGE);
  });

  it("another account logging in deletes the previous one's drafts, of every kind, and gets none", () => {
    const storage = ownersTab();
    expect(claimDrafts(MODERATOR, storage)).toBe(true);
    expect(draftKeys(storage)).toEqual([]);
    expect(createDraftStore(storage).load(3)).toBeUndefined();
    expect(createSanctionDrafts(storage).load('page')).toBeUndefined();
    // The moderator's own drafts are kept for them, and the owner back at the tab gets none of theirs either.
    createSanctionDrafts(storage).save('page', { ...PAGE, reason: '另一位管理员写的' });
    expect(createSanctionDrafts(storage).load('page')?.reason).toBe('另一位管理员写的');
    expect(claimDrafts(OWNER, storage)).toBe(true);
    expect(createSanctionDrafts(storage).load('page')).toBeUndefined();
    expect(createDraftStore(storage).load(3)).toBeUndefined();
    expect([...storage.items.keys()].filter((key) => key !== 'admin-drafts-owner')).toEqual(['lang']);
  });

  it.each([
    ['written by another account', JSON.stringify({ ...BAN, owner: MODERATOR })],
    ['written before drafts had an owner', JSON.stringify(BAN)],
    ['with an owner that is no account id', JSON.stringify({ ...BAN, owner: String(OWNER) })],
  ])('a draft %s is not read back, and is deleted', (_name, text) => {
    const storage = ownersTab();
    storage.setItem('admin-decision-draft:3', text);
    expect(createDraftStore(storage).load(3)).toBeUndefined();
    expect(storage.getItem('admin-decision-draft:3')).toBeNull();
  });

  it('keeps nothing while who is logged in is not known, and after a logout until the next login', () => {
    const storage = memoryStorage();
    createDraftStore(storage).save(3, BAN);
    expect(createDraftStore(storage).load(3)).toBeUndefined();
    expect(storage.items.size).toBe(0);

    const tab = ownersTab();
    expect(forgetAllDrafts(tab)).toBe(true);
    expect([...tab.items.keys()]).toEqual(['lang']);
    createSanctionDrafts(tab).save('page', PAGE);
    expect(draftKeys(tab)).toEqual([]);
  });

  it('an older page’s drafts (no owner recorded for the tab) are deleted at the first login', () => {
    const storage = memoryStorage();
    storage.setItem('admin-decision-draft:3', JSON.stringify(BAN));
    expect(claimDrafts(OWNER, storage)).toBe(true);
    expect(draftKeys(storage)).toEqual([]);
    expect(claimDrafts(OWNER, memoryStorage())).toBe(false);
  });

  it('never fails when the storage is blocked', () => {
    const blocked = { ...THROWING_STORAGE, key: () => null, length: 0 };
    expect(claimDrafts(OWNER, blocked)).toBe(false);
    expect(claimDrafts(OWNER, undefined)).toBe(false);
  });
});
