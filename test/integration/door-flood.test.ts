/**
 * The door under a stream of knocks, with a real server and real sockets: a client that repeats
 * `accept_rules`, or keeps asking to join without ever accepting the rules, is stopped by its budgets
 * before each knock costs the database a write or a read (RELIABILITY §16); a client that cycles through
 * strangers by disconnecting and coming back is slowed as one that leaves is.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../src/door/rules.js';
import { connect, request, waitFor, type TestSocket } from '../helpers/client.js';
import { GENEROUS_LIMITS } from '../helpers/server.js';
import { serverSuite } from '../helpers/suite.js';

type Ack = { ok: boolean; code?: string; retry_after_ms?: number };

describe('the door under a stream of knocks', () => {
  // Five joins at once, then one every 15 s.
  const suite = serverSuite({ config: { rules: { enabled: true, minAge: 18, file: undefined }, rateLimits: { ...GENEROUS_LIMITS, joinsPerMin: 4 } } });
  const client = async () => {
    const c = await connect(suite.url);
    suite.track(c.socket);
    return c;
  };
  const acceptedAt = async (userId: string) =>
    (await suite.server.database.query<{ accepted_at: Date }>('SELECT accepted_at FROM rule_acceptances WHERE user_id = $1', [userId]))[0]?.accepted_at.getTime();
  const accept = (socket: TestSocket) => request<Ack>(socket, 'accept_rules', { age_confirmed: true, rules_version: DEFAULT_RULES.version });

  it('a repeated acceptance writes nothing, and a stream of them is refused RATE_LIMITED', async () => {
    const { socket, session } = await client();
    expect(await accept(socket)).toMatchObject({ ok: true });
    const first = await acceptedAt(session.user_id);
    expect(first).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const answers: Ack[] = [];
    for (let i = 0; i < 8; i++) answers.push(await accept(socket));
    // Acknowledged as before, but the row is the first acceptance's: no commit per repeat.
    expect(answers.slice(0, 4).every((a) => a.ok)).toBe(true);
    expect(await acceptedAt(session.user_id)).toBe(first);
    // Five per identity at once, then one every 12 s.
    expect(answers.slice(4)).toEqual(Array(4).fill(expect.objectContaining({ ok: false, code: 'RATE_LIMITED' })));
    expect(answers[4]!.retry_after_ms).toBeGreaterThan(0);
  });

  it('asking to join again and again without accepting the rules is refused by the join budget, before the rules are read', async () => {
    const { socket } = await client();
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 8; i++) codes.push((await request<Ack>(socket, 'join_queue')).code);
    expect(codes).toEqual([...Array(5).fill('RULES_NOT_ACCEPTED'), ...Array(3).fill('RATE_LIMITED')]);
    // The same budget covers the private rooms' door.
    expect(await request<Ack>(socket, 'create_private')).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    expect(await request<Ack>(socket, 'join_private', { key: 'ABCD-EFGH' })).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
  });
});

describe('skipping by reconnecting', () => {
  const suite = serverSuite();
  it('disconnecting on purpose from chat after chat within seconds, then coming back, slows the next join as leaving does', async () => {
    const first = await connect(suite.url);
    suite.track(first.socket);
    let skipper = first.socket;
    for (let i = 0; i < 4; i++) {
      const partner = await connect(suite.url);
      suite.track(partner.socket);
      await request(partner.socket, 'join_queue');
      expect(await request(skipper, 'join_queue')).toMatchObject({ status: 'matched' });
      const gone = waitFor(partner.socket, 'partner_left');
      skipper.disconnect();
      await gone;
      // The same identity, on a new connection: the chat is over, not resumed.
      const back = await connect(suite.url, { token: first.session.token });
      suite.track(back.socket);
      expect(back.session.status).toBe('idle');
      skipper = back.socket;
    }
    const slowed = await request<Ack>(skipper, 'join_queue');
    expect(slowed).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    expect(slowed.retry_after_ms).toBeGreaterThan(0);
  });
});
