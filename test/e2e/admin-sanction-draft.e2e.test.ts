/**
 * A sanction being written survives the session ending under the admin's hands, in a real Chromium against
 * the real server, as a report's decision does (admin-session-ended):
 * - the Sanctions page's form (user ID, kind, duration, a reason past the length limit, counted as such) is back as it was
 *   left after logging in again, and after a reload; issued, it is gone;
 * - the dialog from a report's person card keeps what was written for that person only: the other person's
 *   dialog starts empty; Cancel discards it; issued, it is gone;
 * - a logout forgets what was being written.
 * The session is ended server side (every admin session deleted); the page's next call meets the 401.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { seedEndedConversation, seedReport } from '../helpers/admin-page.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('admin sanction draft browser tests');

const WAIT_MS = 10_000;
const { until, text, visible } = chatPageDriver(WAIT_MS);
const LOGIN_TITLE = '管理员登录';
/** Past the 500 characters a reason may have: kept whole, and said to be too long once back. */
const LONG_REASON = '在多个聊天中反复发送赌博网站链接，并诱导对方转账。'.repeat(25);
const REASON = '在多个聊天中反复发送赌博网站链接';
/** Within the limit: a reason too long is not sent, so it would never meet the ended session. */
const MEDIUM_REASON = '多次在聊天中索要对方的照片和住址，被拒绝后继续骚扰。'.repeat(8);

