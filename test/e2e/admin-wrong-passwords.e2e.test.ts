/**
 * Three wrong passwords in a row typed again in one admin session end it (src/admin/routes-team.ts
 * `checkPassword`, 401 SESSION_ENDED_WRONG_PASSWORDS), and the login form that comes says why — not "your
 * session expired" — in a real Chromium against the real server:
 * - in the password dialog (a team change past ten minutes): two wrong passwords are said in the dialog, the
 *   third takes the page to the login form, which says the session ended for the wrong passwords, in Chinese
 *   and, switched, in English; the session is gone from the database;
 * - an ordinary end (the session deleted) still says "session ended", not the wrong passwords.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { newPage, WAIT_MS } from '../helpers/axe-walk.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('admin session ended by wrong passwords');
const { until, text, visible } = chatPageDriver(WAIT_MS);
const WRONG_ZH = '连续三次输错密码，为安全起见已退出登录。请重新登录；登录后会回到你刚才所在的页面。';
const WRONG_EN = 'You typed a wrong password three times in a row, so you were logged out to be safe. Log in again to return to where you were.';
const ENDED_ZH = '登录已过期（或已在别的标签页退出），请重新登录；登录后会回到你刚才所在的页面。';

describe.skipIf(skip)('an admin session ended by wrong passwords', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });

  async function loggedIn(): Promise<Page> {
    const page = await newPage(suite, { viewport: { width: 1280, height: 900 } });
    await page.goto(`${suite.url}/admin#team`);
    await page.getByTestId('password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-btn').click();
    await visible(page.getByTestId('view-team'));
    return page;
  }
  const sessions = async () => (await suite.server.database.query<{ n: number }>('SELECT count(*)::int AS n FROM admin_sessions'))[0]!.n;

  it('the third wrong password in the dialog logs out, and the login form says why, in both languages', { timeout: 90_000 }, async () => {
    const page = await loggedIn();
    await suite.server.database.query("UPDATE admin_sessions SET password_at = now() - interval '11 minutes'");
    await page.getByTestId('invite-role').selectOption('viewer');
    await page.getByTestId('invite-submit').click();
    await visible(page.getByTestId('password-confirm-dialog'));
    for (let i = 1; i <= 2; i++) {
      await page.getByTestId('password-confirm-input').fill(`not-it-${i}`);
      await page.getByTestId('password-confirm-submit').click();
      await expect.poll(text(page.getByTestId('password-confirm-error')), until).toBe('当前密码错误');
      // Said, then cleared for the next try: the next poll waits for the same line again.
      await page.getByTestId('password-confirm-error').evaluate((e) => (e.textContent = ''));
    }
    expect(await sessions()).toBe(1);
    await page.getByTestId('password-confirm-input').fill('not-it-3');
    await page.getByTestId('password-confirm-submit').click();
    await expect.poll(text(page.getByTestId('login-error')), until).toBe(WRONG_ZH);
    expect(await sessions()).toBe(0);
    await page.getByTestId('lang-switch').selectOption('en');
    await expect.poll(text(page.getByTestId('login-error')), until).toBe(WRONG_EN);
    await page.close();
  });

  it('a session ended otherwise still says it ended, not the wrong passwords', { timeout: 90_000 }, async () => {
    const page = await loggedIn();
    await suite.server.database.query('DELETE FROM admin_sessions');
    await page.getByTestId('tab-dashboard').click();
    await expect.poll(text(page.getByTestId('login-error')), until).toBe(ENDED_ZH);
    await page.close();
  });
});
