/**
 * A chat that ends while one side is away, in a real Chromium against the real server: the receipt went to
 * the connection that was gone, so the page that comes back looks it up (`GET /api/my/chats`) and shows it
 * as a receipt that came with the end is — on the ended bar when the chat was on screen, on the start screen
 * when the page was reloaded — with the right code (the listing's, for that room, which opens the conversation
 * with the partner's words said meanwhile), a line saying that what was said meanwhile can be
 * read with it on /my, and no serious accessibility finding. Needs Debian's Chromium at /usr/bin/chromium:
 * skipped with a visible line without it, except under CI.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { MyChat } from '../../src/shared/protocol.js';
import type { Transcript } from '../../src/privacy/transcript.js';
import { expectNoSeriousViolations } from '../helpers/axe.js';
import { screenshotDir, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('chat ended while away browser tests');

/**
 * A quick heartbeat, so the server notices the silent page within 3 s, and a grace period long enough
 * that the chat is still waiting for the page when the partner leaves (as in reconnect.e2e.test.ts).
 */
const SERVER_CONFIG = { pingIntervalMs: 1000, pingTimeoutMs: 2000, reconnectGraceMs: 15_000 };
const WAIT_MS = 30_000;
const CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){6}$/;
const { until, text, visible, messageTexts, matchPages, leaveChat, say } = chatPageDriver(WAIT_MS);

const LOST = '对方连接中断，等待重连…';
const ENDED_AWAY = '连接中断期间聊天已结束';
const AWAY_LINE = '连接中断期间说过的话这里没有显示，可凭回执码在 /my 页面查看。';
const AWAY_LINE_EN = 'What was said while you were disconnected is not shown here: read it with this code on /my.';

const notices = (page: Page) => page.getByTestId('system-text');

/** What the server lists for the page's identity (its cookie), and the conversation a code opens. */
const myChats = (page: Page) => page.evaluate(() => fetch('/api/my/chats').then((r) => r.json() as Promise<{ user_id: string | null; chats: MyChat[] }>));
const transcript = (page: Page, code: string) =>
  page.evaluate((c) => fetch(`/api/receipts/${encodeURIComponent(c)}`).then((r) => r.json() as Promise<Transcript>), code);