describe.skipIf(skip)('a sanction being written, when the session ends', () => {
  // Four logins in all (two a test), under the five a minute the login route allows.
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });
  const people = { reporter: 'sdreporter01', reported: 'sdreported02', direct: 'sddirect0003' };
  let reportId = 0;

  beforeAll(async () => {
    reportId = await seedReport(suite.server.app, people.reporter, people.reported);
    // Someone who has been in a conversation: the Sanctions page's form sanctions only such an ID.
    await seedEndedConversation(suite.server.app, people.direct, 'sdpartner004');
  });

  async function logIn(page: Page): Promise<void> {
    await visible(page.getByTestId('password'));
    await page.getByTestId('password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-btn').click();
  }

  /** Every admin session ended server side (revoked, or expired): the page learns it at its next call. */
  const endSessions = () => suite.server.database.query('DELETE FROM admin_sessions');

  const draftKeys = (page: Page) => () => page.evaluate(() => Object.keys(sessionStorage).filter((key) => key.startsWith('admin-sanction-draft:')));
  const value = (locator: Locator) => () => locator.inputValue();

  async function sanctionsOf(userId: string): Promise<{ kind: string; reason: string; ends_at: Date | null }[]> {
    return suite.server.database.query('SELECT kind, reason, ends_at FROM sanctions WHERE user_id = $1', [userId]);
  }

  it("the Sanctions page's form is back after logging in again and after a reload, and goes once issued", { timeout: 90_000 }, async () => {
    const page = await (await suite.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${suite.url}/admin#sanctions`);
    await logIn(page);
    const form = page.getByTestId('sanction-form');
    await visible(form);

    // A permanent ban, with a reason pasted too long.
    await form.getByTestId('sanction-user').fill(people.direct);
    await form.getByTestId('sanction-kind').selectOption('banned');
    await form.getByTestId('sanction-duration').selectOption('');
    await form.getByTestId('sanction-reason').fill(LONG_REASON);
    expect(await draftKeys(page)()).toEqual(['admin-sanction-draft:page']);

    // The session ends; the admin's next step (showing the whole history) meets it: the login form, at #sanctions.
    await endSessions();
    await page.getByTestId('sanctions-all').click();
    await expect.poll(() => page.title(), until).toBe(LOGIN_TITLE);
    expect(page.url()).toMatch(/\/admin#sanctions$/);

    await logIn(page);
    await visible(form);
    expect(await form.getByTestId('sanction-user').inputValue()).toBe(people.direct);
    expect(await form.getByTestId('sanction-kind').inputValue()).toBe('banned');
    expect(await form.getByTestId('sanction-duration').inputValue()).toBe('');
    expect(await form.getByTestId('sanction-duration').locator('option[value=""]').isDisabled()).toBe(false);
    expect(await form.getByTestId('sanction-reason').inputValue()).toBe(LONG_REASON);
    // The length limit counts the reason back in the form, not the empty one the page started with.
    expect(await form.getByTestId('sanction-reason-count').textContent()).toBe(`${LONG_REASON.length}/500`);
    expect(await form.getByTestId('sanction-reason-too-long').isVisible()).toBe(true);
    // Not sent by itself.
    expect(await sanctionsOf(people.direct)).toEqual([]);

    // Shortened, then the page reloaded: as it was left again.
    await form.getByTestId('sanction-reason').fill(REASON);
    await page.reload();
    await visible(form);
    await expect.poll(value(form.getByTestId('sanction-reason')), until).toBe(REASON);
    expect(await form.getByTestId('sanction-user').inputValue()).toBe(people.direct);
    expect(await form.getByTestId('sanction-duration').inputValue()).toBe('');
    expect(await form.getByTestId('sanction-reason-count').textContent()).toBe(`${REASON.length}/500`);

    // Issued (the ban confirmed): the form and its draft are empty, and stay so after a reload.
    await form.getByTestId('sanction-submit').click();
    await visible(page.getByTestId('confirm-dialog'));
    await page.getByTestId('confirm-ok').click();
    await expect.poll(text(page.getByTestId('toast')), until).toBe(`已处罚 ${people.direct}`);
    expect(await sanctionsOf(people.direct)).toEqual([{ kind: 'banned', reason: REASON, ends_at: null }]);
    expect(await form.getByTestId('sanction-reason').inputValue()).toBe('');
    expect(await draftKeys(page)()).toEqual([]);
    await page.reload();
    await visible(form);
    expect(await form.getByTestId('sanction-user').inputValue()).toBe('');
    expect(await form.getByTestId('sanction-reason').inputValue()).toBe('');

    // A logout forgets what is being written: the next admin at this tab does not get it.
    await form.getByTestId('sanction-reason').fill(REASON);
    expect(await draftKeys(page)()).toEqual(['admin-sanction-draft:page']);
    await page.getByTestId('logout-btn').click();
    await expect.poll(() => page.title(), until).toBe(LOGIN_TITLE);
    expect(await draftKeys(page)()).toEqual([]);
  });

  it("the dialog from a report's person card keeps what was written for that person until issued or cancelled", { timeout: 90_000 }, async () => {
    const page = await (await suite.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${suite.url}/admin#report/${reportId}`);
    await logIn(page);
    const view = page.getByTestId('view-report');
    const dialog = page.getByTestId('sanction-dialog');
    const reason = dialog.getByTestId('dialog-reason');
    const open = async (role: 'reported' | 'reporter') => {
      await view.getByTestId(`sanction-${role}`).click();
      await visible(dialog);
    };
    await expect.poll(text(view.getByTestId('report-reported')), until).toBe(people.reported);

    // A mute for 30 days on the person reported, with a reason; Submit after the session ended.
    await open('reported');
    await dialog.getByTestId('dialog-kind').selectOption('muted');
    await dialog.getByTestId('dialog-duration').selectOption('2592000');
    await reason.fill(MEDIUM_REASON);
    await endSessions();
    await dialog.getByTestId('dialog-submit').click();
    await expect.poll(() => page.title(), until).toBe(LOGIN_TITLE);
    expect(page.url()).toMatch(new RegExp(`/admin#report/${reportId}$`));

    // Logged in again, back on the report; the dialog opens again where it was left — for that person only.
    await logIn(page);
    await expect.poll(text(view.getByTestId('report-reported')), until).toBe(people.reported);
    expect(await dialog.isVisible()).toBe(false);
    await open('reporter');
    expect(await reason.inputValue()).toBe('');
    expect(await dialog.getByTestId('dialog-kind').inputValue()).toBe('warning');
    await dialog.getByTestId('dialog-cancel').click();
    await open('reported');
    expect(await dialog.getByTestId('sanction-dialog-title').textContent()).toContain(people.reported);
    expect(await dialog.getByTestId('dialog-kind').inputValue()).toBe('muted');
    expect(await dialog.getByTestId('dialog-duration').inputValue()).toBe('2592000');
    expect(await dialog.getByTestId('dialog-duration').locator('option[value=""]').isDisabled()).toBe(true);
    expect(await reason.inputValue()).toBe(MEDIUM_REASON);
    expect(await dialog.getByTestId('dialog-reason-count').textContent()).toBe(`${MEDIUM_REASON.length}/500`);
    expect(await sanctionsOf(people.reported)).toEqual([]);

    // Cancelled on purpose: what was written goes with it.
    await dialog.getByTestId('dialog-cancel').click();
    await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
    expect(await draftKeys(page)()).toEqual([]);
    await open('reported');
    expect(await reason.inputValue()).toBe('');
    expect(await dialog.getByTestId('dialog-kind').inputValue()).toBe('warning');

    // Written again, the page reloaded (the dialog closes with it): back as it was left.
    await dialog.getByTestId('dialog-kind').selectOption('muted');
    await reason.fill(REASON);
    expect(await draftKeys(page)()).toEqual([`admin-sanction-draft:user:${people.reported}`]);
    await page.reload();
    await expect.poll(text(view.getByTestId('report-reported')), until).toBe(people.reported);
    await open('reported');
    expect(await dialog.getByTestId('dialog-kind').inputValue()).toBe('muted');
    expect(await reason.inputValue()).toBe(REASON);
    expect(await dialog.getByTestId('dialog-reason-count').textContent()).toBe(`${REASON.length}/500`);

    // Issued: the draft is gone, and the dialog opens empty for that person again.
    await dialog.getByTestId('dialog-submit').click();
    await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(text(page.getByTestId('toast')), until).toBe(`已处罚 ${people.reported}`);
    expect((await sanctionsOf(people.reported)).map((s) => [s.kind, s.reason])).toEqual([['muted', REASON]]);
    expect(await draftKeys(page)()).toEqual([]);
    await open('reported');
    expect(await reason.inputValue()).toBe('');
  });
});
