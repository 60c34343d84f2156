/**
 * Small comforts of the chat page that are pure logic: the draft kept over a reload (draft-keeper.ts)
 * and a private room's key as a link (private-link.ts). The page's use of both is in
 * test/e2e/chat-page-comforts.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createDraftKeeper } from '../../web/src/draft-keeper.js';
import { keyFromHash, linkForKey } from '../../web/src/private-link.js';
import { memoryStorage } from '../helpers/chat-flow-fakes.js';

describe('the draft kept over a reload (web/src/draft-keeper.ts)', () => {
  it('gives the text back once, to the same chat only', () => {
    const storage = memoryStorage();
    const drafts = createDraftKeeper(() => storage);
    drafts.leaving(7, '写到一半的话');
    expect(createDraftKeeper(() => storage).restore(7)).toBe('写到一半的话');
    // Once: a second restore (a later drop and resume of the same chat) finds nothing.
    expect(drafts.restore(7)).toBeNull();
    drafts.leaving(7, 'x');
    // Another chat opened after the reload: the text of the old one is forgotten, not given to it.
    expect(drafts.restore(8)).toBeNull();
    expect(drafts.restore(7)).toBeNull();
  });

  it('keeps nothing without a chat going on, or for blank text, and forgets an older draft then', () => {
    const storage = memoryStorage();
    const drafts = createDraftKeeper(() => storage);
    drafts.leaving(7, 'old');
    drafts.leaving(null, 'typed after the chat ended');
    expect(storage.map.size).toBe(0);
    drafts.leaving(7, 'old');
    drafts.leaving(7, '  \n ');
    expect(drafts.restore(7)).toBeNull();
    drafts.leaving(7, 'kept');
    drafts.forget();
    expect(drafts.restore(7)).toBeNull();
  });

  it('storage blocked or holding something else: nothing kept, nothing thrown', () => {
    const blocked = (): Storage => {
      throw new DOMException('denied', 'SecurityError');
    };
    const drafts = createDraftKeeper(blocked);
    expect(() => drafts.leaving(7, 'text')).not.toThrow();
    expect(drafts.restore(7)).toBeNull();
    const storage = memoryStorage();
    storage.setItem('chat-draft', '{"roomId":"7","text":"x"}');
    expect(createDraftKeeper(() => storage).restore(7)).toBeNull();
    storage.setItem('chat-draft', 'not json');
    expect(createDraftKeeper(() => storage).restore(7)).toBeNull();
  });
});

describe('a private room key as a link (web/src/private-link.ts)', () => {
  it('puts the key in the fragment (never sent to the server) of the page, dropping any query', () => {
    const link = linkForKey('ABCD-EFGH-JKMN-PQRS', 'https://chat.example/?lang=en#old');
    expect(link).toBe('https://chat.example/#key=ABCD-EFGH-JKMN-PQRS');
    expect(new URL(link).search).toBe('');
    expect(keyFromHash(new URL(link).hash)).toBe('ABCD-EFGH-JKMN-PQRS');
  });

  it('reads back what a person may paste or type, and refuses what is not a key', () => {
    expect(keyFromHash('#key=abcd efgh')).toBe('abcd efgh');
    expect(keyFromHash('#key=%E4%BD%A0')).toBe('你');
    expect(keyFromHash('#key=')).toBeNull();
    expect(keyFromHash('#key=%E4')).toBeNull();
    expect(keyFromHash('#other=ABCD')).toBeNull();
    expect(keyFromHash('')).toBeNull();
    expect(keyFromHash(`#key=${'A'.repeat(65)}`)).toBeNull();
  });
});
