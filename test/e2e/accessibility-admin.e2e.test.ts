/**
 * Accessibility of the admin pages in a real Chromium: axe-core on the login page, the dashboard, the
 * conversations and one conversation with its sanction and erase dialogs, the erase confirmation and the
 * erased messages, the reports queue and one report with its confirmation, the sanctions, the audit log
 * and the content policy, in Chinese and English, light and dark (test/helpers/axe-walk.ts); Tab reach
 * with a focus ring; and a page made wrong on purpose (a button without a name, text too faint) shows
 * the check can fail. The data is given straight to the server, not made through the chat page.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { axeViolations, expectNoSeriousViolations } from '../helpers/axe.js';
import { newPage, tabThrough, walkScreens, WAIT_MS } from '../helpers/axe-walk.js';
import { focused, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const { until, text, visible } = chatPageDriver(WAIT_MS);
const skip = skipWithoutChromium('accessibility browser tests');
describe.skipIf(skip)('accessibility of the admin pages', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });
  /** A conversation reported by its first person (the report names the second), and one to erase. */
  const people = { reporter: 'a11yreporter1', reported: 'a11yreported2', eraseSubject: 'a11yerasesubj3', erasePartner: 'a11yerasepart4' };

  // Something to look at, given straight to the server (the chat page is not what these tests are about):
  // two ended conversations with messages, a report with a reported message, and a warning.
  beforeAll(async () => {
    const { repository, moderation } = suite.server.app;
    const at = Date.now() - 3_600_000;
    const conversation = async (user1Id: string, user2Id: string, texts: string[]) => {
      const room = await repository.createRoom({ user1Id, user2Id, matchType: 'random', createdAt: new Date(at) });
      const stored = await repository.appendMessages(
        texts.map((content, i) => ({ roomId: room.id, senderId: i % 2 === 0 ? user1Id : user2Id, content, createdAt: new Date(at + (i + 1) * 1_000) })),
      );
      await repository.endRoom(room.id, 'left', new Date());
      return { roomId: room.id, messageIds: stored.flatMap((s) => ('message' in s ? [s.message.id] : [])) };
    };
    const reported = await conversation(people.reporter, people.reported, ['你好', '加我微信，不然你会后悔的']);
    await moderation.report(people.reporter, { reason: 'harassment', room_id: reported.roomId, message_ids: reported.messageIds.slice(1), note: '威胁' });
    await conversation(people.eraseSubject, people.erasePartner, ['Hello there', 'Hi! How are you?']);
    await moderation.issue({ userId: people.reported, networkHash: null, scope: 'identity', kind: 'warning', reason: 'spam', createdBy: 'admin' });
  });

  /** The admin login page in a new browser that lets axe in (the page's CSP forbids inline scripts). */
  async function loginPage(): Promise<Page> {
    const page = await newPage(suite, { viewport: { width: 1280, height: 900 } });
    await page.goto(`${suite.url}/admin`);
    await visible(page.getByTestId('password'));
    return page;
  }

  async function loggedIn(): Promise<Page> {
    const page = await loginPage();
    await page.getByTestId('password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-btn').click();
    await visible(page.getByTestId('view-dashboard'));
    return page;
  }

  it('the login page passes axe, with and without an error, in both languages and both colour schemes', { timeout: 90_000 }, async () => {
    await walkScreens(async (check) => {
      const page = await loginPage();
      await check(page, 'admin login');
      await page.getByTestId('password').fill('not the password');
      await page.getByTestId('login-btn').click();
      await visible(page.getByTestId('login-error'));
      await check(page, 'admin login with an error');
    });
  });

  it('the dashboard, the conversations, one conversation with its sanction and erase dialogs and its erased messages pass axe in both languages and both colour schemes', { timeout: 180_000 }, async () => {
    await walkScreens(async (check) => {
      const admin = await loggedIn();
      await expect.poll(text(admin.getByTestId('stat-open_reports')), until).toBe('1');
      await check(admin, 'admin dashboard', { shot: 'admin-dashboard' });

      await admin.getByTestId('tab-rooms').click();
      await expect.poll(() => admin.getByTestId('room-row').count(), until).toBe(2);
      await check(admin, 'admin conversations');
      await admin.getByTestId('room-row').filter({ hasText: people.eraseSubject }).click();
      await expect.poll(() => admin.getByTestId('conversation-message').count(), until).toBe(2);
      await check(admin, 'admin conversation');

      await admin.getByTestId('sanction-user1').click();
      await visible(admin.getByTestId('sanction-dialog'));
      await check(admin, 'admin sanction dialog');
      await admin.keyboard.press('Escape');
      await admin.getByTestId('sanction-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });

      // "Erase messages…": the dialog, its error (no reason given), the confirmation, the markers.
      await admin.getByTestId('erase-room').click();
      await visible(admin.getByTestId('erase-dialog'));
      await check(admin, 'admin erase dialog', { shot: 'admin-erase-dialog' });
      await admin.getByTestId('erase-submit').click();
      await visible(admin.getByTestId('erase-error'));
      await check(admin, 'admin erase dialog with an error');
      await admin.getByTestId('erase-reason').fill('用户申请删除');
      await admin.getByTestId('erase-submit').click();
      await visible(admin.getByTestId('confirm-dialog'));
      await check(admin, 'admin erase confirmation');
      await admin.getByTestId('confirm-ok').click();
      await admin.getByTestId('erase-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });
      await expect.poll(() => admin.getByTestId('erased-badge').count(), until).toBe(2);
      await check(admin, 'admin conversation with erased messages');
    });
  });

  it('the reports queue, a report with its ban confirmation, the sanctions and the audit log pass axe in both languages and both colour schemes', { timeout: 180_000 }, async () => {
    await walkScreens(async (check) => {
      const admin = await loggedIn();
      await admin.getByTestId('tab-reports').click();
      await expect.poll(() => admin.getByTestId('report-row').count(), until).toBe(1);
      await check(admin, 'admin reports queue');
      await admin.getByTestId('report-row').filter({ hasText: people.reported }).click();
      await expect.poll(() => admin.getByTestId('report-conversation').getByTestId('conversation-message').count(), until).toBe(2);
      await check(admin, 'admin report', { shot: 'admin-report' });
      await admin.getByTestId('action-ban').check();
      await admin.getByTestId('decision-duration').selectOption({ index: 0 });
      await admin.getByTestId('decision-submit').click();
      await visible(admin.getByTestId('confirm-dialog'));
      await check(admin, 'admin ban confirmation');
      await admin.keyboard.press('Escape');
      await admin.getByTestId('confirm-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });

      await admin.getByTestId('tab-sanctions').click();
      await expect.poll(() => admin.getByTestId('sanction-row').count(), until).toBe(1);
      await check(admin, 'admin sanctions');

      // The content policy has no page of its own yet (only its API); when it gets one, it is checked too.
      if ((await admin.getByTestId('tab-policy').count()) > 0) {
        await admin.getByTestId('tab-policy').click();
        await visible(admin.getByTestId('view-policy'));
        await check(admin, 'admin content policy');
      }

      await admin.getByTestId('tab-audit').click();
      await expect.poll(() => admin.getByTestId('audit-row').count(), until).toBeGreaterThan(0);
      await check(admin, 'admin audit log');
    });
  });

  it('with the keyboard alone every control of the dashboard and of a conversation is reached by Tab and shows its focus, and the erase dialog opens and closes', { timeout: 120_000 }, async () => {
    const admin = await loggedIn();
    await expect.poll(text(admin.getByTestId('stat-open_reports')), until).toBe('1');
    const dashboard = await tabThrough(admin);
    expect(dashboard).toEqual(
      expect.arrayContaining(['tab-dashboard', 'tab-reports', 'tab-sanctions', 'tab-rooms', 'tab-audit', 'lang-switch', 'logout-btn', 'figure-open-reports']),
    );

    // Into the conversations and one conversation by Enter alone.
    await admin.getByTestId('tab-rooms').focus();
    await admin.keyboard.press('Enter');
    await expect.poll(() => admin.getByTestId('room-row').count(), until).toBe(2);
    await admin.getByTestId('room-row').filter({ hasText: people.reporter }).focus();
    await admin.keyboard.press('Enter');
    await expect.poll(() => admin.getByTestId('conversation-message').count(), until).toBe(2);
    expect(await tabThrough(admin)).toEqual(expect.arrayContaining(['back-btn', 'sanction-user1', 'sanction-user2', 'erase-room']));

    // The erase dialog: opened with Enter, the focus in its reason field, Escape gives it back to the button.
    await admin.getByTestId('erase-room').focus();
    await admin.keyboard.press('Enter');
    await visible(admin.getByTestId('erase-dialog'));
    await expect.poll(focused(admin), until).toBe('erase-reason');
    await admin.keyboard.press('Escape');
    await admin.getByTestId('erase-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(focused(admin), until).toBe('erase-room');
  });

  it('the sections nav is named in the page\'s language, and after a sanction is lifted the focus is on the sanctions heading, not lost to the page', { timeout: 60_000 }, async () => {
    const { moderation } = suite.server.app;
    await moderation.issue({ userId: people.erasePartner, networkHash: null, scope: 'identity', kind: 'warning', reason: 'lift me', createdBy: 'admin' });
    const admin = await loggedIn();
    expect(await admin.getByRole('navigation', { name: '后台栏目' }).count()).toBe(1);
    await admin.getByTestId('lang-switch').selectOption('en');
    expect(await admin.getByRole('navigation', { name: 'Sections' }).count()).toBe(1);
    await admin.getByTestId('lang-switch').selectOption('zh-CN');
    expect(await admin.locator('nav.tabs').getAttribute('aria-label')).toBe('后台栏目');

    // Lift with the keyboard: Enter on Lift, then on the dialog's confirm button.
    await admin.getByTestId('tab-sanctions').click();
    const row = admin.getByTestId('sanction-row').filter({ hasText: people.erasePartner });
    await expect.poll(() => row.count(), until).toBe(1);
    await row.getByTestId('lift-btn').focus();
    await admin.keyboard.press('Enter');
    await visible(admin.getByTestId('confirm-dialog'));
    await admin.getByTestId('confirm-ok').focus();
    await admin.keyboard.press('Enter');
    await expect.poll(() => row.count(), until).toBe(0);
    await expect.poll(focused(admin), until).toBe('sanctions-title');
    expect(await admin.evaluate(() => document.activeElement === document.body)).toBe(false);
    // Tab goes on from there, into the sanctions table's own controls.
    await admin.keyboard.press('Tab');
    await expect.poll(focused(admin), until).toBe('sanctions-all');
  });

  it('the check can fail: a button without a name and text too faint to read are named as violations', { timeout: 60_000 }, async () => {
    const page = await loginPage();
    await expect(expectNoSeriousViolations(page, 'admin login')).resolves.toBeInstanceOf(Array);
    await page.evaluate(() => {
      const button = document.createElement('button');
      button.type = 'button';
      button.id = 'nameless-probe';
      document.querySelector('main')!.append(button);
    });
    await expect(expectNoSeriousViolations(page, 'admin login with a nameless button')).rejects.toThrow(/\[critical\] button-name: .*\n +#nameless-probe /);
    await page.evaluate(() => {
      document.getElementById('nameless-probe')!.remove();
      const faint = document.createElement('p');
      faint.id = 'faint-probe';
      faint.textContent = '几乎看不见';
      faint.style.color = '#d0d0d0';
      document.querySelector('main')!.append(faint);
    });
    await expect(expectNoSeriousViolations(page, 'admin login with faint text')).rejects.toThrow(/\[serious\] color-contrast: .*\n +#faint-probe /);
  });
});