describe.skipIf(skip)('a chat that ended while the page was away', () => {
  const suite = browserSuite({ config: SERVER_CONFIG });

  /** Two pages in a chat; A's context loads axe (bypassCSP). B's words go on while A is away, then B leaves. */
  async function pair(): Promise<{ a: Page; b: Page; setOfflineA: (offline: boolean) => Promise<void> }> {
    const contextA = await suite.newContext({ bypassCSP: true, viewport: { width: 1024, height: 720 } });
    const contextB = await suite.newContext();
    const a = await contextA.newPage();
    const b = await contextB.newPage();
    await a.goto(suite.url);
    await b.goto(suite.url);
    await matchPages(a, b);
    await say(a, '我可能会掉线');
    await say(b, '没关系');
    return { a, b, setOfflineA: (offline) => contextA.setOffline(offline) };
  }

  /** B, told that A is gone for now, says its last words and leaves; the room of the chat, from B's receipt. */
  async function partnerLeavesMeanwhile(b: Page): Promise<number> {
    await expect.poll(() => notices(b).allTextContents(), until).toContain(LOST);
    await say(b, '你不在，我先走了');
    await leaveChat(b);
    const receiptB = b.getByTestId('ended-receipt');
    await visible(receiptB);
    return Number(await receiptB.getAttribute('data-room-id'));
  }

  /** The note shows `roomId`'s receipt as the server lists it for A, and it opens that conversation with B's last words. */
  async function expectReceiptOf(a: Page, note: string, roomId: number): Promise<string> {
    const receipt = a.getByTestId(note);
    await visible(receipt);
    const code = (await receipt.getByTestId('receipt-code').textContent()) ?? '';
    expect(code).toMatch(CODE_PATTERN);
    expect(await receipt.getAttribute('data-room-id')).toBe(String(roomId));
    const listed = await myChats(a);
    expect(listed.chats.find((c) => c.room_id === roomId)?.code).toBe(code);
    expect(await receipt.getByTestId('receipt-my-link').getAttribute('href')).toBe(`/my#${code}`);
    await expect.poll(text(receipt.getByTestId('receipt-away')), until).toBe(AWAY_LINE);
    expect(await receipt.getByTestId('receipt-away').isVisible()).toBe(true);
    const conversation = await transcript(a, code);
    expect(conversation.room_id).toBe(roomId);
    expect(conversation.messages.map((m) => [m.from, m.text])).toEqual([
      ['me', '我可能会掉线'],
      ['partner', '没关系'],
      ['partner', '你不在，我先走了'],
    ]);
    return code;
  }

  it('a page whose connection dropped while the partner left shows that chat’s receipt on its ended bar, saying the rest is on /my', { timeout: 90_000 }, async () => {
    const { a, b, setOfflineA } = await pair();
    await setOfflineA(true);
    const roomId = await partnerLeavesMeanwhile(b);
    // What B said meanwhile never reached A.
    expect(await messageTexts(a, false).allTextContents()).toEqual(['没关系']);

    await setOfflineA(false);
    await expect.poll(text(notices(a).last()), until).toBe(ENDED_AWAY);
    await visible(a.getByTestId('new-chat-btn'));
    const code = await expectReceiptOf(a, 'ended-receipt', roomId);
    // The start screen keeps it as the last chat's, as for a receipt that came with the end.
    expect(await a.getByTestId('last-receipt').getByTestId('receipt-code').textContent()).toBe(code);
    expect(code).not.toBe(await b.getByTestId('ended-receipt').getByTestId('receipt-code').textContent());
    // B's receipt, which came with the end, has no such line.
    expect(await b.getByTestId('ended-receipt').getByTestId('receipt-away').isVisible()).toBe(false);
    await a.screenshot({ path: resolve(screenshotDir, 'chat-ended-away-receipt.png') });
    await expectNoSeriousViolations(a, 'chat screen, ended while away, zh-CN');

    // It follows the language switch.
    await a.getByTestId('lang-switch').selectOption('en');
    await expect.poll(text(a.getByTestId('ended-receipt').getByTestId('receipt-away')), until).toBe(AWAY_LINE_EN);
    await expectNoSeriousViolations(a, 'chat screen, ended while away, en');
    await a.getByTestId('lang-switch').selectOption('zh-CN');

    // A new chat leaves it to the start screen; a later receipt that comes normally has no such line.
    await a.getByTestId('new-chat-btn').click();
    await b.getByTestId('new-chat-btn').click();
    await visible(a.getByTestId('message-input'));
    await expect.poll(() => a.getByTestId('ended-receipt').isVisible(), until).toBe(false);
    await say(a, '又见面了');
    await leaveChat(b);
    const next = a.getByTestId('ended-receipt');
    await expect.poll(text(next.getByTestId('receipt-code')), until).not.toBe(code);
    expect(await next.getByTestId('receipt-away').isVisible()).toBe(false);
  });

  it('a chat that ended while away with nothing said meanwhile: its receipt, without a line about what was missed', { timeout: 90_000 }, async () => {
    const { a, b, setOfflineA } = await pair();
    await setOfflineA(true);
    await expect.poll(() => notices(b).allTextContents(), until).toContain(LOST);
    await leaveChat(b);
    await visible(b.getByTestId('ended-receipt'));
    await setOfflineA(false);
    await expect.poll(text(notices(a).last()), until).toBe(ENDED_AWAY);
    const receipt = a.getByTestId('ended-receipt');
    await visible(receipt);
    await expect.poll(text(receipt.getByTestId('receipt-code')), until).toMatch(CODE_PATTERN);
    // Everything the chat holds is on screen (as when the server itself went down): nothing to read on /my.
    expect(await receipt.getByTestId('receipt-away').isVisible()).toBe(false);
  });

  it('a page reloaded mid-chat while the partner left shows that chat’s receipt on the start screen, saying the rest is on /my', { timeout: 90_000 }, async () => {
    const { a, b } = await pair();
    // The reload, its tab away for a moment (the same tab: its sessionStorage says it was in this chat).
    await a.goto('about:blank');
    const roomId = await partnerLeavesMeanwhile(b);
    await a.goto(suite.url);

    await visible(a.getByTestId('start-screen'));
    await expect.poll(text(a.getByTestId('toast')), until).toBe(ENDED_AWAY);
    await expectReceiptOf(a, 'last-receipt', roomId);
    await a.screenshot({ path: resolve(screenshotDir, 'chat-ended-away-reloaded.png'), fullPage: true });
    await expectNoSeriousViolations(a, 'start screen, chat ended while reloading, zh-CN');
  });

  it('a page that comes back without its room listed (the listing fails) shows the ended notice and nothing more', { timeout: 90_000 }, async () => {
    const { a, b, setOfflineA } = await pair();
    let listings = 0;
    await a.route('**/api/my/chats', (route) => {
      listings++;
      return route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'STORAGE_UNAVAILABLE', message: '' }) });
    });
    await setOfflineA(true);
    await partnerLeavesMeanwhile(b);
    await setOfflineA(false);
    await expect.poll(text(notices(a).last()), until).toBe(ENDED_AWAY);
    await expect.poll(() => listings, until).toBeGreaterThan(0);
    await a.waitForTimeout(500);
    expect(await a.getByTestId('ended-receipt').isVisible()).toBe(false);
    expect(await a.getByTestId('toast').isVisible()).toBe(false);
  });
});
