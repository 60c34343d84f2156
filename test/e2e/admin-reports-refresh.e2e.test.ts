/**
 * The open reports queue keeps itself fresh while shown, in a real Chromium against the real server, its
 * timers on Playwright's fake clock (15 s moved on at once, not waited for):
 * - a self-harm report filed by a real chatter while the moderator's focus is on a row is said above the
 *   list, politely and as urgent, with its count in the title; the rows under the focus stay as they were;
 *   the notice's button (reached from the row with Shift+Tab) shows it, the focus on the new report;
 * - on the first page with nothing of the moderator's in the list, a new report joins it in place, and the
 *   notice says so (in English);
 * - leaving the queue stops the re-reading.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { adminLoginState, seedReport } from '../helpers/admin-page.js';
import { expectNoSeriousViolations } from '../helpers/axe.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';
import { matchedPair, request, type TestSocket } from '../helpers/client.js';

const skip = skipWithoutChromium('admin reports refresh browser tests');

const WAIT_MS = 10_000;
/** The queue's interval (reports.ts): the clock is moved on by this much. */
const REFRESH_MS = 15_000;
const { until, text, visible } = chatPageDriver(WAIT_MS);

describe.skipIf(skip)('the reports queue keeps itself fresh', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });
  let loggedIn: Awaited<ReturnType<BrowserContext['storageState']>>;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    await seedReport(suite.server.app, 'rrreporter01', 'rrspammer001');
    await seedReport(suite.server.app, 'rrreporter02', 'rrspammer002');
    loggedIn = await adminLoginState(await suite.newContext(), suite.url);
  }, 120_000);

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  /** The queue's open tab, its timers on a fake clock; bypassCSP lets axe in. */
  async function queue(): Promise<Page> {
    const context = await suite.newContext({ viewport: { width: 1280, height: 900 }, storageState: loggedIn, bypassCSP: true });
    context.setDefaultTimeout(WAIT_MS);
    await context.clock.install();
    const page = await context.newPage();
    await page.goto(`${suite.url}/admin#reports/open`);
    return page;
  }

  /** Two chatters matched through the server; the first reports the second for self-harm: the report's id. */
  async function selfHarmReportFromChat(): Promise<number> {
    const { a, b } = await matchedPair(suite.url);
    sockets.push(a, b);
    const filed = await request<{ ok: boolean; report_id?: number }>(a, 'report', { reason: 'self_harm' });
    expect(filed.ok).toBe(true);
    return filed.report_id!;
  }

  const rows = (page: Page) => page.getByTestId('report-row');
  const rowIds = (page: Page) => () => rows(page).evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset['reportId']));
  const focusedReport = (page: Page) => () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['reportId'] ?? null);

  it('says a new urgent report above the list without touching the row in focus, and shows it when asked', { timeout: 60_000 }, async () => {
    const page = await queue();
    await expect.poll(() => rows(page).count(), until).toBeGreaterThanOrEqual(2);
    const before = await rowIds(page)();
    // The moderator is on a row: these very elements must stay (marked to tell them from redrawn ones).
    await rows(page).evaluateAll((trs) => trs.forEach((tr) => ((tr as HTMLElement).dataset['mark'] = 'seen')));
    await rows(page).nth(1).focus();
    const onRow = before[1];

    const reportId = await selfHarmReportFromChat();
    await page.clock.runFor(REFRESH_MS);

    const notice = page.getByTestId('reports-notice-text');
    await expect.poll(text(notice), until).toBe('有 1 条新举报，含紧急举报');
    expect(await notice.getAttribute('aria-live')).toBe('polite');
    expect(await notice.getAttribute('role')).toBe('status');
    const show = page.getByTestId('reports-notice-show');
    await visible(show);
    expect(await show.textContent()).toBe('刷新');
    expect(await page.title()).toBe('(1) 新举报 · 管理后台');
    // Nothing moved under the focus.
    expect(await rowIds(page)()).toEqual(before);
    expect(await rows(page).evaluateAll((trs) => trs.every((tr) => (tr as HTMLElement).dataset['mark'] === 'seen'))).toBe(true);
    expect(await focusedReport(page)()).toBe(onRow);

    await expectNoSeriousViolations(page, 'the reports queue with its new-reports notice');

    // From the first row, Shift+Tab reaches the notice's button; Enter shows the queue with the new report on
    // top (a priority one), the focus on it.
    await rows(page).first().focus();
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['testid'])).toBe('reports-notice-show');
    await page.keyboard.press('Enter');
    await expect.poll(rowIds(page), until).toEqual([String(reportId), ...before]);
    expect(await rows(page).first().getByTestId('priority-badge').count()).toBe(1);
    await expect.poll(focusedReport(page), until).toBe(String(reportId));
    expect(await notice.textContent()).toBe('');
    expect(await show.isHidden()).toBe(true);
    expect(await page.title()).toBe('管理后台');
  });

  it('on the first page with nothing of the moderator in the list, shows a new report in place and says so', { timeout: 60_000 }, async () => {
    const page = await queue();
    await page.getByTestId('lang-switch').selectOption('en');
    await expect.poll(() => rows(page).count(), until).toBeGreaterThanOrEqual(2);
    const before = await rowIds(page)();
    // Pointer away from the list, focus on nothing in it.
    await page.mouse.move(5, 5);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

    const reportId = await seedReport(suite.server.app, 'rrreporter03', 'rrspammer003');
    await page.clock.runFor(REFRESH_MS);

    const notice = page.getByTestId('reports-notice-text');
    await expect.poll(text(notice), until).toBe('1 new report added to the list');
    // Below the priority ones, above the older spam.
    const after = await rowIds(page)();
    expect(after).toHaveLength(before.length + 1);
    expect(after).toContain(String(reportId));
    expect(await page.getByTestId('reports-notice-show').isHidden()).toBe(true);
    expect(await page.title()).toBe('Admin');

    // Left for the dashboard: no more reads of the queue.
    await page.getByTestId('tab-dashboard').click();
    const reads: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/admin/api/reports')) reads.push(r.url());
    });
    await seedReport(suite.server.app, 'rrreporter04', 'rrspammer004');
    await page.clock.runFor(REFRESH_MS * 2);
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await page.waitForTimeout(300);
    expect(reads).toEqual([]);
  });
});
