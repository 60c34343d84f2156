/**
 * The admin on a phone (390 px wide) and on a laptop (1280 px), in both languages, in a real Chromium
 * against the real server: nothing of the reports list, a report, the sanctions and the audit log lies
 * outside the screen or its card — the pagers under tables that scroll sideways (English "First page" was
 * cut off on the left) and the report's heads ("Open the conversation" ran out of its card, the report's
 * status badge out of the screen); the sanctions are cards, Lift on screen (the table scrolled it out of
 * sight). The top bar keeps a phone's screen for the view: a row of the title and
 * the controls, one of who is logged in, whole at 390 and 320 px, a long name too (beside the controls it
 * was cut to "admin（所…" and "m…"), and the sections in one row that scrolls sideways (they wrapped into
 * four rows, 230 px), each tab brought into view as Tab reaches it, the view's own tab in view when it
 * opens. From 721 to 1280 px the sections keep one row under the title and the controls (English "My
 * account" wrapped to a second line at 1280 px), scrolling with a fading edge where too narrow. At 1280 px
 * the pager stays on one row and the button beside its title.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import { resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { adminLoginState } from '../helpers/admin-page.js';
import { expectNoSeriousViolations } from '../helpers/axe.js';
import { screenshotDir, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';
import { matchedPair, request } from '../helpers/client.js';

const skip = skipWithoutChromium('admin narrow-screen browser tests');

const WAIT_MS = 10_000;
const { until, visible } = chatPageDriver(WAIT_MS);

/**
 * The highest the admin's top bar may be at 390 px: a row of the title with the language and Log out, a
 * line of who is logged in and a row of the sections, 103–108 px as built (it was 205–229 px, the tabs in
 * four rows). It stays at the top of the screen as the view scrolls.
 */
const TOP_BAR_MAX_PX = 110;

/**
 * A long admin name, 24 characters of two scripts without a space: with its role it takes one line at
 * 390 px, two at 320 (where it breaks inside the name).
 */
const LONG_NAME = '周末夜班内容安全审核小组组长_moderator';

/** A second line of who is logged in (0.8rem at 1.2), which a name too long for one line may take. */
const WHOAMI_LINE_PX = 16;

/**
 * What of who is logged in cannot be read: its text cut inside its box (an ellipsis, or overflow hidden),
 * its box outside the screen or the top bar, or under the language list or the Log out button.
 */
function whoAmICut(page: Page): Promise<{ problems: string[]; measured: Record<string, number> }> {
  return page.evaluate(() => {
    const whoami = document.querySelector<HTMLElement>('[data-testid="whoami"]')!;
    const box = whoami.getBoundingClientRect();
    const bar = document.querySelector('header.topbar')!.getBoundingClientRect();
    const width = document.documentElement.clientWidth;
    const problems: string[] = [];
    if (!whoami.checkVisibility()) problems.push('not shown');
    if (whoami.scrollWidth > whoami.clientWidth || whoami.scrollHeight > whoami.clientHeight) problems.push(`text ${whoami.scrollWidth}×${whoami.scrollHeight} in ${whoami.clientWidth}×${whoami.clientHeight}`);
    if (box.left < -0.5 || box.right > width + 0.5) problems.push(`at ${Math.round(box.left)}..${Math.round(box.right)} of ${width}`);
    if (box.top < bar.top - 0.5 || box.bottom > bar.bottom + 0.5) problems.push('outside the top bar');
    for (const testId of ['lang-switch', 'logout-btn', 'tab-dashboard']) {
      const other = document.querySelector(`[data-testid="${testId}"]`)!.getBoundingClientRect();
      const overlaps = box.left < other.right - 0.5 && other.left < box.right - 0.5 && box.top < other.bottom - 0.5 && other.top < box.bottom - 0.5;
      if (overlaps) problems.push(`under ${testId}`);
    }
    return { problems, measured: { left: Math.round(box.left), right: Math.round(box.right), clientWidth: whoami.clientWidth, scrollWidth: whoami.scrollWidth, height: Math.round(box.height) } };
  });
}

