/**
 * The password asked again before a change of the team (web/admin/src/password-confirm.ts), in a real
 * Chromium against the real server, once the session's last proof of the password is over 10 minutes old
 * (made so in the database, not waited for):
 * - Invite: the dialog opens with the focus in its field; a wrong password is said in the dialog, the field
 *   selected for retyping; the right one closes it and the invitation is made, once, its link shown;
 * - Change role, then Escape at the password: the role stays, nothing is said, the focus is back on the
 *   row's "Change role";
 * - by keyboard alone: Enter in the field sends the password, and the role changes;
 * - in English: the dialog's title and its wrong-password line; Cancel (or Escape) gives the focus back to
 *   Invite, which was disabled while it was sent and had lost it to the page's body;
 * - axe (0 serious or critical) on the open dialog with its error, in both languages and both colour schemes;
 * - a second change refused while the dialog is open waits for the same answer: one password sends both
 *   (a second question used to leave the first change waiting for ever, Invite disabled until a reload).
 * One login (logins are limited to 5 a minute from one address): the tests share the owner's page.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/admin/auth/password.js';
import { AdminAccounts } from '../../src/admin/team/admin-accounts.js';
import { systemClock } from '../../src/clock.js';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { newPage, walkScreens, WAIT_MS } from '../helpers/axe-walk.js';
import { focused, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('admin password confirmation browser tests');
const { until, text, visible } = chatPageDriver(WAIT_MS);
/** The admin whose role the owner changes. */
const MODERATOR = 'mod_wen';

