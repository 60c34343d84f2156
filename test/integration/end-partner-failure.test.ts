/**
 * A chat ended while the partner's state cannot be read or freed (Redis away for a moment), after the one
 * ending it was freed: the chat is over all the same — the room is closed, the partner is told through the
 * chat, nothing more reaches the one who left, and the partner is freed a little later. Real server and
 * sockets; the test's clock; a registry that fails on cue.
 */
import { describe, expect, it } from 'vitest';
import { MAX_CAS_ATTEMPTS, MemoryActivityRegistry, type ActivityMatch } from '../../src/chat/activity-registry.js';
import { RELEASE_RETRY_MS } from '../../src/chat/activity-ender.js';
import { chattingPair, collect, connect, eventually, request, waitFor } from '../helpers/client.js';
import { ManualClock } from '../helpers/clock.js';
import { intercept } from '../helpers/interleave.js';
import { serverSuite } from '../helpers/suite.js';

/** The memory registry, whose releases of one identity by revision can be made to lose, as to a change of theirs. */
class ContendedRegistry extends MemoryActivityRegistry {
  contended: { userId: string; times: number } | undefined;
  override async release(userId: string, match: ActivityMatch): Promise<boolean> {
    if (this.contended?.userId === userId && 'rev' in match && this.contended.times-- > 0) return false;
    return super.release(userId, match);
  }
}

const clock = new ManualClock();
const contended = new ContendedRegistry();
const registry = intercept<MemoryActivityRegistry>(contended);
const suite = serverSuite({ deps: () => ({ clock, registry: registry.proxy }) });

async function client() {
  const c = await connect(suite.url);
  suite.track(c.socket);
  return c;
}

describe('a chat ended while the partner cannot be read', () => {
  it('is closed, the partner is told, nothing more reaches the one who left, and the partner is freed later', async () => {
    const { a, b, roomId } = await chattingPair(client);
    const toldB = waitFor(b.socket, 'partner_left');
    const reachingA = collect(a.socket, 'new_message');
    registry.failNext('get', new Error('redis away'), { when: (userId: string) => userId === b.session.user_id });
    expect(await request(a.socket, 'leave_room_event')).toMatchObject({ ok: true });
    expect(await toldB).toMatchObject({ reason: 'left', room_id: roomId });
    const rooms = await suite.server.database.query<{ is_active: boolean }>('SELECT is_active FROM chat_rooms WHERE id = $1', [roomId]);
    expect(rooms[0]?.is_active).toBe(false);
    // Whatever B still sends reaches nobody.
    await request(b.socket, 'send_message', { content: 'still there?' });
    expect(reachingA).toEqual([]);
    // B is freed at the next try: a new chat can start.
    clock.advance(RELEASE_RETRY_MS);
    await eventually(async () => expect(await registry.proxy.get(b.session.user_id)).toBeUndefined());
    expect(await request(b.socket, 'join_queue')).toMatchObject({ ok: true });
  });

  it('a partner whose every release loses a race is freed from the room at once and told through the chat', async () => {
    const { a, b, roomId } = await chattingPair(client);
    const toldB = waitFor(b.socket, 'partner_left');
    const reachingA = collect(a.socket, 'new_message');
    contended.contended = { userId: b.session.user_id, times: MAX_CAS_ATTEMPTS };
    expect(await request(a.socket, 'leave_room_event')).toMatchObject({ ok: true });
    expect(await toldB).toMatchObject({ reason: 'left', room_id: roomId });
    await request(b.socket, 'send_message', { content: 'still there?' });
    expect(reachingA).toEqual([]);
    // Free at once (before: still chatting in the closed room until a retry 5 s later).
    expect(await registry.proxy.get(b.session.user_id)).toBeUndefined();
    expect(await request(b.socket, 'join_queue')).toMatchObject({ ok: true });
  });
});
