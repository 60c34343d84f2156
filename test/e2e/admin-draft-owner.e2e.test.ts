/**
 * Drafts belong to the admin who wrote them, in a real Chromium against the real server: the owner writes a
 * report's decision (ban, a note) and a sanction on the Sanctions page; their session ends (logged out in
 * another tab of the same browser); a moderator logs in at the owner's tab: empty forms, and nothing of the
 * owner's left in the tab — deleted, not hidden: the owner back at that tab finds nothing either. The
 * owner's own drafts still come back to them after their own session ends. A moderator logging in in
 * another tab, the owner's tab reloaded: the moderator gets none of the owner's drafts there either.
 * The moderator is given straight to the server (the invitation is admin-team's to test); logins are limited
 * to 5 a minute from one address: four in the first suite, two in the second (a server of its own).
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/admin/auth/password.js';
import { AdminAccounts } from '../../src/admin/team/admin-accounts.js';
import { systemClock } from '../../src/clock.js';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { seedEndedConversation, seedReport } from '../helpers/admin-page.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('admin draft owner browser tests');

const WAIT_MS = 10_000;
const { until, text, visible } = chatPageDriver(WAIT_MS);
const LOGIN_TITLE = '管理员登录';
const MODERATOR = { name: 'dm_moderator', password: 'a moderator password 1234' };
const NOTE = '威胁要公开对方住址，永久封禁';
const REASON = '在多个聊天中反复发送赌博网站链接';

describe.skipIf(skip)('whose drafts a tab keeps', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });
  const people = { reporter: 'doreporter01', reported: 'doreported02', direct: 'dodirect0003' };
  let reportId = 0;

  beforeAll(async () => {
    reportId = await seedReport(suite.server.app, people.reporter, people.reported);
    // Someone who has been in a conversation: the Sanctions page's form sanctions only such an ID.
    await seedEndedConversation(suite.server.app, people.direct, 'dopartner004');
    const accounts = new AdminAccounts(suite.server.database, systemClock);
    await accounts.create({ name: MODERATOR.name, role: 'moderator', passwordHash: await hashPassword(MODERATOR.password), createdBy: 'admin' }, suite.server.database);
  });

  /** Logs in at the login form shown: the bootstrap owner without a name. */
  async function logIn(page: Page, as: { name: string; password: string } = { name: '', password: ADMIN_PASSWORD }): Promise<void> {
    await visible(page.getByTestId('password'));
    await page.getByTestId('login-name').fill(as.name);
    await page.getByTestId('password').fill(as.password);
    await page.getByTestId('login-btn').click();
    await expect.poll(() => page.title(), until).not.toBe(LOGIN_TITLE);
    await expect.poll(text(page.getByTestId('whoami')), until).toContain(as.name || 'admin');
  }

  /** Logged out in another tab of the same browser; `page`'s next call meets the ended session: its login form. */
  async function endSessionElsewhere(context: BrowserContext, page: Page): Promise<void> {
    const other = await context.newPage();
    await other.goto(`${suite.url}/admin`);
    await visible(other.getByTestId('view-dashboard'));
    await other.getByTestId('logout-btn').click();
    await expect.poll(() => other.title(), until).toBe(LOGIN_TITLE);
    await other.close();
    await page.getByTestId('tab-dashboard').click();
    await expect.poll(() => page.title(), until).toBe(LOGIN_TITLE);
  }

  const go = (page: Page, hash: string) => page.evaluate((to) => (window.location.hash = to), hash);
  const draftKeys = (page: Page) => page.evaluate(() => Object.keys(sessionStorage).filter((key) => key.includes('-draft:')).sort());

  async function openReport(page: Page): Promise<void> {
    await go(page, `report/${reportId}`);
    await expect.poll(text(page.getByTestId('view-report').getByTestId('report-reported')), until).toBe(people.reported);
  }

  async function openSanctions(page: Page): Promise<void> {
    await go(page, 'sanctions');
    await visible(page.getByTestId('sanction-form'));
  }

  /** The forms as the admin finds them. */
  async function forms(page: Page): Promise<{ ban: boolean; note: string; user: string; reason: string }> {
    await openReport(page);
    const report = page.getByTestId('view-report');
    const ban = await report.getByTestId('action-ban').isChecked();
    const note = await report.getByTestId('decision-note').inputValue();
    await openSanctions(page);
    const form = page.getByTestId('sanction-form');
    return { ban, note, user: await form.getByTestId('sanction-user').inputValue(), reason: await form.getByTestId('sanction-reason').inputValue() };
  }

  it("another admin logging in at the tab gets none of the previous admin's drafts, and they are deleted", { timeout: 120_000 }, async () => {
    const context = await suite.newContext({ viewport: { width: 1280, height: 900 } });
    // What the Sanctions page's form holds as each admin page starts, before anything could empty it: written
    // down (sessionStorage outlives a reload) to tell whether the moderator was ever shown the owner's reason.
    await context.addInitScript(() =>
      document.addEventListener('DOMContentLoaded', () => {
        const reason = document.querySelector<HTMLInputElement>('[data-testid="sanction-reason"]')?.value;
        if (reason) sessionStorage.setItem('shown-reason', reason);
      }),
    );
    const page = await context.newPage();
    await page.goto(`${suite.url}/admin`);
    await logIn(page);

    // The owner writes a ban with a note, and a sanction on the Sanctions page.
    await openReport(page);
    const report = page.getByTestId('view-report');
    await report.getByTestId('action-ban').check();
    await report.getByTestId('decision-note').fill(NOTE);
    await openSanctions(page);
    const form = page.getByTestId('sanction-form');
    await form.getByTestId('sanction-user').fill(people.direct);
    await form.getByTestId('sanction-reason').fill(REASON);
    expect(await draftKeys(page)).toEqual([`admin-decision-draft:${reportId}`, 'admin-sanction-draft:page']);

    // Their session ends; a moderator logs in at their tab: empty forms, nothing of the owner's in the tab.
    await endSessionElsewhere(context, page);
    await page.evaluate(() => sessionStorage.removeItem('shown-reason'));
    await logIn(page, MODERATOR);
    expect(await draftKeys(page)).toEqual([]);
    // Not even for a moment, as the page started.
    expect(await page.evaluate(() => sessionStorage.getItem('shown-reason'))).toBeNull();
    expect(await forms(page)).toEqual({ ban: false, note: '', user: '', reason: '' });
    expect(await draftKeys(page)).toEqual([]);

    // Deleted, not hidden: the owner back at the tab after the moderator's session ends finds nothing either.
    await endSessionElsewhere(context, page);
    await logIn(page);
    expect(await forms(page)).toEqual({ ban: false, note: '', user: '', reason: '' });
    expect(await draftKeys(page)).toEqual([]);

    // The owner's own drafts still come back to them after their own session ends.
    await form.getByTestId('sanction-user').fill(people.direct);
    await form.getByTestId('sanction-reason').fill(REASON);
    await openReport(page);
    await report.getByTestId('action-ban').check();
    await report.getByTestId('decision-note').fill(NOTE);
    await endSessionElsewhere(context, page);
    await logIn(page);
    expect(await forms(page)).toEqual({ ban: true, note: NOTE, user: people.direct, reason: REASON });
    // Nothing was sent by itself.
    expect(await suite.server.database.query('SELECT id FROM sanctions WHERE user_id IN ($1, $2)', [people.direct, people.reported])).toEqual([]);
  });
});

