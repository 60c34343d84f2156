/**
 * The key of a private room's chat, kept for this tab through the chat and after it (web/src/private-chat-key.ts):
 * handed over from the wait at `matched`, kept when the same chat is resumed (a reload: the wait's key is gone
 * by then), replaced or forgotten by another chat's `matched`, and nothing at all where storage is blocked or
 * holds something the page did not write. Against an in-memory storage: no DOM needed.
 */
import { describe, expect, it } from 'vitest';
import { createChatKeyStore } from '../../web/src/private-chat-key.js';
import { memoryStorage } from '../helpers/memory-storage.js';

const KEY = 'ABCD-EFGH-JKMN-PQRS';

describe('the key of a private room chat', () => {
  it('is kept for the chat it was matched into, and for no other', () => {
    const storage = memoryStorage();
    const keys = createChatKeyStore(() => storage);
    keys.matched(7, KEY);
    expect(keys.keyOf(7)).toBe(KEY);
    expect(keys.keyOf(8)).toBeNull();
  });

  it('survives a reload: another store over the same storage has it, and a resumed matched without the key keeps it', () => {
    const storage = memoryStorage();
    createChatKeyStore(() => storage).matched(7, KEY);
    const reloaded = createChatKeyStore(() => storage);
    reloaded.matched(7, null);
    expect(reloaded.keyOf(7)).toBe(KEY);
  });

  it('goes when another chat is matched: a chance chat forgets it, another private room replaces it', () => {
    const storage = memoryStorage();
    const keys = createChatKeyStore(() => storage);
    keys.matched(7, KEY);
    keys.matched(8, null);
    expect(keys.keyOf(7)).toBeNull();
    expect(keys.keyOf(8)).toBeNull();
    expect(storage.items.size).toBe(0);
    keys.matched(9, KEY);
    keys.matched(10, 'WXYZ-0123-4567-89AB');
    expect(keys.keyOf(9)).toBeNull();
    expect(keys.keyOf(10)).toBe('WXYZ-0123-4567-89AB');
  });

  it('is nothing where storage is blocked, or holds what the page did not write', () => {
    const blocked = createChatKeyStore(() => {
      throw new DOMException('blocked', 'SecurityError');
    });
    expect(() => blocked.matched(7, KEY)).not.toThrow();
    expect(blocked.keyOf(7)).toBeNull();

    const storage = memoryStorage();
    const keys = createChatKeyStore(() => storage);
    for (const junk of ['not json', '{"roomId":"7","key":"K"}', '{"roomId":7,"key":""}', '{"roomId":7}', '42']) {
      storage.items.set('private-chat-key', junk);
      expect(keys.keyOf(7)).toBeNull();
    }
  });

  it('forgets the key once its ended screen is left, and for a room closed by a block only that room\'s', () => {
    const storage = memoryStorage();
    const keys = createChatKeyStore(() => storage);
    keys.matched(7, KEY);
    keys.forget(8);
    expect(keys.keyOf(7)).toBe(KEY);
    keys.forget(7);
    expect(keys.keyOf(7)).toBeNull();
    expect(storage.items.has('private-chat-key')).toBe(false);
    keys.matched(9, KEY);
    keys.forget();
    expect(keys.keyOf(9)).toBeNull();
  });
});
