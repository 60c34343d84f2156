import { describe, expect, it } from 'vitest';
import type { Result } from '../../web/src/chat-client.js';
import { createJoinTracker, type JoinAnswer } from '../../web/src/join-tracker.js';

/** A client whose `leave_queue` answers only when the test says so, and which counts what it was sent. */
function fakeClient() {
  const pendingLeaves: Array<(res: Result) => void> = [];
  const sent = { leaveQueue: 0, leaveRoom: 0 };
  return {
    sent,
    /** Answers the oldest unanswered `leave_queue`. */
    answerLeave(res: Result = { ok: true }) {
      const answer = pendingLeaves.shift();
      if (!answer) throw new Error('no leave_queue is waiting for its answer');
      answer(res);
    },
    client: {
      leaveQueue() {
        sent.leaveQueue++;
        return new Promise<Result>((resolve) => pendingLeaves.push(resolve));
      },
      leaveRoom() {
        sent.leaveRoom++;
        return Promise.resolve({ ok: true as const, room_id: null });
      },
    },
  };
}

/** Lets settled promises run their callbacks (`finally`). */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const waiting: JoinAnswer = { ok: true, status: 'waiting', waiting_count: 3 };
const matched = (roomId: number): JoinAnswer => ({ ok: true, status: 'matched', room_id: roomId });
const refused = (code: 'TIMEOUT' | 'RATE_LIMITED'): JoinAnswer => ({ ok: false, code, message: '' });