/** Where an element lies (px, rounded), to compare with the box it should be in. */
const boxOf = (page: Page, selector: string) =>
  page.locator(selector).evaluate((el) => {
    const { left, right, top, bottom } = el.getBoundingClientRect();
    return { left: Math.round(left), right: Math.round(right), top: Math.round(top), bottom: Math.round(bottom) };
  });

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
  let longNamed: typeof loggedIn;
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
    longNamed = await adminNamed(LONG_NAME);
  }, 60_000);

  async function adminAt(width: number, lang: 'zh-CN' | 'en', state = loggedIn): Promise<Page> {
    // bypassCSP: axe is put into the page (its CSP forbids inline scripts).
    const context = await suite.newContext({ viewport: { width, height: 844 }, locale: lang === 'en' ? 'en-US' : 'zh-CN', storageState: state, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${suite.url}/admin#reports`);
    await expect.poll(() => page.getByTestId('report-row').count(), until).toBeGreaterThan(0);
    return page;
  }

  /** A moderator called `name`, invited by the owner and joined through the invitation: their login. */
  async function adminNamed(name: string): Promise<typeof loggedIn> {
    const owner = await suite.newContext({ storageState: loggedIn });
    const invited = await owner.request.post(`${suite.url}/admin/api/team/invitations`, { data: { role: 'moderator' } });
    expect(invited.status(), await invited.text()).toBe(201);
    const { token } = (await invited.json()) as { token: string };
    const joining = await suite.newContext();
    const joined = await joining.request.post(`${suite.url}/admin/invitations/accept`, { data: { token, name, password: `${name}-password-long` } });
    expect(joined.status(), await joined.text()).toBe(200);
    return joining.storageState();
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

      // The sanctions are cards, each value under its column's name: nothing to scroll sideways to, Lift
      // whole on the screen (the table scrolled, Lift out of sight).
      await page.goto(`${suite.url}/admin#sanctions`);
      const lift = page.getByTestId('sanction-row').first().getByTestId('lift-btn');
      await visible(lift);
      const card = page.locator('.table-card').filter({ has: page.getByTestId('sanctions-table') });
      expect(await card.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
      const liftBox = await boxOf(page, '[data-testid="sanction-row"] [data-testid="lift-btn"]');
      const cardBox = await boxOf(page, '.table-card:has([data-testid="sanctions-table"])');
      expect(liftBox.left).toBeGreaterThanOrEqual(cardBox.left);
      expect(liftBox.right).toBeLessThanOrEqual(cardBox.right);
      // Polled: a page of rows drawn again meanwhile (its load answered twice) leaves the cell read detached,
      // whose style is empty.
      const kind = page.getByTestId('sanction-row').first().locator('td').nth(2);
      await expect.poll(() => kind.evaluate((td) => getComputedStyle(td, '::before').content), until).toBe(JSON.stringify(lang === 'en' ? 'Kind' : '类型'));
      await page.screenshot({ path: resolve(screenshotDir, `admin-sanctions-390-${lang}.png`), fullPage: true });
      await expectNoSeriousViolations(page, `admin sanctions at 390 px, ${lang}`, { include: '[data-testid="sanctions-table"]' });
    });
  }

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`at 390 px in ${lang}, the top bar is at most ${TOP_BAR_MAX_PX} px high, and every section is reached and seen with the keyboard`, { timeout: 60_000 }, async () => {
      const page = await adminAt(390, lang);
      const bar = await boxOf(page, 'header.topbar');
      console.info(`admin top bar at 390 px (${lang}): ${bar.bottom - bar.top} px high`);
      await page.screenshot({ path: resolve(screenshotDir, `admin-top-bar-390-${lang}.png`) });
      expect(bar.bottom - bar.top).toBeLessThanOrEqual(TOP_BAR_MAX_PX);
      expect(await clippedIn(page)).toEqual([]);

      // Tab goes through the sections in order, and each one it reaches is whole on the screen.
      const tabs = await page.locator('.tabs .tab').evaluateAll((links) => links.filter((l) => (l as HTMLElement).checkVisibility()).map((l) => (l as HTMLElement).dataset['testid']!));
      expect(tabs.length).toBe(8);
      await page.getByTestId(tabs[0]!).focus();
      for (const [i, testId] of tabs.entries()) {
        if (i > 0) await page.keyboard.press('Tab');
        expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['testid'])).toBe(testId);
        const tab = await boxOf(page, `[data-testid="${testId}"]`);
        expect(tab.left, testId).toBeGreaterThanOrEqual(0);
        expect(tab.right, testId).toBeLessThanOrEqual(390);
        expect(tab.bottom, testId).toBeLessThanOrEqual(bar.bottom);
      }

      // A tab half out of the row, tapped where it shows, opens its view (a row scrolled on pointer-down
      // would move it from under the finger). Not Playwright's click, which scrolls it into view first.
      await page.locator('.tabs').evaluate((row) => (row.scrollLeft = 0));
      const row = await boxOf(page, '.tabs');
      const cut = await page.locator('.tabs .tab').evaluateAll(
        (links, right) => links.map((l) => ({ id: (l as HTMLElement).dataset['testid']!, box: l.getBoundingClientRect() })).find((t) => t.box.left < right - 8 && t.box.right > right),
        row.right,
      );
      expect(cut, 'a tab cut by the row’s right edge').toBeDefined();
      // At the edge of what shows: a row scrolled to bring the tab in would leave that point on something else.
      await page.mouse.click(row.right - 3, cut!.box.top + cut!.box.height / 2);
      await expect.poll(() => page.getByTestId(cut!.id).getAttribute('aria-current'), until).toBe('page');

      // A view opened by its address (the last section, say) has its tab in view, marked as the current page.
      await page.locator('.tabs').evaluate((row) => (row.scrollLeft = 0));
      await page.goto(`${suite.url}/admin#account`);
      await visible(page.getByTestId('view-account'));
      await expect.poll(() => page.getByTestId('tab-account').getAttribute('aria-current'), until).toBe('page');
      const account = await boxOf(page, '[data-testid="tab-account"]');
      expect(account.left).toBeGreaterThanOrEqual(row.left);
      expect(account.right).toBeLessThanOrEqual(row.right);

      await expectNoSeriousViolations(page, `admin top bar at 390 px, ${lang}`, { include: 'header.topbar' });
    });
  }

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`at 390 and 320 px in ${lang}, who is logged in is whole on the screen, a ${LONG_NAME.length}-character name too`, { timeout: 60_000 }, async () => {
      for (const [name, state] of [['admin', loggedIn], [LONG_NAME, longNamed]] as const) {
        for (const width of [390, 320]) {
          const page = await adminAt(width, lang, state);
          const whoami = page.getByTestId('whoami');
          await expect.poll(() => whoami.textContent(), until).toContain(name);
          await page.screenshot({ path: resolve(screenshotDir, `admin-whoami-${width}-${lang}-${name.length}.png`) });
          const cut = await whoAmICut(page);
          console.info(`admin whoami at ${width} px (${lang}, ${name.length} characters): ${JSON.stringify(cut.measured)}`);
          expect(cut.problems, `${name} at ${width} px`).toEqual([]);
          const bar = await boxOf(page, 'header.topbar');
          const lines = Math.round(cut.measured['height']! / WHOAMI_LINE_PX);
          expect(lines, `${name} at ${width} px`).toBe(name === LONG_NAME && width === 320 ? 2 : 1);
          expect(bar.bottom - bar.top, `${name} at ${width} px`).toBeLessThanOrEqual(TOP_BAR_MAX_PX + (lines - 1) * WHOAMI_LINE_PX);
          expect(await clippedIn(page), `${name} at ${width} px`).toEqual([]);
          await page.context().close();
        }
      }
    });
  }

  it('at 390 px, the current tab comes back into the row after a language switch and after the width changes; its fields are 16 px', { timeout: 60_000 }, async () => {
    const page = await adminAt(390, 'zh-CN');
    const inRow = async () => {
      const [tab, row] = [await boxOf(page, '[data-testid="tab-account"]'), await boxOf(page, '.tabs')];
      return tab.left >= row.left && tab.right <= row.right;
    };
    await page.goto(`${suite.url}/admin#account`);
    await visible(page.getByTestId('view-account'));
    await expect.poll(inRow, until).toBe(true);
    // iOS zooms into a field whose text is under 16 px.
    expect(await page.getByTestId('lang-switch').evaluate((el) => getComputedStyle(el).fontSize)).toBe('16px');

    await page.locator('.tabs').evaluate((row) => (row.scrollLeft = 0));
    expect(await inRow()).toBe(false);
    await page.getByTestId('lang-switch').selectOption('en');
    await expect.poll(() => page.getByTestId('tab-account').textContent(), until).toBe('My account');
    await expect.poll(inRow, until).toBe(true);

    await page.locator('.tabs').evaluate((row) => (row.scrollLeft = 0));
    expect(await inRow()).toBe(false);
    await page.setViewportSize({ width: 375, height: 812 });
    await expect.poll(inRow, until).toBe(true);

    // The conversations' filters, as every form's fields.
    await page.goto(`${suite.url}/admin#rooms`);
    await visible(page.getByTestId('filter-from'));
    const fieldSizes = await page
      .locator('.field input, .field select, .field textarea')
      .evaluateAll((els) => [...new Set(els.filter((el) => (el as HTMLElement).checkVisibility()).map((el) => getComputedStyle(el).fontSize))]);
    expect(fieldSizes).toEqual(['16px']);
  });

  for (const lang of ['en', 'zh-CN'] as const) {
    it(`from 721 to 1280 px in ${lang}, the sections are on one row, each whole, or the row scrolls with a cue that more is there`, { timeout: 60_000 }, async () => {
      const page = await adminAt(1280, lang);
      const found: string[] = [];
      for (const width of [1280, 1024, 900, 721]) {
        await page.setViewportSize({ width, height: 800 });
        const row = await page.evaluate(() => {
          const tabs = [...document.querySelectorAll<HTMLElement>('.tabs .tab')].filter((t) => t.checkVisibility());
          const strip = document.querySelector<HTMLElement>('.tabs')!;
          return {
            tops: [...new Set(tabs.map((t) => Math.round(t.getBoundingClientRect().top)))].length,
            scrolls: strip.scrollWidth > strip.clientWidth + 1,
            cue: getComputedStyle(strip).maskImage !== 'none' || getComputedStyle(strip, '::after').content !== 'none',
            cut: tabs.filter((t) => t.scrollWidth > t.clientWidth + 1).map((t) => t.dataset['testid']),
          };
        });
        await page.screenshot({ path: resolve(screenshotDir, `admin-tabs-${width}-${lang}.png`) });
        if (row.tops > 1) found.push(`${width} px: the sections take ${row.tops} rows`);
        if (row.scrolls && !row.cue) found.push(`${width} px: the row scrolls with no cue`);
        if (row.cut.length > 0) found.push(`${width} px: ${row.cut.join(', ')} cut`);
      }
      expect(found).toEqual([]);
      expect(await clippedIn(page)).toEqual([]);
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
