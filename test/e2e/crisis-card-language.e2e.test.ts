/**
 * The crisis card and the page's language, in a real Chromium against the real server. The card's title
 * and message are the page's own texts and follow a language switch at once; its hotlines are the
 * server's, chosen for the language the connection began with (the page's language at that moment). So a
 * card shown in English keeps the English lines after a switch to Chinese until the page has Chinese ones
 * — the list then says it is in English (`lang`), for screen readers — and, once lines of both languages
 * have come (a reconnection after the switch speaks Chinese), every switch shows the lines of the
 * language switched to. The page's WebSocket passes through the test, which can cut it; the partner is a
 * raw Socket.IO client. Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without
 * it, except under CI.
 */
import type { Page, WebSocketRoute } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { noticeText } from '../../src/shared/codes.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';
import { connect, request, waitFor, type TestSocket } from '../helpers/client.js';

const skip = skipWithoutChromium('crisis card language browser tests');

/** Long enough for socket.io-client's reconnection back-off (up to 5 s) after the connection is back. */
const WAIT_MS = 15_000;
const { until, text, visible, myId } = chatPageDriver(WAIT_MS);

/** A line of the built-in English list and of the built-in Chinese one (src/policy/crisis.ts). */
const EN_LINE = 'US: 988 Suicide & Crisis Lifeline';
const ZH_LINE = '全国心理援助热线';

describe.skipIf(skip)('the crisis card in the language the page shows', () => {
  const suite = browserSuite({ config: {} });
  const sockets: TestSocket[] = [];
  const opened: Page[] = [];
  afterEach(async () => {
    for (const page of opened.splice(0)) await page.context().close();
    for (const socket of sockets.splice(0)) socket.close();
  });

  /** An English page whose connection passes through the test, which can cut it (`cut`) and let it back (`reconnect`). */
  async function openRouted(): Promise<{ page: Page; cut(): void; reconnect(): void }> {
    const context = await suite.newContext({ locale: 'en-US', viewport: { width: 1024, height: 720 } });
    const page = await context.newPage();
    opened.push(page);
    let route: { toPage: WebSocketRoute; toServer: WebSocketRoute } | undefined;
    let offline = false;
    await page.routeWebSocket(/\/socket\.io\//, (toPage) => {
      if (offline) return void toPage.close();
      route = { toPage, toServer: toPage.connectToServer() };
    });
    await page.goto(suite.url);
    await myId(page);
    return {
      page,
      cut() {
        offline = true;
        void route?.toServer.close();
        void route?.toPage.close();
      },
      reconnect() {
        offline = false;
      },
    };
  }

  /** A raw client as the partner, who joins after the page: the two are in a chat. */
  async function chatWithRawClient(page: Page): Promise<void> {
    await page.getByTestId('start-btn').click();
    await visible(page.getByTestId('waiting-screen'));
    const { socket } = await connect(suite.url);
    sockets.push(socket);
    const matched = waitFor(socket, 'matched', WAIT_MS);
    const joined = await request<{ ok: boolean; status: string }>(socket, 'join_queue');
    expect(joined.ok).toBe(true);
    if (joined.status !== 'matched') await matched;
    await visible(page.getByTestId('chat-screen'));
  }

  async function send(page: Page, message: string): Promise<void> {
    await page.getByTestId('message-input').fill(message);
    await page.getByTestId('message-input').press('Enter');
  }

  it('a shown card follows a language switch: title and message at once, the hotlines as soon as the page has those of the language', { timeout: 90_000 }, async () => {
    const a = await openRouted();
    const { page } = a;
    await chatWithRawClient(page);
    const card = page.getByTestId('crisis-card');
    const list = page.getByTestId('hotlines');
    const lines = () => card.locator('.hotline-name').allTextContents();
    const switchTo = (lang: 'en' | 'zh-CN') => page.getByTestId('lang-switch').selectOption(lang);

    // The connection began in English: the card comes with the English lines.
    await send(page, 'sometimes I want to die');
    await visible(card);
    expect(await lines()).toContain(EN_LINE);
    expect(await list.getAttribute('lang')).toBeNull();

    // Switched to Chinese: the title and message follow; the page has no Chinese lines yet, so the English
    // ones stay, marked as English.
    await switchTo('zh-CN');
    await expect.poll(text(page.getByTestId('crisis-message')), until).toBe(noticeText['zh-CN'].crisis);
    expect(await card.getByRole('heading').textContent()).toBe('有人愿意帮助你');
    expect(await lines()).toContain(EN_LINE);
    expect(await list.getAttribute('lang')).toBe('en');

    // A reconnection after the switch speaks Chinese: crisis words now bring the Chinese lines.
    a.cut();
    await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state'), until).toBe('reconnecting');
    a.reconnect();
    await expect.poll(() => page.getByTestId('send-btn').isEnabled(), until).toBe(true);
    await send(page, '我有时候不想活了');
    await expect.poll(lines, until).toContain(ZH_LINE);
    expect(await list.getAttribute('lang')).toBeNull();

    // With the lines of both languages on the page, the card shown follows every switch.
    await switchTo('en');
    await expect.poll(text(page.getByTestId('crisis-message')), until).toBe(noticeText.en.crisis);
    expect(await lines()).toContain(EN_LINE);
    expect(await lines()).not.toContain(ZH_LINE);
    expect(await list.getAttribute('lang')).toBeNull();
    expect(await card.getByRole('link', { name: '988' }).getAttribute('href')).toBe('tel:988');
    await switchTo('zh-CN');
    await expect.poll(lines, until).toContain(ZH_LINE);
    expect(await lines()).not.toContain(EN_LINE);
    expect(await card.getByRole('link', { name: '12356' }).getAttribute('href')).toBe('tel:12356');
  });
});
