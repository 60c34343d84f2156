/**
 * The admin pages with a keyboard and a screen reader, in a real Chromium against the real server:
 * - Next, Previous and First leave the focus on the button pressed while it can be pressed again, else on
 *   the table with its top in view, never on <body>;
 * - back from a report (its "Back" link or the browser's), the focus is on the row opened;
 * - a queue row's name says its number, priority and reason, in the page's language;
 * - 2FA set-up offers a link that opens the authenticator app on the same phone.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { adminLoginState } from '../helpers/admin-page.js';
import { expectNoSeriousViolations } from '../helpers/axe.js';
import { focused, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('admin keyboard paging browser tests');

const WAIT_MS = 10_000;
const { until, visible } = chatPageDriver(WAIT_MS);
/** Open reports: a page of 50 and one of 5; the first of them a priority one (a minor). */
const REPORTS = 55;
/** More conversations: with the reports' ones, pages of 50, 50 and 20. */
const ROOMS = 65;

describe.skipIf(skip)('the admin pages with a keyboard', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });
  /** The session of one login, shared by every test: logins are limited to 5 a minute. */
  let loggedIn: Awaited<ReturnType<BrowserContext['storageState']>>;
  let minorReport = 0;
  let spamReport = 0;

  beforeAll(async () => {
    const { repository, moderation } = suite.server.app;
    const at = Date.now() - 3_600_000;
    for (let i = 0; i < REPORTS; i += 1) {
      const [reporter, reported] = [`kbreporter${String(i).padStart(3, '0')}`, `kbreported${String(i).padStart(3, '0')}`];
      const room = await repository.createRoom({ user1Id: reporter, user2Id: reported, matchType: 'random', createdAt: new Date(at + i * 1_000) });
      const report = await moderation.report(reporter, { reason: i === 0 ? 'minor' : 'spam', room_id: room.id });
      if (i === 0) minorReport = report.id;
      if (i === REPORTS - 1) spamReport = report.id; // the newest: on the first page
    }
    await repository.createRooms(
      Array.from({ length: ROOMS }, (_, i) => ({ user1Id: `kbpager${String(i).padStart(4, '0')}`, user2Id: 'kbpartner01', matchType: 'random' as const, createdAt: new Date(at + i * 1_000) })),
    );
    loggedIn = await adminLoginState(await suite.newContext(), suite.url);
  }, 120_000);

  async function adminPage(hash: string, options: { bypassCSP?: boolean } = {}): Promise<Page> {
    const context = await suite.newContext({ viewport: { width: 1280, height: 900 }, storageState: loggedIn, ...options });
    context.setDefaultTimeout(WAIT_MS);
    const page = await context.newPage();
    await page.goto(`${suite.url}/admin${hash}`);
    return page;
  }

  /** Presses a button the way a keyboard does: Tab brings the focus to it, Enter presses it. */
  async function pressWithKeyboard(page: Page, testId: string): Promise<void> {
    await page.getByTestId(testId).focus();
    await page.keyboard.press('Enter');
  }

  /** Whether the top of the element is on screen (below the sticky top bar). */
  const topInView = (page: Page, testId: string) => () =>
    page.evaluate((id) => {
      const top = document.querySelector(`[data-testid="${id}"]`)!.getBoundingClientRect().top;
      const bar = document.querySelector('.topbar')?.getBoundingClientRect().bottom ?? 0;
      return top >= bar - 1 && top < window.innerHeight;
    }, testId);
  const focusedReport = (page: Page) => () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['reportId'] ?? null);
  const rowIds = (page: Page) => () => page.getByTestId('report-row').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset['reportId']));

  it('Next and Previous keep the focus on the button while it can be pressed again, else put it on the table in view', { timeout: 60_000 }, async () => {
    const page = await adminPage('#rooms');
    const rows = page.getByTestId('room-row');
    await expect.poll(() => rows.count(), until).toBe(50);
    const firstId = () => rows.first().getAttribute('data-room-id');
    const pageOne = await firstId();

    // Page 2 of 3: Next can be pressed again, so the focus stays on it.
    await pressWithKeyboard(page, 'next-page');
    await expect.poll(firstId, until).not.toBe(pageOne);
    await expect.poll(focused(page), until).toBe('next-page');
    const pageTwo = await firstId();
    // And Enter again pages on.
    await page.keyboard.press('Enter');
    await expect.poll(() => rows.count(), until).toBe(ROOMS + REPORTS - 100);
    // The last page: Next is disabled, the focus is on the table, its first rows on screen.
    await expect.poll(focused(page), until).toBe('rooms-table');
    expect(await topInView(page, 'rooms-table')()).toBe(true);

    await pressWithKeyboard(page, 'previous-page');
    await expect.poll(firstId, until).toBe(pageTwo);
    await expect.poll(focused(page), until).toBe('previous-page');
    // First: the first page, where First and Previous are disabled.
    await pressWithKeyboard(page, 'first-page');
    await expect.poll(firstId, until).toBe(pageOne);
    await expect.poll(focused(page), until).toBe('rooms-table');
    expect(await topInView(page, 'rooms-table')()).toBe(true);
  });

  it('in the reports queue, Next to the last page and Previous to the first put the focus on the table in view', { timeout: 60_000 }, async () => {
    const page = await adminPage('#reports');
    const rows = page.getByTestId('report-row');
    await expect.poll(() => rows.count(), until).toBe(50);

    await pressWithKeyboard(page, 'reports-next-page');
    await expect.poll(() => rows.count(), until).toBe(REPORTS - 50);
    await expect.poll(focused(page), until).toBe('reports-table');
    expect(await topInView(page, 'reports-table')()).toBe(true);
    // Tab from the table reaches the rows of the new page first.
    await page.keyboard.press('Tab');
    expect(await focusedReport(page)()).toBe((await rowIds(page)())[0]);

    await pressWithKeyboard(page, 'reports-previous-page');
    await expect.poll(() => rows.count(), until).toBe(50);
    await expect.poll(focused(page), until).toBe('reports-table');
    expect(await topInView(page, 'reports-table')()).toBe(true);
  });

  it('back from a report, by its link or the browser, the focus is on the row opened', { timeout: 60_000 }, async () => {
    const page = await adminPage('#reports');
    const rows = page.getByTestId('report-row');
    await expect.poll(() => rows.count(), until).toBe(50);
    await pressWithKeyboard(page, 'reports-next-page');
    await expect.poll(() => rows.count(), until).toBe(REPORTS - 50);
    const pageTwo = await rowIds(page)();
    const view = page.getByTestId('view-report');

    await rows.nth(2).focus();
    await page.keyboard.press('Enter');
    await visible(view);
    await expect.poll(() => view.getByTestId('report-title').textContent(), until).toBe(`举报 #${pageTwo[2]}`);
    await pressWithKeyboard(page, 'report-back');
    await expect.poll(rowIds(page), until).toEqual(pageTwo);
    await expect.poll(focusedReport(page), until).toBe(pageTwo[2]);

    await rows.nth(3).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => view.getByTestId('report-title').textContent(), until).toBe(`举报 #${pageTwo[3]}`);
    await page.goBack();
    await expect.poll(rowIds(page), until).toEqual(pageTwo);
    await expect.poll(focusedReport(page), until).toBe(pageTwo[3]);
  });

  it("a queue row's name says its number, priority and reason, also after a language switch", { timeout: 60_000 }, async () => {
    const page = await adminPage('#reports');
    const row = (id: number) => page.locator(`[data-testid="report-row"][data-report-id="${id}"]`);
    await expect.poll(() => page.getByTestId('report-row').count(), until).toBe(50);
    expect(await row(minorReport).getAttribute('aria-label')).toBe(`打开举报 #${minorReport}：优先，涉及未成年人`);
    expect(await row(spamReport).getAttribute('aria-label')).toBe(`打开举报 #${spamReport}：垃圾信息`);

    await page.getByTestId('lang-switch').selectOption('en');
    await expect.poll(() => row(minorReport).getAttribute('aria-label'), until).toBe(`Open report #${minorReport}: priority, Involves a minor`);
    expect(await row(spamReport).getAttribute('aria-label')).toBe(`Open report #${spamReport}: Spam`);
  });

  it('2FA set-up offers a link that opens the authenticator app, reached with Tab, in both languages, passing axe', { timeout: 60_000 }, async () => {
    const page = await adminPage('#account', { bypassCSP: true });
    await visible(page.getByTestId('view-account'));
    const enrolled = page.waitForResponse((response) => response.url().endsWith('/admin/api/me/totp') && response.request().method() === 'POST');
    await page.getByTestId('totp-start').click();
    const { uri } = (await (await enrolled).json()) as { uri: string };
    expect(uri).toMatch(/^otpauth:\/\//);
    const link = page.getByTestId('totp-app-link');
    await visible(link);
    expect(await link.getAttribute('href')).toBe(uri);
    expect(await link.textContent()).toBe('在身份验证器应用中打开');
    // Back from the code field (focused by "Turn on"): the copy button, then the link.
    await expect.poll(focused(page), until).toBe('totp-enrol-code');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)()).toBe('totp-app-link');
    await expectNoSeriousViolations(page, '2FA set-up with its app link (zh-CN)');

    await page.getByTestId('lang-switch').selectOption('en');
    await expect.poll(() => link.textContent(), until).toBe('Open in authenticator app');
    await expectNoSeriousViolations(page, '2FA set-up with its app link (en)');

    // Cancelled: no link left to a secret no longer being set up.
    await page.getByTestId('totp-enrol-cancel').click();
    expect(await link.isVisible()).toBe(false);
    expect(await link.getAttribute('href')).toBeNull();
  });
});
