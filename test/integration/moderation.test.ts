/**
 * The safety loop from a chatter's side, with a real server and real sockets: reports (during a chat and
 * within the window after it), blocks, and sanctions that reach the person — ban, mute, lift, bans by
 * network, and strikes that escalate by themselves.
 */
import { describe, expect, it } from 'vitest';
import { networkOf } from '../../src/http/client-address.js';
import { MemoryMatchQueue } from '../../src/matching/memory-match-queue.js';
import { createNetworkHasher } from '../../src/privacy/network-hash.js';
import { ReportRepository } from '../../src/moderation/report-repository.js';
import { SanctionRepository } from '../../src/moderation/sanction-repository.js';
import { collect, connect, eventually, matchedPair, received, request, waitFor } from '../helpers/client.js';
import { intercept } from '../helpers/interleave.js';
import { TEST_SECRET } from '../helpers/server.js';
import { untoldMute } from '../helpers/sanctions.js';
import { serverSuite } from '../helpers/suite.js';

const REPORT_WINDOW_MS = 800;
const queue = intercept(new MemoryMatchQueue());
const suite = serverSuite({ deps: { matchQueue: queue.proxy }, config: { moderation: { reportWindowMs: REPORT_WINDOW_MS, strikes: { windowDays: 30, forWarning: 1, forMute: 2, forBan: 3, muteS: 86_400, banS: 604_800 } } } }, async ({ server }) => {
  await eventually(async () => expect(await server.app.liveStats.waitingCount()).toBe(0));
});

type Ack = { ok: boolean; code?: string; report_id?: number; blocked?: boolean };

async function pair() {
  const { a, b, aId, bId, roomId } = await matchedPair(suite.url);
  suite.track(a, b);
  return { a, b, aId, bId, roomId };
}

async function client(options: Parameters<typeof connect>[1] = {}) {
  const c = await connect(suite.url, options);
  suite.track(c.socket);
  return c;
}

const reports = () => new ReportRepository(suite.server.database);
const ban = (userId: string, kind: 'banned' | 'muted' | 'warning' = 'banned') =>
  suite.server.app.moderation.issue({ userId, networkHash: null, scope: 'identity', kind, reason: `test ${kind}`, createdBy: 'admin' });

