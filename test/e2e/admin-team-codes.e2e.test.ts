/**
 * The Team page says how many 2FA recovery codes each admin has left, in a real Chromium against the real
 * server: "On · 10 recovery codes left"; from 3 left (My account's threshold) a warning said in words
 * ("only 3", "none") as well as in colour — plainly for a disabled admin, who cannot log in; the dot between
 * hidden from screen readers; nothing of codes while 2FA is off; both languages, switched
 * without a reload; a code spent shows at the next read, an owner's reset takes the count away; axe clean
 * in both languages and both colour schemes.
 * The admins and their codes are given straight to the server (the 2FA set-up is admin-team's and
 * admin-recovery-codes' to test; logins are limited to 5 a minute from one address): one login here.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import * as OTPAuth from 'otpauth';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/admin/auth/password.js';
import { AdminAccounts } from '../../src/admin/team/admin-accounts.js';
import { RecoveryCodes } from '../../src/admin/team/recovery-codes.js';
import { systemClock } from '../../src/clock.js';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { newPage, walkScreens, WAIT_MS } from '../helpers/axe-walk.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('admin team recovery-code count browser tests');
const { until, text, visible } = chatPageDriver(WAIT_MS);

/** The team as the owner will find it: each admin's name and how many of their ten codes they spent (undefined: 2FA off). */
const SPENT: Record<string, number | undefined> = { ada_off: undefined, bo_ten: 0, fay_four: 6, cy_three: 7, di_one: 9, ed_none: 10, gus_away: 8, hal_away: 9 };
/** Disabled admins: they cannot log in, so their few codes left are said plainly, not as a warning. */
const DISABLED = new Set(['gus_away', 'hal_away']);

