import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomCloser } from '../../src/chat/room-closer.js';
import { SqlChatRepository } from '../../src/storage/chat-repository.js';
import type { EndReason } from '../../src/shared/protocol.js';
import { ManualClock } from '../helpers/clock.js';
import { openTestDatabase } from '../helpers/database.js';

/** The real repository whose first `failures` endRoom calls fail, as during a database outage. */
class FlakyRepository extends SqlChatRepository {
  failures = 0;
  calls = 0;
  override async endRoom(roomId: number, reason: EndReason, endedAt: Date) {
    this.calls++;
    if (this.failures-- > 0) throw new Error('database unavailable');
    return super.endRoom(roomId, reason, endedAt);
  }
}

describe('RoomCloser', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    db = await openTestDatabase('pglite');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('retries ending a room with growing delays until the database takes it', async () => {
    const repo = new FlakyRepository(db.database);
    const clock = new ManualClock();
    const closer = new RoomCloser(repo, clock, pino({ level: 'silent' }));
    const room = await repo.createRoom({ user1Id: 'a', user2Id: 'b', matchType: 'random', createdAt: clock.now() });
    repo.failures = 3;
    await closer.close(room.id, 'left');
    expect(closer.backlog).toBe(1);
    for (const step of [500, 1_000, 2_000]) {
      clock.advance(step);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(repo.calls).toBe(4);
    expect(closer.backlog).toBe(0);
    expect(await repo.getRoom(room.id)).toMatchObject({ isActive: false, endReason: 'left' });
  });
});
