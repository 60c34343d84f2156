/**
 * The admin on a phone (390 px wide) and on a laptop (1280 px), in both languages, in a real Chromium
 * against the real server: nothing of the reports list, a report, the sanctions and the audit log lies
 * outside the screen or its card — the pagers under tables that scroll sideways (English "First page" was
 * cut off on the left) and the report's heads ("Open the conversation" ran out of its card, the report's
 * status badge out of the screen). At 1280 px the pager stays on one row and the button beside its title.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { adminLoginState } from '../helpers/admin-page.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';
import { matchedPair, request } from '../helpers/client.js';

const skip = skipWithoutChromium('admin narrow-screen browser tests');

const WAIT_MS = 10_000;
const { until, visible } = chatPageDriver(WAIT_MS);

/** What of the visible page lies outside the viewport or the card it is in (tables excepted: their card scrolls). */
function clippedIn(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const found: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('button, a.btn, .badge, select, .choice, .card-title, .pager')) {
      if (!el.checkVisibility() || el.closest('table')) continue;
      const box = el.getBoundingClientRect();
      const card = el.closest('.card, .topbar')?.getBoundingClientRect();
      const outside = box.left < -0.5 || box.right > width + 0.5 || (card !== undefined && (box.left < card.left - 0.5 || box.right > card.right + 0.5));
      if (outside) found.push(`${el.dataset['testid'] ?? el.className} ${Math.round(box.left)}..${Math.round(box.right)}`);
    }
    if (document.documentElement.scrollWidth > width) found.push(`page ${document.documentElement.scrollWidth} wide`);
    return found;
  });
}

describe.skipIf(skip)('the admin on a narrow screen', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });
  let loggedIn: Awaited<ReturnType<BrowserContext['storageState']>>;
  let reportId = 0;

  beforeAll(async () => {
    // A self-harm report (its form's notes shown) with its conversation, and a sanction for the Sanctions page.
    const { a, b, bId } = await matchedPair(suite.url);
    await request(b, 'send_message', { content: 'hello' });
    reportId = (await request<{ report_id: number }>(a, 'report', { reason: 'self_harm', note: 'worried about them' })).report_id;
    await suite.server.app.moderation.issue({ userId: bId, networkHash: null, scope: 'identity', kind: 'warning', reason: 'test', createdBy: 'admin' });
    a.close();
    b.close();
    loggedIn = await adminLoginState(await suite.newContext(), suite.url);
  }, 60_000);

  async function adminAt(width: number, lang: 'zh-CN' | 'en'): Promise<Page> {
    const context = await suite.newContext({ viewport: { width, height: 844 }, locale: lang === 'en' ? 'en-US' : 'zh-CN', storageState: loggedIn });
    const page = await context.newPage();
    await page.goto(`${suite.url}/admin#reports`);
    await expect.poll(() => page.getByTestId('report-row').count(), until).toBeGreaterThan(0);
    return page;
  }

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`at 390 px in ${lang}, nothing of the reports, a report, the sanctions and the audit log is cut off`, { timeout: 60_000 }, async () => {
      const page = await adminAt(390, lang);
      await visible(page.getByTestId('reports-first-page'));
      expect(await clippedIn(page)).toEqual([]);

      await page.goto(`${suite.url}/admin#report/${reportId}`);
      await visible(page.getByTestId('decision-form'));
      await visible(page.getByTestId('report-room-link'));
      expect(await clippedIn(page)).toEqual([]);

      for (const view of ['sanctions', 'audit']) {
        await page.goto(`${suite.url}/admin#${view}`);
        await visible(page.getByTestId(`${view}-first-page`));
        expect(await clippedIn(page), view).toEqual([]);
      }
    });
  }

  it('at 1280 px the pager keeps one row and the conversation’s button stays beside its title', { timeout: 60_000 }, async () => {
    const page = await adminAt(1280, 'en');
    const top = async (testId: string) => (await page.getByTestId(testId).boundingBox())?.y;
    expect(await top('reports-first-page')).toBe(await top('reports-next-page'));
    expect(await clippedIn(page)).toEqual([]);
    await page.goto(`${suite.url}/admin#report/${reportId}`);
    await visible(page.getByTestId('report-room-link'));
    const link = await page.getByTestId('report-room-link').boundingBox();
    const title = await page.locator('[data-i18n="conversationOfReport"]').boundingBox();
    expect(Math.abs(link!.y + link!.height / 2 - (title!.y + title!.height / 2))).toBeLessThan(4);
    expect(await clippedIn(page)).toEqual([]);
  });
});