describe('report', () => {
  it('every session says how long after its end a chat can be reported (REPORT_WINDOW_MS), so the page offers Report that long', async () => {
    const { socket, session } = await connect(suite.url);
    try {
      expect(session.report_window_ms).toBe(REPORT_WINDOW_MS);
    } finally {
      socket.close();
    }
  });

  it('during a chat files a report against the partner with the messages named; the partner is not told', async () => {
    const { a, b, aId, bId, roomId } = await pair();
    const bEvents: string[] = [];
    b.onAny((event: string) => bEvents.push(event));
    const sent = await request<{ message: { id: number } }>(b, 'send_message', { content: 'something rude' });
    const ack = await request<Ack>(a, 'report', { reason: 'harassment', message_ids: [sent.message.id], note: '  rude  ' });
    expect(ack).toMatchObject({ ok: true, report_id: expect.any(Number) });
    const report = await reports().get(ack.report_id!);
    expect(report).toMatchObject({ roomId, reporterId: aId, reportedId: bId, reason: 'harassment', note: 'rude', messageIds: [sent.message.id], status: 'open', priority: 0 });
    // b saw its own message and nothing about the report.
    await request(a, 'send_message', { content: 'ping' });
    await eventually(() => expect(bEvents).toEqual(['new_message', 'new_message']));
  });

  it('a second report on the same room adds to the open one; minor and self-harm reports come first', async () => {
    const { a } = await pair();
    const first = await request<Ack>(a, 'report', { reason: 'spam' });
    const second = await request<Ack>(a, 'report', { reason: 'minor', note: 'said they are 14' });
    expect(second.report_id).toBe(first.report_id);
    expect(await reports().get(second.report_id!)).toMatchObject({ reason: 'minor', note: 'said they are 14', priority: 1 });
  });

  it('a later, milder report loses nothing of the open one: the urgent reason, every message, both notes', async () => {
    const { a, b } = await pair();
    const m1 = await request<{ message: { id: number } }>(b, 'send_message', { content: 'how old are you' });
    const m2 = await request<{ message: { id: number } }>(b, 'send_message', { content: 'send a photo' });
    const first = await request<Ack>(a, 'report', { reason: 'minor', note: 'asked my age', message_ids: [m1.message.id] });
    // Before, this replaced the first: "spam", priority 0, one message, the first note gone.
    await request<Ack>(a, 'report', { reason: 'spam', note: 'then this', message_ids: [m2.message.id] });
    await request<Ack>(a, 'report', { reason: 'sexual', note: 'then this' });
    // Each note once, whichever it repeats; at the same priority the first reason stays (minor, not self-harm).
    await request<Ack>(a, 'report', { reason: 'self_harm', note: 'asked my age' });
    const report = await reports().get(first.report_id!);
    expect(report).toMatchObject({ reason: 'minor', priority: 1, note: 'asked my age\nthen this' });
    // The reasons not taken are kept too, each once, in the order given (before, they were lost).
    expect(report!.otherReasons).toEqual(['spam', 'sexual', 'self_harm']);
    expect([...report!.messageIds].sort((x, y) => x - y)).toEqual([m1.message.id, m2.message.id]);
    // Not only the next one up: a more urgent reason later replaces a milder first one.
    const { a: c } = await pair();
    const spam = await request<Ack>(c, 'report', { reason: 'spam' });
    await request<Ack>(c, 'report', { reason: 'harassment' });
    expect(await reports().get(spam.report_id!)).toMatchObject({ reason: 'spam', otherReasons: ['harassment'], priority: 0, note: null });
    await request<Ack>(c, 'report', { reason: 'self_harm', note: 'said goodbye for ever' });
    // The reason replaced joins the others; the new one is not among them.
    expect(await reports().get(spam.report_id!)).toMatchObject({ reason: 'self_harm', otherReasons: ['harassment', 'spam'], priority: 1, note: 'said goodbye for ever' });
  });

  it('after the chat it is accepted within the window, then refused with REPORT_WINDOW_CLOSED', async () => {
    const { a, b, bId } = await pair();
    await request(b, 'leave_room_event');
    const ack = await request<Ack>(a, 'report', { reason: 'scam' });
    expect(ack).toMatchObject({ ok: true });
    expect((await reports().get(ack.report_id!))?.reportedId).toBe(bId);
    await eventually(async () => expect(await request<Ack>(a, 'report', { reason: 'spam' })).toMatchObject({ ok: false, code: 'REPORT_WINDOW_CLOSED' }), REPORT_WINDOW_MS * 4, 100);
  });

  it('only for a room the reporter was in, and only its own messages: NOT_FOUND otherwise', async () => {
    const { a } = await pair();
    const other = await pair();
    const elsewhere = await request<{ message: { id: number } }>(other.a, 'send_message', { content: 'not yours' });
    expect(await request<Ack>(a, 'report', { reason: 'spam', room_id: other.roomId })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await request<Ack>(a, 'report', { reason: 'spam', message_ids: [elsewhere.message.id] })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    const { socket: stranger } = await client();
    expect(await request<Ack>(stranger, 'report', { reason: 'spam' })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  it.each([
    ['an unknown reason', { reason: 'boring' }],
    ['no reason', {}],
    ['a note over 500 characters', { reason: 'other', note: 'x'.repeat(501) }],
    ['a NUL in the note', { reason: 'other', note: 'a\u0000' }],
    ['message ids that are not numbers', { reason: 'spam', message_ids: ['1'] }],
    ['an unknown field', { reason: 'spam', extra: true }],
  ])('with %s is INVALID_PAYLOAD', async (_name, payload) => {
    const { a } = await pair();
    expect(await request<Ack>(a, 'report', payload)).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
  });
});

describe('block', () => {
  it('ends the chat (the partner sees an ordinary goodbye) and the two are never matched again while someone else waits', async () => {
    const { a, b, aId, bId } = await pair();
    const partnerLeft = waitFor(b, 'partner_left');
    const leftRoom = waitFor(a, 'left_room');
    expect(await request<Ack>(a, 'block')).toEqual({ ok: true, blocked: true });
    expect(await partnerLeft).toMatchObject({ reason: 'left' });
    // The blocker's page is told it was the block (it says so, and offers nothing more for that partner).
    expect(await leftRoom).toMatchObject({ reason: 'blocked' });

    // Both join again; b does not get a, c does.
    expect(await request(a, 'join_queue')).toMatchObject({ status: 'waiting' });
    expect(await request(b, 'join_queue')).toMatchObject({ status: 'waiting', waiting_count: 1 });
    const c = await client();
    const cAck = await request<{ status: string; room_id: number }>(c.socket, 'join_queue');
    expect(cAck.status).toBe('matched');
    const aMatched = received(a, 'matched');
    await eventually(() => expect(aMatched.map((m) => m.room_id).slice(1)).toEqual([cAck.room_id]));
    const d = await client();
    expect(await request(d.socket, 'join_queue')).toMatchObject({ status: 'matched' });
    expect(received(b, 'matched')).toHaveLength(2); // the first chat with a, then d
    // Still blocked after the caches are rebuilt from the database (as at a restart).
    expect(suite.server.app.moderation.blockCache.blocked(aId, bId)).toBe(true);
    expect(await new SanctionRepository(suite.server.database).allBlocks()).toContainEqual({ blockerId: aId, blockedId: bId });
  });

  it('is also held in the match queue for two cache reloads and a margin (other instances may not know it yet), before the ack', async () => {
    const { a, aId, bId } = await pair();
    const held = queue.hold('keepApart');
    const acked = request<Ack>(a, 'block');
    expect(await held.reached).toEqual([aId, bId, 2 * 30_000 + 10_000]);
    held.release();
    expect(await acked).toEqual({ ok: true, blocked: true });
  });

  it('still succeeds when the queue cannot keep the two apart (the caches hold the block)', async () => {
    const { a, b } = await pair();
    queue.failNext('keepApart', new Error('queue unreachable'));
    expect(await request<Ack>(a, 'block')).toEqual({ ok: true, blocked: true });
    expect(await request(a, 'join_queue')).toMatchObject({ status: 'waiting' });
    expect(await request(b, 'join_queue')).toMatchObject({ status: 'waiting', waiting_count: 1 });
  });
});

describe('sanctions', () => {
  it('a ban reaches the person at once: their chat ends, join and send answer BANNED, and a new connection is told', async () => {
    const { a, b, bId } = await pair();
    const told = waitFor(b, 'sanction');
    const partnerLeft = waitFor(a, 'partner_left');
    await ban(bId);
    expect(await told).toMatchObject({ kind: 'banned', reason: 'test banned' });
    expect(await partnerLeft).toMatchObject({ reason: 'left' });
    expect(await request<Ack>(b, 'join_queue')).toMatchObject({ ok: false, code: 'BANNED' });
    expect(await request<Ack>(b, 'send_message', { content: 'hi' })).toMatchObject({ ok: false, code: 'BANNED' });
    const token = received(b, 'session')[0]?.token;
    const again = await client({ token });
    expect(received(again.socket, 'sanction')).toEqual([expect.objectContaining({ kind: 'banned' })]);
    // The partner is free again.
    expect(await request(a, 'join_queue')).toMatchObject({ ok: true });
  });

  it('a decision without a note tells the person the report’s reason as its code (the page names it), not the admins’ wording', async () => {
    const { a, b, bId } = await pair();
    const filed = await request<Ack>(a, 'report', { reason: 'harassment' });
    const told = waitFor(b, 'sanction');
    const decided = await suite.server.app.moderation.resolve(filed.report_id!, { action: 'warn', scope: 'identity' }, 'admin');
    expect(decided?.sanction).toMatchObject({ reason: 'harassment', reportId: filed.report_id });
    // Before: "report #12: harassment", English on a Chinese page.
    expect(await told).toMatchObject({ kind: 'warning', reason: 'harassment' });
  });

  it('a mute refuses messages with MUTED and tells until when; the partner still writes; lifting ends it at once', async () => {
    const { a, b, aId } = await pair();
    const told = waitFor(a, 'sanction');
    const sanction = await ban(aId, 'muted');
    expect(await told).toMatchObject({ kind: 'muted', until: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*\+08:00$/) });
    expect(await request<Ack>(a, 'send_message', { content: 'hi' })).toMatchObject({ ok: false, code: 'MUTED' });
    expect(await request<Ack>(b, 'send_message', { content: 'hello' })).toMatchObject({ ok: true });
    // Keeping in touch is still asked (its key opens nothing while muted: join_private is refused).
    expect(await request<Ack>(a, 'keep_in_touch')).toMatchObject({ ok: true });
    const lifted = waitFor(a, 'sanction');
    await suite.server.app.moderation.lift(sanction.id, 'admin');
    expect(await lifted).toMatchObject({ kind: 'muted', lifted: true });
    expect(await request<Ack>(a, 'send_message', { content: 'back' })).toMatchObject({ ok: true });
  });

  it('a mute refuses new chats too: join_queue, create_private and join_private answer MUTED; lifted, the person waits again', async () => {
    const c = await client();
    const told = waitFor(c.socket, 'sanction');
    const mute = await ban(c.session.user_id, 'muted');
    await told;
    for (const [event, payload] of [['join_queue', undefined], ['create_private', undefined], ['join_private', { key: 'ABCD-EFGH-JKMN-PQRS' }]] as const) {
      expect(await request<Ack>(c.socket, event, payload), event).toMatchObject({ ok: false, code: 'MUTED' });
    }
    expect(await suite.server.app.liveStats.waitingCount()).toBe(0);
    const lifted = waitFor(c.socket, 'sanction');
    await suite.server.app.moderation.lift(mute.id, 'admin');
    await lifted;
    expect(await request<Ack & { status?: string }>(c.socket, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    expect(await request<Ack>(c.socket, 'leave_queue')).toMatchObject({ ok: true });
  });

  it('a mute ends a wait at once (`left_room {reason: muted}`), and the next joiner is not matched with the muted person', async () => {
    const waiting = await client();
    expect(await request<Ack & { status?: string }>(waiting.socket, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    const events: string[] = [];
    waiting.socket.onAny((event: string) => events.push(event));
    const left = waitFor(waiting.socket, 'left_room');
    await ban(waiting.session.user_id, 'muted');
    const ended = await left;
    expect(ended).toMatchObject({ reason: 'muted', message: '你已被禁言，等待已取消' });
    expect(ended.room_id).toBeUndefined();
    expect(events).toEqual(['sanction', 'left_room']);
    const next = await client();
    expect(await request<Ack & { status?: string }>(next.socket, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    expect(await request<Ack>(next.socket, 'leave_queue')).toMatchObject({ ok: true });
  });

  it('muted untold (no event reached the page): the wait a new connection takes over ends (status idle), and nobody is matched with it', async () => {
    const first = await client();
    expect(await request<Ack & { status?: string }>(first.socket, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    const userId = first.session.user_id;
    // Straight into the enforcement cache: no event reaches the connection (as for one away when it came).
    const untold = await untoldMute(suite.server, userId);
    const back = await client({ token: first.session.token, resume: true });
    expect(back.session).toMatchObject({ user_id: userId, status: 'idle', sanctions: [expect.objectContaining({ kind: 'muted' })] });
    await eventually(async () => expect(await suite.server.app.liveStats.waitingCount()).toBe(0));
    const next = await client();
    expect(await request<Ack & { status?: string }>(next.socket, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    expect(await request<Ack>(next.socket, 'leave_queue')).toMatchObject({ ok: true });
  });

  it('several sanctions: a connecting page is told the longest of each kind; a lift tells what is left of that kind, or lifted', async () => {
    const first = await client();
    const userId = first.session.user_id;
    const mute = await ban(userId, 'muted');
    const otherMute = await ban(userId, 'muted');
    const banned = await ban(userId, 'banned');
    const secondBan = await ban(userId, 'banned');
    const { socket } = await client({ token: first.session.token });
    const told = received(socket, 'sanction');
    await eventually(() => expect(told.map((e) => e.kind)).toEqual(['muted', 'banned']));
    // One of two bans lifted: the other is told in its place, with no `lifted` that would clear the ban screen.
    await suite.server.app.moderation.lift(banned.id, 'admin');
    await eventually(() => expect(told).toHaveLength(3));
    expect(told[2]).toEqual(expect.objectContaining({ kind: 'banned', reason: 'test banned' }));
    expect(told[2]).not.toHaveProperty('lifted');
    // One of two mutes lifted while banned: the other mute, not "muted lifted" (before: lifted, then the ban).
    await suite.server.app.moderation.lift(mute.id, 'admin');
    await eventually(() => expect(told).toHaveLength(4));
    expect(told[3]).toEqual(expect.objectContaining({ kind: 'muted' }));
    expect(told[3]).not.toHaveProperty('lifted');
    // The last ban lifted: lifted for bans only; the mute the page was told on connecting stays.
    await suite.server.app.moderation.lift(secondBan.id, 'admin');
    await eventually(() => expect(told).toHaveLength(5));
    expect(told[4]).toEqual(expect.objectContaining({ kind: 'banned', lifted: true }));
    expect(await request<Ack>(socket, 'send_message', { content: 'hi' })).toMatchObject({ ok: false, code: 'MUTED' });
    await suite.server.app.moderation.lift(otherMute.id, 'admin');
    await eventually(() => expect(told[5]).toEqual(expect.objectContaining({ kind: 'muted', lifted: true })));
  });

  it('a muted sender writing words of crisis still gets crisis help, before the MUTED answer', async () => {
    const { a, b, aId } = await pair();
    const mute = await ban(aId, 'muted');
    const order: string[] = [];
    a.on('notice', (notice: { kind: string }) => order.push(`notice:${notice.kind}`));
    const bGot = collect(b, 'new_message');
    const ack = await request<Ack>(a, 'send_message', { content: '我真的不想活了' });
    order.push(`ack:${ack.code}`);
    expect(order).toEqual(['notice:crisis', 'ack:MUTED']);
    // An ordinary refused message brings no notice.
    expect(await request<Ack>(a, 'send_message', { content: 'hello' })).toMatchObject({ ok: false, code: 'MUTED' });
    expect(order).toHaveLength(2);
    expect(bGot).toEqual([]);
    await suite.server.app.moderation.lift(mute.id, 'admin');
  });

  it('a ban by network applies to another identity from the same network, and is lifted again', async () => {
    const hash = createNetworkHasher(TEST_SECRET)(networkOf('127.0.0.1'));
    const { a } = await pair();
    const sanction = await suite.server.app.moderation.issue({ userId: 'somebody', networkHash: hash, scope: 'address', kind: 'banned', reason: 'Insulting a stranger', createdBy: 'admin' });
    try {
      // Told as on their network, not with somebody's reason (a stranger behind the same address, maybe).
      await eventually(() => expect(received(a, 'sanction')).toEqual([expect.objectContaining({ kind: 'banned', reason: 'shared_network' })]));
      const fresh = await client();
      expect(fresh.session.sanctions).toEqual([expect.objectContaining({ kind: 'banned', reason: 'shared_network' })]);
      expect(await request<Ack>(fresh.socket, 'join_queue')).toMatchObject({ ok: false, code: 'BANNED' });
    } finally {
      await suite.server.app.moderation.lift(sanction.id, 'admin');
    }
    const after = await client();
    expect(await request(after.socket, 'join_queue')).toMatchObject({ ok: true });
  });

  it('strikes escalate by themselves: a warning, then a 24-hour mute, then a 7-day ban, each audited as automatic', async () => {
    const { socket, session } = await client();
    const events = received(socket, 'sanction');
    for (let i = 0; i < 3; i++) await suite.server.app.moderation.strike(session.user_id, 'report');
    await eventually(() => expect(events.map((e) => e.kind)).toEqual(['warning', 'muted', 'banned']));
    const bans = (await new SanctionRepository(suite.server.database).of(session.user_id, [], 10)).filter((s) => s.createdBy === 'automatic');
    expect(bans.map((s) => s.kind).sort()).toEqual(['banned', 'muted', 'warning']);
    const banned = bans.find((s) => s.kind === 'banned')!;
    expect(banned.endsAt!.getTime() - banned.startsAt.getTime()).toBe(604_800_000);
    const audit = await suite.server.database.query<{ detail: { user_id: string } }>("SELECT detail FROM admin_audit_log WHERE action = 'sanction_automatic'");
    expect(audit.filter((r) => r.detail.user_id === session.user_id)).toHaveLength(3);
    expect(await request<Ack>(socket, 'join_queue')).toMatchObject({ ok: false, code: 'BANNED' });
  });
});

