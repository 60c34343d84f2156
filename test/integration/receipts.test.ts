/**
 * Receipts and self-service erasure with a real server and real sockets: both sides get a receipt however
 * the chat ends (leave, disconnect, shutdown), anyone holding a code downloads that side's copy (JSON and
 * text) without the identity cookie, a holder erases their own messages (the partner's stay; both see
 * markers), never while a report is open, never from another site; unknown codes say nothing; lookups are
 * limited per network; the identity cookie lists its recent chats with their codes.
 */
import { createHash } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalCode } from '../../src/privacy/receipt-codes.js';
import type { Transcript } from '../../src/privacy/transcript.js';
import type { MyChat } from '../../src/shared/protocol.js';
import type { ReceiptPayload } from '../../src/shared/protocol.js';
import { connect, eventually, matchedPair, received, request, waitFor, type TestSocket } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { serverSuite } from '../helpers/suite.js';
import { ENGINES } from '../admin/engines.js';
import { defaultConfig } from '../../src/config/config.js';

const ZONE = 'Asia/Shanghai';
/** How long after a chat ends the partner may still report it — and a holder's erasure waits. */
const REPORT_WINDOW_MS = 1_000;
const pastReportWindow = () => new Promise((resolve) => setTimeout(resolve, REPORT_WINDOW_MS + 50));
const CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){6}$/;
const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin' };
/** A download's name, to the second (two chats begun in the same minute get two): `2026-01-03T16:14:38+08:00` → `chat-2026-01-03-161438`. */
const fileStem = (startedAt: string) => `chat-${startedAt.slice(0, 10)}-${startedAt.slice(11, 13)}${startedAt.slice(14, 16)}${startedAt.slice(17, 19)}`;

