/**
 * The password asked again before an erasure and before saving the content policy (password-confirm.ts,
 * from erase-dialog.ts and policy-view.ts), in a real Chromium against the real server, once the session's
 * last proof of the password is over 10 minutes old (made so in the database, not waited for):
 * - Erase a conversation: after "are you sure", the password dialog opens with the focus in its field;
 *   Escape, then Cancel, erase nothing (the messages still in the database), say nothing, and leave the
 *   erase dialog open with its reason, the focus back on its submit button (it was disabled while the
 *   question was asked, so the focus had fallen to the page's body); the right password then erases the
 *   messages (markers in the database), closes the erase dialog and says how many in the toast;
 * - Save the policy with a term added: the password dialog; Cancel leaves the term on screen, unsaved (not
 *   in the database nor in GET /admin/api/policy), with no error line and the focus back on Save; Save again
 *   and the right password: saved, the "saved" toast, GET /admin/api/policy has the term;
 * - in English, the dialog's text names the erasure and the content policy; axe (0 serious or critical) on
 *   the password dialog open over the erase dialog, in both languages and both colour schemes.
 * One login (logins are limited to 5 a minute from one address): the tests share the admin's page.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { newPage, walkScreens, WAIT_MS } from '../helpers/axe-walk.js';
import { focused, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('admin password confirmation before erasures and policy saves');
const { until, text, visible } = chatPageDriver(WAIT_MS);
/** A term no default policy has. */
const TERM = '榴莲酥';
const REASON = '用户申请删除';
/** The toast of a saved policy. */
const SAVED = '内容策略已保存，所有实例立即生效';