describe.skipIf(skip)("whose drafts a tab keeps, when another tab's login changes who is logged in", () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });
  const direct = 'dodirect0005';

  beforeAll(async () => {
    const { repository } = suite.server.app;
    const room = await repository.createRoom({ user1Id: direct, user2Id: 'dopartner006', matchType: 'random', createdAt: new Date(Date.now() - 3_600_000) });
    await repository.endRoom(room.id, 'left', new Date());
    const accounts = new AdminAccounts(suite.server.database, systemClock);
    await accounts.create({ name: MODERATOR.name, role: 'moderator', passwordHash: await hashPassword(MODERATOR.password), createdBy: 'admin' }, suite.server.database);
  });

  it("the owner's tab, reloaded under a moderator's session, shows none of the owner's drafts and keeps none", { timeout: 90_000 }, async () => {
    const context = await suite.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${suite.url}/admin#sanctions`);
    await page.getByTestId('password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-btn').click();
    const form = page.getByTestId('sanction-form');
    await visible(form);
    await form.getByTestId('sanction-user').fill(direct);
    await form.getByTestId('sanction-reason').fill(REASON);

    // In another tab: logged out, and logged in as the moderator (the browser's cookie is now theirs).
    const other = await context.newPage();
    await other.goto(`${suite.url}/admin`);
    await visible(other.getByTestId('view-dashboard'));
    await other.getByTestId('logout-btn').click();
    await expect.poll(() => other.title(), until).toBe(LOGIN_TITLE);
    await other.getByTestId('login-name').fill(MODERATOR.name);
    await other.getByTestId('password').fill(MODERATOR.password);
    await other.getByTestId('login-btn').click();
    await visible(other.getByTestId('view-dashboard'));

    // The owner's tab reloaded: the moderator's page, with the owner's draft deleted and the form empty.
    await page.reload();
    await expect.poll(text(page.getByTestId('whoami')), until).toContain(MODERATOR.name);
    await expect.poll(() => page.evaluate(() => Object.keys(sessionStorage).filter((key) => key.includes('-draft:'))), until).toEqual([]);
    await visible(form);
    await expect.poll(() => form.getByTestId('sanction-reason').inputValue(), until).toBe('');
    expect(await form.getByTestId('sanction-user').inputValue()).toBe('');
  });
});
