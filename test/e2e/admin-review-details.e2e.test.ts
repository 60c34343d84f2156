/**
 * Details of reviewing in the admin page, in a real Chromium against the real server:
 * - content-policy terms that could never match (no letter or digit), a pasted term too long, and terms
 *   that differ only in case, spaces or punctuation are refused with a reason, never cut or kept;
 * - a ban's confirmation cancelled gives the focus back to Submit, enabled;
 * - the content policy's own reports (reporter `system`) offer no sanction of `system`;
 * - "Back to the reports" returns to the queue page the report was opened from;
 * - a reversed time range in the conversation filters is said, not searched;
 * - the top bar's tab labels stay on one line at 390 px, and the reports and sanctions tables fit 1280 px.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReviewQueue } from '../../src/policy/review-queue.js';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { adminLoginState } from '../helpers/admin-page.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('admin review details browser tests');

const WAIT_MS = 10_000;
const { until, text, visible } = chatPageDriver(WAIT_MS);
/** More open reports than one page of the queue (50). */
const REPORTS = 55;
const LONG = '这位用户反复发送广告链接并且要求对方添加联系方式，已经多次被其他人举报，请尽快处理。'.repeat(3);

describe.skipIf(skip)('reviewing details in a browser', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });
  /** The session of one login, shared by every test: logins are limited to 5 a minute. */
  let loggedIn: Awaited<ReturnType<BrowserContext['storageState']>>;
  let systemReport = 0;

  beforeAll(async () => {
    const { repository, moderation } = suite.server.app;
    const at = Date.now() - 3_600_000;
    for (let i = 0; i < REPORTS; i += 1) {
      const [reporter, reported] = [`rvreporter${String(i).padStart(3, '0')}`, `rvreported${String(i).padStart(3, '0')}`];
      const room = await repository.createRoom({ user1Id: reporter, user2Id: reported, matchType: 'random', createdAt: new Date(at + i * 1_000) });
      await moderation.report(reporter, { reason: 'spam', room_id: room.id, note: i % 2 === 0 ? LONG : '广告' });
    }
    // A report the content policy filed itself, on a message it flagged.
    const room = await repository.createRoom({ user1Id: 'rvsender0001', user2Id: 'rvpartner002', matchType: 'random', createdAt: new Date(at) });
    const [stored] = await repository.appendMessages([{ roomId: room.id, senderId: 'rvsender0001', content: '加我微信', createdAt: new Date(at + 1_000) }]);
    const messageId = stored && 'message' in stored ? stored.message.id : null;
    await new ReviewQueue(suite.server.database).flag({ roomId: room.id, senderId: 'rvsender0001', reason: 'spam', messageId, note: 'term', priority: 0, at: new Date() });
    const [row] = await suite.server.database.query<{ id: number | string }>("SELECT id FROM reports WHERE reporter_id = 'system' AND room_id = $1", [room.id]);
    systemReport = Number(row!.id);
    // Sanctions with long reasons, for the table's width.
    for (let i = 0; i < 3; i += 1) {
      await moderation.issue({ userId: `rvreported${String(i).padStart(3, '0')}`, networkHash: null, scope: 'identity', kind: 'muted', reason: LONG, createdBy: 'admin' });
    }

    const context = await suite.newContext();
    loggedIn = await adminLoginState(context, suite.url);
  }, 120_000);

  async function adminPage(hash: string, options: { width?: number; locale?: string } = {}): Promise<Page> {
    const context = await suite.newContext({ viewport: { width: options.width ?? 1280, height: 900 }, storageState: loggedIn, ...(options.locale ? { locale: options.locale } : {}) });
    const page = await context.newPage();
    await page.goto(`${suite.url}/admin${hash}`);
    return page;
  }

  const focused = (page: Page) => () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['testid'] ?? document.activeElement?.tagName ?? null);

  it('refuses policy terms that could never match, a pasted term too long, and a listed term written differently', { timeout: 60_000 }, async () => {
    const page = await adminPage('#policy');
    const view = page.getByTestId('view-policy');
    await expect.poll(text(view.getByTestId('policy-count')), until).toMatch(/^共 \d+ 个词条$/);
    const count = await view.getByTestId('policy-count').textContent();
    const newTerm = view.getByTestId('policy-new-term');
    const error = view.getByTestId('policy-add-error');
    const add = async (term: string) => {
      await newTerm.fill(term);
      await newTerm.press('Enter');
    };

    for (const term of ['😀', '***', '---', '😀 !!']) {
      await add(term);
      expect(await error.textContent(), term).toBe('词条必须包含至少一个字母或数字：只由符号、标点或表情组成的词条永远不会匹配');
      expect(await newTerm.getAttribute('aria-invalid')).toBe('true');
    }
    // A pasted term longer than 64 characters is not cut to 64: it is refused as it is.
    const long = 'a'.repeat(70);
    await newTerm.fill('');
    await newTerm.focus();
    await page.keyboard.insertText(long);
    expect(await newTerm.inputValue()).toBe(long);
    await newTerm.press('Enter');
    expect(await error.textContent()).toBe('词条最多 64 个字符');
    // "sex chat" is listed: case, spaces and punctuation do not make a new term.
    await add('Sex-Chat');
    expect(await error.textContent()).toBe('“Sex-Chat”与列表中的“sex chat”相同（比较时不计大小写、空格和标点）');
    await add('ＳＥＸ．ＣＨＡＴ');
    expect(await error.textContent()).toBe('“ＳＥＸ．ＣＨＡＴ”与列表中的“sex chat”相同（比较时不计大小写、空格和标点）');
    expect(await view.getByTestId('policy-dirty').isHidden()).toBe(true);
    expect(await view.getByTestId('policy-count').textContent()).toBe(count);

    // In English too; a term with a letter among symbols is fine.
    await page.getByTestId('lang-switch').selectOption('en');
    await add('***');
    expect(await error.textContent()).toBe('A term must contain a letter or a digit: one made of symbols, punctuation or emoji alone never matches');
    await add('sex   chat!');
    expect(await error.textContent()).toBe('“sex   chat!” is the same as “sex chat”, already in the list (case, spaces and punctuation do not count)');
    await add('*x*');
    expect(await error.isHidden()).toBe(true);
    expect(await view.getByTestId('policy-term').first().textContent()).toBe('*x*');
  });

  it('a ban whose confirmation is cancelled gives the focus back to Submit, enabled, and Submit again before the close event asks again', { timeout: 60_000 }, async () => {
    // A report of its own: it is decided at the end, and the other tests count the queue and the sanctions.
    const { repository, moderation } = suite.server.app;
    const room = await repository.createRoom({ user1Id: 'rvcanceller1', user2Id: 'rvcancelled1', matchType: 'random', createdAt: new Date() });
    const { id: report } = await moderation.report('rvcanceller1', { reason: 'spam', room_id: room.id });
    const page = await adminPage(`#report/${report}`);
    const view = page.getByTestId('view-report');
    await visible(view.getByTestId('decision-form'));
    await view.getByTestId('action-ban').check();
    const submit = view.getByTestId('decision-submit');
    const confirm = page.getByTestId('confirm-dialog');

    await submit.click();
    await visible(confirm);
    await expect.poll(focused(page), until).toBe('confirm-cancel');
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(focused(page), until).toBe('decision-submit');
    expect(await submit.isEnabled()).toBe(true);

    // With the keyboard and the Cancel button alike.
    await page.keyboard.press('Enter');
    await visible(confirm);
    await page.getByTestId('confirm-cancel').click();
    await confirm.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(focused(page), until).toBe('decision-submit');
    expect(await submit.isEnabled()).toBe(true);
    const status = async () => (await suite.server.database.query<{ status: string }>('SELECT status FROM reports WHERE id = $1', [report]))[0]!.status;
    expect(await status()).toBe('open');

    // The browser closes the dialog (and gives the focus back) a task before its close event answers "no":
    // Submit pressed in between asks again, and that late event leaves the new confirmation to the admin.
    await page.keyboard.press('Enter');
    await visible(confirm);
    const askedAgain = await page.evaluate(() => {
      const dialog = document.querySelector<HTMLDialogElement>('[data-testid="confirm-dialog"]')!;
      dialog.close();
      document.querySelector<HTMLButtonElement>('[data-testid="decision-submit"]')!.click();
      return dialog.open;
    });
    expect(askedAgain).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await focused(page)()).toBe('confirm-cancel');
    await page.getByTestId('confirm-ok').click();
    await expect.poll(status, until).not.toBe('open');
    const [ban] = await suite.server.database.query<{ id: number | string }>("SELECT id FROM sanctions WHERE user_id = 'rvcancelled1'");
    await moderation.lift(Number(ban!.id), 'admin');
  });

  it("a report the content policy filed offers no sanction of its reporter `system`, in both languages", { timeout: 60_000 }, async () => {
    const page = await adminPage(`#report/${systemReport}`);
    const view = page.getByTestId('view-report');
    await expect.poll(text(view.getByTestId('report-reported')), until).toBe('rvsender0001');
    const reporter = view.getByTestId('person-reporter');
    expect(await reporter.locator('.card-title').textContent()).toBe('举报人 · 内容策略（自动）');
    expect(await reporter.getByTestId('reporter-system').textContent()).toBe('这条举报由内容策略自动提交，举报人不是用户，因此无法处罚，也没有举报记录可看。');
    expect(await reporter.getByRole('button').count()).toBe(0);
    // The person reported can still be sanctioned.
    expect(await view.getByTestId('sanction-reported').isVisible()).toBe(true);

    await page.getByTestId('lang-switch').selectOption('en');
    await expect.poll(() => reporter.locator('.card-title').textContent(), until).toBe('Reporter · the content policy (automatic)');
    expect(await reporter.getByTestId('reporter-system').textContent()).toBe(
      'The content policy filed this report by itself: the reporter is not a person, so there is no one to sanction and no history to show.',
    );
    expect(await reporter.getByRole('button').count()).toBe(0);
  });

  it('"Back to the reports" returns to the queue page the report was opened from', { timeout: 60_000 }, async () => {
    const page = await adminPage('#reports');
    const rows = page.getByTestId('report-row');
    await expect.poll(() => rows.count(), until).toBe(50);
    await page.getByTestId('reports-next-page').click();
    await expect.poll(() => rows.count(), until).toBe(REPORTS + 1 - 50);
    const pageTwo = await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset['reportId']));
    await rows.nth(1).click();
    const view = page.getByTestId('view-report');
    await expect.poll(text(view.getByTestId('report-title')), until).toBe(`举报 #${pageTwo[1]}`);

    await view.getByTestId('report-back').click();
    await expect.poll(() => rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset['reportId'])), until).toEqual(pageTwo);
    expect(await page.getByTestId('reports-previous-page').isEnabled()).toBe(true);
    // Previous still leads to the first page.
    await page.getByTestId('reports-previous-page').click();
    await expect.poll(() => rows.count(), until).toBe(50);

    // From the Dashboard the queue starts on its first page, as before.
    await page.getByTestId('reports-next-page').click();
    await expect.poll(() => rows.count(), until).toBe(REPORTS + 1 - 50);
    await page.getByTestId('tab-dashboard').click();
    await page.getByTestId('tab-reports').click();
    await expect.poll(() => rows.count(), until).toBe(50);
  });

  it('a "from" time later than the "to" time is said to be reversed, not searched', { timeout: 60_000 }, async () => {
    const page = await adminPage('#rooms');
    const view = page.getByTestId('view-rooms');
    await expect.poll(() => view.getByTestId('room-row').count(), until).toBeGreaterThan(0);
    const shown = await view.getByTestId('room-row').count();
    const searches: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/admin/api/rooms?')) searches.push(request.url());
    });

    await view.getByTestId('filter-from').fill('2026-02-01T00:00');
    await view.getByTestId('filter-to').fill('2026-01-01T00:00');
    await view.getByTestId('search-btn').click();
    const error = view.getByTestId('filters-error');
    await visible(error);
    expect(await error.textContent()).toBe('开始时间（起）晚于开始时间（止）：请交换或修改这两个时间');
    expect(await view.getByTestId('filter-from').getAttribute('aria-invalid')).toBe('true');
    expect(await view.getByTestId('rooms-empty').isHidden()).toBe(true);
    expect(await view.getByTestId('room-row').count()).toBe(shown);
    expect(searches).toEqual([]);

    await page.getByTestId('lang-switch').selectOption('en');
    await expect.poll(text(error), until).toBe('The “from” time is later than the “to” time: swap or change them');

    // Put right, the search runs and the message goes.
    await view.getByTestId('filter-from').fill('2020-01-01T00:00');
    await view.getByTestId('search-btn').click();
    await expect.poll(() => searches.length, until).toBe(1);
    expect(await error.isHidden()).toBe(true);
    expect(await view.getByTestId('filter-from').getAttribute('aria-invalid')).toBeNull();
  });

  /** How many lines each tab label of the top bar takes. */
  const tabLines = (page: Page) => () =>
    page.locator('.tab').evaluateAll((tabs) =>
      tabs.map((tab) => {
        const range = document.createRange();
        range.selectNodeContents(tab);
        // One box per line the text is laid out on.
        return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
      }),
    );

  it('keeps every tab label on one line at 390 px, in both languages, with nothing wider than the screen', { timeout: 60_000 }, async () => {
    const page = await adminPage('#dashboard', { width: 390 });
    await visible(page.getByTestId('view-dashboard'));
    expect(await page.getByTestId('tab-dashboard').textContent()).toBe('概览');
    expect(await tabLines(page)()).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.getByTestId('lang-switch').selectOption('en');
    await expect.poll(text(page.getByTestId('tab-dashboard')), until).toBe('Dashboard');
    expect(await tabLines(page)()).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  /** Whether a table's card scrolls sideways (its table wider than the room it has). */
  const scrollsSideways = (card: Locator) => card.evaluate((el) => el.scrollWidth > el.clientWidth + 1);
  const rightEdge = async (locator: Locator) => {
    const box = await locator.boundingBox();
    return box ? box.x + box.width : Number.POSITIVE_INFINITY;
  };

  it('the reports queue and the sanctions fit 1280 px without scrolling sideways, in both languages; narrower, the sanctions are cards', { timeout: 60_000 }, async () => {
    for (const locale of ['zh-CN', 'en-US']) {
      const page = await adminPage('#reports', { locale });
      const reportsCard = page.locator('.table-card').filter({ has: page.getByTestId('reports-table') });
      await expect.poll(() => page.getByTestId('report-row').count(), until).toBe(50);
      expect(await scrollsSideways(reportsCard), `reports ${locale}`).toBe(false);
      const lastHeader = page.getByTestId('reports-table').locator('th').last();
      expect(await rightEdge(lastHeader)).toBeLessThanOrEqual(await rightEdge(reportsCard));

      await page.getByTestId('tab-sanctions').click();
      await expect.poll(() => page.getByTestId('sanction-row').count(), until).toBe(3);
      const sanctionsCard = page.locator('.table-card').filter({ has: page.getByTestId('sanctions-table') });
      expect(await scrollsSideways(sanctionsCard), `sanctions ${locale}`).toBe(false);
      const lift = page.getByTestId('lift-btn').first();
      expect(await rightEdge(lift)).toBeLessThanOrEqual(await rightEdge(sanctionsCard));
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);

      // Narrower than the table can go, the sanctions become cards (admin-narrow.e2e.test.ts): nothing
      // scrolls sideways, Lift stays inside the card (the page itself does not scroll either).
      await page.setViewportSize({ width: 700, height: 900 });
      expect(await scrollsSideways(sanctionsCard)).toBe(false);
      expect(await rightEdge(lift)).toBeLessThanOrEqual(await rightEdge(sanctionsCard));
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(700);
      await page.context().close();
    }
  });
});