describe.each(ENGINES)('receipts (%s)', (engine) => {
  const suite = serverSuite({
    engine,
    config: { timezone: ZONE, receipts: { lookupsPerAddressPerMin: 10_000, reportSettleMs: 0 }, moderation: { ...defaultConfig().moderation, reportWindowMs: REPORT_WINDOW_MS } },
  });

  /** Loads the chat page as a browser would and returns the identity cookie it sets. */
  async function pageCookie(url = suite.url): Promise<string> {
    const res = await fetch(`${url}/`);
    return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  }

  /** Two people matched with each other, each with an identity cookie (as the page gives one). */
  async function pair(url = suite.url) {
    const [cookieA, cookieB] = [await pageCookie(url), await pageCookie(url)];
    const a = await connect(url, { cookie: cookieA });
    const b = await connect(url, { cookie: cookieB });
    if (url === suite.url) suite.track(a.socket, b.socket);
    const matched = Promise.all([waitFor(a.socket, 'matched'), waitFor(b.socket, 'matched')]);
    await request(a.socket, 'join_queue');
    await request(b.socket, 'join_queue');
    const [m] = await matched;
    return { a: a.socket, b: b.socket, aId: a.session.user_id, bId: b.session.user_id, cookieA, cookieB, roomId: m.room_id };
  }

  async function say(socket: TestSocket, content: string): Promise<number> {
    const ack = await request<{ ok: boolean; message: { id: number } }>(socket, 'send_message', { content });
    expect(ack.ok).toBe(true);
    return ack.message.id;
  }

  const read = (code: string, query = '', headers: Record<string, string> = {}) => fetch(`${suite.url}/api/receipts/${encodeURIComponent(code)}${query}`, { headers });
  const erase = (code: string, headers: Record<string, string> = SAME_ORIGIN) => fetch(`${suite.url}/api/receipts/${encodeURIComponent(code)}/erase`, { method: 'POST', headers });
  const transcript = async (code: string) => {
    const res = await read(code);
    expect(res.status).toBe(200);
    return (await res.json()) as Transcript;
  };
  const myChats = async (cookie: string, url = suite.url) => {
    const res = await fetch(`${url}/api/my/chats`, { headers: { cookie, ...SAME_ORIGIN } });
    expect(res.status).toBe(200);
    return (await res.json()) as { user_id: string | null; chats: MyChat[] };
  };

  /** A chat with a few messages that `a` then leaves: both receipts. */
  async function endedChat() {
    const p = await pair();
    const receiptA = waitFor(p.a, 'receipt');
    const receiptB = waitFor(p.b, 'receipt');
    const ids = [await say(p.a, '你好，我是 A'), await say(p.b, 'hi, B here'), await say(p.a, 'line one\nline two')];
    await request(p.a, 'leave_room_event');
    return { ...p, ids, codeA: (await receiptA).code, codeB: (await receiptB).code };
  }

  describe('receipts are given when a chat ends', () => {
    it('both sides get their own receipt when one leaves; only SHA-256 hashes of the codes are stored', async () => {
      const { roomId, aId, bId, codeA, codeB } = await endedChat();
      expect(codeA).toMatch(CODE_PATTERN);
      expect(codeB).toMatch(CODE_PATTERN);
      expect(codeA).not.toBe(codeB);
      const rows = await suite.server.database.query<{ code_hash: string; user_id: string }>('SELECT code_hash, user_id FROM receipts WHERE room_id = $1 ORDER BY user_id', [roomId]);
      const sha = (code: string) => createHash('sha256').update(canonicalCode(code)!).digest('hex');
      expect(rows).toEqual(
        [
          { code_hash: sha(codeA), user_id: aId },
          { code_hash: sha(codeB), user_id: bId },
        ].sort((x, y) => x.user_id.localeCompare(y.user_id)),
      );
      // The code itself is nowhere in the table.
      const text = JSON.stringify(await suite.server.database.query('SELECT * FROM receipts'));
      expect(text).not.toContain(canonicalCode(codeA));
    });

    it('the side still connected gets it when the partner disconnects; the one gone finds it on /api/my/chats', async () => {
      const { a, b, cookieA, roomId } = await pair();
      const receiptB = waitFor(b, 'receipt');
      await say(a, 'bye');
      a.disconnect();
      const { room_id: receivedRoom, code } = await receiptB;
      expect(receivedRoom).toBe(roomId);
      const mine = await myChats(cookieA);
      const chat = mine.chats.find((c) => c.room_id === roomId);
      expect(chat?.code).toMatch(CODE_PATTERN);
      // A's code (listed, never sent) opens A's side; B's opens B's.
      expect((await transcript(chat!.code)).messages).toEqual([expect.objectContaining({ from: 'me', text: 'bye' })]);
      expect((await transcript(code)).messages).toEqual([expect.objectContaining({ from: 'partner', text: 'bye' })]);
    });

    it('both sides get one at server shutdown, before their connections close', async () => {
      const server: TestServer = await startTestServer({ engine, config: { timezone: ZONE } });
      try {
        const { a, b, roomId } = await pair(server.url);
        const seenA = received(a, 'receipt');
        const seenB = received(b, 'receipt');
        const closedA = new Promise((resolve) => a.once('disconnect', resolve));
        await server.app.close();
        await closedA;
        await eventually(() => {
          expect(seenA).toEqual([{ room_id: roomId, code: expect.stringMatching(CODE_PATTERN) }] satisfies ReceiptPayload[]);
          expect(seenB).toEqual([{ room_id: roomId, code: expect.stringMatching(CODE_PATTERN) }]);
        });
        a.close();
        b.close();
      } finally {
        await server.close();
      }
    });
  });

  describe('a receipt opens its side of the conversation', () => {
    it('as JSON from another client without any cookie: me and partner, times in the zone, no identities', async () => {
      const { roomId, ids, codeA, codeB, aId, bId } = await endedChat();
      const res = await read(codeA);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await res.json()) as Transcript;
      expect(body).toMatchObject({ room_id: roomId, code: codeA, timezone: ZONE, started_at: expect.stringMatching(/\+08:00$/), ended_at: expect.stringMatching(/\+08:00$/) });
      expect(body.messages).toEqual([
        { id: ids[0], from: 'me', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/), text: '你好，我是 A' },
        { id: ids[1], from: 'partner', time: expect.any(String), text: 'hi, B here' },
        { id: ids[2], from: 'me', time: expect.any(String), text: 'line one\nline two' },
      ]);
      expect(JSON.stringify(body)).not.toContain(aId);
      expect(JSON.stringify(body)).not.toContain(bId);
      expect((await transcript(codeB)).messages.map((m) => m.from)).toEqual(['partner', 'me', 'partner']);
      // Typed by hand: lower case, spaces instead of dashes, O for 0 and I/L for 1 all work.
      const typed = codeA.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l');
      expect((await transcript(typed)).room_id).toBe(roomId);
    });

    it('as a UTF-8 text transcript with times in the zone, labels in the language asked for', async () => {
      const { roomId, codeA } = await endedChat();
      const zh = await read(codeA, '?format=txt');
      expect(zh.status).toBe(200);
      expect(zh.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      // Named by when the chat began, not by its room's number (which would tell how many chats there were).
      const stem = fileStem((await transcript(codeA)).started_at);
      expect(zh.headers.get('content-disposition')).toBe(`attachment; filename="${stem}.txt"`);
      const text = await zh.text();
      // Not the room's number: it would tell how many chats the service has had.
      expect(text).not.toContain(`房间`);
      expect(text).toContain(`时区: ${ZONE}`);
      expect(text).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] 我: 你好，我是 A$/m);
      expect(text).toMatch(/^\[[^\]]+\] 对方: hi, B here$/m);
      expect(text).toMatch(/^\[[^\]]+\] 我: line one\n {4}line two$/m);
      // With a byte order mark, as the chat page's own Save writes (older Windows editors need it for Chinese).
      const bytes = new Uint8Array(await (await read(codeA, '?format=txt')).arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const en = await (await read(codeA, '?format=txt&lang=en')).text();
      expect(en).toMatch(/^\[[^\]]+\] Me: 你好，我是 A$/m);
      expect(en).toMatch(/^\[[^\]]+\] Partner: hi, B here$/m);
      const asFile = await read(codeA, '?download=1');
      expect(asFile.headers.get('content-disposition')).toBe(`attachment; filename="${stem}.json"`);
      const badFormat = await read(codeA, '?format=pdf');
      expect(badFormat.status).toBe(400);
      expect(await badFormat.json()).toEqual({ error: 'INVALID_PAYLOAD', message: 'format must be json or txt' });
      // Each parameter named as it is wrong (a long lang was told "format must be json or txt").
      expect(await (await read(codeA, `?lang=${'e'.repeat(17)}`)).json()).toEqual({ error: 'INVALID_PAYLOAD', message: 'lang must be at most 16 characters (zh-CN or en)' });
      expect(await (await read(codeA, '?download=yes')).json()).toEqual({ error: 'INVALID_PAYLOAD', message: 'download must be 0 or 1' });
    });

    it('a message cannot forge a line of the text file: every Unicode line break is indented (found by the exploratory test: U+2028)', async () => {
      const p = await pair();
      const receiptA = waitFor(p.a, 'receipt');
      const forged = '[2026-12-07 08:00:00] 我: I (A) confess everything';
      for (const sep of ['\u2028', '\u2029', '\u0085', '\u000b', '\u000c', '\r', '\r\n']) await say(p.b, `hi${sep}${forged}`);
      await request(p.a, 'leave_room_event');
      const text = await (await read((await receiptA).code, '?format=txt')).text();
      const lines = text.split(/\r\n|[\n\v\f\r\u0085\u2028\u2029]/u);
      const messageLines = lines.filter((line) => line.includes('confess') || line.startsWith('['));
      expect(messageLines).toHaveLength(14);
      for (const line of messageLines) expect(line.startsWith('    ') || /^\[[^\]]+\] 对方: hi$/.test(line), JSON.stringify(line)).toBe(true);
    });

    it('an unknown or malformed code is 404 NOT_FOUND, the same answer either way, in the asker\'s language', async () => {
      const { codeA } = await endedChat();
      const madeUp = codeA.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
      const answers = await Promise.all([madeUp, 'not-a-code', '0'.repeat(28), 'x'.repeat(90)].map(async (code) => {
        const res = await read(code);
        return { status: res.status, body: await res.text() };
      }));
      for (const answer of answers) expect(answer).toEqual({ status: 404, body: JSON.stringify({ error: 'NOT_FOUND', message: '找不到这次聊天' }) });
      const inEnglish = await read(madeUp, '', { 'accept-language': 'en-GB,en;q=0.9' });
      expect(inEnglish.headers.get('cache-control')).toBe('no-store');
      expect(await inEnglish.json()).toEqual({ error: 'NOT_FOUND', message: 'That chat was not found' });
      expect((await erase(madeUp)).status).toBe(404);
    });
  });

  describe('erasing one’s own messages', () => {
    it('empties the holder’s messages only; both sides see markers; the audit log says who and why', async () => {
      const { roomId, ids, aId, codeA, codeB } = await endedChat();
      await pastReportWindow();
      const res = await erase(codeA);
      expect(res.status).toBe(200);
      const answer = (await res.json()) as { room_id: number; erased: number; erased_at: string };
      expect(answer).toEqual({ room_id: roomId, erased: 2, erased_at: expect.stringMatching(/\+08:00$/) });

      const marker = { erased_at: answer.erased_at, erased_by: 'sender' };
      const mine = await transcript(codeA);
      expect(mine.messages).toEqual([
        { id: ids[0], from: 'me', time: expect.any(String), ...marker },
        { id: ids[1], from: 'partner', time: expect.any(String), text: 'hi, B here' },
        { id: ids[2], from: 'me', time: expect.any(String), ...marker },
      ]);
      const theirs = await transcript(codeB);
      expect(theirs.messages).toEqual([
        { id: ids[0], from: 'partner', time: expect.any(String), ...marker },
        { id: ids[1], from: 'me', time: expect.any(String), text: 'hi, B here' },
        { id: ids[2], from: 'partner', time: expect.any(String), ...marker },
      ]);
      const text = await (await read(codeB, '?format=txt')).text();
      expect(text).not.toContain('我是 A');
      expect(text).toMatch(/对方: 〔已由发送者删除，\d{4}-\d\d-\d\d \d\d:\d\d:\d\d〕/);

      const stored = await suite.server.database.query<{ content: string; erased_by: string | null }>('SELECT content, erased_by FROM messages WHERE room_id = $1 ORDER BY id', [roomId]);
      expect(stored).toEqual([
        { content: '', erased_by: 'sender' },
        { content: 'hi, B here', erased_by: null },
        { content: '', erased_by: 'sender' },
      ]);
      const audit = await suite.server.database.query<{ detail: Record<string, unknown>; client_address: string | null }>(
        "SELECT detail, client_address FROM admin_audit_log WHERE action = 'erase_own' AND (detail->>'room_id')::bigint = $1",
        [roomId],
      );
      expect(audit).toEqual([{ detail: { room_id: roomId, who: aId, why: 'self-service erasure', messages: 2 }, client_address: expect.stringMatching(/^[0-9a-f]{32}$/) }]);
      // Again: nothing left to erase, still fine — and no audit row for it (anyone with the code could add 30 a minute).
      expect(await (await erase(codeA)).json()).toMatchObject({ erased: 0 });
      const rows = await suite.server.database.query("SELECT 1 FROM admin_audit_log WHERE action = 'erase_own' AND (detail->>'room_id')::bigint = $1", [roomId]);
      expect(rows).toHaveLength(1);
    });

    it('is refused with 409 while a report on the conversation is open, and works once it is decided', async () => {
      const { b, roomId, codeA } = await endedChat();
      const report = await request<{ ok: boolean; report_id: number }>(b, 'report', { reason: 'harassment' });
      expect(report.ok).toBe(true);
      const refused = await erase(codeA);
      expect(refused.status).toBe(409);
      expect(await refused.json()).toEqual({ error: 'REPORT_OPEN', message: '这次聊天正在安全审核中，暂时不能删除。审核结束后可以再试。' });
      const kept = await suite.server.database.query<{ erased_at: Date | null }>('SELECT erased_at FROM messages WHERE room_id = $1', [roomId]);
      expect(kept.every((m) => m.erased_at === null)).toBe(true);
      await suite.server.app.moderation.resolve(report.report_id, { action: 'dismiss', scope: 'identity', }, 'admin');
      await pastReportWindow();
      expect((await erase(codeA)).status).toBe(200);
    });

    it('is refused with 409 SANCTION_IN_FORCE for the one a report in it got sanctioned, until the sanction is lifted; the reporter may erase theirs (found by the /my exploratory test)', async () => {
      const { b, roomId, codeA, codeB } = await endedChat();
      const report = await request<{ ok: boolean; report_id: number }>(b, 'report', { reason: 'harassment' });
      expect(report.ok).toBe(true);
      const decided = await suite.server.app.moderation.resolve(report.report_id, { action: 'ban', scope: 'identity', durationS: 86_400 }, 'admin');
      await pastReportWindow();
      // The transcript says so before any try; the erasure is refused and erases nothing.
      expect(await transcript(codeA)).toMatchObject({ erase_blocked: 'sanction_in_force', erasable_at: null });
      const refused = await erase(codeA);
      expect(refused.status).toBe(409);
      expect(await refused.json()).toEqual({
        error: 'SANCTION_IN_FORCE',
        message: '这次聊天中对你的举报导致了仍在生效的处罚：处罚结束或解除之前，你在其中的消息作为依据保留，不能删除。',
      });
      const aMessages = () => suite.server.database.query<{ content: string }>('SELECT content FROM messages WHERE room_id = $1 AND sender_id <> (SELECT reporter_id FROM reports WHERE id = $2) ORDER BY id', [roomId, report.report_id]);
      expect((await aMessages()).map((m) => m.content)).toEqual(['你好，我是 A', 'line one\nline two']);
      // The one who reported is not held to it.
      expect(await transcript(codeB)).toMatchObject({ erase_blocked: null });
      expect(await (await erase(codeB)).json()).toMatchObject({ erased: 1 });
      // Lifted: the evidence is the holder's to erase again.
      await suite.server.app.moderation.lift(decided!.sanction!.id, 'admin');
      expect(await transcript(codeA)).toMatchObject({ erase_blocked: null });
      expect(await (await erase(codeA)).json()).toMatchObject({ erased: 2 });
    });

    it('erases nothing when its audit row cannot be written (one transaction), and works once it can', async () => {
      const { roomId, codeA } = await endedChat();
      await pastReportWindow();
      const db = suite.server.database;
      await db.query('ALTER TABLE admin_audit_log RENAME TO admin_audit_log_away');
      try {
        expect((await erase(codeA)).status).toBe(500);
      } finally {
        await db.query('ALTER TABLE admin_audit_log_away RENAME TO admin_audit_log');
      }
      const kept = await db.query<{ erased_at: Date | null }>('SELECT erased_at FROM messages WHERE room_id = $1', [roomId]);
      expect(kept.every((m) => m.erased_at === null)).toBe(true);
      expect(await (await erase(codeA)).json()).toMatchObject({ room_id: roomId, erased: 2 });
    });

    it('is refused with 409 REPORT_WINDOW_OPEN while the partner may still report: a report filed then finds every text', async () => {
      const { b, roomId, ids, codeA } = await endedChat();
      // At once after the end: the partner has the report window, and a report names messages by id.
      const early = await erase(codeA);
      expect(early.status).toBe(409);
      expect(Number(early.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(early.headers.get('retry-after'))).toBeLessThanOrEqual(Math.ceil(REPORT_WINDOW_MS / 1000));
      expect(await early.json()).toEqual({ error: 'REPORT_WINDOW_OPEN', message: '聊天刚结束，对方还可以举报这次聊天，暂时不能删除。请稍后再试。' });
      const report = await request<{ ok: boolean; report_id: number }>(b, 'report', { reason: 'harassment', message_ids: [ids[0]!] });
      expect(report.ok).toBe(true);
      const texts = await suite.server.database.query<{ content: string }>('SELECT content FROM messages WHERE room_id = $1 ORDER BY id', [roomId]);
      expect(texts.map((m) => m.content)).toEqual(['你好，我是 A', 'hi, B here', 'line one\nline two']);
      // Past the window the report, still open, keeps it as evidence.
      await pastReportWindow();
      expect(await (await erase(codeA)).json()).toMatchObject({ error: 'REPORT_OPEN' });
    });

    it('is refused from another site (403) and erases nothing', async () => {
      const { roomId, codeA } = await endedChat();
      const crossSite: Record<string, string>[] = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'null' }];
      for (const headers of crossSite) {
        const res = await erase(codeA, headers);
        expect(res.status).toBe(403);
        expect(await res.json()).toMatchObject({ error: 'CROSS_SITE_REQUEST' });
      }
      const kept = await suite.server.database.query<{ erased_at: Date | null }>('SELECT erased_at FROM messages WHERE room_id = $1', [roomId]);
      expect(kept.every((m) => m.erased_at === null)).toBe(true);
      await pastReportWindow();
      expect((await erase(codeA, { origin: suite.url })).status).toBe(200);
    });
  });

  describe('the identity’s recent chats', () => {
    it('lists the cookie’s ended chats with their receipt codes, newest first; nothing without a cookie or from another site', async () => {
      const first = await endedChat();
      const { a, b, roomId: secondRoom, cookieA: otherCookie } = await pair();
      void b;
      const receipt = waitFor(a, 'receipt');
      await request(a, 'leave_room_event');
      const secondCode = (await receipt).code;
      const mine = await myChats(otherCookie);
      expect(mine.chats).toEqual([{ room_id: secondRoom, code: secondCode, started_at: expect.stringMatching(/\+08:00$/), ended_at: expect.stringMatching(/\+08:00$/), end_reason: 'left', message_count: 0 }]);
      const firstList = await myChats(first.cookieA);
      expect(firstList.user_id).toBe(first.aId);
      expect(firstList.chats.map((c) => [c.room_id, c.code])).toEqual([[first.roomId, first.codeA]]);

      // Two chats of one identity: the newer first.
      const c = await connect(suite.url, { cookie: first.cookieA });
      const d = await connect(suite.url);
      suite.track(c.socket, d.socket);
      const matched = waitFor(c.socket, 'matched');
      await request(c.socket, 'join_queue');
      await request(d.socket, 'join_queue');
      const { room_id: newer } = await matched;
      const ended = waitFor(c.socket, 'receipt');
      await request(d.socket, 'leave_room_event');
      await ended;
      expect((await myChats(first.cookieA)).chats.map((chat) => chat.room_id)).toEqual([newer, first.roomId]);

      expect(await (await fetch(`${suite.url}/api/my/chats`)).json()).toEqual({ user_id: null, chats: [] });
      expect((await fetch(`${suite.url}/api/my/chats`, { headers: { cookie: first.cookieA, origin: 'https://evil.example' } })).status).toBe(403);
    });

    it('does not tell the one blocked that they were: a block ends the chat as "left" in the listing, as it was told', async () => {
      const { a, b, cookieA, cookieB, roomId } = await pair();
      const told = waitFor(a, 'partner_left');
      expect(await request(b, 'block', { room_id: roomId })).toMatchObject({ ok: true });
      expect(await told).toMatchObject({ reason: 'left' });
      const stored = await suite.server.database.query<{ end_reason: string }>('SELECT end_reason FROM chat_rooms WHERE id = $1', [roomId]);
      expect(stored[0]?.end_reason).toBe('blocked');
      for (const cookie of [cookieA, cookieB]) {
        const listed = await eventually(async () => {
          const chat = (await myChats(cookie)).chats.find((c) => c.room_id === roomId);
          expect(chat).toBeDefined();
          return chat!;
        });
        expect(listed.end_reason).toBe('left');
      }
    });
  });

  describe('lookups per network', () => {
    let limited: TestServer | undefined;
    let settling: TestServer | undefined;
    afterAll(async () => {
      await limited?.close();
      await settling?.close();
    });

    it('a page of another site cannot spend the network’s budget: refused before a token is taken', async () => {
      limited = await startTestServer({ engine, config: { receipts: { lookupsPerAddressPerMin: 3, reportSettleMs: 0 } } });
      const { a, b } = await pair(limited.url);
      const receipt = waitFor(a, 'receipt');
      await request(b, 'leave_room_event');
      const { code } = await receipt;
      for (let i = 0; i < 10; i++) {
        const res = await fetch(`${limited.url}/api/receipts/${code}`, { headers: { 'sec-fetch-site': 'cross-site' } });
        expect(res.status).toBe(403);
      }
      // A link to the transcript followed from another site (webmail, say) is somebody opening it.
      // (node:http: fetch sets Sec-Fetch-Mode itself.)
      const followed = await new Promise<number>((resolve, reject) => {
        const headers = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };
        httpGet(`${limited!.url}/api/receipts/${code}?format=txt`, { headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
      expect(followed).toBe(200);
      for (let i = 0; i < 2; i++) expect((await fetch(`${limited.url}/api/receipts/${code}`, { headers: SAME_ORIGIN })).status).toBe(200);
      a.close();
      b.close();
      await limited.close();
      limited = undefined;
    });

    it('the listing of one’s chats is limited per identity: 429 with Retry-After beyond the budget', async () => {
      limited = await startTestServer({ engine, config: { receipts: { lookupsPerAddressPerMin: 3, reportSettleMs: 0 } } });
      const cookie = await pageCookie(limited.url);
      const list = () => fetch(`${limited!.url}/api/my/chats`, { headers: { cookie, ...SAME_ORIGIN } });
      expect([(await list()).status, (await list()).status, (await list()).status]).toEqual([200, 200, 200]);
      const refused = await list();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // Another identity of the same network still has its own.
      expect((await fetch(`${limited.url}/api/my/chats`, { headers: { cookie: await pageCookie(limited.url), ...SAME_ORIGIN } })).status).toBe(200);
      await limited.close();
      limited = undefined;
    });

    it('an erasure waits a little past the report window too, for a report made in its last moment to be stored', async () => {
      settling = await startTestServer({
        engine,
        config: { receipts: { lookupsPerAddressPerMin: 100, reportSettleMs: 60_000 }, moderation: { ...defaultConfig().moderation, reportWindowMs: 0 } },
      });
      const { a, b } = await pair(settling.url);
      const receipt = waitFor(a, 'receipt');
      await request(b, 'leave_room_event');
      const { code } = await receipt;
      const refused = await fetch(`${settling.url}/api/receipts/${code}/erase`, { method: 'POST', headers: SAME_ORIGIN });
      expect(refused.status).toBe(409);
      expect(await refused.json()).toMatchObject({ error: 'REPORT_WINDOW_OPEN' });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(50);
      a.close();
      b.close();
    });

    it('are limited: beyond the budget 429 with Retry-After, for reads, erasures and made-up codes alike', async () => {
      limited = await startTestServer({ engine, config: { receipts: { lookupsPerAddressPerMin: 5, reportSettleMs: 0 } } });
      const { a, b } = await pair(limited.url);
      const receipt = waitFor(a, 'receipt');
      await request(b, 'leave_room_event');
      const { code } = await receipt;
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await fetch(`${limited.url}/api/receipts/${code}`)).status);
      statuses.push((await fetch(`${limited.url}/api/receipts/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG`)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 404]);
      const refused = await fetch(`${limited.url}/api/receipts/${code}`);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await refused.json()).toMatchObject({ error: 'RATE_LIMITED' });
      expect((await fetch(`${limited.url}/api/receipts/${code}/erase`, { method: 'POST' })).status).toBe(429);
      a.close();
      b.close();
    });
  });
});
