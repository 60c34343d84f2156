/**
 * What the content policy's strikes add up to, with a real server and real sockets: everyday English that
 * happens to contain a term is delivered with no strike, an opener pasted into chat after chat is one
 * strike — a warning —, not a mute by the fourth chat, and a refused message retried is one strike.
 */
import { describe, expect, it } from 'vitest';
import { connect, eventually, received, request, waitFor, matchedPair } from '../helpers/client.js';
import { serverSuite } from '../helpers/suite.js';

type Ack = { ok: boolean; code?: string; message?: { id: number; content: string } };

describe('content-policy strikes', () => {
  const suite = serverSuite({ config: { policy: { enabled: true, hotlinesFile: undefined, spamRepeatRooms: 3, spamWindowMs: 600_000 } } });
  const strikes = (userId: string) => suite.server.database.query<{ source: string }>('SELECT source FROM strikes WHERE user_id = $1', [userId]);
  const sanctions = (userId: string) => suite.server.database.query<{ kind: string }>('SELECT kind FROM sanctions WHERE user_id = $1 ORDER BY id', [userId]);

  it('English words that only contain a term are delivered as written, with no strike', async () => {
    const { a, b, aId } = await matchedPair(suite.url);
    suite.track(a, b);
    for (const content of ["I'm from Essex, chat later?", 'I got your whatsapp message']) {
      const atB = waitFor(b, 'new_message');
      const ack = await request<Ack>(a, 'send_message', { content });
      expect(ack).toMatchObject({ ok: true, message: { content } });
      expect((await atB).content).toBe(content);
    }
    // Strikes are written after the message, one of a person at a time: one awaited here comes after any of those.
    await suite.server.app.moderation.strike(aId, 'policy');
    expect(await strikes(aId)).toEqual([{ source: 'policy' }]);
  });

  it('an opener pasted into four chats within the window is one strike and a warning, no mute', async () => {
    const spammer = await connect(suite.url);
    suite.track(spammer.socket);
    const text = 'Hey, new here! Where are you from and what do you like?';
    const acks: Ack[] = [];
    for (let i = 0; i < 4; i++) {
      const partner = await connect(suite.url);
      suite.track(partner.socket);
      await request(spammer.socket, 'join_queue');
      expect(await request(partner.socket, 'join_queue')).toMatchObject({ status: 'matched' });
      acks.push(await request<Ack>(spammer.socket, 'send_message', { content: text }));
      await request(partner.socket, 'leave_room_event');
    }
    expect(acks.map((ack) => ack.ok)).toEqual([true, true, true, true]);
    const flags = await suite.server.database.query<{ flags: string[] | null }>('SELECT flags FROM messages WHERE id = ANY($1::bigint[]) ORDER BY id', [acks.map((ack) => ack.message!.id)]);
    expect(flags.map((row) => row.flags)).toEqual([null, null, ['spam'], ['spam']]);
    await eventually(async () => expect(await sanctions(spammer.session.user_id)).toEqual([{ kind: 'warning' }]));
    // The person is told the code the page names in their language; the stored reason is the admins'.
    await eventually(() => expect(received(spammer.socket, 'sanction')).toEqual([expect.objectContaining({ kind: 'warning', reason: 'rule_breaks' })]));
    expect(await suite.server.database.query('SELECT reason FROM sanctions WHERE user_id = $1', [spammer.session.user_id])).toEqual([{ reason: 'automatic: 1 strike in 30 days' }]);
    // Strikes are written after the message, one of a person at a time: one awaited here comes after any of
    // those, and is the second (a mute), not the third (a ban).
    await suite.server.app.moderation.strike(spammer.session.user_id, 'policy');
    expect(await strikes(spammer.session.user_id)).toHaveLength(2);
    expect(await sanctions(spammer.session.user_id)).toEqual([{ kind: 'warning' }, { kind: 'muted' }]);
  });

  it('a refused message retried with its cid (its answer lost) is refused again, but held and struck once', async () => {
    const { a, b, aId, roomId } = await matchedPair(suite.url);
    suite.track(a, b);
    for (let i = 0; i < 3; i++) {
      expect(await request<Ack>(a, 'send_message', { content: '约炮吗', cid: 'retried-1' })).toMatchObject({ ok: false, code: 'BLOCKED_CONTENT' });
    }
    // Another text under the same cid (a client reusing it) is a new message, held and struck — the second
    // refused message of the chat, which was never struck before: adding it to the chat's open system report
    // failed (no message ids on either side made the union NULL).
    expect(await request<Ack>(a, 'send_message', { content: '援交吗', cid: 'retried-1' })).toMatchObject({ ok: false, code: 'BLOCKED_CONTENT' });
    // Two strikes: a warning, then a mute.
    await eventually(async () => expect(await sanctions(aId)).toEqual([{ kind: 'warning' }, { kind: 'muted' }]));
    expect(await strikes(aId)).toHaveLength(2);
    const held = await suite.server.database.query<{ content: string }>('SELECT content FROM held_messages WHERE room_id = $1 ORDER BY id', [roomId]);
    expect(held.map((row) => row.content)).toEqual(['约炮吗', '援交吗']);
  });
});
