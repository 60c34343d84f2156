import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { RoomCloser } from '../../src/chat/room-closer.js';
import { SqlChatRepository } from '../../src/storage/chat-repository.js';
import type { EndReason } from '../../src/shared/protocol.js';
import { ManualClock } from '../helpers/clock.js';
import { databaseForFile } from '../helpers/database.js';

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
  const db = databaseForFile('pglite');

  it('retries ending a room after 0.5 s, then 1 s, 2 s…, until the database takes it', async () => {
    const repo = new FlakyRepository(db.get());
    const clock = new ManualClock();
    const closer = new RoomCloser(repo, clock, pino({ level: 'silent' }));
    const room = await repo.createRoom({ user1Id: 'a', user2Id: 'b', matchType: 'random', createdAt: clock.now() });
    repo.failures = 3;
    await closer.close(room.id, 'left');
    expect(repo.calls).toBe(1);
    expect(closer.backlog).toBe(1);
    for (const delayMs of [500, 1_000, 2_000]) await expectRetryAfter(repo, clock, delayMs);
    await vi.waitFor(() => expect(closer.backlog).toBe(0));
    expect(clock.pendingTimers).toBe(0);
    expect(repo.calls).toBe(4);
    expect(await repo.getRoom(room.id)).toMatchObject({ isActive: false, endReason: 'left' });
  });

  it('the delay doubles up to 30 s and stays there', async () => {
    const repo = new FlakyRepository(db.get());
    const clock = new ManualClock();
    const closer = new RoomCloser(repo, clock, pino({ level: 'silent' }));
    const room = await repo.createRoom({ user1Id: 'a', user2Id: 'b', matchType: 'random', createdAt: clock.now() });
    repo.failures = 9;
    await closer.close(room.id, 'disconnected');
    for (const delayMs of [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]) await expectRetryAfter(repo, clock, delayMs);
    await vi.waitFor(() => expect(closer.backlog).toBe(0));
    expect(repo.calls).toBe(10);
  });

  it('a room closed twice at once while the database is away keeps one retry, which a flush cancels', async () => {
    const repo = new FlakyRepository(db.get());
    const clock = new ManualClock();
    const closer = new RoomCloser(repo, clock, pino({ level: 'silent' }));
    const room = await repo.createRoom({ user1Id: 'a', user2Id: 'b', matchType: 'random', createdAt: clock.now() });
    repo.failures = 2;
    await Promise.all([closer.close(room.id, 'blocked'), closer.close(room.id, 'blocked')]);
    expect(closer.backlog).toBe(1);
    expect(clock.pendingTimers).toBe(1);
    await closer.flush();
    expect(clock.pendingTimers).toBe(0);
    expect(await repo.getRoom(room.id)).toMatchObject({ isActive: false, endReason: 'blocked' });
  });

  it('a close that gets through cancels the retry an earlier failed close of the room left waiting', async () => {
    const repo = new FlakyRepository(db.get());
    const clock = new ManualClock();
    const closer = new RoomCloser(repo, clock, pino({ level: 'silent' }));
    const room = await repo.createRoom({ user1Id: 'a', user2Id: 'b', matchType: 'random', createdAt: clock.now() });
    repo.failures = 1;
    await closer.close(room.id, 'left');
    expect(clock.pendingTimers).toBe(1);
    await closer.close(room.id, 'left');
    expect(closer.backlog).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    clock.advance(60_000);
    expect(repo.calls).toBe(2);
  });
});

/** The next retry comes exactly `delayMs` after the previous failure: not a millisecond sooner. */
async function expectRetryAfter(repo: FlakyRepository, clock: ManualClock, delayMs: number): Promise<void> {
  // The failure is handled (and the retry scheduled) once the failed write has come back.
  await vi.waitFor(() => expect(clock.pendingTimers).toBe(1));
  const calls = repo.calls;
  clock.advance(delayMs - 1);
  expect(repo.calls, `${delayMs - 1} ms after a failure`).toBe(calls);
  clock.advance(1);
  expect(repo.calls, `${delayMs} ms after a failure`).toBe(calls + 1);
}
