/**
 * A meeting in a private room that falls through because the registry (Redis) blipped: the person taken
 * out of the room to meet must not be stranded outside it while their page still shows them waiting. The
 * put-back is tried again a little later, until it works. Real server and sockets; the test's clock; a
 * registry that fails on cue.
 */
import { describe, expect, it } from 'vitest';
import { MemoryActivityRegistry } from '../../src/chat/activity-registry.js';
import { PUT_BACK_RETRY_MS } from '../../src/private/private-rooms.js';
import { connect, eventually, request, waitFor } from '../helpers/client.js';
import { ManualClock } from '../helpers/clock.js';
import { intercept } from '../helpers/interleave.js';
import { serverSuite } from '../helpers/suite.js';

const clock = new ManualClock();
const registry = intercept(new MemoryActivityRegistry());
const suite = serverSuite({ config: { closeGraceMs: 0 }, deps: () => ({ clock, registry: registry.proxy }) });

async function client() {
  const c = await connect(suite.url);
  suite.track(c.socket);
  return c;
}

describe('a private meeting that fell through on a registry blip', () => {
  it('the person waiting, whose state could not be read, is back in the room at the next try and meets whoever comes', async () => {
    const maker = await client();
    const { key } = await request<{ key: string }>(maker.socket, 'create_private');
    const makerId = maker.session.user_id;
    // The newcomer takes the maker out of the room; reading the maker fails, and so does the put-back's read.
    registry.failNext('get', new Error('redis away'), { when: (userId: string) => userId === makerId });
    registry.failNext('get', new Error('redis away'), { when: (userId: string) => userId === makerId });
    const friend = await client();
    expect(await request(friend.socket, 'join_private', { key })).toMatchObject({ ok: false });
    // The maker's page still says "waiting". At the next try the maker is in the room again (told so).
    const back = waitFor(maker.socket, 'waiting');
    clock.advance(PUT_BACK_RETRY_MS);
    expect(await back).toMatchObject({ private: true });
    const makerMatched = waitFor(maker.socket, 'matched');
    const answer = await request<{ status: string; room_id: number }>(friend.socket, 'join_private', { key });
    expect(answer).toMatchObject({ ok: true, status: 'matched' });
    expect((await makerMatched).room_id).toBe(answer.room_id);
  });

  it('the person waiting, already moved to the meeting, is taken back to the room at the next try when that failed too', async () => {
    const maker = await client();
    const { key } = await request<{ key: string }>(maker.socket, 'create_private');
    const makerId = maker.session.user_id;
    const friend = await client();
    const friendId = friend.session.user_id;
    // The maker is moved to the new chat; moving the friend fails, and so does taking the maker back.
    let friendFailed = false;
    registry.failNext('transition', new Error('redis away'), { when: (userId: string) => (friendFailed = userId === friendId) });
    registry.failNext('transition', new Error('redis away'), { when: (userId: string) => friendFailed && userId === makerId });
    const refused = await request(friend.socket, 'join_private', { key });
    expect(refused).toMatchObject({ ok: false });
    clock.advance(PUT_BACK_RETRY_MS);
    await eventually(async () => expect(await registry.proxy.get(makerId)).toMatchObject({ kind: 'waiting' }));
    const makerMatched = waitFor(maker.socket, 'matched');
    const answer = await request<{ status: string; room_id: number }>(friend.socket, 'join_private', { key });
    expect(answer).toMatchObject({ ok: true, status: 'matched' });
    expect((await makerMatched).room_id).toBe(answer.room_id);
  });
});
