/**
 * What the receipts page's browser tests share: a server set up for them (erasing right after a chat's
 * end — a chat that ended long enough ago —, lookups enough for a whole file from one address, times in
 * Beijing time), chats given straight to the server with their receipts, and the page's common moves and
 * requests.
 */
import type { Page, Request } from 'playwright-core';
import { defaultConfig } from '../../src/config/config.js';
import { createReceiptCodes } from '../../src/privacy/receipt-codes.js';
import { browserSuite } from './chat-page.js';
import { TEST_SECRET } from './server.js';

export type MyPageSuite = ReturnType<typeof browserSuite>;

/** The server for a file of receipts page tests. */
export function myPageSuite(): MyPageSuite {
  return browserSuite({
    config: {
      timezone: MY_PAGE_ZONE,
      moderation: { ...defaultConfig().moderation, reportWindowMs: 0 },
      receipts: { ...defaultConfig().receipts, lookupsPerAddressPerMin: 600 },
    },
  });
}

/** The zone of the receipts page tests' server: Beijing time, UTC+8 all year. */
export const MY_PAGE_ZONE = 'Asia/Shanghai';
const ZONE_OFFSET_MS = 8 * 3_600_000;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `HH:mm:ss` of an instant in Beijing time. */
export const beijingClock = (at: Date) => new Date(at.getTime() + ZONE_OFFSET_MS).toISOString().slice(11, 19);

/** When a chat began as the page names it (`6 月 5 日 14:02:31` / `5 June, 14:02:31`): its title is `${zh} 的聊天` / `Chat of ${en}`. */
function whenOf(at: Date): { zh: string; en: string } {
  const wall = new Date(at.getTime() + ZONE_OFFSET_MS);
  const clock = wall.toISOString().slice(11, 19);
  return { zh: `${wall.getUTCMonth() + 1} 月 ${wall.getUTCDate()} 日 ${clock}`, en: `${wall.getUTCDate()} ${MONTHS[wall.getUTCMonth()]}, ${clock}` };
}

let chats = 0;

/**
 * A chat that ended an hour ago (or at `endedAt`; `null`: its end not written yet, as when the server is
 * still trying to), the holder's two messages (第一句, 第二句) around the partner's one (partner says hi):
 * the holder's receipt code, the room, and when it began as the page names it. Chats began two minutes
 * apart, on a whole minute each, so any two a test makes have two names.
 */
export async function endedChat(suite: MyPageSuite, options: { endedAt?: Date | null; texts?: readonly string[] } = {}): Promise<{ code: string; roomId: number; when: { zh: string; en: string } }> {
  const { repository } = suite.server.app;
  const receiptCodes = createReceiptCodes(TEST_SECRET);
  chats += 1;
  const [holder, partner] = [`myholder${process.pid}x${chats}`, `mypartner${process.pid}x${chats}`];
  const endedAt = options.endedAt === undefined ? new Date(Date.now() - 3_600_000) : options.endedAt;
  const endsAt = endedAt ?? new Date();
  const at = Math.floor((endsAt.getTime() - 60_000) / 60_000) * 60_000 - chats * 120_000;
  const room = await repository.createRoom({ user1Id: holder, user2Id: partner, matchType: 'random', createdAt: new Date(at) });
  const texts = options.texts ?? ['第一句', 'partner says hi', '第二句'];
  await repository.appendMessages(texts.map((content, i) => ({ roomId: room.id, senderId: i % 2 === 0 ? holder : partner, content, createdAt: new Date(at + (i + 1) * 1_000) })));
  if (endedAt) await repository.endRoom(room.id, 'left', endedAt);
  const code = receiptCodes.codeFor(room.id, holder);
  await suite.server.database.query('INSERT INTO receipts (code_hash, room_id, user_id, created_at) VALUES ($1, $2, $3, $4)', [receiptCodes.hashOf(code), room.id, holder, new Date()]);
  return { code, roomId: room.id, when: whenOf(new Date(at)) };
}

/** Types a code into the form and sends it. */
export async function openByCode(my: Page, code: string): Promise<void> {
  await my.getByTestId('code-input').fill(code);
  await my.getByTestId('code-input').press('Enter');
}

/** The texts of the conversation on screen. */
export const transcriptTexts = (my: Page) => my.getByTestId('transcript-text').allTextContents();

export const isTranscriptRead = (request: Request, code: string) =>
  request.method() === 'GET' && new URL(request.url()).pathname === `/api/receipts/${encodeURIComponent(code)}`;
export const isErase = (request: Request) => request.method() === 'POST' && request.url().endsWith('/erase');

/** A promise and the function that settles it: an answer held back until the test lets it go. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/**
 * Long enough for an answer that came back to be handled (parsed, rendered) by the page: for the
 * assertions that something did *not* happen, which no event announces.
 */
export const settle = (page: Page) => page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
