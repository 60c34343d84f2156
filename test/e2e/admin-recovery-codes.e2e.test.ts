/**
 * 2FA recovery codes in a real Chromium, as an admin who then loses their phone would use them:
 * - turning 2FA on shows ten codes once, the focus on them; "Copy all" and the text file hold exactly
 *   them; "I have saved them" closes them and the card counts them (axe on the panel, both languages);
 * - at login, "Lost your phone?" turns the code field into a recovery code field (letters allowed, its
 *   label kept through a language switch); a wrong code is said as such, a right one logs in, once;
 * - new codes are made with a recovery code and the password, the old ones ending; logging out while they
 *   are on screen asks first.
 * Logins are limited to 5 a minute from one address: this file tries five times.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import { readFile } from 'node:fs/promises';
import * as OTPAuth from 'otpauth';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { expectNoSeriousViolations } from '../helpers/axe.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('admin recovery code browser tests');

const WAIT_MS = 15_000;
const { until, text, visible } = chatPageDriver(WAIT_MS);
const CODE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

describe.skipIf(skip)('2FA recovery codes in a browser', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });
  const focusedTestId = (page: Page) => () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['testid'] ?? document.activeElement?.id ?? null);
  const shownCodes = (page: Page) => page.getByTestId('recovery-list').locator('li').allTextContents();

  async function logIn(page: Page): Promise<void> {
    await page.getByTestId('password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-btn').click();
  }

  it('shown once when 2FA is turned on, copied and downloaded; a lost phone logs in with one, once; new ones end the old', { timeout: 120_000 }, async () => {
    const context = await suite.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    context.setDefaultTimeout(WAIT_MS);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.url });
    const page = await context.newPage();
    await page.goto(`${suite.url}/admin#account`);
    await logIn(page);
    await visible(page.getByTestId('view-account'));
    await page.getByTestId('totp-start').click();
    await visible(page.getByTestId('totp-enrol-form'));
    const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/ /g, '');
    await page.getByTestId('totp-enrol-code').fill(new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate());
    await page.getByTestId('totp-enrol-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('totp-confirm').click();

    // Ten codes, the focus on their title; nothing else to click in the card meanwhile.
    await visible(page.getByTestId('recovery-panel'));
    await expect.poll(focusedTestId(page), until).toBe('recovery-list-label');
    const codes = await shownCodes(page);
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(CODE);
    expect(await page.getByTestId('totp-stop').isHidden()).toBe(true);
    expect(await page.getByTestId('recovery-new').isHidden()).toBe(true);
    await expectNoSeriousViolations(page, 'recovery codes shown (zh-CN)');
    await page.getByTestId('lang-switch').selectOption('en');
    expect(await page.getByTestId('recovery-done').textContent()).toBe('I have saved them');
    await expectNoSeriousViolations(page, 'recovery codes shown (en)');
    await page.getByTestId('lang-switch').selectOption('zh-CN');

    await page.getByTestId('recovery-copy').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), until).toBe(codes.join('\n'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('recovery-download').click()]);
    expect(download.suggestedFilename()).toBe('recovery-codes-admin.txt');
    const file = await readFile((await download.path())!, 'utf8');
    expect(file.split('\n').filter((line) => CODE.test(line))).toEqual(codes);
    expect(file).toContain('账号：admin');

    await page.getByTestId('recovery-done').click();
    expect(await page.getByTestId('recovery-panel').isHidden()).toBe(true);
    expect(await page.getByTestId('recovery-list').locator('li').count()).toBe(0);
    await expect.poll(focusedTestId(page), until).toBe('totp-stop');
    expect(await page.getByTestId('recovery-left').textContent()).toBe('剩余 10 个恢复码（手机丢失时代替验证码登录，每个只能用一次）。');

    // The phone is lost: logged out, then in with a recovery code, typed in lower case.
    await page.getByTestId('logout-btn').click();
    await visible(page.getByTestId('login-form'));
    await page.getByTestId('password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-btn').click();
    await visible(page.getByTestId('totp-field'));
    expect(await page.getByTestId('totp-code').getAttribute('inputmode')).toBe('numeric');
    await page.getByTestId('totp-kind').click();
    expect(await page.getByTestId('totp-code').getAttribute('inputmode')).toBe('text');
    expect(await page.getByTestId('totp-code-label').textContent()).toBe('恢复码（如 ABCD-EFGH-JKMN）');
    await expect.poll(focusedTestId(page), until).toBe('totp-code');
    await page.getByTestId('lang-switch').selectOption('en');
    expect(await page.getByTestId('totp-code-label').textContent()).toBe('Recovery code (like ABCD-EFGH-JKMN)');
    expect(await page.getByTestId('totp-kind').textContent()).toBe('Use a code from the authenticator app');
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await page.getByTestId('totp-code').fill('ZZZZ-ZZZZ-ZZZZ');
    await page.getByTestId('login-btn').click();
    await expect.poll(text(page.getByTestId('login-error')), until).toBe('恢复码错误或已被使用（每个恢复码只能用一次）');
    await page.getByTestId('totp-code').fill(codes[0]!.toLowerCase());
    await page.getByTestId('login-btn').click();
    await visible(page.getByTestId('view-dashboard'));
    // Said once the page opens: a code was spent, and how many are left.
    await expect.poll(text(page.getByTestId('toast')), until).toBe('你用一个恢复码登录了。剩余 9 个恢复码（手机丢失时代替验证码登录，每个只能用一次）。');
    await page.getByTestId('tab-account').click();
    await expect.poll(text(page.getByTestId('recovery-left')), until).toBe('剩余 9 个恢复码（手机丢失时代替验证码登录，每个只能用一次）。');

    // New codes, made with another recovery code and the password; the old ones end.
    await page.getByTestId('recovery-new').click();
    await visible(page.getByTestId('totp-codes-form'));
    await expect.poll(focusedTestId(page), until).toBe('totp-codes-code');
    // A wrong one is said as a recovery code, and said again in the other language.
    await page.getByTestId('totp-codes-code').fill('ZZZZ-ZZZZ-ZZZZ');
    await page.getByTestId('totp-codes-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('totp-codes-submit').click();
    await expect.poll(text(page.getByTestId('totp-codes-error')), until).toBe('恢复码错误或已被使用（每个恢复码只能用一次）');
    await page.getByTestId('lang-switch').selectOption('en');
    expect(await page.getByTestId('totp-codes-error').textContent()).toBe('The recovery code is wrong or was already used (each works once)');
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await page.getByTestId('totp-codes-code').fill(codes[1]!);
    await page.getByTestId('totp-codes-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('totp-codes-submit').click();
    await visible(page.getByTestId('recovery-panel'));
    const fresh = await shownCodes(page);
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((code) => codes.includes(code))).toEqual([]);
    expect(await page.getByTestId('totp-codes-form').isHidden()).toBe(true);
    // Logging out with the codes on screen asks first; cancelled, they are still there.
    await page.getByTestId('logout-btn').click();
    await visible(page.getByTestId('confirm-dialog'));
    expect(await page.getByTestId('confirm-title').textContent()).toBe('恢复码还没保存？');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('confirm-dialog').isVisible(), until).toBe(false);
    expect(await shownCodes(page)).toEqual(fresh);
    await page.getByTestId('recovery-done').click();
    await expect.poll(text(page.getByTestId('recovery-left')), until).toBe('剩余 10 个恢复码（手机丢失时代替验证码登录，每个只能用一次）。');
    // That the old ones no longer log in is test/admin/recovery-codes.test.ts's: a sixth login here would be limited.
    await context.close();
  });
});
