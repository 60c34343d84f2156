/**
 * A block acked while someone enters a key for the first time, between the look for a block and the
 * binding: the newcomer is refused (NOT_FOUND, as for any key) and the binding is taken back, so the
 * key's second place stays free for the person its maker meant it for. The binding is stopped in the
 * middle (a slow store) so the race is certain. A real key store on a real database; the rest is inert.
 */
import { describe, expect, it } from 'vitest';
import type { ActivityRegistry } from '../../src/chat/activity-registry.js';
import type { ChatNotifier } from '../../src/chat/notifier.js';
import { systemClock } from '../../src/clock.js';
import { PrivateKeyStore } from '../../src/private/private-key-store.js';
import { canonicalKey, keyHash, newPrivateKey } from '../../src/private/private-keys.js';
import { MemoryPrivateRendezvous } from '../../src/private/private-rendezvous.js';
import { PrivateRooms } from '../../src/private/private-rooms.js';
import type { ChatRepository } from '../../src/storage/chat-repository.js';
import { databaseForFile, silentLogger } from '../helpers/database.js';
import { intercept } from '../helpers/interleave.js';

describe('join_private while a block is being acked', () => {
  const db = databaseForFile('pglite');

  it('a block acked between the look and the binding: refused as NOT_FOUND, and the key’s second place is free again', async () => {
    const store = new PrivateKeyStore(db.get());
    const slow = intercept(store);
    const blocks = new Set<string>();
    const rooms = new PrivateRooms({
      registry: { get: async () => undefined } as unknown as ActivityRegistry,
      rendezvous: new MemoryPrivateRendezvous(systemClock),
      store: slow.proxy,
      repository: {} as Pick<ChatRepository, 'createRoom'>,
      closer: { close: async () => undefined },
      notifier: {} as ChatNotifier,
      history: { send: async () => undefined },
      clock: systemClock,
      logger: silentLogger,
      isBlocked: async (userId, otherId) => blocks.has(`${userId}:${otherId}`) || blocks.has(`${otherId}:${userId}`),
      endBlocked: async () => false,
    });
    const key = newPrivateKey();
    const hash = keyHash(canonicalKey(key)!);
    await store.create({ keyHash: hash, user1Id: 'maker', origin: 'created', createdAt: new Date() });

    const binding = slow.hold('bind', { when: (h: string) => h === hash });
    const entering = rooms.join({ userId: 'blocked', socketId: 's-blocked', lang: 'en' }, key);
    await binding.reached;
    blocks.add('maker:blocked');
    binding.release();
    await expect(entering).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.people(hash)).toEqual({ user1Id: 'maker', user2Id: null });
    // The friend it was made for takes the place.
    expect(await store.bind(hash, 'friend')).toEqual({ status: 'bound', otherId: 'maker', fresh: true });
  });
});
