/**
 * Erasure and pseudonyms in the admin back office, in a real Chromium against the real server: a
 * conversation is erased from its page (reason required, a report under review refused until "even with
 * an open report" is ticked, a confirmation first) and shows its markers; the export form's pseudonym
 * box makes both downloads carry pseudonyms instead of user IDs. Needs Debian's Chromium at
 * /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, parseCsv, startAdminApp, type AdminTestApp } from '../admin/helpers.js';
import { launchBrowser, projectRoot, screenshotDir, skipWithoutChromium } from '../helpers/browser.js';

const webDir = resolve(projectRoot, 'dist/web');
const skip = skipWithoutChromium('admin erasure browser tests');
const until = { timeout: 10_000, interval: 50 };
const text = (locator: Locator) => () => locator.textContent();

describe.skipIf(skip)('erasure and pseudonyms in the admin, in a browser', () => {
  let server: AdminTestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let roomId = 0;

  beforeAll(async () => {
    server = await startAdminApp({ config: { webDir } });
    const repo = server.repository;
    const at = Date.now() - 3_600_000;
    const room = await repo.createRoom({ user1Id: 'erasesubj001', user2Id: 'erasepart002', matchType: 'random', createdAt: new Date(at) });
    roomId = room.id;
    await repo.appendMessages([
      { roomId, senderId: 'erasesubj001', content: '我的电话是 123', createdAt: new Date(at + 1_000) },
      { roomId, senderId: 'erasepart002', content: '收到', createdAt: new Date(at + 2_000) },
    ]);
    // Ended just now: still within the window in which its partner can report it.
    await repo.endRoom(roomId, 'left', new Date());
    await server.app.moderation.report('erasepart002', { reason: 'spam', room_id: roomId });
    browser = await launchBrowser('admin/index.html');
    context = await browser.newContext({ locale: 'zh-CN', acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  }, 30_000);

  async function download(testId: string): Promise<string> {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
    return readFileSync(await file.path(), 'utf8');
  }

  it('erases a conversation with a reason after confirming, and exports with pseudonyms', { timeout: 90_000 }, async () => {
    await page.goto(`${server.url}/admin`);
    await page.getByTestId('password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-btn').click();
    await expect.poll(() => page.title(), until).toBe('管理后台');

    await page.goto(`${server.url}/admin#room/${roomId}`);
    await expect.poll(() => page.getByTestId('conversation-message').count(), until).toBe(2);
    await page.getByTestId('erase-room').click();
    const dialog = page.getByTestId('erase-dialog');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.getByTestId('erase-scope-room').isChecked()).toBe(true);
    expect(await page.getByTestId('erase-scope-user1').locator('..').textContent()).toBe('erasesubj001 参与的全部已结束会话');

    // A reason is required; an open report refuses until forced; the confirmation comes first.
    await page.getByTestId('erase-submit').click();
    await expect.poll(text(page.getByTestId('erase-error')), until).toBe('请填写原因');
    await page.getByTestId('erase-reason').fill('用户申请删除');
    await page.getByTestId('erase-submit').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(text(page.getByTestId('erase-error')), until).toContain('待处理的举报');
    expect(await page.getByTestId('message-text').first().textContent()).toBe('我的电话是 123');
    await page.getByTestId('erase-force').check();
    await page.getByTestId('erase-submit').click();
    await expect.poll(text(page.getByTestId('confirm-text')), until).toBe(`会话 #${roomId} 的全部消息将被清空，无法恢复。`);
    await page.getByTestId('confirm-ok').click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    await expect.poll(text(page.getByTestId('toast')), until).toBe('已删除 2 条消息');
    await expect.poll(() => page.getByTestId('message-text').allTextContents(), until).toEqual([
      expect.stringMatching(/^〔已由管理员删除，\d{4}-\d\d-\d\d \d\d:\d\d:\d\d〕$/),
      expect.stringMatching(/^〔已由管理员删除，/),
    ]);
    expect(await page.getByTestId('erased-badge').count()).toBe(2);
    await page.screenshot({ path: resolve(screenshotDir, 'admin-erased-conversation.png'), fullPage: true });

    // Exports with pseudonyms: no user ID in either file, and the marker instead of the text.
    await page.getByTestId('tab-rooms').click();
    await expect.poll(() => page.getByTestId('room-row').count(), until).toBe(1);
    await page.getByTestId('export-pseudonymize').check();
    expect(await page.getByTestId('export-csv').getAttribute('href')).toBe('/admin/export.csv?pseudonymize=1');
    const csv = await download('export-csv');
    const rows = parseCsv(csv.replace(/^\uFEFF/, '')).slice(1);
    expect(rows.map((r) => [r[1], r[2], r[3]].every((id) => /^p_[0-9a-f]{16}$/.test(id ?? '')))).toEqual([true, true]);
    expect(csv).not.toContain('erasesubj001');
    expect(csv).not.toContain('我的电话是');
    const json = await download('export-json');
    expect(json).not.toContain('erasesubj001');
    expect(json).toContain('"erased_by":"admin"');
    await page.getByTestId('export-pseudonymize').uncheck();
    expect(await page.getByTestId('export-json').getAttribute('href')).toBe('/admin/export.json');

    // The audit log names the erasure with its reason.
    await page.getByTestId('tab-audit').click();
    await expect.poll(() => page.getByTestId('audit-row').filter({ hasText: '删除会话' }).count(), until).toBe(1);
    expect(await page.getByTestId('audit-row').filter({ hasText: '删除会话' }).textContent()).toContain('用户申请删除');
  });
});
