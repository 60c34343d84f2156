/**
 * A closed tab and a network change both close the WebSocket cleanly; only the page knows which it was. Our
 * page says `leaving` when it goes away (`pagehide`), so in a real Chromium: a closed tab is announced to
 * the partner within the short close grace, and a page whose network went (the browser offline, as on a
 * Wi-Fi to mobile handover) keeps its chat for the whole reconnect grace and carries on when it is back.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('leave notice browser tests');

/** Far apart, so that which grace the server chose is plain from when the partner is told. */
const CLOSE_GRACE_MS = 3_000;
const RECONNECT_GRACE_MS = 30_000;
const SERVER_CONFIG = { pingIntervalMs: 1000, pingTimeoutMs: 2000, closeGraceMs: CLOSE_GRACE_MS, reconnectGraceMs: RECONNECT_GRACE_MS };
const WAIT_MS = 45_000;
const { until, visible, messageTexts, matchPages, say } = chatPageDriver(WAIT_MS);

const LOST = '对方连接中断，等待重连…';
const BACK = '对方已重新连接';
const GONE = '对方已断开连接';

const notices = (page: Page) => page.getByTestId('system-text');

describe.skipIf(skip)('a page says when it goes away', () => {
  const suite = browserSuite({ config: SERVER_CONFIG });

  async function matchedPair() {
    const contextA = await suite.newContext();
    const contextB = await suite.newContext();
    const a = await contextA.newPage();
    const b = await contextB.newPage();
    await a.goto(suite.url);
    await b.goto(suite.url);
    await matchPages(a, b);
    await say(a, '你好');
    await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['你好']);
    return { a, b, contextA };
  }

  it('a closed tab is announced to the partner within the close grace, not the reconnect grace', { timeout: 90_000 }, async () => {
    const { a, b } = await matchedPair();
    const closedAt = Date.now();
    await a.close();
    await expect.poll(() => notices(b).allTextContents(), until).toContain(GONE);
    const toldAfterMs = Date.now() - closedAt;
    // The close grace and the page's polling, with room for a loaded machine; the reconnect grace is 30 s.
    expect(toldAfterMs).toBeGreaterThanOrEqual(CLOSE_GRACE_MS);
    expect(toldAfterMs).toBeLessThan(CLOSE_GRACE_MS + 10_000);
    expect(await notices(b).allTextContents()).toContain(LOST);
    await visible(b.getByTestId('new-chat-btn'));
  });

  it('a page whose network goes keeps its chat past the close grace, and carries on when it is back', { timeout: 90_000 }, async () => {
    const { a, b, contextA } = await matchedPair();
    await contextA.setOffline(true);
    await expect.poll(() => notices(b).allTextContents(), until).toContain(LOST);
    // Twice the close grace: a page taken for a closed tab would have been announced as gone by now.
    await new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS * 2));
    expect(await notices(b).allTextContents()).not.toContain(GONE);
    expect(await b.getByTestId('message-input').isEnabled()).toBe(true);

    await contextA.setOffline(false);
    await expect.poll(() => notices(b).allTextContents(), until).toContain(BACK);
    await say(a, '换了网络，我还在');
    await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['你好', '换了网络，我还在']);
    await say(b, '欢迎回来');
    await expect.poll(() => messageTexts(a, false).allTextContents(), until).toEqual(['欢迎回来']);
  });
});
