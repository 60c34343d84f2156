/**
 * The admin team in a real Chromium against the real server, as two people would use it:
 * - the owner (the bootstrap `admin`) invites a moderator; the link is shown once, with a copy button;
 * - the moderator opens the link in their own browser, creates their account and lands in the admin page,
 *   without the Team and Audit tabs (and told plainly when they open the audit log's address anyway);
 * - the moderator turns on 2FA from a QR code (shown under the real CSP) and its secret, with their password,
 *   logs out, and logs in again: the code is asked for, a wrong code refused, the right one accepted;
 * - the moderator turns 2FA off with a code and their password: a wrong password is refused (said next to
 *   its field, which takes the focus), the right one turns it off;
 * - the owner cannot demote the last owner, and disables the moderator, whose session ends;
 * - the audit log names the admin who acted and the new actions;
 * - the new views' headings in both languages, and axe (0 serious or critical) on the team view, the
 *   account view with a QR code (and a password left out) and the invitation page with an error.
 * - roles: an arrow key in a row's role list opens no dialog, "Change role" does; a cancelled confirm gives the
 *   focus back to its button; a role changed by the owner shows in the other admin's page without a reload,
 *   and #team / #audit opened by a role that cannot use them say only that; a dead invitation link is said at once;
 * - at 390 px the QR code is in view after "Turn on 2FA" and the team table needs no sideways scroll.
 * Logins are limited to 5 a minute from one address: this file logs in four times.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import * as OTPAuth from 'otpauth';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { expectNoSeriousViolations } from '../helpers/axe.js';
import { focused, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('admin team browser tests');

const WAIT_MS = 15_000;
const { until, text, visible } = chatPageDriver(WAIT_MS);
const MODERATOR = 'mod_li';
const MODERATOR_PASSWORD = 'a moderator password, long enough';
const STEP_MS = 30_000;

/** Waits until a TOTP step has begun after `usedStep` with a few seconds left in it, and returns its code. */
async function freshCode(totp: OTPAuth.TOTP, usedStep: number): Promise<string> {
  for (;;) {
    const now = Date.now();
    const step = Math.floor(now / STEP_MS);
    if (step > usedStep && now % STEP_MS < STEP_MS - 3_000) return totp.generate({ timestamp: now });
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** A code the server must refuse: the right one with every digit shifted. */
const wrongCode = (code: string) => [...code].map((digit) => String((Number(digit) + 5) % 10)).join('');

describe.skipIf(skip)('the admin team in a browser', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });

  /** True once `/admin/api/me` has answered and the page shows what the role allows. */
  const roleApplied = (page: Page) => () => page.evaluate(() => document.body.hasAttribute('data-can-moderate') || document.body.hasAttribute('data-cannot-manage'));

  it('an owner invites a moderator, who joins, turns on 2FA, logs in with a code, and is disabled', { timeout: 180_000 }, async () => {
    // The owner: a browser that lets axe in (the pages' CSP forbids inline scripts).
    const ownerContext = await suite.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    ownerContext.setDefaultTimeout(WAIT_MS);
    await ownerContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.url });
    const owner = await ownerContext.newPage();
    await owner.goto(`${suite.url}/admin`);
    // The bootstrap owner logs in as before: the name left empty is `admin`.
    expect(await owner.getByTestId('login-name').getAttribute('placeholder')).toBe('留空即 admin');
    await owner.getByTestId('password').fill(ADMIN_PASSWORD);
    await owner.getByTestId('login-btn').click();
    await visible(owner.getByTestId('view-dashboard'));
    await expect.poll(roleApplied(owner), until).toBe(true);
    expect(await owner.getByTestId('tab-team').isVisible()).toBe(true);
    expect(await owner.getByTestId('tab-audit').isVisible()).toBe(true);
    // The top bar says who is logged in, in the page's language.
    expect(await owner.getByTestId('whoami').textContent()).toBe('admin（所有者）');

    // My account: the bootstrap owner's password is the server's.
    await owner.getByTestId('tab-account').click();
    await expect.poll(text(owner.getByTestId('account-name')), until).toBe('admin');
    expect(await owner.getByTestId('account-title').textContent()).toBe('我的账号');
    expect(await owner.getByTestId('account-role').textContent()).toBe('所有者');
    expect(await owner.getByTestId('password-managed').isVisible()).toBe(true);
    expect(await owner.getByTestId('password-form').isHidden()).toBe(true);
    await owner.getByTestId('lang-switch').selectOption('en');
    expect(await owner.getByTestId('account-title').textContent()).toBe('My account');
    expect(await owner.getByTestId('account-role').textContent()).toBe('Owner');
    expect(await owner.getByTestId('whoami').textContent()).toBe('admin (Owner)');
    await owner.getByTestId('lang-switch').selectOption('zh-CN');

    // The team: invite a moderator; the whole link is shown once.
    await owner.getByTestId('tab-team').click();
    await expect.poll(() => owner.getByTestId('team-row').count(), until).toBe(1);
    expect(await owner.getByTestId('team-title').textContent()).toBe('团队');
    expect(await owner.getByTestId('team-name').first().textContent()).toBe('admin（你）');
    await owner.getByTestId('invite-role').selectOption('moderator');
    await owner.getByTestId('invite-submit').click();
    await visible(owner.getByTestId('invite-result'));
    const link = await owner.getByTestId('invite-link').inputValue();
    expect(link).toMatch(new RegExp(`^${suite.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/admin/invite#.{16,}$`));
    expect(await owner.getByTestId('invite-note').textContent()).toContain('7 天内有效，只能使用一次');
    expect(await owner.getByTestId('invite-for-role').textContent()).toBe('这个链接邀请一位“审核员”。');
    await owner.getByTestId('invite-copy').click();
    await expect.poll(() => owner.evaluate(() => navigator.clipboard.readText()), until).toBe(link);
    await expect.poll(() => owner.getByTestId('invitation-row').count(), until).toBe(1);
    expect(await owner.getByTestId('invitation-row').first().textContent()).toContain('审核员');
    await expectNoSeriousViolations(owner, 'team view with a new invitation (zh-CN)');
    await owner.getByTestId('lang-switch').selectOption('en');
    expect(await owner.getByTestId('team-title').textContent()).toBe('Team');
    await expectNoSeriousViolations(owner, 'team view with a new invitation (en)');
    await owner.getByTestId('lang-switch').selectOption('zh-CN');

    // The moderator, in a browser of their own under the real CSP, accepts the invitation.
    const moderatorContext = await suite.newContext({ viewport: { width: 1280, height: 900 } });
    moderatorContext.setDefaultTimeout(WAIT_MS);
    const moderator = await moderatorContext.newPage();
    // First the address without its token (a mail program cut the link): said, and no form to fill in.
    await moderator.goto(`${suite.url}/admin/invite`);
    await expect.poll(text(moderator.getByTestId('invite-dead')), until).toBe('这个地址不含邀请：请打开完整的邀请链接。');
    expect(await moderator.getByTestId('accept-form').isHidden()).toBe(true);
    // The whole link pasted into that tab: only the fragment changes (no page load); the page reads it.
    await moderator.evaluate((whole) => {
      window.location.href = whole;
    }, link);
    await visible(moderator.getByTestId('accept-form'));
    expect(await moderator.getByTestId('invite-dead').isHidden()).toBe(true);
    // The message had the focus: the form's first field takes it, not the page's body.
    await expect.poll(focused(moderator), until).toBe('accept-name');
    expect(await moderator.getByTestId('invite-title').textContent()).toBe('接受管理员邀请');
    // The link is checked when the page opens: it is alive, and for a moderator.
    await expect.poll(text(moderator.getByTestId('invite-role-note')), until).toBe('这个邀请用于角色“审核员”。');
    await moderator.getByTestId('accept-name').fill(MODERATOR);
    await moderator.getByTestId('accept-password').fill(MODERATOR_PASSWORD);
    await moderator.getByTestId('accept-repeat').fill(`${MODERATOR_PASSWORD}!`);
    await moderator.getByTestId('accept-submit').click();
    await expect.poll(text(moderator.getByTestId('accept-error')), until).toBe('两次输入的密码不一致');
    await moderator.getByTestId('accept-repeat').fill(MODERATOR_PASSWORD);
    await moderator.getByTestId('accept-submit').click();
    await visible(moderator.getByTestId('view-dashboard'));
    expect(new URL(moderator.url()).pathname).toBe('/admin');
    // The invitation is used: the owner's list no longer has it, the team has the moderator.
    await owner.getByTestId('tab-dashboard').click();
    await owner.getByTestId('tab-team').click();
    await expect.poll(() => owner.getByTestId('team-row').count(), until).toBe(2);
    expect(await owner.getByTestId('invitation-row').count()).toBe(0);

    // A moderator sees no Team or Audit tab, moderates, and cannot change the content policy.
    await expect.poll(roleApplied(moderator), until).toBe(true);
    expect(await moderator.getByTestId('tab-team').isHidden()).toBe(true);
    expect(await moderator.getByTestId('tab-audit').isHidden()).toBe(true);
    expect(await moderator.getByTestId('tab-account').isVisible()).toBe(true);
    expect(await moderator.getByTestId('whoami').textContent()).toBe(`${MODERATOR}（审核员）`);
    await moderator.getByTestId('tab-sanctions').click();
    await visible(moderator.getByTestId('sanction-form'));
    await moderator.getByTestId('tab-policy').click();
    await visible(moderator.getByTestId('policy-read-only'));
    expect(await moderator.getByTestId('policy-save').isHidden()).toBe(true);
    expect(await moderator.getByTestId('policy-add-form').isHidden()).toBe(true);
    // The audit log's address typed by hand: only "not available for your role", no table, no tab marked.
    await moderator.goto(`${suite.url}/admin#audit`);
    await expect.poll(roleApplied(moderator), until).toBe(true);
    await visible(moderator.getByTestId('audit-denied'));
    expect(await moderator.getByTestId('audit-denied').textContent()).toBe('你的角色无法使用这个页面。');
    expect(await moderator.getByTestId('audit-table').isHidden()).toBe(true);
    expect(await moderator.locator('.tab[aria-current="page"]').count()).toBe(0);
    await moderator.goto(`${suite.url}/admin#team`);
    await visible(moderator.getByTestId('team-denied'));
    expect(await moderator.getByTestId('invite-form').isHidden()).toBe(true);
    expect(await moderator.getByTestId('team-table').isHidden()).toBe(true);

    // The owner makes the moderator a viewer. An arrow key in the role list only chooses: no dialog.
    const modRow = owner.locator(`[data-testid="team-row"][data-name="${MODERATOR}"]`);
    await modRow.getByTestId('team-role').focus();
    await owner.keyboard.press('ArrowDown');
    expect(await modRow.getByTestId('team-role').inputValue()).toBe('viewer');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await owner.getByTestId('confirm-dialog').isVisible()).toBe(false);
    // "Change role" asks; Escape cancels, the role stays, the focus returns to the button.
    await modRow.getByTestId('team-role-apply').click();
    await visible(owner.getByTestId('confirm-dialog'));
    await owner.keyboard.press('Escape');
    await expect.poll(() => owner.getByTestId('confirm-dialog').isVisible(), until).toBe(false);
    await expect.poll(focused(owner), until).toBe('team-role-apply');
    // The browser gives the focus back as the dialog closes; its `close` event (which puts the role back) is a task later.
    await expect.poll(() => modRow.getByTestId('team-role').inputValue(), until).toBe('moderator');
    // Confirmed: the row is drawn again, the focus stays on its button.
    await modRow.getByTestId('team-role').selectOption('viewer');
    expect(await owner.getByTestId('confirm-dialog').isVisible()).toBe(false);
    await modRow.getByTestId('team-role-apply').click();
    await owner.getByTestId('confirm-ok').click();
    await expect.poll(text(owner.getByTestId('toast')), until).toBe(`已更新 ${MODERATOR}`);
    await expect.poll(focused(owner), until).toBe('team-role-apply');
    // The moderator, now a viewer, sees it on the next view opened, without a reload.
    await moderator.getByTestId('tab-account').click();
    await expect.poll(() => moderator.evaluate(() => document.body.hasAttribute('data-can-moderate')), until).toBe(false);
    await expect.poll(text(moderator.getByTestId('account-role')), until).toBe('只读');
    await modRow.getByTestId('team-role').selectOption('moderator');
    await modRow.getByTestId('team-role-apply').click();
    await owner.getByTestId('confirm-ok').click();
    await expect.poll(() => modRow.getByTestId('team-role').inputValue(), until).toBe('moderator');
    await moderator.getByTestId('tab-dashboard').click();
    await moderator.getByTestId('tab-account').click();
    await expect.poll(() => moderator.evaluate(() => document.body.hasAttribute('data-can-moderate')), until).toBe(true);

    // The moderator turns on 2FA: a QR code (a data: image, which the CSP allows) and the secret.
    await expect.poll(text(moderator.getByTestId('account-name')), until).toBe(MODERATOR);
    await expect.poll(text(moderator.getByTestId('account-role')), until).toBe('审核员');
    expect(await moderator.getByTestId('password-form').isVisible()).toBe(true);
    expect(await moderator.getByTestId('totp-status').textContent()).toBe('未开启：登录只需要密码。');
    await moderator.getByTestId('totp-start').click();
    await visible(moderator.getByTestId('totp-enrol-form'));
    await expect.poll(focused(moderator), until).toBe('totp-enrol-code');
    await expect.poll(() => moderator.getByTestId('totp-qr').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), until).toBe(true);
    // The secret in groups of four, under a translated label.
    const shownSecret = (await moderator.getByTestId('totp-secret').textContent()) ?? '';
    expect(shownSecret).toMatch(/^([A-Z2-7=]{4} )+[A-Z2-7=]{1,4}$/);
    const secret = shownSecret.replace(/ /g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}=*$/);
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
    // The admin's password is asked for too: the code alone is not sent.
    expect(await moderator.getByTestId('totp-enrol-password').getAttribute('type')).toBe('password');
    expect(await moderator.getByTestId('totp-enrol-password').getAttribute('autocomplete')).toBe('current-password');
    await moderator.getByTestId('totp-enrol-code').fill(wrongCode(totp.generate()));
    await moderator.getByTestId('totp-confirm').click();
    expect(await moderator.getByTestId('totp-enrol-password-error').textContent()).toBe('请输入你的当前密码');
    await expect.poll(focused(moderator), until).toBe('totp-enrol-password');
    // A wrong code: refused, 2FA stays off.
    await moderator.keyboard.type(MODERATOR_PASSWORD);
    await moderator.keyboard.press('Enter');
    await expect.poll(text(moderator.getByTestId('totp-enrol-error')), until).toBe('验证码错误或已被使用（每个验证码只能用一次）：请等待应用显示下一个验证码后再输入');
    expect(await moderator.getByTestId('totp-enrol-password-error').isHidden()).toBe(true);
    const enrolCode = await freshCode(totp, 0);
    const enrolStep = Math.floor(Date.now() / STEP_MS);
    await moderator.getByTestId('totp-enrol-code').fill(enrolCode);
    await moderator.getByTestId('totp-confirm').click();
    await expect.poll(text(moderator.getByTestId('totp-status')), until).toBe('已开启：登录时需要输入身份验证器应用中的验证码。');
    expect(await moderator.getByTestId('totp-enrol-form').isHidden()).toBe(true);
    // The recovery codes, shown once; closed, the card offers turning 2FA off.
    await visible(moderator.getByTestId('recovery-panel'));
    expect(await moderator.getByTestId('recovery-list').locator('li').count()).toBe(10);
    await moderator.getByTestId('recovery-done').click();
    expect(await moderator.getByTestId('recovery-panel').isHidden()).toBe(true);
    expect(await moderator.getByTestId('totp-stop').isVisible()).toBe(true);

    // Logged out, then in again: the password alone is not enough.
    await moderator.getByTestId('logout-btn').click();
    await visible(moderator.getByTestId('login-form'));
    expect(await moderator.getByTestId('totp-field').isHidden()).toBe(true);
    await moderator.getByTestId('login-name').fill(MODERATOR);
    await moderator.getByTestId('password').fill(MODERATOR_PASSWORD);
    await moderator.getByTestId('login-btn').click();
    await visible(moderator.getByTestId('totp-field'));
    await expect.poll(focused(moderator), until).toBe('totp-code');
    expect(await moderator.getByTestId('login-error').textContent()).toBe('这个账号已开启两步验证：请输入身份验证器应用中的 6 位验证码。');
    const loginCode = await freshCode(totp, enrolStep);
    await moderator.getByTestId('totp-code').fill(wrongCode(loginCode));
    await moderator.getByTestId('login-btn').click();
    await expect.poll(text(moderator.getByTestId('login-error')), until).toBe('验证码错误或已被使用（每个验证码只能用一次）：请等待应用显示下一个验证码后再输入');
    expect(await moderator.getByTestId('view-dashboard').count()).toBe(0);
    await moderator.getByTestId('lang-switch').selectOption('en');
    expect(await moderator.getByTestId('login-error').textContent()).toBe('The code is wrong or was already used (a code works once): wait for the next code in your app and enter it');
    await moderator.getByTestId('lang-switch').selectOption('zh-CN');
    await moderator.getByTestId('totp-code').fill(loginCode);
    await moderator.getByTestId('login-btn').click();
    await visible(moderator.getByTestId('view-dashboard'));
    const loginStep = Math.floor(Date.now() / STEP_MS);

    // The owner sees the moderator's 2FA; cannot leave the team without an enabled owner; disables the moderator.
    await owner.getByTestId('tab-dashboard').click();
    await owner.getByTestId('tab-team').click();
    const moderatorRow = owner.locator(`[data-testid="team-row"][data-name="${MODERATOR}"]`);
    // With the count of recovery codes left: the login used the app's code, so all ten (test/e2e/admin-team-codes.e2e.test.ts has the rest).
    await expect.poll(text(moderatorRow.getByTestId('team-totp')), until).toBe('已开启 · 剩 10 个恢复码');
    const ownerRow = owner.locator('[data-testid="team-row"][data-name="admin"]');

    // The moderator turns 2FA off: the code of a step the login did not use, and their password.
    await moderator.getByTestId('tab-account').click();
    await expect.poll(text(moderator.getByTestId('totp-status')), until).toBe('已开启：登录时需要输入身份验证器应用中的验证码。');
    await moderator.getByTestId('totp-stop').click();
    await visible(moderator.getByTestId('totp-off-form'));
    await expect.poll(focused(moderator), until).toBe('totp-off-code');
    const offCode = await freshCode(totp, loginStep);
    await moderator.getByTestId('totp-off-code').fill(offCode);
    await moderator.getByTestId('totp-off-password').fill(`${MODERATOR_PASSWORD}?`);
    await moderator.getByTestId('totp-off-submit').click();
    // A wrong password: said next to its field, which is selected for retyping; 2FA stays on.
    await expect.poll(text(moderator.getByTestId('totp-off-password-error')), until).toBe('当前密码错误：两步验证未更改');
    expect(await moderator.getByTestId('totp-off-error').isHidden()).toBe(true);
    expect(await moderator.getByTestId('totp-off-password').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(focused(moderator), until).toBe('totp-off-password');
    const selected = (input: HTMLInputElement) => (input.selectionEnd ?? 0) - (input.selectionStart ?? 0);
    expect(await moderator.getByTestId('totp-off-password').evaluate(selected)).toBe(MODERATOR_PASSWORD.length + 1);
    expect(await moderator.getByTestId('totp-status').textContent()).toBe('已开启：登录时需要输入身份验证器应用中的验证码。');
    // The right password, typed over the selection, with the same code (not spent by the refusal).
    await moderator.keyboard.type(MODERATOR_PASSWORD);
    await moderator.getByTestId('lang-switch').selectOption('en');
    expect(await moderator.getByTestId('totp-off-password-error').textContent()).toBe('Your password is wrong: two-factor authentication was not changed');
    await moderator.getByTestId('lang-switch').selectOption('zh-CN');
    await moderator.getByTestId('totp-off-password').press('Enter');
    await expect.poll(text(moderator.getByTestId('totp-status')), until).toBe('未开启：登录只需要密码。');
    expect(await moderator.getByTestId('totp-off-form').isHidden()).toBe(true);
    expect(await moderator.getByTestId('totp-off-password').inputValue()).toBe('');
    await expect.poll(focused(moderator), until).toBe('totp-start');
    await owner.getByTestId('tab-dashboard').click();
    await owner.getByTestId('tab-team').click();
    await expect.poll(text(moderatorRow.getByTestId('team-totp')), until).toBe('未开启');
    expect(await moderatorRow.getByTestId('team-codes-left').count()).toBe(0);

    await ownerRow.getByTestId('team-role').selectOption('viewer');
    await ownerRow.getByTestId('team-role-apply').click();
    await visible(owner.getByTestId('confirm-dialog'));
    // Acting on one's own account is said.
    expect(await owner.getByTestId('confirm-text').textContent()).toContain('这是你自己的账号：你将无法再使用“团队”和“审计日志”。');
    await owner.getByTestId('confirm-ok').click();
    await expect.poll(text(owner.getByTestId('team-error')), until).toBe('不能这样做：团队必须至少保留一位启用中的所有者。');
    await expect.poll(() => ownerRow.getByTestId('team-role').inputValue(), until).toBe('owner');

    await moderatorRow.getByTestId('team-disable').click();
    await visible(owner.getByTestId('confirm-dialog'));
    expect(await owner.getByTestId('confirm-text').textContent()).toBe(`${MODERATOR} 将无法登录，其所有登录立即结束。`);
    await owner.getByTestId('confirm-ok').click();
    await expect.poll(text(moderatorRow.getByTestId('team-state')), until).toBe('已停用');
    expect(await moderatorRow.getByTestId('team-enable').isVisible()).toBe(true);
    // The moderator's session has ended.
    await moderator.reload();
    await visible(moderator.getByTestId('login-form'));

    // The audit log names who did what.
    await owner.getByTestId('tab-audit').click();
    await expect.poll(() => owner.getByTestId('audit-row').count(), until).toBeGreaterThan(3);
    // Action and admin, side by side (the admin's column follows the action's).
    const rows = await owner.locator('[data-testid="audit-row"]').evaluateAll((trs) => trs.map((tr) => [...tr.children].slice(1, 3).map((td) => td.textContent).join(' · ')));
    expect(rows).toContain('修改管理员 · admin');
    expect(rows).toContain('创建邀请 · admin');
    expect(rows).toContain(`开启两步验证 · ${MODERATOR}`);
    expect(rows).toContain(`关闭两步验证 · ${MODERATOR}`);
    expect(rows).toContain(`接受邀请加入团队 · ${MODERATOR}`);
  });

  it('the account view with a QR code and the invitation page with an error pass axe, in both languages', { timeout: 90_000 }, async () => {
    // The owner's session of the first test is not reused: a new login (the fifth of the minute at most).
    const context = await suite.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(WAIT_MS);
    const invite = await context.newPage();
    // An invitation the server does not know: checked when the page opens, said alone, without a form.
    await invite.goto(`${suite.url}/admin/invite#not-an-invitation-token`);
    await expect.poll(text(invite.getByTestId('invite-dead')), until).toBe('这个邀请不存在、已被使用、已被撤销或已过期。请向团队所有者索取新的邀请链接。');
    expect(await invite.getByTestId('accept-form').isHidden()).toBe(true);
    await expect.poll(focused(invite), until).toBe('invite-dead');
    await expectNoSeriousViolations(invite, 'invitation page with a dead link (zh-CN)');
    await invite.getByTestId('lang-switch').selectOption('en');
    expect(await invite.getByTestId('invite-title').textContent()).toBe('Accept an admin invitation');
    expect(await invite.getByTestId('invite-dead').textContent()).toBe('This invitation is unknown, used, withdrawn or expired. Ask a team owner for a new invitation link.');
    await expectNoSeriousViolations(invite, 'invitation page with a dead link (en)');
    // Without a token: said what is missing, with no form to fill in for nothing.
    await invite.goto(`${suite.url}/admin/invite`); // in English, as chosen above
    await expect.poll(text(invite.getByTestId('invite-dead')), until).toBe('This address holds no invitation: open the whole invitation link.');
    await expect.poll(focused(invite), until).toBe('invite-dead');
    expect(await invite.getByTestId('accept-form').isHidden()).toBe(true);
    await expectNoSeriousViolations(invite, 'invitation page without an invitation (en)');
    await invite.getByTestId('lang-switch').selectOption('zh-CN');
    expect(await invite.getByTestId('invite-dead').textContent()).toBe('这个地址不含邀请：请打开完整的邀请链接。');

    const page = await context.newPage();
    await page.goto(`${suite.url}/admin#account`);
    await page.getByTestId('password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-btn').click();
    await expect.poll(text(page.getByTestId('account-name')), until).toBe('admin');
    // On a phone (390 px) the QR code is in view after "Turn on 2FA", below the sticky top bar.
    await page.setViewportSize({ width: 390, height: 760 });
    await page.getByTestId('totp-start').click();
    await visible(page.getByTestId('totp-qr'));
    await expect.poll(focused(page), until).toBe('totp-enrol-code');
    const qrInView = () =>
      page.evaluate(() => {
        const qr = document.querySelector('[data-testid="totp-qr"]')!.getBoundingClientRect();
        const bar = document.querySelector('.topbar')!.getBoundingClientRect();
        return qr.top >= bar.bottom - 1 && qr.bottom <= window.innerHeight + 1;
      });
    await expect.poll(qrInView, until).toBe(true);
    // The team's actions at 390 px: no hidden sideways scroll.
    await page.getByTestId('tab-team').click();
    await expect.poll(() => page.getByTestId('team-row').count(), until).toBeGreaterThan(0);
    const sideways = await page.getByTestId('team-table').evaluate((table) => table.parentElement!.scrollWidth - table.parentElement!.clientWidth);
    expect(sideways).toBeLessThanOrEqual(1);
    await page.getByTestId('tab-account').click();
    await visible(page.getByTestId('totp-qr'));
    await page.setViewportSize({ width: 1280, height: 900 });
    // A code without the password: refused before it is sent, said next to the password field.
    await page.getByTestId('totp-enrol-code').fill('123456');
    await page.getByTestId('totp-confirm').click();
    expect(await page.getByTestId('totp-enrol-password-error').textContent()).toBe('请输入你的当前密码');
    await expectNoSeriousViolations(page, 'account view with a QR code (zh-CN)');
    await page.getByTestId('lang-switch').selectOption('en');
    expect(await page.getByTestId('account-title').textContent()).toBe('My account');
    expect(await page.getByTestId('totp-qr').getAttribute('alt')).toBe('QR code for two-factor authentication (the same as the secret below)');
    expect(await page.getByTestId('totp-enrol-password-error').textContent()).toBe('Enter your password');
    expect(await page.getByTestId('totp-enrol-form').getByLabel('Your password', { exact: true }).getAttribute('data-testid')).toBe('totp-enrol-password');
    await expectNoSeriousViolations(page, 'account view with a QR code (en)');
    // Cancelled: nothing was turned on.
    await page.getByTestId('totp-enrol-cancel').click();
    expect(await page.getByTestId('totp-status').textContent()).toBe('Off: logging in needs only the password.');
    await page.getByTestId('lang-switch').selectOption('zh-CN');
  });
});
