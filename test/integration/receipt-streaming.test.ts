/**
 * A receipt opens a conversation of any length: the transcript is read a page of messages per statement
 * and streamed (JSON, text, download), so it comes whole and in order without ever loading the room at
 * once, and a client that hangs up mid-download stops the reading. Downloads are named by when the chat
 * began, to the second.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { createReceiptCodes } from '../../src/privacy/receipt-codes.js';
import { ReceiptBook } from '../../src/privacy/receipts.js';
import { TRANSCRIPT_PAGE_SIZE, type Transcript } from '../../src/privacy/transcript.js';
import { startAdminApp, type AdminTestApp } from '../admin/helpers.js';
import { ENGINES } from '../admin/engines.js';
import { eventually } from '../helpers/client.js';
import { silentLogger } from '../helpers/database.js';
import { TEST_SECRET } from '../helpers/server.js';

const ZONE = 'Asia/Shanghai';
/** Short messages, checked one by one. */
const LONG_CHAT = 5_000;
/** 500 CJK characters each: ~30 MB of JSON, far more than the socket's buffers hold. */
const HUGE_CHAT = 20_000;
const MESSAGE_PAGE = /FROM messages WHERE room_id = \$1 AND id > \$2 ORDER BY id LIMIT/;
/** Statements a complete read takes: full pages, then the short (maybe empty) last one. */
const pagesFor = (messages: number) => Math.floor(messages / TRANSCRIPT_PAGE_SIZE) + 1;
/** A download's name: when the chat began, to the second (`2026-01-03T16:14:38+08:00` → `chat-2026-01-03-161438`), never its room's number. */
const fileStem = (startedAt: string) => `chat-${startedAt.slice(0, 10)}-${startedAt.slice(11, 13)}${startedAt.slice(14, 16)}${startedAt.slice(17, 19)}`;

/** A closed room of `count` messages by 'u1' (odd) and 'u2' (even), `content` of the g-th; its id. */
async function seedRoom(server: AdminTestApp, count: number, content: string): Promise<number> {
  const [room] = await server.database.query<{ id: number }>(
    `INSERT INTO chat_rooms (user1_id, user2_id, created_at, is_active, ended_at, end_reason)
     VALUES ('u1', 'u2', now() - interval '1 day', false, now(), 'left') RETURNING id`,
  );
  await server.database.query(
    `INSERT INTO messages (room_id, sender_id, content, created_at)
     SELECT $1, CASE WHEN g % 2 = 1 THEN 'u1' ELSE 'u2' END, ${content}, now() - interval '1 day' + g * interval '1 second'
     FROM generate_series(1, $2::int) AS g`,
    [room!.id, count],
  );
  return room!.id;
}

