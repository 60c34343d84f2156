/**
 * What the receipts page's browser tests share: a server set up for them (erasing right after a chat's
 * end, lookups enough for a whole file from one address), chats given straight to the server with their
 * receipts, and the page's common moves and requests.
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
      moderation: { ...defaultConfig().moderation, reportWindowMs: 0 },
      receipts: { ...defaultConfig().receipts, lookupsPerAddressPerMin: 600 },
    },
  });
}

let chats = 0;

/**
 * A chat that ended an hour ago, the holder's two messages (第一句, 第二句) around the partner's one
 * (partner says hi): the holder's receipt code and the room.
 */
export async function endedChat(suite: MyPageSuite): Promise<{ code: string; roomId: number }> {
  const { repository } = suite.server.app;
  const receiptCodes = createReceiptCodes(TEST_SECRET);
  chats += 1;
  const [holder, partner] = [`myholder${process.pid}x${chats}`, `mypartner${process.pid}x${chats}`];
  const at = Date.now() - 3_600_000;
  const room = await repository.createRoom({ user1Id: holder, user2Id: partner, matchType: 'random', createdAt: new Date(at) });
  const texts = ['第一句', 'partner says hi', '第二句'];
  await repository.appendMessages(texts.map((content, i) => ({ roomId: room.id, senderId: i % 2 === 0 ? holder : partner, content, createdAt: new Date(at + (i + 1) * 1_000) })));
  await repository.endRoom(room.id, 'left', new Date(at + 60_000));
  const code = receiptCodes.codeFor(room.id, holder);
  await suite.server.database.query('INSERT INTO receipts (code_hash, room_id, user_id, created_at) VALUES ($1, $2, $3, $4)', [receiptCodes.hashOf(code), room.id, holder, new Date()]);
  return { code, roomId: room.id };
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
