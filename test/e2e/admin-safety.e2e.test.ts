/**
 * The safety loop end to end, in a real Chromium against the real server: a chatter reports their partner
 * from the chat page; the admin sees the report on the dashboard and in the queue (priority ones first),
 * opens it with the keyboard — the conversation shown as text with the reported message marked, both
 * people's history —, bans the reported person after confirming, and the banned chatter's page shows the
 * ban screen at once (the `sanction {kind: 'banned'}` event) while the reporter's chat ends; the ban is
 * lifted from the Sanctions page. From a conversation and from the Sanctions page the admin mutes and
 * warns people directly, and the pages speak English too. A report made more urgent while the admin looks
 * at it is not decided on what they saw. Needs Debian's Chromium at /usr/bin/chromium:
 * skipped with a visible line without it, except under CI.
 */
import { resolve } from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ReportRepository } from '../../src/moderation/report-repository.js';
import { formatPlain } from '../../src/shared/time.js';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { focused, screenshotDir, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver, send } from '../helpers/chat-page.js';
import { matchedPair, request } from '../helpers/client.js';

const skip = skipWithoutChromium('admin safety-loop browser tests');

const WAIT_MS = 10_000;
const ZONE = 'Asia/Shanghai';
const XSS = '<img src=x onerror="window.__xss=1">出来见面';
const { until, text, visible, myId, messageTexts, matchPages } = chatPageDriver(WAIT_MS);

