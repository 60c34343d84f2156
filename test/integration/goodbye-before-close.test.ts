/**
 * The goodbye of an ended chat does not wait for the database: while the write that closes the room hangs
 * (PostgreSQL stalled, up to its statement timeout), both people are told at once and can start again; the
 * ack and the receipts follow once the room's end is written. Real server and sockets; a repository whose
 * `endRoom` the test holds.
 */
import { describe, expect, it } from 'vitest';
import { SqlChatRepository } from '../../src/storage/chat-repository.js';
import { chattingPair, collect, connect, eventually, request, waitFor } from '../helpers/client.js';
import { intercept, type Interceptor } from '../helpers/interleave.js';
import { serverSuite } from '../helpers/suite.js';

let repository!: Interceptor<SqlChatRepository>;
const suite = serverSuite({
  deps: (database) => {
    repository = intercept(new SqlChatRepository(database));
    return { repository: repository.proxy };
  },
});

async function client() {
  const c = await connect(suite.url);
  suite.track(c.socket);
  return c;
}

describe('ending a chat while the database write that closes it hangs', () => {
  it('tells both sides at once; the ack and the receipts come once the room is closed', async () => {
    const { a, b, roomId } = await chattingPair(client);
    const held = repository.hold('endRoom', { when: (id: number) => id === roomId });
    const leftRoom = waitFor(a.socket, 'left_room');
    const partnerLeft = waitFor(b.socket, 'partner_left');
    const receipts = collect(b.socket, 'receipt');
    let acked = false;
    const ack = request(a.socket, 'leave_room_event').then((answer) => ((acked = true), answer));
    await held.reached;
    expect(await partnerLeft).toMatchObject({ reason: 'left', room_id: roomId });
    expect(await leftRoom).toMatchObject({ room_id: roomId });
    // B can look for somebody new while the close is still on its way.
    expect(await request(b.socket, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    expect(acked).toBe(false);
    expect(receipts).toEqual([]);
    held.release();
    expect(await ack).toEqual({ ok: true, room_id: roomId });
    expect(await suite.server.app.repository.getRoom(roomId)).toMatchObject({ isActive: false, endReason: 'left' });
    await eventually(() => expect(receipts).toEqual([expect.objectContaining({ room_id: roomId })]));
  });
});
