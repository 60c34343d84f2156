/**
 * A sanction being written, kept until it is issued (web/admin/src/sanction-draft.ts over form-draft.ts):
 * the Sanctions page's form and the dialog per person apart, read back only in a shape the form can show,
 * forgotten when nothing is typed, never a failure when the storage is blocked or full, and forgotten with
 * the decisions' drafts at a logout.
 */
import { describe, expect, it } from 'vitest';
import { createDraftStore } from '../../web/admin/src/decision-draft.js';
import { claimDrafts, forgetAllDrafts } from '../../web/admin/src/form-draft.js';
import { createSanctionDrafts, dialogDraftKey, parseSanctionDraft, type SanctionDraft } from '../../web/admin/src/sanction-draft.js';
import { THROWING_STORAGE } from '../helpers/throwing-storage.js';
import { memoryStorage } from '../helpers/memory-storage.js';

/** A tab's storage with account 1 logged in: drafts are kept for them. */
function ownedStorage(): ReturnType<typeof memoryStorage> {
  const storage = memoryStorage();
  claimDrafts(1, storage);
  return storage;
}

const PAGE: SanctionDraft = { userId: 'spammer0001', kind: 'muted', scope: 'both', duration: 604_800, reason: '反复发送广告链接，'.repeat(20) };
const BAN: SanctionDraft = { userId: '', kind: 'banned', scope: 'identity', duration: null, reason: '威胁他人' };

describe('the draft of a sanction', () => {
  it("keeps the page's form and each person's dialog apart, and each goes once cleared", () => {
    const drafts = createSanctionDrafts(ownedStorage());
    drafts.save('page', PAGE);
    drafts.save(dialogDraftKey('rvreported001'), BAN);
    expect(drafts.load('page')).toEqual(PAGE);
    expect(drafts.load(dialogDraftKey('rvreported001'))).toEqual(BAN);
    expect(drafts.load(dialogDraftKey('rvreported002'))).toBeUndefined();
    drafts.clear(dialogDraftKey('rvreported001'));
    expect(drafts.load(dialogDraftKey('rvreported001'))).toBeUndefined();
    expect(drafts.load('page')).toEqual(PAGE);
  });

  it('keeps a user ID typed without a reason, and forgets a draft with nothing typed', () => {
    const storage = ownedStorage();
    const drafts = createSanctionDrafts(storage);
    drafts.save('page', { ...PAGE, reason: '' });
    expect(drafts.load('page')?.userId).toBe('spammer0001');
    drafts.save('page', { ...PAGE, userId: ' ', reason: '  ' });
    expect(drafts.load('page')).toBeUndefined();
    // Choices alone (a ban, permanent) are not kept either.
    drafts.save(dialogDraftKey('x'), { ...BAN, reason: '' });
    expect([...storage.items.keys()]).toEqual(['admin-drafts-owner']);
  });

  it.each([
    ['not JSON', '{'],
    ['not an object', '["muted"]'],
    ['an unknown kind', JSON.stringify({ ...PAGE, kind: 'dismiss' })],
    ['an unknown scope', JSON.stringify({ ...PAGE, scope: 'everyone' })],
    ['a duration that is no preset', JSON.stringify({ ...PAGE, duration: 60 })],
    ['"permanent" on anything but a ban', JSON.stringify({ ...PAGE, duration: null })],
    ['no reason', JSON.stringify({ userId: 'a', kind: 'warning', scope: 'identity', duration: 3_600 })],
    ['no user ID', JSON.stringify({ kind: 'warning', scope: 'identity', duration: 3_600, reason: 'r' })],
  ])('is no draft when stored as %s', (_name, text) => {
    expect(parseSanctionDraft(text)).toBeUndefined();
  });

  it('never fails the form when the storage is blocked or full', () => {
    for (const drafts of [createSanctionDrafts(THROWING_STORAGE), createSanctionDrafts(undefined)]) {
      expect(() => drafts.save('page', PAGE)).not.toThrow();
      expect(drafts.load('page')).toBeUndefined();
      expect(() => drafts.clear('page')).not.toThrow();
    }
  });

  it("a logout forgets the sanctions' drafts with the decisions', and nothing else", () => {
    const storage = ownedStorage();
    storage.setItem('lang', 'en');
    createSanctionDrafts(storage).save('page', PAGE);
    createSanctionDrafts(storage).save(dialogDraftKey('rvreported001'), BAN);
    createDraftStore(storage).save(3, { action: 'warn', scope: 'identity', duration: 3_600, note: '广告', tag: null });
    expect(storage.items.size).toBe(5);
    forgetAllDrafts(storage);
    expect([...storage.items.keys()]).toEqual(['lang']);
  });
});