describe.skipIf(skip)('the moderation queue in a browser', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD, timezone: ZONE } });

  async function chatPage(options: BrowserContextOptions = {}): Promise<Page> {
    const page = await (await suite.newContext(options)).newPage();
    await page.goto(suite.url);
    return page;
  }

  async function adminPage(options: BrowserContextOptions = {}): Promise<Page> {
    const page = await (await suite.newContext({ viewport: { width: 1280, height: 900 }, ...options })).newPage();
    await page.goto(`${suite.url}/admin`);
    await page.getByTestId('password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-btn').click();
    await visible(page.getByTestId('view-dashboard'));
    return page;
  }

  it('a reported chatter is found in the queue, banned from the report and sees the ban screen; the ban is lifted from Sanctions', { timeout: 120_000 }, async () => {
    const a = await chatPage();
    const b = await chatPage();
    const [idA, idB] = [await myId(a), await myId(b)];
    await matchPages(a, b);
    await send(a, '你好');
    await send(b, XSS);
    await send(b, '快点');
    await expect.poll(() => messageTexts(a, false).allTextContents(), until).toEqual([XSS, '快点']);

    // A reports B for harassment, ticking the markup message.
    await a.getByTestId('report-btn').click();
    await visible(a.getByTestId('report-dialog'));
    await a.getByRole('radio', { name: '骚扰' }).check();
    await a.getByLabel('补充说明（可选）').fill('一直纠缠要见面');
    await a.getByRole('checkbox', { name: /出来见面/ }).check();
    await a.getByTestId('report-submit').click();
    await expect.poll(text(a.getByTestId('report-done-text')), until).toBe('已举报，我们会尽快处理');
    await a.getByTestId('report-close').click();
    const [report] = (await new ReportRepository(suite.server.database).list('open', 10)).filter((r) => r.reporterId === idA);
    expect(report).toMatchObject({ reportedId: idB, reason: 'harassment' });

    // A priority report from elsewhere sorts above it.
    const c = await chatPage();
    const d = await chatPage();
    const idD = await myId(d);
    await matchPages(c, d);
    await c.getByTestId('report-btn').click();
    await c.getByRole('radio', { name: '涉及未成年人' }).check();
    await c.getByTestId('report-submit').click();
    await expect.poll(text(c.getByTestId('report-done-text')), until).toBe('已举报，我们会尽快处理');
    await c.getByTestId('report-close').click();

    // The admin sees both on the dashboard, then in the queue: the priority one first and marked.
    const admin = await adminPage();
    await expect.poll(text(admin.getByTestId('stat-open_reports')), until).toBe('2');
    expect(await admin.getByTestId('stat-open_priority_reports').textContent()).toBe('其中优先 1');
    const today = formatPlain(new Date(), ZONE).slice(0, 10);
    expect(await admin.locator(`[data-testid="report-day"][data-day="${today}"] [data-testid="report-day-count"]`).textContent()).toBe('2');
    await admin.screenshot({ path: resolve(screenshotDir, 'admin-dashboard-safety.png'), fullPage: true });
    await admin.getByTestId('figure-open-reports').click();
    const rows = admin.getByTestId('report-row');
    await expect.poll(() => rows.count(), until).toBe(2);
    expect(await rows.nth(0).locator('td').nth(3).textContent()).toBe(idD);
    expect(await rows.nth(0).getByTestId('priority-badge').textContent()).toBe('优先');
    expect(await rows.nth(1).locator('td').nth(3).textContent()).toBe(idB);
    expect(await rows.nth(1).locator('td').nth(2).textContent()).toBe('骚扰');
    expect(await rows.nth(1).locator('td').nth(6).textContent()).toBe('一直纠缠要见面');
    expect(await rows.nth(1).getByTestId('priority-badge').count()).toBe(0);
    await admin.screenshot({ path: resolve(screenshotDir, 'admin-reports.png'), fullPage: true });

    // Opened with the keyboard: the conversation as text, the reported message marked, both people.
    await rows.nth(1).focus();
    await admin.keyboard.press('Enter');
    const view = admin.getByTestId('view-report');
    await expect.poll(() => view.getByTestId('report-conversation').getByTestId('conversation-message').count(), until).toBe(3);
    expect(await view.getByTestId('report-title').textContent()).toBe(`举报 #${report!.id}`);
    const conversation = view.getByTestId('report-conversation');
    expect(await conversation.getByTestId('message-text').allTextContents()).toEqual(['你好', XSS, '快点']);
    expect(await conversation.locator('[data-reported="true"] [data-testid="message-text"]').allTextContents()).toEqual([XSS]);
    expect(await conversation.getByTestId('reported-badge').allTextContents()).toEqual(['被举报']);
    expect(await conversation.locator('img, script').count()).toBe(0);
    expect(await admin.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await view.getByTestId('report-note').textContent()).toBe('一直纠缠要见面');
    expect(await view.getByTestId('person-reported').locator('.card-title').textContent()).toBe(`被举报人 · ${idB}`);
    expect(await view.getByTestId('reported-counts').textContent()).toBe('另被举报 0 次 · 另举报他人 0 次 · 处罚 0 次 · 生效中 0');
    expect(await view.getByTestId('person-reporter').locator('.card-title').textContent()).toBe(`举报人 · ${idA}`);

    // The decision: a ban for 7 days, confirmed first (the focus starts on Cancel; Escape cancels).
    expect(await view.getByTestId('decision-duration').locator('option[value=""]').isDisabled()).toBe(true);
    await view.getByTestId('action-ban').check();
    expect(await view.getByTestId('decision-duration').locator('option[value=""]').isDisabled()).toBe(false);
    expect(await view.getByTestId('decision-duration').locator('option').allTextContents()).toEqual(['1 小时', '24 小时', '7 天', '30 天', '永久']);
    await view.getByTestId('decision-duration').selectOption('604800');
    // By network says whom else it reaches, while it is chosen (and is not chosen here).
    const scopeWarning = view.getByTestId('scope-warning');
    expect(await scopeWarning.isHidden()).toBe(true);
    await view.getByTestId('decision-scope').selectOption('both');
    await visible(scopeWarning);
    expect(await scopeWarning.textContent()).toContain('举报人也可能在内');
    expect(await view.getByTestId('decision-scope').getAttribute('aria-describedby')).toBe(await scopeWarning.getAttribute('id'));
    // Network alone is on nobody's identity: nobody is told the note.
    await view.getByTestId('decision-scope').selectOption('address');
    expect(await scopeWarning.textContent()).toContain('没有人会看到这里写的原因');
    await view.getByTestId('decision-scope').selectOption('identity');
    expect(await scopeWarning.isHidden()).toBe(true);
    await view.getByTestId('decision-note').fill('骚扰他人');
    await admin.screenshot({ path: resolve(screenshotDir, 'admin-report.png'), fullPage: true });
    await view.getByTestId('decision-submit').click();
    const confirm = admin.getByTestId('confirm-dialog');
    await visible(confirm);
    expect(await admin.getByRole('alertdialog', { name: '确认封禁？' }).isVisible()).toBe(true);
    expect(await admin.getByTestId('confirm-text').textContent()).toBe(`${idB} 将立即被断开，7 天内不能使用聊天。`);
    await expect.poll(focused(admin), until).toBe('confirm-cancel');
    await admin.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden', timeout: WAIT_MS });
    expect(await b.getByTestId('ban-screen').isHidden()).toBe(true);
    await view.getByTestId('decision-submit').click();
    await visible(confirm);
    await admin.getByTestId('confirm-ok').click();

    // In force at once: B's page shows the ban screen, A's chat ends, the report is actioned.
    const banScreen = b.getByTestId('ban-screen');
    await visible(banScreen);
    expect(await b.getByTestId('ban-reason').textContent()).toBe('原因：骚扰他人');
    expect(await b.getByTestId('ban-until').textContent()).toMatch(/^封禁至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}( \(UTC[+-]\d{2}:\d{2}\))?$/);
    expect(await b.getByTestId('start-btn').isDisabled()).toBe(true);
    await expect.poll(text(a.getByTestId('system-text').last()), until).toBe('对方已离开聊天');
    await expect.poll(text(view.getByTestId('report-status')), until).toBe('已处理');
    expect(await view.getByTestId('decision-form').isHidden()).toBe(true);
    expect(await view.getByTestId('report-resolution').textContent()).toBe('已封禁');
    expect(await view.getByTestId('reported-counts').textContent()).toBe('另被举报 0 次 · 另举报他人 0 次 · 处罚 1 次 · 生效中 1');
    await b.screenshot({ path: resolve(screenshotDir, 'admin-ban-reached-chatter.png') });

    // The open tab no longer lists it; the actioned tab does.
    await view.getByTestId('report-back').click();
    await expect.poll(() => rows.count(), until).toBe(1);
    await admin.getByTestId('reports-tab-actioned').click();
    await expect.poll(async () => (await rows.first().getAttribute('data-report-id')) ?? '', until).toBe(String(report!.id));
    expect(await rows.first().locator('td').last().textContent()).toBe('已封禁');

    // Lifted from the Sanctions page (confirmed): B can start again.
    await admin.getByTestId('tab-sanctions').click();
    const sanctionRows = admin.getByTestId('sanction-row');
    await expect.poll(() => sanctionRows.count(), until).toBe(1);
    expect(await sanctionRows.first().locator('td').nth(1).textContent()).toBe(idB);
    expect(await sanctionRows.first().locator('td').nth(2).textContent()).toBe('封禁');
    await admin.screenshot({ path: resolve(screenshotDir, 'admin-sanctions.png'), fullPage: true });
    await sanctionRows.first().getByTestId('lift-btn').click();
    await visible(confirm);
    await admin.getByTestId('confirm-ok').click();
    await banScreen.waitFor({ state: 'hidden', timeout: WAIT_MS });
    expect(await b.getByTestId('start-btn').isEnabled()).toBe(true);
    await expect.poll(() => sanctionRows.count(), until).toBe(0);
    await admin.getByTestId('sanctions-all').check();
    await expect.poll(() => sanctionRows.count(), until).toBe(1);
    // Lifted, by whom and when (in the zone of the page's other times).
    expect(await sanctionRows.first().locator('td').nth(9).textContent()).toMatch(/^已解除 · admin · \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    // The audit log tells the story.
    await admin.getByTestId('tab-audit').click();
    await expect.poll(() => admin.getByTestId('audit-row').count(), until).toBeGreaterThanOrEqual(4);
    const actions = await admin.locator('[data-testid="audit-row"] td:nth-child(2)').allTextContents();
    expect(actions.slice(0, 4)).toEqual(['解除处罚', '查看举报', '处理举报', '查看举报']);
    // Each entry's detail as key: value lines in the admin's language, not JSON.
    const decided = admin.getByTestId('audit-row').nth(2).locator('td.detail li');
    expect(await decided.allTextContents()).toEqual([`举报：#${report!.id}`, expect.stringMatching(/^会话：#\d+$/), `被举报人：${idB}`, '处理方式：封禁', '范围：按身份', '期限：7 天', '说明：骚扰他人', expect.stringMatching(/^处罚：#\d+$/)]);
    expect(await admin.locator('[data-testid="audit-row"] td.detail').first().textContent()).not.toContain('{');
  });

  it('a self-harm report: the admin offers support, the reported chatter’s page shows the crisis help card, no sanction', { timeout: 90_000 }, async () => {
    const a = await chatPage();
    const b = await chatPage();
    const [idA, idB] = [await myId(a), await myId(b)];
    await matchPages(a, b);
    const report = await suite.server.app.moderation.report(idA, { reason: 'self_harm', note: '说要结束一切' });

    const admin = await adminPage();
    await admin.goto(`${suite.url}/admin#report/${report.id}`);
    const view = admin.getByTestId('view-report');
    await visible(view.getByTestId('decision-form'));
    // Offered for every report, suggested first on a self-harm one; it sanctions nobody, so no scope or duration.
    expect(await view.getByTestId('support-suggested').textContent()).toBe('这条举报涉及自残或轻生：请先考虑“提供帮助资源”。');
    expect(await view.getByRole('radio', { name: '提供帮助资源' }).isVisible()).toBe(true);
    await view.getByTestId('action-support').check();
    expect(await view.getByTestId('decision-duration').isDisabled()).toBe(true);
    expect(await view.getByTestId('decision-scope').isDisabled()).toBe(true);
    expect(await b.getByTestId('crisis-card').isHidden()).toBe(true);
    await view.getByTestId('decision-submit').click();

    // No confirmation: the card is on B's page at once, A sees nothing, the chat goes on.
    await visible(b.getByTestId('crisis-card'));
    await expect.poll(() => b.getByTestId('hotline').count(), until).toBeGreaterThan(0);
    expect(await a.getByTestId('crisis-card').isHidden()).toBe(true);
    await expect.poll(text(admin.getByTestId('toast')), until).toBe(`已为 ${idB} 提供帮助资源：对方此刻打开的每个聊天页面都会显示求助热线卡片；对方若不在线，会在 7 天内下次连上时显示。这一决定已记录。`);
    await expect.poll(text(view.getByTestId('report-resolution')), until).toBe('已提供帮助资源');
    // B's page was open: the view says the card reached them, and when.
    expect(await view.getByTestId('report-support-offer').textContent()).toMatch(/^已向对方显示（.+）$/);
    expect(await view.getByTestId('report-status').textContent()).toBe('已处理');
    expect(await view.getByTestId('reported-counts').textContent()).toBe('另被举报 0 次 · 另举报他人 0 次 · 处罚 0 次 · 生效中 0');
    await send(b, '谢谢');
    await expect.poll(() => messageTexts(a, false).allTextContents(), until).toEqual(['谢谢']);
    await b.screenshot({ path: resolve(screenshotDir, 'admin-support-reached-chatter.png') });

    // In English: the past decision and the action's label.
    await admin.getByTestId('lang-switch').selectOption('en');
    await expect.poll(text(view.getByTestId('report-resolution')), until).toBe('Support offered');
    expect(await view.getByTestId('report-support-offer').textContent()).toMatch(/^Shown to them \(.+\)$/);
    await admin.getByTestId('tab-audit').click();
    await expect.poll(async () => (await admin.locator('[data-testid="audit-row"] td:nth-child(2)').allTextContents())[1], until).toBe('Decided report');
    expect(await admin.getByTestId('audit-row').nth(1).locator('td.detail li').allTextContents()).toContain('Action: Offer support');
  });

  it('mutes a person from a conversation and warns one from the Sanctions page, in English', { timeout: 90_000 }, async () => {
    const a = await chatPage();
    const b = await chatPage();
    const [idA, idB] = [await myId(a), await myId(b)];
    await matchPages(a, b);
    await send(a, 'hello');
    await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['hello']);
    const [room] = await suite.server.database.query<{ id: string | number }>('SELECT id FROM chat_rooms WHERE user1_id = $1 OR user2_id = $1 ORDER BY id DESC LIMIT 1', [idA]);

    const admin = await adminPage({ locale: 'en-US' });
    await admin.goto(`${suite.url}/admin#room/${room!.id}`);
    await visible(admin.getByTestId('sanction-user1'));
    const side = (await admin.getByTestId('sanction-user1').textContent()) === `Sanction ${idA}` ? 'user1' : 'user2';
    const button = admin.getByTestId(`sanction-${side}`);
    expect(await button.textContent()).toBe(`Sanction ${idA}`);

    // The dialog: opened, closed with Escape (focus back on its button), opened again and used.
    await button.click();
    const dialog = admin.getByTestId('sanction-dialog');
    await visible(dialog);
    expect(await admin.getByRole('dialog', { name: `Sanction ${idA}` }).isVisible()).toBe(true);
    await expect.poll(focused(admin), until).toBe('dialog-kind');
    await admin.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(focused(admin), until).toBe(`sanction-${side}`);
    await admin.keyboard.press('Enter');
    await visible(dialog);
    await dialog.getByTestId('dialog-kind').selectOption('muted');
    expect(await dialog.getByTestId('dialog-duration').locator('option[value=""]').isDisabled()).toBe(true);
    await dialog.getByTestId('dialog-duration').selectOption('3600');
    await dialog.getByTestId('dialog-submit').click();
    expect(await dialog.getByTestId('dialog-error').textContent()).toBe('Enter a reason');
    await dialog.getByTestId('dialog-reason').fill('Flooding');
    await dialog.getByTestId('dialog-submit').click();
    await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(text(admin.getByTestId('toast')), until).toBe(`Sanctioned ${idA}`);
    await visible(a.getByTestId('mute-banner'));
    expect(await a.getByTestId('message-input').isDisabled()).toBe(true);

    // The Sanctions page's form: a warning on B by ID; an unknown ID is refused with the server's reason.
    await admin.getByTestId('tab-sanctions').click();
    const form = admin.getByTestId('sanction-form');
    await form.getByTestId('sanction-user').fill('nobody000001');
    await form.getByTestId('sanction-reason').fill('Be polite');
    await form.getByTestId('sanction-submit').click();
    await expect.poll(text(form.getByTestId('sanction-error')), until).toBe('Failed: User nobody000001 has never been in a conversation');
    // The server words it in the page's language, not the browser's: in Chinese on a Chinese page.
    await admin.getByTestId('lang-switch').selectOption('zh-CN');
    await form.getByTestId('sanction-submit').click();
    await expect.poll(text(form.getByTestId('sanction-error')), until).toBe('操作失败：用户 nobody000001 从未参与过聊天');
    await admin.getByTestId('lang-switch').selectOption('en');
    await form.getByTestId('sanction-user').fill(idB);
    // A ban asks first; its confirmation cancelled with Escape gives the focus back to Submit, enabled
    // (it was disabled while asking, and the focus fell to the page's body).
    await form.getByTestId('sanction-kind').selectOption('banned');
    await form.getByTestId('sanction-submit').focus();
    await admin.keyboard.press('Enter');
    const confirm = admin.getByTestId('confirm-dialog');
    await visible(confirm);
    // How long, in the sentence: a timed ban does not read as permanent.
    expect(await admin.getByTestId('confirm-text').textContent()).toBe(`${idB} is disconnected at once and cannot chat for 24 hours.`);
    await admin.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(focused(admin), until).toBe('sanction-submit');
    expect(await form.getByTestId('sanction-submit').isDisabled()).toBe(false);
    await form.getByTestId('sanction-kind').selectOption('warning');
    await form.getByTestId('sanction-submit').click();
    await visible(b.getByTestId('warning-notice'));
    expect(await b.getByTestId('warning-reason').textContent()).toBe('原因：Be polite');
    const rows = admin.getByTestId('sanction-row');
    await expect.poll(() => rows.count(), until).toBe(2);
    expect(await rows.first().locator('td').nth(2).textContent()).toBe('Warning');
    expect(await rows.nth(1).locator('td').nth(2).textContent()).toBe('Mute');
    expect(await admin.getByTestId('tab-reports').textContent()).toBe('Reports');
  });

  it('a report made more urgent while the admin looks at it is not decided: shown again with the admin’s choices kept, then decided', { timeout: 90_000 }, async () => {
    const { a, b, bId } = await matchedPair(suite.url);
    try {
      const sent = await request<{ message: { id: number } }>(b, 'send_message', { content: '你多大了' });
      const first = await request<{ ok: boolean; report_id: number }>(a, 'report', { reason: 'spam' });
      const admin = await adminPage({ locale: 'en-US' });
      await admin.goto(`${suite.url}/admin#report/${first.report_id}`);
      const view = admin.getByTestId('view-report');
      await expect.poll(text(view.getByTestId('report-title')), until).toBe(`Report #${first.report_id}`);
      expect(await view.getByTestId('report-note').textContent()).toBe('(none)');

      // Meanwhile the reporter reports again: a minor, with the message and a note.
      await request(a, 'report', { reason: 'minor', note: 'asked my age', message_ids: [sent.message.id] });
      await view.getByTestId('action-dismiss').check();
      await view.getByTestId('decision-note').fill('looks fine');
      await view.getByTestId('decision-submit').click();
      await expect.poll(text(view.getByTestId('decision-error')), until).toBe(
        'Not decided: this report became more urgent after you opened it (a minor was reported, say). It is shown again with your choices kept; look at it and submit again.',
      );
      expect(await view.getByTestId('report-note').textContent()).toBe('asked my age');
      const reports = new ReportRepository(suite.server.database);
      expect(await reports.get(first.report_id)).toMatchObject({ status: 'open', reason: 'minor', reportedId: bId });
      // The admin's choices are kept, and the focus is on the chosen action.
      expect(await view.getByTestId('action-dismiss').isChecked()).toBe(true);
      expect(await view.getByTestId('decision-note').inputValue()).toBe('looks fine');
      await expect.poll(() => admin.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['testid'] ?? null), until).toBe('action-dismiss');

      // Looked at again, decided.
      await view.getByTestId('decision-submit').click();
      await expect.poll(async () => (await reports.get(first.report_id))?.status, until).toBe('dismissed');
    } finally {
      a.close();
      b.close();
    }
  });
});
