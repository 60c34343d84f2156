/**
 * Leaving the admin page — on purpose or not — in a real Chromium against the real server:
 * - a session that ends under the admin's hands (logged out in another tab) loses nothing: the login form
 *   says why it is shown, in the page's language, and brings them back to the report they were on with
 *   the decision they were writing (action, scope, duration, note), which is dropped once sent or cleared;
 * - logging out with unsaved content-policy edits asks first (the page's own confirmation), and "Cancel"
 *   leaves the admin logged in with their edits, never a page that looks logged in but is not;
 * - an error on the login form is said again in the language the admin switches to.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('admin session-ended browser tests');

const WAIT_MS = 10_000;
const { until, text, visible } = chatPageDriver(WAIT_MS);
const ENDED_ZH = '登录已过期（或已在别的标签页退出），请重新登录；登录后会回到你刚才所在的页面。';
const ENDED_EN = 'Your session has ended (expired, or logged out in another tab); log in again to return to where you were.';
const NOTE = '第二次发广告，先警告';

describe.skipIf(skip)('leaving the admin page without losing work', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });
  const people = { reporter: 'endreporter01', reported: 'endreported02' };
  let reportId = 0;

  beforeAll(async () => {
    const { repository, moderation } = suite.server.app;
    const at = Date.now() - 3_600_000;
    const room = await repository.createRoom({ user1Id: people.reporter, user2Id: people.reported, matchType: 'random', createdAt: new Date(at) });
    const stored = await repository.appendMessages([{ roomId: room.id, senderId: people.reported, content: '加我微信领红包', createdAt: new Date(at + 1_000) }]);
    await repository.endRoom(room.id, 'left', new Date());
    const messageIds = stored.flatMap((s) => ('message' in s ? [s.message.id] : []));
    reportId = (await moderation.report(people.reporter, { reason: 'spam', room_id: room.id, message_ids: messageIds })).id;
  });

  async function logIn(page: Page): Promise<void> {
    await visible(page.getByTestId('password'));
    await page.getByTestId('password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-btn').click();
  }

  const draftKeys = (page: Page) => () => page.evaluate(() => Object.keys(sessionStorage).filter((key) => key.startsWith('admin-decision-draft:')));

  it('a session ended in another tab brings the admin back to the report with the decision they were writing', { timeout: 90_000 }, async () => {
    const context = await suite.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${suite.url}/admin`);
    await logIn(page);
    await visible(page.getByTestId('view-dashboard'));
    await page.evaluate((id) => (window.location.hash = `report/${id}`), reportId);
    const view = page.getByTestId('view-report');
    await expect.poll(text(view.getByTestId('report-reported')), until).toBe(people.reported);
    expect(page.url()).toMatch(new RegExp(`/admin#report/${reportId}$`));

    // The decision being written: Warn, for 7 days, with a note.
    await view.getByTestId('action-warn').check();
    await view.getByTestId('decision-duration').selectOption('604800');
    await view.getByTestId('decision-note').fill(NOTE);

    // Logged out in another tab of the same browser.
    const other = await context.newPage();
    await other.goto(`${suite.url}/admin`);
    await visible(other.getByTestId('view-dashboard'));
    await other.getByTestId('logout-btn').click();
    await expect.poll(() => other.title(), until).toBe('管理员登录');
    await other.close();

    // Submit: refused (401). The failure shown while the login form loads is in the page's language, never
    // in English: written down as it appears (sessionStorage outlives the reload) to be read afterwards.
    await page.evaluate(() => {
      const error = document.querySelector('[data-testid="decision-error"]')!;
      new MutationObserver(() => sessionStorage.setItem('seen-decision-error', error.textContent ?? '')).observe(error, { childList: true, characterData: true, subtree: true });
    });
    await view.getByTestId('decision-submit').click();

    // The login form, at the same address, says why it is shown — in the language chosen, too.
    await expect.poll(() => page.title(), until).toBe('管理员登录');
    expect(await page.evaluate(() => sessionStorage.getItem('seen-decision-error'))).toBe('操作失败：登录已过期，请重新登录');
    await expect.poll(text(page.getByTestId('login-error')), until).toBe(ENDED_ZH);
    expect(page.url()).toMatch(new RegExp(`/admin#report/${reportId}$`));
    await page.getByTestId('lang-switch').selectOption('en');
    await expect.poll(text(page.getByTestId('login-error')), until).toBe(ENDED_EN);
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await expect.poll(text(page.getByTestId('login-error')), until).toBe(ENDED_ZH);

    // Logged in again: the report, with the decision as it was left, and the admin told so.
    await logIn(page);
    await expect.poll(text(view.getByTestId('report-reported')), until).toBe(people.reported);
    expect(await page.getByTestId('view-dashboard').isHidden()).toBe(true);
    expect(await view.getByTestId('action-warn').isChecked()).toBe(true);
    expect(await view.getByTestId('decision-duration').inputValue()).toBe('604800');
    expect(await view.getByTestId('decision-scope').inputValue()).toBe('identity');
    expect(await view.getByTestId('decision-note').inputValue()).toBe(NOTE);
    await expect.poll(text(page.getByTestId('toast')), until).toBe('你尚未提交的处理决定已恢复');

    // Cleared by the admin, it does not come back.
    await view.getByTestId('decision-clear').click();
    expect(await view.getByTestId('action-warn').isChecked()).toBe(false);
    expect(await view.getByTestId('decision-note').inputValue()).toBe('');
    expect(await draftKeys(page)()).toEqual([]);
    await page.reload();
    await expect.poll(text(view.getByTestId('report-reported')), until).toBe(people.reported);
    expect(await view.getByTestId('action-warn').isChecked()).toBe(false);
    expect(await view.getByTestId('decision-note').inputValue()).toBe('');

    // Written again and sent: decided with what was written, and the draft is gone.
    await view.getByTestId('action-warn').check();
    await view.getByTestId('decision-note').fill(NOTE);
    expect(await draftKeys(page)()).toEqual([`admin-decision-draft:${reportId}`]);
    await view.getByTestId('decision-submit').click();
    await expect.poll(text(view.getByTestId('report-resolution')), until).toBe('已警告');
    expect(await draftKeys(page)()).toEqual([]);
    const [stored] = await suite.server.database.query<{ resolution: string; resolution_note: string }>('SELECT resolution, resolution_note FROM reports WHERE id = $1', [reportId]);
    expect(stored).toEqual({ resolution: 'warn', resolution_note: NOTE });
  });

  it('logging out with unsaved policy edits asks first; Cancel keeps the admin logged in with the edits', { timeout: 60_000 }, async () => {
    const page = await (await suite.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    // The browser's own leave-page prompt: recorded (and answered "Stay", as an admin might).
    const browserPrompts: string[] = [];
    page.on('dialog', (dialog) => {
      browserPrompts.push(dialog.type());
      void dialog.dismiss();
    });
    await page.goto(`${suite.url}/admin`);
    await logIn(page);
    await page.getByTestId('tab-policy').click();
    const view = page.getByTestId('view-policy');
    await expect.poll(text(view.getByTestId('policy-count')), until).toMatch(/^共 \d+ 个词条$/);
    await view.getByTestId('policy-new-term').fill('退出前的词条');
    await view.getByTestId('policy-new-term').press('Enter');
    await visible(view.getByTestId('policy-dirty'));

    const confirm = page.getByTestId('confirm-dialog');
    await page.getByTestId('logout-btn').click();
    await visible(confirm);
    expect(await page.getByTestId('confirm-title').textContent()).toBe('退出登录并放弃更改？');
    await page.getByTestId('confirm-cancel').click();
    await confirm.waitFor({ state: 'hidden', timeout: WAIT_MS });
    // Still logged in, edits on screen.
    expect((await page.request.get(`${suite.url}/admin/api/stats`)).status()).toBe(200);
    expect(await view.getByTestId('policy-dirty').isVisible()).toBe(true);
    expect(await view.getByTestId('policy-term').first().textContent()).toBe('退出前的词条');

    // Confirmed: logged out, without the browser asking again.
    await page.getByTestId('logout-btn').click();
    await visible(confirm);
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => page.title(), until).toBe('管理员登录');
    expect((await page.request.get(`${suite.url}/admin/api/stats`)).status()).toBe(401);
    expect(browserPrompts).toEqual([]);
  });

  it('an error on the login form is said again in the language switched to', { timeout: 30_000 }, async () => {
    const page = await (await suite.newContext()).newPage();
    // Answered here, not by the server: a wrong password would spend the login budget of the other tests.
    await page.route(`${suite.url}/admin/login`, (route) =>
      route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ error: 'INVALID_PASSWORD', message: 'wrong' }) }),
    );
    await page.goto(`${suite.url}/admin`);
    await page.getByTestId('password').fill('not the password');
    await page.getByTestId('login-btn').click();
    await expect.poll(text(page.getByTestId('login-error')), until).toBe('密码错误');
    await page.getByTestId('lang-switch').selectOption('en');
    await expect.poll(text(page.getByTestId('login-error')), until).toBe('Wrong password');
    expect(await page.title()).toBe('Admin login');
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await expect.poll(text(page.getByTestId('login-error')), until).toBe('密码错误');
  });
});