describe.skipIf(skip)('recovery codes left on the Team page', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });
  /** Each admin's id and their unspent codes. */
  const made = new Map<string, { id: number; codes: string[] }>();
  let store: RecoveryCodes;

  beforeAll(async () => {
    const { database } = suite.server;
    const accounts = new AdminAccounts(database, systemClock);
    store = new RecoveryCodes(database, systemClock);
    const passwordHash = await hashPassword('a password nobody types here');
    for (const [name, spent] of Object.entries(SPENT)) {
      const account = await accounts.create({ name, role: 'viewer', passwordHash, createdBy: 'admin' }, database);
      made.set(name, { id: account.id, codes: [] });
      if (spent === undefined) continue;
      // 2FA turned on as the server does it: the pending secret confirmed, ten codes made in that transaction.
      const secret = new OTPAuth.Secret().base32;
      await accounts.setPendingTotp(account.id, secret);
      let codes: string[] = [];
      expect(await accounts.confirmTotp(account.id, secret, 0, async (tx) => void (codes = await store.replace(account.id, tx)))).toBe(true);
      for (const code of codes.slice(0, spent)) expect(await store.use(account.id, code)).toBe(true);
      made.set(name, { id: account.id, codes: codes.slice(spent) });
      if (DISABLED.has(name)) expect(await accounts.update(account.id, { disabled: true })).toBeDefined();
    }
  });

  const row = (page: Page, name: string) => page.locator(`[data-testid="team-row"][data-name="${name}"]`);
  const totp = (page: Page, name: string) => row(page, name).getByTestId('team-totp');
  const codesLeft = (page: Page, name: string) => row(page, name).getByTestId('team-codes-left');
  const isWarning = (locator: Locator) => locator.evaluate((el) => el.classList.contains('warning-text'));

  /** The Team view read again (as opening it from another tab does). */
  async function reopenTeam(page: Page): Promise<void> {
    await page.getByTestId('tab-dashboard').click();
    await page.getByTestId('tab-team').click();
  }

  it('each admin’s codes left, warned of from 3 in words and colour, in both languages; a spent code and a reset show; axe clean', { timeout: 120_000 }, async () => {
    const page = await newPage(suite, { viewport: { width: 1280, height: 900 } });
    await page.goto(`${suite.url}/admin#team`);
    await page.getByTestId('password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-btn').click();
    await visible(page.getByTestId('view-team'));
    await expect.poll(() => page.getByTestId('team-row').count(), until).toBe(Object.keys(SPENT).length + 1);

    // Chinese, the page's first language.
    const zh = {
      ada_off: '未开启',
      bo_ten: '已开启 · 剩 10 个恢复码',
      fay_four: '已开启 · 剩 4 个恢复码',
      cy_three: '已开启 · 只剩 3 个恢复码',
      di_one: '已开启 · 只剩 1 个恢复码',
      ed_none: '已开启 · 恢复码已用完',
      gus_away: '已开启 · 剩 2 个恢复码',
      hal_away: '已开启 · 剩 1 个恢复码',
    };
    for (const [name, said] of Object.entries(zh)) expect(await totp(page, name).textContent(), name).toBe(said);
    // No 2FA, no codes: the bootstrap owner and ada have no count at all, not "0 left".
    expect(await codesLeft(page, 'ada_off').count()).toBe(0);
    expect(await codesLeft(page, 'admin').count()).toBe(0);
    expect(await totp(page, 'admin').textContent()).toBe('未开启');

    // The warning from 3 left (My account's threshold): 4 is plain, 3, 1 and 0 are warnings.
    expect(await isWarning(codesLeft(page, 'bo_ten'))).toBe(false);
    expect(await isWarning(codesLeft(page, 'fay_four'))).toBe(false);
    for (const name of ['cy_three', 'di_one', 'ed_none']) expect(await isWarning(codesLeft(page, name)), name).toBe(true);
    // A disabled admin cannot log in: as few left, said and shown plainly.
    for (const name of DISABLED) expect(await isWarning(codesLeft(page, name)), name).toBe(false);
    // The dot between is for the eye: screen readers are not told "middle dot".
    const dots = totp(page, 'bo_ten').locator('span:not([data-testid])');
    expect(await dots.textContent()).toBe('·');
    expect(await dots.getAttribute('aria-hidden')).toBe('true');
    expect(await totp(page, 'bo_ten').ariaSnapshot()).not.toContain('·');
    // Not colour alone: the warning is bold too (and its words differ, above), and its colour is not the plain text's.
    const looks = (name: string) => codesLeft(page, name).evaluate((el) => ({ color: getComputedStyle(el).color, weight: getComputedStyle(el).fontWeight }));
    const plain = await looks('fay_four');
    const warned = await looks('cy_three');
    expect(warned.color).not.toBe(plain.color);
    expect(Number(warned.weight)).toBeGreaterThan(Number(plain.weight));

    // English, switched without a reload: the rows are said again.
    await page.getByTestId('lang-switch').selectOption('en');
    const en = {
      ada_off: 'Off',
      bo_ten: 'On · 10 recovery codes left',
      fay_four: 'On · 4 recovery codes left',
      cy_three: 'On · only 3 recovery codes left',
      di_one: 'On · only 1 recovery code left',
      ed_none: 'On · no recovery codes left',
      gus_away: 'On · 2 recovery codes left',
      hal_away: 'On · 1 recovery code left',
    };
    for (const [name, said] of Object.entries(en)) await expect.poll(text(totp(page, name)), until).toBe(said);
    expect(await isWarning(codesLeft(page, 'ed_none'))).toBe(true);
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await expect.poll(text(totp(page, 'ed_none')), until).toBe(zh.ed_none);

    // Both languages, light and dark: the warning colour keeps its contrast on the table.
    await walkScreens(async (check) => {
      await check(page, 'team with recovery codes left', { shot: 'team-codes-left' });
    });

    // bo logs in with a recovery code somewhere: the next read of the team counts one fewer.
    const bo = made.get('bo_ten')!;
    expect(await store.use(bo.id, bo.codes[0]!)).toBe(true);
    await reopenTeam(page);
    await expect.poll(text(totp(page, 'bo_ten')), until).toBe('已开启 · 剩 9 个恢复码');

    // The owner resets cy's 2FA (a lost phone): off, and no count left behind.
    await row(page, 'cy_three').getByTestId('team-reset-totp').click();
    await visible(page.getByTestId('confirm-dialog'));
    await page.getByTestId('confirm-ok').click();
    await expect.poll(text(totp(page, 'cy_three')), until).toBe('未开启');
    expect(await codesLeft(page, 'cy_three').count()).toBe(0);
  });
});
