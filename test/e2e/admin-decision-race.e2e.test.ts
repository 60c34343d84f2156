/**
 * Two admins deciding one report, in a real Chromium against the real server: the one whose decision is
 * refused (409, the report was decided meanwhile) loses nothing they wrote. The report is shown with the
 * decision made, and in place of the form a notice (a region named by its heading, focused, both languages, axe-clean) keeps
 * their own choice and note, selectable and copyable, through a reload, until they dismiss it.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { expectNoSeriousViolations } from '../helpers/axe.js';
import { newPage } from '../helpers/axe-walk.js';
import { focused, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('admin decision race browser tests');

const WAIT_MS = 15_000;
const { until, text, visible } = chatPageDriver(WAIT_MS);
/** A note long enough that nobody wants to type it again, on two lines. */
const NOTE = '多次在聊天中发送广告链接并索要联系方式，对方拒绝后仍继续骚扰。\n先禁言，若再犯请升级为封禁。'.repeat(2);

describe.skipIf(skip)('a decision refused because another admin decided the report first', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });
  let reportId = 0;
  let unsentReportId = 0;

  beforeAll(async () => {
    const { repository, moderation } = suite.server.app;
    for (const n of [1, 2]) {
      const room = await repository.createRoom({ user1Id: `racereporter${n}`, user2Id: `racereported${n}`, matchType: 'random', createdAt: new Date(Date.now() - 60_000) });
      const id = (await moderation.report(`racereporter${n}`, { reason: 'spam', room_id: room.id, note: '广告' })).id;
      if (n === 1) reportId = id;
      else unsentReportId = id;
    }
  }, 60_000);

  /** An admin page, logged in. */
  async function adminPage(): Promise<Page> {
    // bypassCSP: axe is let into the page.
    const page = await newPage(suite, { viewport: { width: 1280, height: 900 } });
    await page.goto(`${suite.url}/admin`);
    await page.getByTestId('password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-btn').click();
    await visible(page.getByTestId('view-dashboard'));
    return page;
  }

  const draftKeys = (page: Page) => page.evaluate(() => Object.keys(sessionStorage).filter((key) => key.startsWith('admin-decision-draft:')));

  it('keeps the choice and note in view beside the decision made, through a reload, until dismissed', { timeout: 90_000 }, async () => {
    const page = await adminPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.url });
    await page.goto(`${suite.url}/admin#report/${reportId}`);
    const view = page.getByTestId('view-report');
    await visible(view.getByTestId('decision-form'));

    // Zhao chooses Mute and writes a long note; Wang dismisses the report meanwhile.
    await view.getByTestId('action-mute').check();
    await view.getByTestId('decision-note').fill(NOTE);
    await suite.server.app.moderation.resolve(reportId, { action: 'dismiss', scope: 'identity' }, 'admin');
    await view.getByTestId('decision-submit').click();

    const notice = view.getByTestId('unsent-decision');
    await visible(notice);
    // The report as decided, by whom and how; no form to decide it again.
    await expect.poll(text(view.getByTestId('report-resolution')), until).toBe('已驳回');
    expect(await view.getByTestId('decision-form').isHidden()).toBe(true);
    // In place and lasting: a region the focus is on, not a toast (not live: it would be read twice).
    expect(await notice.getAttribute('role')).toBe('region');
    await expect.poll(focused(page), until).toBe('unsent-decision-title');
    expect(await notice.getByTestId('unsent-decision-title').textContent()).toBe('这条举报已由别人处理，你的决定没有提交');
    expect(await notice.getByTestId('unsent-decision-action').textContent()).toBe('你未发送的决定：禁言 · 24 小时 · 按身份');
    expect(await notice.getByTestId('unsent-decision-note').textContent()).toBe(NOTE);
    expect(await draftKeys(page)).toEqual([`admin-decision-draft:${reportId}`]);
    await expectNoSeriousViolations(page, 'the refused decision (zh-CN)', { include: '[data-testid="unsent-decision"]' });

    // The note can be copied, whole, to use elsewhere.
    await notice.getByTestId('unsent-decision-copy').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), until).toBe(NOTE);

    // In English too.
    await page.getByTestId('lang-switch').selectOption('en');
    await expect.poll(text(notice.getByTestId('unsent-decision-title')), until).toBe('Someone else decided this report meanwhile: your decision was not sent');
    expect(await notice.getByTestId('unsent-decision-action').textContent()).toBe('Your unsent decision: Mute · 24 hours · Identity');
    expect(await notice.getByTestId('unsent-decision-dismiss').textContent()).toBe('Done, forget it');
    await expectNoSeriousViolations(page, 'the refused decision (en)', { include: '[data-testid="unsent-decision"]' });
    await page.getByTestId('lang-switch').selectOption('zh-CN');

    // A reload (a session that ends, say) does not lose it either.
    await page.reload();
    await visible(notice);
    expect(await notice.getByTestId('unsent-decision-note').textContent()).toBe(NOTE);
    await expect.poll(focused(page), until).toBe('unsent-decision-title');

    // Dismissed, it is forgotten: the focus stays on the report, not on the page's body.
    await notice.getByTestId('unsent-decision-dismiss').click();
    expect(await notice.isHidden()).toBe(true);
    await expect.poll(focused(page), until).toBe('report-title');
    expect(await draftKeys(page)).toEqual([]);
    await page.reload();
    await expect.poll(text(view.getByTestId('report-resolution')), until).toBe('已驳回');
    expect(await notice.isHidden()).toBe(true);
  });

  it('a choice never sent, on a report someone decided meanwhile, goes quietly: no notice of a refusal that did not happen (found by the review)', { timeout: 60_000 }, async () => {
    const page = await adminPage();
    await page.goto(`${suite.url}/admin#report/${unsentReportId}`);
    const view = page.getByTestId('view-report');
    await visible(view.getByTestId('decision-form'));
    await view.getByTestId('action-warn').check();
    await view.getByTestId('decision-note').fill('还没想好');
    await expect.poll(() => draftKeys(page), until).toEqual([`admin-decision-draft:${unsentReportId}`]);
    // Looked elsewhere; decided by someone else meanwhile; opened again.
    await page.goto(`${suite.url}/admin#reports`);
    await suite.server.app.moderation.resolve(unsentReportId, { action: 'dismiss', scope: 'identity' }, 'admin');
    await page.goto(`${suite.url}/admin#report/${unsentReportId}`);
    await expect.poll(text(view.getByTestId('report-resolution')), until).toBe('已驳回');
    expect(await view.getByTestId('unsent-decision').isHidden()).toBe(true);
    await expect.poll(() => draftKeys(page), until).toEqual([]);
  });
});