describe('which join answer counts (web/src/join-tracker.ts)', () => {
  it('the latest join is acted on, and is in flight only until its answer', () => {
    const { client, sent } = fakeClient();
    const joins = createJoinTracker(client);
    expect(joins.joining).toBe(false);
    const ticket = joins.begin();
    expect(joins.joining).toBe(true);
    expect(joins.answered(ticket, waiting, 'waiting')).toEqual({ stale: false });
    expect(joins.joining).toBe(false);
    expect(sent).toEqual({ leaveQueue: 0, leaveRoom: 0 });
  });

  it('a join answered after a cancel is stale, and its place in the queue is left then', () => {
    const { client, sent } = fakeClient();
    const joins = createJoinTracker(client);
    const ticket = joins.begin();
    expect(joins.cancel()).toBe(true);
    expect(joins.joining).toBe(false);
    // The cancel sends no leave of its own: the server may not have taken the join yet.
    expect(sent.leaveQueue).toBe(0);
    expect(joins.answered(ticket, waiting, 'start')).toEqual({ stale: true, open: null });
    expect(sent).toEqual({ leaveQueue: 1, leaveRoom: 0 });
  });

  it('a cancelled join that timed out is left too (it may have reached the server); one refused is not', () => {
    const timedOut = fakeClient();
    const first = createJoinTracker(timedOut.client);
    const a = first.begin();
    first.cancel();
    expect(first.answered(a, refused('TIMEOUT'), 'start')).toEqual({ stale: true, open: null });
    expect(timedOut.sent.leaveQueue).toBe(1);

    const rateLimited = fakeClient();
    const second = createJoinTracker(rateLimited.client);
    const b = second.begin();
    second.cancel();
    expect(second.answered(b, refused('RATE_LIMITED'), 'start')).toEqual({ stale: true, open: null });
    expect(rateLimited.sent).toEqual({ leaveQueue: 0, leaveRoom: 0 });
  });

  it('a chat a cancelled join was answered with is left once and never opened, even when its matched comes later', () => {
    const { client, sent } = fakeClient();
    const joins = createJoinTracker(client);
    const ticket = joins.begin();
    joins.cancel();
    expect(joins.answered(ticket, matched(7), 'start')).toEqual({ stale: true, open: null });
    expect(sent).toEqual({ leaveQueue: 0, leaveRoom: 1 });
    // Its `matched` event, late, opens nothing wherever the page is, and is not left a second time.
    expect(joins.refusesMatch(7, 'start')).toBe(true);
    expect(joins.refusesMatch(7, 'waiting')).toBe(true);
    expect(sent.leaveRoom).toBe(1);
  });

  it('a match that comes while a cancelled join is unanswered is refused and left; after the answer, matches open again', () => {
    const { client, sent } = fakeClient();
    const joins = createJoinTracker(client);
    const ticket = joins.begin();
    joins.cancel();
    expect(joins.refusesMatch(8, 'start')).toBe(true);
    expect(joins.refusesMatch(8, 'start')).toBe(true);
    expect(sent.leaveRoom).toBe(1);
    // The join's answer (the match it got) is given up without leaving the chat twice.
    expect(joins.answered(ticket, matched(8), 'start')).toEqual({ stale: true, open: null });
    expect(sent.leaveRoom).toBe(1);
    // Nothing cancelled is pending any more: a chat restored or found elsewhere is the server's truth.
    expect(joins.refusesMatch(9, 'start')).toBe(false);
  });

  it("a match is refused while the cancel's own leave is unanswered, and not once it is answered", async () => {
    const fake = fakeClient();
    const joins = createJoinTracker(fake.client);
    joins.answered(joins.begin(), waiting, 'waiting');
    expect(joins.cancel()).toBe(false);
    const leave = joins.leaveQueue();
    expect(fake.sent.leaveQueue).toBe(1);
    expect(joins.refusesMatch(10, 'start')).toBe(true);
    expect(fake.sent.leaveRoom).toBe(1);
    fake.answerLeave();
    await expect(leave).resolves.toEqual({ ok: true });
    expect(joins.refusesMatch(11, 'start')).toBe(false);
    expect(fake.sent.leaveRoom).toBe(1);
  });

  it('the leave that follows a cancelled join covers a match made meanwhile, until it is answered', async () => {
    const fake = fakeClient();
    const joins = createJoinTracker(fake.client);
    const ticket = joins.begin();
    joins.cancel();
    joins.answered(ticket, waiting, 'start');
    expect(fake.sent.leaveQueue).toBe(1);
    // The leave lost to a match: that chat is the cancelled wait's.
    expect(joins.refusesMatch(12, 'start')).toBe(true);
    fake.answerLeave({ ok: false, code: 'TIMEOUT', message: '' });
    await flush();
    expect(joins.refusesMatch(13, 'start')).toBe(false);
  });

  it('only a new match at the start is refused: not a resumed chat, nor one while waiting or chatting', () => {
    const { client, sent } = fakeClient();
    const joins = createJoinTracker(client);
    joins.begin();
    joins.cancel();
    expect(joins.refusesMatch(20, 'start', true)).toBe(false);
    expect(joins.refusesMatch(21, 'waiting')).toBe(false);
    expect(joins.refusesMatch(22, 'chat')).toBe(false);
    expect(sent.leaveRoom).toBe(0);
  });

  it('a newer join supersedes an older one: the older answer is stale, the newer one counts', () => {
    const { client, sent } = fakeClient();
    const joins = createJoinTracker(client);
    const older = joins.begin();
    const newer = joins.begin();
    expect(newer).not.toBe(older);
    expect(joins.joining).toBe(true);
    // The server's wait (same connection) is the newer join's too: nothing is left.
    expect(joins.answered(older, waiting, 'waiting')).toEqual({ stale: true, open: null });
    expect(joins.joining).toBe(true);
    expect(joins.answered(newer, waiting, 'waiting')).toEqual({ stale: false });
    expect(joins.joining).toBe(false);
    expect(sent).toEqual({ leaveQueue: 0, leaveRoom: 0 });
  });

  it("a superseded join's match is the newer wait's to open, only while the page waits", () => {
    const { client, sent } = fakeClient();
    const joins = createJoinTracker(client);
    const a = joins.begin();
    const b = joins.begin();
    const c = joins.begin();
    expect(joins.answered(a, matched(30), 'waiting')).toEqual({ stale: true, open: 30 });
    // Already in a chat (its `matched` came first): nothing more to open.
    expect(joins.answered(b, matched(31), 'chat')).toEqual({ stale: true, open: null });
    expect(joins.answered(c, matched(31), 'chat')).toEqual({ stale: false });
    expect(sent).toEqual({ leaveQueue: 0, leaveRoom: 0 });
  });

  it('a chat already left for a cancelled wait is not opened by an older join answered later', () => {
    const { client, sent } = fakeClient();
    const joins = createJoinTracker(client);
    const older = joins.begin();
    const cancelled = joins.begin();
    joins.cancel();
    expect(joins.answered(cancelled, matched(40), 'start')).toEqual({ stale: true, open: null });
    expect(sent.leaveRoom).toBe(1);
    // The person then started a new wait; the older join's answer names the chat given up.
    joins.begin();
    expect(joins.answered(older, matched(40), 'waiting')).toEqual({ stale: true, open: null });
    expect(sent.leaveRoom).toBe(1);
  });

  it('a join whose answer timed out while connected is left, and the chat it still runs into (after the leave) is refused, until the next join', async () => {
    const { client, sent, answerLeave } = fakeClient();
    const joins = createJoinTracker(client);
    const ticket = joins.begin();
    expect(joins.answered(ticket, refused('TIMEOUT'), 'start')).toEqual({ stale: false });
    joins.timedOut();
    expect(sent.leaveQueue).toBe(1);
    // The leave reached the server first and is answered; the join lands after it and is matched later.
    answerLeave();
    await flush();
    expect(joins.refusesMatch(41, 'start')).toBe(true);
    expect(sent.leaveRoom).toBe(1);
    // A new join: its match is the person's own.
    joins.begin();
    expect(joins.refusesMatch(42, 'waiting')).toBe(false);
    expect(joins.refusesMatch(43, 'start')).toBe(false);
  });
});