describe.skipIf(skip)('the password asked again before an erasure and a policy save', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });
  let admin: Page | undefined;
  /** Ended conversations of two messages each, without reports: one erased, one for the dialog's looks. */
  const rooms = { erased: 0, looked: 0 };

  beforeAll(async () => {
    const { repository } = suite.server.app;
    const at = Date.now() - 3_600_000;
    const conversation = async (user1Id: string, user2Id: string, texts: string[]) => {
      const room = await repository.createRoom({ user1Id, user2Id, matchType: 'random', createdAt: new Date(at) });
      await repository.appendMessages(texts.map((content, i) => ({ roomId: room.id, senderId: i % 2 === 0 ? user1Id : user2Id, content, createdAt: new Date(at + (i + 1) * 1_000) })));
      await repository.endRoom(room.id, 'left', new Date());
      return room.id;
    };
    rooms.erased = await conversation('pwerasesubj1', 'pwerasepart2', ['我的电话是 123', '收到']);
    rooms.looked = await conversation('pwlooksubj3', 'pwlookpart4', ['Hello there', 'Hi!']);
  });

  /** The admin's page, logged in by the first test that asks for it (a context that lets axe in). */
  async function adminPage(): Promise<Page> {
    if (!admin) {
      const page = await newPage(suite, { viewport: { width: 1280, height: 900 } });
      await page.goto(`${suite.url}/admin`);
      await page.getByTestId('password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-btn').click();
      await visible(page.getByTestId('view-dashboard'));
      admin = page;
    }
    // A test that failed half-way leaves no dialog over the next one's page.
    await admin.evaluate(() => document.querySelectorAll<HTMLDialogElement>('dialog[open]').forEach((d) => d.close()));
    return admin;
  }

  /** Every session's password proved 11 minutes ago: the next erasure or policy save asks for it. */
  async function agePasswords(): Promise<void> {
    await suite.server.database.query("UPDATE admin_sessions SET password_at = now() - interval '11 minutes'");
  }

  const passwordDialog = (page: Page) => page.getByTestId('password-confirm-dialog');
  const isOpen = (page: Page, testId: string) => () => page.getByTestId(testId).evaluate((d: HTMLDialogElement) => d.open);
  /** The messages of a conversation as stored: their text and who erased them. */
  const storedMessages = async (roomId: number) =>
    suite.server.database.query<{ content: string; erased_by: string | null }>('SELECT content, erased_by FROM messages WHERE room_id = $1 ORDER BY id', [roomId]);
  /** The policy as stored (no row while the default one is in force). */
  const storedPolicy = async () => suite.server.database.query<{ document: unknown }>('SELECT document FROM content_policy WHERE id = 1');
  const policyTerms = async (page: Page) =>
    page.evaluate(async () => ((await (await fetch('/admin/api/policy')).json()) as { terms: { term: string }[] }).terms.map((t) => t.term));

  /** Opens a conversation's erase dialog, a reason typed, and answers "are you sure" yes: the password is asked. */
  async function eraseUntilPassword(page: Page, roomId: number): Promise<void> {
    await page.goto(`${suite.url}/admin#room/${roomId}`);
    await expect.poll(() => page.getByTestId('conversation-message').count(), until).toBe(2);
    await page.getByTestId('erase-room').click();
    await visible(page.getByTestId('erase-dialog'));
    expect(await page.getByTestId('erase-scope-room').isChecked()).toBe(true);
    await page.getByTestId('erase-reason').fill(REASON);
    await submitErase(page);
  }

  /** Sends the open erase dialog and answers "are you sure" yes. */
  async function submitErase(page: Page): Promise<void> {
    await page.getByTestId('erase-submit').click();
    await visible(page.getByTestId('confirm-dialog'));
    await page.getByTestId('confirm-ok').click();
    await visible(passwordDialog(page));
  }

  it('an erasure: Escape and Cancel erase nothing and keep the erase dialog as it was; the right password erases', { timeout: 90_000 }, async () => {
    const page = await adminPage();
    await agePasswords();
    await eraseUntilPassword(page, rooms.erased);
    await expect.poll(focused(page), until).toBe('password-confirm-input');
    expect(await page.getByTestId('password-confirm-error').isHidden()).toBe(true);
    // Both dialogs open: the password's over the erase dialog.
    expect(await isOpen(page, 'erase-dialog')()).toBe(true);

    // Escape: nothing erased, nothing said, the erase dialog still open with its reason, the focus in it.
    await page.keyboard.type('half a password');
    await page.keyboard.press('Escape');
    await expect.poll(isOpen(page, 'password-confirm-dialog'), until).toBe(false);
    await expect.poll(focused(page), until).toBe('erase-submit');
    expect(await isOpen(page, 'erase-dialog')()).toBe(true);
    expect(await page.getByTestId('erase-reason').inputValue()).toBe(REASON);
    expect(await page.getByTestId('erase-error').isHidden()).toBe(true);
    expect(await page.getByTestId('erase-submit').isEnabled()).toBe(true);
    expect(await page.getByTestId('toast').isHidden()).toBe(true);
    expect(await storedMessages(rooms.erased)).toEqual([
      { content: '我的电话是 123', erased_by: null },
      { content: '收到', erased_by: null },
    ]);
    // What was typed is not kept for the next time.
    expect(await page.getByTestId('password-confirm-input').inputValue()).toBe('');

    // Cancel, the same way: still nothing erased, the focus back on the erase dialog's submit button.
    await submitErase(page);
    await expect.poll(focused(page), until).toBe('password-confirm-input');
    await page.getByTestId('password-confirm-cancel').click();
    await expect.poll(isOpen(page, 'password-confirm-dialog'), until).toBe(false);
    await expect.poll(focused(page), until).toBe('erase-submit');
    expect(await page.evaluate(() => document.activeElement?.closest('dialog')?.dataset['testid'])).toBe('erase-dialog');
    expect(await isOpen(page, 'erase-dialog')()).toBe(true);
    expect(await page.getByTestId('erase-reason').inputValue()).toBe(REASON);
    expect(await page.getByTestId('erase-error').isHidden()).toBe(true);
    expect(await page.getByTestId('toast').isHidden()).toBe(true);
    expect((await storedMessages(rooms.erased)).map((m) => m.erased_by)).toEqual([null, null]);
    expect(await page.getByTestId('message-text').allTextContents()).toEqual(['我的电话是 123', '收到']);

    // Again, with the right password (by keyboard, the focus being on submit): erased, the dialog closes.
    await page.keyboard.press('Enter');
    await visible(page.getByTestId('confirm-dialog'));
    await page.getByTestId('confirm-ok').click();
    await visible(passwordDialog(page));
    await expect.poll(focused(page), until).toBe('password-confirm-input');
    await page.keyboard.type(ADMIN_PASSWORD);
    await page.getByTestId('password-confirm-submit').click();
    await expect.poll(text(page.getByTestId('toast')), until).toBe('已删除 2 条消息');
    await expect.poll(isOpen(page, 'erase-dialog'), until).toBe(false);
    expect(await isOpen(page, 'password-confirm-dialog')()).toBe(false);
    expect(await storedMessages(rooms.erased)).toEqual([
      { content: '', erased_by: 'admin' },
      { content: '', erased_by: 'admin' },
    ]);
    await expect.poll(() => page.getByTestId('message-text').allTextContents(), until).toEqual([
      expect.stringMatching(/^〔已由管理员删除，/),
      expect.stringMatching(/^〔已由管理员删除，/),
    ]);
  });

  it('a policy save: Cancel keeps the term on screen, unsaved and unsaid; the right password saves it', { timeout: 90_000 }, async () => {
    const page = await adminPage();
    await agePasswords();
    await page.getByTestId('tab-policy').click();
    const view = page.getByTestId('view-policy');
    await visible(view);
    await expect.poll(text(view.getByTestId('policy-count')), until).toMatch(/^共 \d+ 个词条$/);
    const before = await policyTerms(page);
    expect(before).not.toContain(TERM);
    const rowTerms = () => view.getByTestId('policy-row').getByTestId('policy-term').allTextContents();

    await view.getByTestId('policy-new-term').fill(TERM);
    await view.getByTestId('policy-new-term').press('Enter');
    await expect.poll(async () => (await rowTerms())[0], until).toBe(TERM);
    expect(await view.getByTestId('policy-dirty').isVisible()).toBe(true);

    await view.getByTestId('policy-save').click();
    await visible(passwordDialog(page));
    await expect.poll(focused(page), until).toBe('password-confirm-input');
    await page.getByTestId('password-confirm-cancel').click();
    await expect.poll(isOpen(page, 'password-confirm-dialog'), until).toBe(false);
    // Not saved: the edit stays on screen, marked unsaved; nothing said; the focus back on Save.
    await expect.poll(focused(page), until).toBe('policy-save');
    expect((await rowTerms())[0]).toBe(TERM);
    expect(await view.getByTestId('policy-dirty').isVisible()).toBe(true);
    expect(await view.getByTestId('policy-error').isHidden()).toBe(true);
    // (The toast may still say the previous test's erasure.)
    expect(await page.getByTestId('toast').textContent()).not.toBe(SAVED);
    expect(await view.getByTestId('policy-save').isEnabled()).toBe(true);
    expect(await policyTerms(page)).toEqual(before);
    expect(JSON.stringify(await storedPolicy())).not.toContain(TERM);

    // Save again, the right password: saved, said, in force.
    await view.getByTestId('policy-save').click();
    await visible(passwordDialog(page));
    await expect.poll(focused(page), until).toBe('password-confirm-input');
    await page.keyboard.type(ADMIN_PASSWORD);
    await page.keyboard.press('Enter');
    await expect.poll(text(page.getByTestId('toast')), until).toBe(SAVED);
    expect(await isOpen(page, 'password-confirm-dialog')()).toBe(false);
    await expect.poll(() => view.getByTestId('policy-dirty').isHidden(), until).toBe(true);
    expect(await view.getByTestId('policy-error').isHidden()).toBe(true);
    expect(await policyTerms(page)).toEqual([TERM, ...before]);
    expect(JSON.stringify(await storedPolicy())).toContain(TERM);
  });

  it('in English the dialog names erasures and the policy; over the erase dialog it passes axe in both languages and schemes', { timeout: 120_000 }, async () => {
    const page = await adminPage();
    await agePasswords();
    await eraseUntilPassword(page, rooms.looked);
    const dialogText = () => passwordDialog(page).locator('#password-confirm-text').textContent();
    expect(await dialogText()).toBe('更改团队成员、角色或两步验证，删除对话或修改内容规则之前，需要确认是你本人在操作。确认后 10 分钟内不再询问。');
    await page.getByTestId('lang-switch').selectOption('en');
    try {
      expect(await passwordDialog(page).getByRole('heading').textContent()).toBe('Type your password again');
      expect(await dialogText()).toBe(
        'Before a change of the team, its roles or 2FA, an erasure or a change of the content policy, confirm that it is you. You will not be asked again for 10 minutes.',
      );
      // The dialog is described by that text.
      expect(await passwordDialog(page).getAttribute('aria-describedby')).toBe('password-confirm-text');
    } finally {
      await page.getByTestId('lang-switch').selectOption('zh-CN');
    }
    expect(await isOpen(page, 'erase-dialog')()).toBe(true);
    await walkScreens(async (check) => {
      await check(page, 'password dialog over the erase dialog', { shot: 'password-confirm-erase' });
    });
    await page.keyboard.press('Escape');
    await expect.poll(isOpen(page, 'password-confirm-dialog'), until).toBe(false);
    await expect.poll(focused(page), until).toBe('erase-submit');
    expect((await storedMessages(rooms.looked)).map((m) => m.erased_by)).toEqual([null, null]);
  });
});
