/**
 * Protections at the door and in the chat, with a real server and real sockets: the rules and age gate,
 * the content policy on every message (terms in Chinese and English and their evasions, links, contact
 * details, crisis words, copy-paste spam), and skip flooding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../src/door/rules.js';
import { connect, eventually, matchedPair, received, request, waitFor, type TestSocket } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { serverSuite } from '../helpers/suite.js';

type Ack = { ok: boolean; code?: string; retry_after_ms?: number; message?: { id: number; content: string } };

describe('rules and age gate', () => {
  let server: TestServer;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    server = await startTestServer({ config: { rules: { enabled: true, minAge: 18, file: undefined } } });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.close();
  });
  const client = async () => {
    const c = await connect(server.url);
    sockets.push(c.socket);
    return c;
  };

  it('join_queue before accepting answers RULES_NOT_ACCEPTED; the session says which version; accepting opens the way', async () => {
    const { socket, session } = await client();
    expect(session.rules_required).toEqual({ version: DEFAULT_RULES.version, min_age: 18 });
    expect(await request<Ack>(socket, 'join_queue')).toMatchObject({ ok: false, code: 'RULES_NOT_ACCEPTED' });
    expect(await request(socket, 'accept_rules', { age_confirmed: true, rules_version: DEFAULT_RULES.version })).toEqual({ ok: true, rules_version: DEFAULT_RULES.version });
    expect(await request<Ack>(socket, 'join_queue')).toMatchObject({ ok: true });
    // Remembered for the identity: a new connection is not asked again.
    const again = await connect(server.url, { token: session.token });
    sockets.push(again.socket);
    expect(again.session.rules_required).toBeUndefined();
  });

  it('refuses an acceptance without the age confirmation or of another version of the rules', async () => {
    const { socket } = await client();
    expect(await request<Ack>(socket, 'accept_rules', { age_confirmed: false, rules_version: DEFAULT_RULES.version })).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    expect(await request<Ack>(socket, 'accept_rules', { rules_version: DEFAULT_RULES.version })).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    expect(await request<Ack>(socket, 'accept_rules', { age_confirmed: true, rules_version: 'an-old-one' })).toMatchObject({ ok: false, code: 'RULES_NOT_ACCEPTED' });
    expect(await request<Ack>(socket, 'join_queue')).toMatchObject({ ok: false, code: 'RULES_NOT_ACCEPTED' });
  });

  it('asks again after the rules change (an acceptance of an earlier version does not count)', async () => {
    const { session } = await client();
    await server.database.query("INSERT INTO rule_acceptances (user_id, rules_version, min_age, accepted_at) VALUES ($1, 'an-old-one', 18, now())", [session.user_id]);
    const again = await connect(server.url, { token: session.token });
    sockets.push(again.socket);
    expect(again.session.rules_required?.version).toBe(DEFAULT_RULES.version);
  });

  it('GET /api/rules gives the versioned text in both languages with the minimum age', async () => {
    const zh = (await (await fetch(`${server.url}/api/rules`)).json()) as { version: string; min_age: number; text: string };
    const en = (await (await fetch(`${server.url}/api/rules?lang=en`)).json()) as { text: string };
    expect(zh).toMatchObject({ version: DEFAULT_RULES.version, min_age: 18 });
    expect(zh.text).toContain('规则');
    expect(en.text).toContain('rules');
    // The same age as the box to tick, not "the minimum age".
    expect(zh.text).toContain('你必须年满 18 岁才能使用本服务');
    expect(en.text).toContain('You must be at least 18 years old');
  });
});

describe('content policy', () => {
  const suite = serverSuite({ config: { policy: { enabled: true, hotlinesFile: undefined, spamRepeatRooms: 3, spamWindowMs: 600_000 } } });
  const pair = async () => {
    const p = await matchedPair(suite.url);
    suite.track(p.a, p.b);
    return p;
  };
  const stored = (id: number) => suite.server.database.query<{ content: string; flags: string[] | null }>('SELECT content, flags FROM messages WHERE id = $1', [id]);
  const systemReport = (roomId: number) =>
    suite.server.database.query<{ reason: string; priority: number; message_ids: (string | number)[]; note: string }>(
      "SELECT reason, priority, message_ids, note FROM reports WHERE reporter_id = 'system' AND room_id = $1",
      [roomId],
    );
  const strikes = (userId: string) => suite.server.database.query<{ source: string }>('SELECT source FROM strikes WHERE user_id = $1', [userId]);

  it.each([
    ['a blocked Chinese term', '约炮吗'],
    ['the term spaced out', '约 炮 吗'],
    ['an English blocked phrase in full-width capitals', 'ＣＲＹＰＴＯ ＧＩＶＥＡＷＡＹ now'],
    ['the term split by an invisible Hangul filler', '约\u3164炮'],
    ['an English blocked phrase joined by a half-width Hangul filler', 'sex\uFFA0chat'],
  ])('refuses %s with BLOCKED_CONTENT: not delivered, kept for review, a strike', async (_name, content) => {
    const { a, b, aId, roomId } = await pair();
    const atB = received(b, 'new_message');
    expect(await request<Ack>(a, 'send_message', { content })).toMatchObject({ ok: false, code: 'BLOCKED_CONTENT' });
    await eventually(async () => expect(await strikes(aId)).toEqual([{ source: 'policy' }]));
    const held = await suite.server.database.query<{ content: string }>('SELECT content FROM held_messages WHERE room_id = $1', [roomId]);
    expect(held).toEqual([{ content }]);
    expect(await systemReport(roomId)).toHaveLength(1);
    expect(await suite.server.database.query('SELECT id FROM messages WHERE room_id = $1', [roomId])).toEqual([]);
    expect(atB).toEqual([]);
  });

  it.each([
    ['Chinese, spaced', '你个傻 逼', '你个***'],
    ['English, full-width', 'Ｆｕｃｋ you!', '********!'],
    ['English, letters spaced out', 'well f u c k you then', 'well *********** then'],
  ])('masks an insult (%s): delivered and stored masked, the sender told', async (_name, content, masked) => {
    const { a, b } = await pair();
    const atB = waitFor(b, 'new_message');
    const notice = waitFor(a, 'notice');
    const ack = await request<Ack>(a, 'send_message', { content });
    expect(ack).toMatchObject({ ok: true, message: { content: masked } });
    expect((await atB).content).toBe(masked);
    expect(await notice).toMatchObject({ kind: 'content' });
    expect(await stored(ack.message!.id)).toEqual([{ content: masked, flags: ['term', 'masked'] }]);
  });

  it('flags a contact-seeking phrase (also spaced): delivered as written, stored flagged, queued for review with the message, no strike', async () => {
    const { a, b, aId, roomId } = await pair();
    const atB = waitFor(b, 'new_message');
    const ack = await request<Ack>(a, 'send_message', { content: '加 我 微 信 吧' });
    expect((await atB).content).toBe('加 我 微 信 吧');
    expect((await stored(ack.message!.id))[0]?.flags).toEqual(['term']);
    await eventually(async () => expect((await systemReport(roomId)).map((r) => ({ reason: r.reason, ids: r.message_ids.map(Number) }))).toEqual([{ reason: 'other', ids: [ack.message!.id] }]));
    // A person judges it (an upheld report counts the strike): 不要加微信 reads the same to the rules.
    expect(await strikes(aId)).toEqual([]);
  });

  it('flags links by default (delivered), and blocks them once the policy says so — on every instance at once', async () => {
    const { a, roomId } = await pair();
    const ack = await request<Ack>(a, 'send_message', { content: 'see https://example.com/deal' });
    expect(ack.ok).toBe(true);
    expect((await stored(ack.message!.id))[0]?.flags).toEqual(['link']);
    await eventually(async () => expect((await systemReport(roomId))[0]?.reason).toBe('spam'));
    const before = suite.server.app.policy.current();
    await suite.server.app.policy.replace({ ...before, links: 'block' });
    try {
      expect(await request<Ack>(a, 'send_message', { content: 'www.example.org' })).toMatchObject({ ok: false, code: 'BLOCKED_CONTENT' });
    } finally {
      await suite.server.app.policy.replace(before);
    }
  });

  it('contact details: never blocked; a client that did not warn (the original page) is told, one that warned is not', async () => {
    const { a, roomId } = await pair();
    const notices = received(a, 'notice');
    const first = await request<Ack>(a, 'send_message', { content: '我的电话 138 1234 5678' });
    expect(first.ok).toBe(true);
    await eventually(() => expect(notices).toEqual([expect.objectContaining({ kind: 'pii', message: expect.stringContaining('联系方式') })]));
    const second = await request<Ack>(a, 'send_message', { content: 'wx: abc_def123', pii_confirmed: true });
    expect(second.ok).toBe(true);
    await request(a, 'send_message', { content: 'later' });
    expect(notices).toHaveLength(1);
    expect((await stored(second.message!.id))[0]?.flags).toEqual(['pii']);
    expect(await systemReport(roomId)).toEqual([]);
  });

  it('crisis words: the sender gets help with hotlines in their language, nothing is blocked, the chat goes to the top of the queue', async () => {
    const { a, b, roomId } = await pair();
    const atB = waitFor(b, 'new_message');
    const notice = waitFor(a, 'notice');
    expect(await request<Ack>(a, 'send_message', { content: '我真的不想活了' })).toMatchObject({ ok: true });
    expect((await atB).content).toBe('我真的不想活了');
    const help = await notice;
    expect(help).toMatchObject({ kind: 'crisis' });
    expect(help.hotlines?.some((h) => h.phone === '12356')).toBe(true);
    await eventually(async () => expect(await systemReport(roomId)).toEqual([expect.objectContaining({ reason: 'self_harm', priority: 2 })]));

    const en = await connect(suite.url, { lang: 'en' });
    const other = await connect(suite.url);
    suite.track(en.socket, other.socket);
    await request(en.socket, 'join_queue');
    await request(other.socket, 'join_queue');
    const enNotice = waitFor(en.socket, 'notice');
    await request(en.socket, 'send_message', { content: 'sometimes I want to die' });
    const enHelp = await enNotice;
    expect(enHelp.hotlines?.some((h) => h.url === 'https://findahelpline.com')).toBe(true);
    // Every language's lines too, for a page that switches language with the card shown.
    expect(enHelp.hotlines_by_lang?.en).toEqual(enHelp.hotlines);
    expect(enHelp.hotlines_by_lang?.['zh-CN']?.some((h) => h.phone === '12356')).toBe(true);
  });

  it('crisis words in a refused message: the sender still gets help, before the refusal, and the chat goes to the top of the queue', async () => {
    const { a, b, roomId } = await pair();
    const atB = received(b, 'new_message');
    const notices = received(a, 'notice');
    const before = suite.server.app.policy.current();
    await suite.server.app.policy.replace({ ...before, links: 'block' });
    try {
      expect(await request<Ack>(a, 'send_message', { content: '我想死 www.example.org' })).toMatchObject({ ok: false, code: 'BLOCKED_CONTENT' });
    } finally {
      await suite.server.app.policy.replace(before);
    }
    // Already there when the ack came: the page shows the help card together with the refusal.
    expect(notices).toEqual([expect.objectContaining({ kind: 'crisis', hotlines: expect.arrayContaining([expect.objectContaining({ phone: '12356' })]) })]);
    await eventually(async () => expect(await systemReport(roomId)).toEqual([expect.objectContaining({ reason: 'self_harm', priority: 2 })]));
    expect(atB).toEqual([]);
  });

  it('the same text into three different chats is copy-paste spam: flagged and a strike', async () => {
    const spammer = await connect(suite.url);
    suite.track(spammer.socket);
    const text = 'Best deals today only at my shop, ask me how';
    let last: Ack | undefined;
    for (let i = 0; i < 3; i++) {
      const partner = await connect(suite.url);
      suite.track(partner.socket);
      await request(spammer.socket, 'join_queue');
      expect(await request(partner.socket, 'join_queue')).toMatchObject({ status: 'matched' });
      last = await request<Ack>(spammer.socket, 'send_message', { content: text });
      expect(last.ok).toBe(true);
      await request(partner.socket, 'leave_room_event');
    }
    expect((await stored(last!.message!.id))[0]?.flags).toEqual(['spam']);
    await eventually(async () => expect(await strikes(spammer.session.user_id)).toEqual([{ source: 'policy' }]));
  });
});

describe('skip flooding', () => {
  const suite = serverSuite();
  it('leaving chat after chat within seconds slows the next join (RATE_LIMITED with a retry hint); a normal chat is never slowed', async () => {
    const skipper = await connect(suite.url);
    suite.track(skipper.socket);
    for (let i = 0; i < 4; i++) {
      const partner = await connect(suite.url);
      suite.track(partner.socket);
      await request(partner.socket, 'join_queue');
      expect(await request(skipper.socket, 'join_queue')).toMatchObject({ status: 'matched' });
      await request(skipper.socket, 'leave_room_event');
    }
    const slowed = await request<Ack>(skipper.socket, 'join_queue');
    expect(slowed).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    expect(slowed.retry_after_ms).toBeGreaterThan(0);
    expect(slowed.retry_after_ms).toBeLessThanOrEqual(2_000);
    // The partners, who were left, are not slowed.
    const { socket } = await connect(suite.url);
    suite.track(socket);
    expect(await request(socket, 'join_queue')).toMatchObject({ ok: true });
  });
});