describe.each(ENGINES)('long conversations through a receipt (%s)', (engine) => {
  let server: AdminTestApp;
  let book: ReceiptBook;
  let longRoom: number;
  let longCode: string;
  let hugeCode: string;
  const pagesRead = () => server.queries.count(MESSAGE_PAGE);
  const read = (code: string, query = '', init: RequestInit = {}) => fetch(`${server.url}/api/receipts/${code}${query}`, init);

  beforeAll(async () => {
    server = await startAdminApp({ engine, config: { timezone: ZONE } });
    book = new ReceiptBook(server.database, createReceiptCodes(TEST_SECRET), systemClock, silentLogger);
    longRoom = await seedRoom(server, LONG_CHAT, `'message ' || g`);
    [longCode] = await book.issue(longRoom, ['u1']) as [string];
    [hugeCode] = await book.issue(await seedRoom(server, HUGE_CHAT, `repeat('汉', 500)`), ['u1']) as [string];
  }, 120_000);
  afterAll(async () => {
    book?.stop();
    await server?.close();
  });

  it('the JSON comes whole and in order, exactly as JSON.stringify writes it, a page per statement', async () => {
    const before = pagesRead();
    const res = await read(longCode);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.text();
    expect(pagesRead() - before).toBe(pagesFor(LONG_CHAT));
    const transcript = JSON.parse(body) as Transcript;
    expect(body).toBe(JSON.stringify(transcript));
    expect(Object.keys(transcript)).toEqual(['room_id', 'code', 'timezone', 'started_at', 'ended_at', 'erase_blocked', 'erasable_at', 'erasable_in_ms', 'messages']);
    expect(transcript.room_id).toBe(longRoom);
    expect(transcript.messages).toHaveLength(LONG_CHAT);
    transcript.messages.forEach((m, i) => {
      expect(m).toEqual({ id: expect.any(Number), from: i % 2 === 0 ? 'me' : 'partner', time: expect.stringMatching(/\+08:00$/), text: `message ${i + 1}` });
      if (i > 0) expect(m.id).toBeGreaterThan(transcript.messages[i - 1]!.id);
    });

    const download = await read(longCode, '?download=1');
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="${fileStem(transcript.started_at)}.json"`);
    // The file is the same document but for the moment's erase state, which it does not keep.
    const { erase_blocked: _blocked, erasable_at: _at, erasable_in_ms: _inMs, ...lasting } = transcript;
    expect(await download.text()).toBe(JSON.stringify(lasting));
  });

  it('the text transcript comes whole and in order, a page per statement', async () => {
    const before = pagesRead();
    const res = await read(longCode, '?format=txt&lang=en');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="chat-\d{4}-\d\d-\d\d-\d{6}\.txt"$/);
    const text = await res.text();
    expect(pagesRead() - before).toBe(pagesFor(LONG_CHAT));
    const lines = text.split('\n');
    expect(lines.slice(0, 2)).toEqual(['Anonymous Chat · conversation', expect.stringMatching(/^Receipt: /)]);
    const said = lines.slice(6, -1).map((line) => /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] (Me|Partner): (.*)$/.exec(line)?.slice(1).join(': '));
    expect(said).toEqual(Array.from({ length: LONG_CHAT }, (_, i) => `${i % 2 === 0 ? 'Me' : 'Partner'}: message ${i + 1}`));
    expect(lines.at(-1)).toBe('');
  });

  it('two chats begun in the same minute (Next pressed quickly) download under two names, to the second', async () => {
    const names: string[] = [];
    for (const began of ['2026-01-03T08:14:07Z', '2026-01-03T08:14:41Z']) {
      const [room] = await server.database.query<{ id: number }>(
        `INSERT INTO chat_rooms (user1_id, user2_id, created_at, is_active, ended_at, end_reason) VALUES ('u1', 'u2', $1, false, $1, 'left') RETURNING id`,
        [new Date(began)],
      );
      const [code] = (await book.issue(room!.id, ['u1'])) as [string];
      for (const query of ['?format=txt', '?download=1']) names.push((await read(code, query)).headers.get('content-disposition') ?? '');
    }
    expect(names).toEqual([
      'attachment; filename="chat-2026-01-03-161407.txt"',
      'attachment; filename="chat-2026-01-03-161407.json"',
      'attachment; filename="chat-2026-01-03-161441.txt"',
      'attachment; filename="chat-2026-01-03-161441.json"',
    ]);
  });

  it('a client that hangs up mid-download stops the reading, and the server keeps serving', { timeout: 60_000 }, async () => {
    const before = pagesRead();
    const abort = new AbortController();
    const res = await read(hugeCode, '?format=txt', { signal: abort.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    abort.abort();
    // Once the server notices, the count stops moving, well short of the whole conversation.
    let last = -1;
    await eventually(
      () => {
        const now = pagesRead();
        const settled = now === last;
        last = now;
        if (!settled) throw new Error('still reading');
      },
      10_000,
      300,
    );
    expect(last - before).toBeGreaterThan(0);
    expect(last - before).toBeLessThan(pagesFor(HUGE_CHAT) / 2);
    expect((await read(longCode)).status).toBe(200);
  });
});