describe.skipIf(skip)('the password asked again before a team change', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });
  let owner: Page | undefined;

  beforeAll(async () => {
    const accounts = new AdminAccounts(suite.server.database, systemClock);
    await accounts.create({ name: MODERATOR, role: 'moderator', passwordHash: await hashPassword('a password nobody types here'), createdBy: 'admin' }, suite.server.database);
  });

  /** The owner's page on the Team view, logged in by the first test that asks for it. */
  async function ownerOnTeam(): Promise<Page> {
    if (!owner) {
      const page = await newPage(suite, { viewport: { width: 1280, height: 900 } });
      await page.goto(`${suite.url}/admin#team`);
      await page.getByTestId('password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-btn').click();
      owner = page;
    }
    // The view read afresh, as opening it from another tab does.
    await owner.getByTestId('tab-dashboard').click();
    await owner.getByTestId('tab-team').click();
    await visible(owner.getByTestId('view-team'));
    await expect.poll(() => owner!.getByTestId('team-row').count(), until).toBe(2);
    return owner;
  }

  /** Every session's password proved 11 minutes ago: the next team change asks for it. */
  async function agePasswords(): Promise<void> {
    await suite.server.database.query("UPDATE admin_sessions SET password_at = now() - interval '11 minutes'");
  }

  const dialog = (page: Page) => page.getByTestId('password-confirm-dialog');
  const dialogOpen = (page: Page) => () => dialog(page).evaluate((d: HTMLDialogElement) => d.open);
  const moderatorRow = (page: Page) => page.locator(`[data-testid="team-row"][data-name="${MODERATOR}"]`);
  const roleInDatabase = async () => (await suite.server.database.query<{ role: string }>('SELECT role FROM admin_accounts WHERE name = $1', [MODERATOR]))[0]?.role;
  const invitationsMade = async () => (await suite.server.database.query<{ n: number }>('SELECT count(*)::int AS n FROM admin_invitations'))[0]!.n;

  it('an invitation: a wrong password is said in the dialog, the right one closes it and the invitation is made once', { timeout: 90_000 }, async () => {
    const page = await ownerOnTeam();
    await agePasswords();
    await page.getByTestId('invite-role').selectOption('viewer');
    await page.getByTestId('invite-submit').click();
    // Refused for want of a recent password: the dialog asks, its field has the focus, nothing is made yet.
    await visible(dialog(page));
    await expect.poll(focused(page), until).toBe('password-confirm-input');
    expect(await page.getByTestId('password-confirm-error').isHidden()).toBe(true);
    expect(await invitationsMade()).toBe(0);

    // A wrong password: said in the dialog (an alert), which stays; the field selected for retyping.
    await page.getByTestId('password-confirm-input').fill(`${ADMIN_PASSWORD}?`);
    await page.getByTestId('password-confirm-submit').click();
    await expect.poll(text(page.getByTestId('password-confirm-error')), until).toBe('当前密码错误');
    expect(await page.getByTestId('password-confirm-error').getAttribute('role')).toBe('alert');
    expect(await dialogOpen(page)()).toBe(true);
    await expect.poll(focused(page), until).toBe('password-confirm-input');
    const selected = (input: HTMLInputElement) => (input.selectionEnd ?? 0) - (input.selectionStart ?? 0);
    expect(await page.getByTestId('password-confirm-input').evaluate(selected)).toBe(ADMIN_PASSWORD.length + 1);
    expect(await invitationsMade()).toBe(0);
    expect(await page.getByTestId('invite-result').isHidden()).toBe(true);

    // The right one, typed over the selection: the dialog closes and the invitation is sent again, once.
    await page.keyboard.type(ADMIN_PASSWORD);
    await page.getByTestId('password-confirm-submit').click();
    await visible(page.getByTestId('invite-result'));
    expect(await dialogOpen(page)()).toBe(false);
    expect(await page.getByTestId('invite-link').inputValue()).toMatch(/\/admin\/invite#.{16,}$/);
    expect(await page.getByTestId('invite-for-role').textContent()).toBe('这个链接邀请一位“只读”。');
    await expect.poll(focused(page), until).toBe('invite-link');
    expect(await invitationsMade()).toBe(1);
    await expect.poll(() => page.getByTestId('invitation-row').count(), until).toBe(1);
    expect(await page.getByTestId('team-error').isHidden()).toBe(true);
    // The field keeps no password once closed.
    expect(await page.getByTestId('password-confirm-input').inputValue()).toBe('');
  });

  it('a role change: Escape at the password leaves the role, says nothing and gives the focus back to "Change role"', { timeout: 90_000 }, async () => {
    const page = await ownerOnTeam();
    await agePasswords();
    const row = moderatorRow(page);
    await row.getByTestId('team-role').selectOption('viewer');
    await row.getByTestId('team-role-apply').click();
    await visible(page.getByTestId('confirm-dialog'));
    await page.getByTestId('confirm-ok').click();
    await visible(dialog(page));
    await expect.poll(focused(page), until).toBe('password-confirm-input');
    await page.keyboard.type('half a password');
    await page.keyboard.press('Escape');
    await expect.poll(dialogOpen(page), until).toBe(false);
    // The focus where the change began (the row is drawn again after it, with the same button).
    await expect.poll(focused(page), until).toBe('team-role-apply');
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('tr')?.dataset['name']), until).toBe(MODERATOR);
    // Not changed, on the server and in the row; the admin chose not to: no error, no "updated" toast.
    expect(await roleInDatabase()).toBe('moderator');
    await expect.poll(() => row.getByTestId('team-role').inputValue(), until).toBe('moderator');
    expect(await page.getByTestId('team-error').isHidden()).toBe(true);
    expect(await page.getByTestId('toast').isHidden()).toBe(true);
    // What was typed is not kept for the next time.
    expect(await page.getByTestId('password-confirm-input').inputValue()).toBe('');
  });

  it('by keyboard alone: Enter in the password field sends it, and the role changes', { timeout: 90_000 }, async () => {
    const page = await ownerOnTeam();
    await agePasswords();
    const row = moderatorRow(page);
    await row.getByTestId('team-role').focus();
    await page.keyboard.press('ArrowDown'); // moderator → viewer
    expect(await row.getByTestId('team-role').inputValue()).toBe('viewer');
    await page.keyboard.press('Tab');
    expect(await focused(page)()).toBe('team-role-apply');
    await page.keyboard.press('Enter');
    await visible(page.getByTestId('confirm-dialog'));
    // The confirm dialog starts on Cancel; its confirm button is the next one.
    await expect.poll(focused(page), until).toBe('confirm-cancel');
    await page.keyboard.press('Tab');
    expect(await focused(page)()).toBe('confirm-ok');
    await page.keyboard.press('Enter');
    await visible(dialog(page));
    await expect.poll(focused(page), until).toBe('password-confirm-input');
    await page.keyboard.type(ADMIN_PASSWORD);
    await page.keyboard.press('Enter');
    await expect.poll(dialogOpen(page), until).toBe(false);
    await expect.poll(roleInDatabase, until).toBe('viewer');
    await expect.poll(text(page.getByTestId('toast')), until).toBe(`已更新 ${MODERATOR}`);
    await expect.poll(() => row.getByTestId('team-role').inputValue(), until).toBe('viewer');
    expect(await page.getByTestId('team-error').isHidden()).toBe(true);
    await expect.poll(focused(page), until).toBe('team-role-apply');
  });

  it('in English: the dialog’s title and its wrong-password line; Cancel makes nothing and gives the focus back to Invite', { timeout: 90_000 }, async () => {
    const page = await ownerOnTeam();
    await agePasswords();
    const invitationsBefore = await invitationsMade();
    await page.getByTestId('lang-switch').selectOption('en');
    try {
      await page.getByTestId('invite-role').selectOption('moderator');
      await page.getByTestId('invite-submit').click();
      await visible(dialog(page));
      expect(await dialog(page).getByRole('heading').textContent()).toBe('Type your password again');
      expect(await dialog(page).getByLabel('Your password', { exact: true }).getAttribute('data-testid')).toBe('password-confirm-input');
      await page.getByTestId('password-confirm-input').fill('not my password');
      await page.getByTestId('password-confirm-input').press('Enter');
      await expect.poll(text(page.getByTestId('password-confirm-error')), until).toBe('The current password is wrong');
      await page.getByTestId('password-confirm-cancel').click();
      await expect.poll(dialogOpen(page), until).toBe(false);
      await expect.poll(focused(page), until).toBe('invite-submit');
      expect(await page.getByTestId('team-error').isHidden()).toBe(true);
      expect(await page.getByTestId('invite-result').isHidden()).toBe(true);
      expect(await invitationsMade()).toBe(invitationsBefore);
    } finally {
      await page.getByTestId('lang-switch').selectOption('zh-CN');
    }
  });

  it('the open dialog with its error passes axe in both languages and both colour schemes', { timeout: 120_000 }, async () => {
    const page = await ownerOnTeam();
    await agePasswords();
    await page.getByTestId('invite-submit').click();
    await visible(dialog(page));
    await page.getByTestId('password-confirm-input').fill('not my password');
    await page.getByTestId('password-confirm-input').press('Enter');
    await expect.poll(text(page.getByTestId('password-confirm-error')), until).toBe('当前密码错误');
    await walkScreens(async (check) => {
      await check(page, 'password dialog with a wrong password', { shot: 'password-confirm' });
    });
    // The walk did switch the open dialog's language (its error line said again in English), and back.
    await page.getByTestId('lang-switch').selectOption('en');
    expect(await dialog(page).getByRole('heading').textContent()).toBe('Type your password again');
    expect(await page.getByTestId('password-confirm-error').textContent()).toBe('The current password is wrong');
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    expect(await page.getByTestId('password-confirm-error').textContent()).toBe('当前密码错误');
    await page.keyboard.press('Escape');
    await expect.poll(dialogOpen(page), until).toBe(false);
    // Cancelled: the focus back on Invite, not left on the page's body.
    await expect.poll(focused(page), until).toBe('invite-submit');
  });

  it('a second change refused while the dialog asks waits for the same answer: one password sends both', { timeout: 90_000 }, async () => {
    const page = await ownerOnTeam();
    await agePasswords();
    const row = moderatorRow(page);
    const roleBefore = await roleInDatabase();
    const invitationsBefore = await invitationsMade();
    const otherRole = roleBefore === 'viewer' ? 'moderator' : 'viewer';
    // The role change's refusal held back, so that it comes while the invitation's dialog is open.
    await page.route(`${suite.url}/admin/api/team/*`, async (route) => {
      if (route.request().method() === 'PATCH') await new Promise((resolve) => setTimeout(resolve, 2_000));
      await route.continue();
    });
    try {
      await row.getByTestId('team-role').selectOption(otherRole);
      await row.getByTestId('team-role-apply').click();
      await visible(page.getByTestId('confirm-dialog'));
      const patchRefused = page.waitForResponse((response) => response.request().method() === 'PATCH' && response.status() === 403);
      await page.getByTestId('confirm-ok').click();
      await page.getByTestId('invite-submit').click();
      await visible(dialog(page));
      await patchRefused;
      // One dialog, still asking, its field in focus; nothing said, nothing made yet.
      expect(await dialogOpen(page)()).toBe(true);
      await expect.poll(focused(page), until).toBe('password-confirm-input');
      expect(await page.getByTestId('team-error').isHidden()).toBe(true);
      expect(await invitationsMade()).toBe(invitationsBefore);
      await page.keyboard.type(ADMIN_PASSWORD);
      await page.keyboard.press('Enter');
      await expect.poll(roleInDatabase, until).toBe(otherRole);
      await expect.poll(invitationsMade, until).toBe(invitationsBefore + 1);
      expect(await dialogOpen(page)()).toBe(false);
      await visible(page.getByTestId('invite-result'));
      await expect.poll(() => page.getByTestId('invite-submit').isEnabled(), until).toBe(true);
    } finally {
      await page.unroute(`${suite.url}/admin/api/team/*`);
    }
  });
});
