/**
 * The admin back office in a real Chromium against the real server: log in (a wrong password first), see
 * the figures and the chart, browse and filter conversations, open one whose messages are markup (shown
 * as text, never run), download both exports, read the audit log, switch to English, log out; the
 * language of a first visit follows the browser's and an explicit choice is kept.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPlain } from '../../src/shared/time.js';
import { ADMIN_PASSWORD, startAdminApp, type AdminTestApp } from '../admin/helpers.js';
import { launchBrowser, projectRoot, screenshotDir, skipWithoutChromium } from '../helpers/browser.js';

const webDir = resolve(projectRoot, 'dist/web');

const skip = skipWithoutChromium('admin browser tests');

const until = { timeout: 10_000, interval: 50 };
const text = (locator: Locator) => () => locator.textContent();
const XSS = '<img src=x onerror="window.__xss=2"><script>window.__xss=1</script>';

describe.skipIf(skip)('admin back office in a browser', () => {
  let server: AdminTestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let xssRoomId = 0;
  let xssSentAt = new Date();

  async function seed(): Promise<void> {
    const repo = server.repository;
    const now = Date.now();
    const quiet = await repo.createRoom({ user1Id: 'quietuser001', user2Id: 'quietuser002', matchType: 'random', createdAt: new Date(now - 3 * 3_600_000) });
    await repo.appendMessages([{ roomId: quiet.id, senderId: 'quietuser001', content: '你好，有人吗？', createdAt: new Date(now - 3 * 3_600_000 + 1_000) }]);
    await repo.endRoom(quiet.id, 'left', new Date(now - 2 * 3_600_000));
    const xss = await repo.createRoom({ user1Id: 'attacker0001', user2Id: 'victim000001', matchType: 'random', createdAt: new Date(now - 3_600_000) });
    xssRoomId = xss.id;
    xssSentAt = new Date(now - 3_600_000 + 2_000);
    await repo.appendMessages([
      { roomId: xss.id, senderId: 'attacker0001', content: XSS, createdAt: xssSentAt },
      { roomId: xss.id, senderId: 'victim000001', content: '=1+1, "quoted"', createdAt: new Date(now - 3_600_000 + 3_000) },
    ]);
  }

  async function download(testId: string): Promise<{ name: string; body: Buffer }> {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
    const path = await file.path();
    return { name: file.suggestedFilename(), body: readFileSync(path) };
  }

  beforeAll(async () => {
    server = await startAdminApp({ config: { webDir } });
    await seed();
    browser = await launchBrowser('admin/index.html');
    // A zone far from Beijing: times must still show the Beijing clock the server wrote.
    context = await browser.newContext({ locale: 'zh-CN', acceptDownloads: true, timezoneId: 'America/New_York', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  }, 30_000);

  it('logs in, shows live figures, opens a conversation safely, exports, audits, logs out', { timeout: 90_000 }, async () => {
    await page.goto(`${server.url}/admin`);
    await expect.poll(() => page.title(), until).toBe('管理员登录');
    await page.screenshot({ path: resolve(screenshotDir, 'admin-login.png') });

    await page.getByTestId('password').fill('admin123');
    await page.getByTestId('login-btn').click();
    await expect.poll(text(page.getByTestId('login-error')), until).toBe('密码错误');
    expect(page.url()).not.toContain('admin123');

    await page.getByTestId('password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-btn').click();
    await expect.poll(() => page.title(), until).toBe('管理后台');
    await expect.poll(text(page.getByTestId('stat-total_rooms')), until).toBe('2');
    expect(await page.getByTestId('stat-total_messages').textContent()).toBe('3');
    expect(await page.getByTestId('stat-active_rooms').textContent()).toBe('1');
    expect(await page.getByTestId('stat-messages_24h').textContent()).toBe('3');
    expect(await page.getByTestId('chart-bar').count()).toBe(168);
    await page.screenshot({ path: resolve(screenshotDir, 'admin.png'), fullPage: true });

    // Figures refresh without a reload.
    const more = await server.repository.createRoom({ user1Id: 'lateuser0001', user2Id: 'lateuser0002', matchType: 'random', createdAt: new Date() });
    await expect.poll(text(page.getByTestId('stat-total_rooms')), { ...until, timeout: 15_000 }).toBe('3');
    await server.repository.endRoom(more.id, 'left', new Date());

    // The conversations table, filtered by message text.
    await page.getByTestId('tab-rooms').click();
    await expect.poll(() => page.getByTestId('room-row').count(), until).toBe(3);
    await page.screenshot({ path: resolve(screenshotDir, 'admin-rooms.png'), fullPage: true });
    await page.getByTestId('filter-q').fill('<script>');
    await page.getByTestId('search-btn').click();
    await expect.poll(() => page.getByTestId('room-row').count(), until).toBe(1);
    expect(await page.getByTestId('export-csv').getAttribute('href')).toBe('/admin/export.csv?q=%3Cscript%3E');

    // Markup in a message is shown as text and never runs.
    await page.getByTestId('room-row').first().click();
    await expect.poll(() => page.getByTestId('conversation-message').count(), until).toBe(2);
    const texts = page.getByTestId('message-text');
    expect(await texts.first().textContent()).toBe(XSS);
    expect(await page.getByTestId('conversation').locator('script, img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('.message-user1 .message-time').first().textContent()).toBe(formatPlain(xssSentAt, 'Asia/Shanghai'));
    expect(await page.locator('.message-user2 .message-sender').first().textContent()).toBe('用户2 · victim000001');
    await page.screenshot({ path: resolve(screenshotDir, 'admin-conversation.png'), fullPage: true });

    // Both exports follow the filters.
    await page.getByTestId('back-btn').click();
    await expect.poll(() => page.getByTestId('room-row').count(), until).toBe(1);
    const csv = await download('export-csv');
    expect(csv.name).toMatch(/^chat-export-\d{4}-\d{2}-\d{2}\.csv$/);
    expect([...csv.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csvText = csv.body.subarray(3).toString('utf8');
    expect(csvText.split('\r\n')[0]).toBe('"房间ID","用户1","用户2","发送者ID","消息内容","发送时间","房间状态"');
    expect(csvText).toContain(`"'=1+1, ""quoted"""`);
    const json = await download('export-json');
    expect(json.name).toMatch(/^chat-export-\d{4}-\d{2}-\d{2}\.json$/);
    const rooms = JSON.parse(json.body.toString('utf8')) as { id: number; messages: { content: string }[] }[];
    expect(rooms.map((r) => r.id)).toEqual([xssRoomId]);
    expect(rooms[0]!.messages[0]!.content).toBe(XSS);

    // The audit log shows what happened.
    await page.getByTestId('tab-audit').click();
    await expect.poll(() => page.getByTestId('audit-row').count(), until).toBeGreaterThanOrEqual(6);
    const actions = await page.locator('[data-testid="audit-row"] td:nth-child(2)').allTextContents();
    // The search by message text is audited too (search_rooms); the plain list is not.
    expect(actions.slice(0, 6)).toEqual(['导出', '导出', '查看会话', '搜索会话', '登录成功', '登录失败']);
    await page.screenshot({ path: resolve(screenshotDir, 'admin-audit.png'), fullPage: true });

    // English, kept across a reload.
    await page.getByTestId('lang-switch').selectOption('en');
    await expect.poll(text(page.getByTestId('tab-dashboard')), until).toBe('Dashboard');
    await page.reload();
    await expect.poll(text(page.getByTestId('tab-audit')), until).toBe('Audit log');
    expect(await page.getAttribute('html', 'lang')).toBe('en');

    // Paging through many conversations: next, previous and first page.
    const base = Date.now() - 60_000;
    await server.repository.createRooms(
      Array.from({ length: 100 }, (_, i) => ({ user1Id: `pageuser${String(i).padStart(4, '0')}`, user2Id: 'pagepartner1', matchType: 'random', createdAt: new Date(base + i) })),
    );
    const firstRowId = () => page.getByTestId('room-row').first().getAttribute('data-room-id');
    await page.getByTestId('tab-rooms').click();
    await expect.poll(() => page.getByTestId('room-row').count(), until).toBe(50);
    const page1 = await firstRowId();
    expect(await page.getByTestId('previous-page').isDisabled()).toBe(true);
    await page.getByTestId('next-page').click();
    await expect.poll(firstRowId, until).not.toBe(page1);
    const page2 = await firstRowId();
    await page.getByTestId('next-page').click();
    await expect.poll(() => page.getByTestId('room-row').count(), until).toBe(3); // 103 conversations: 50 + 50 + 3
    expect(await page.getByTestId('next-page').isDisabled()).toBe(true);
    await page.getByTestId('previous-page').click();
    await expect.poll(firstRowId, until).toBe(page2);
    await page.getByTestId('first-page').click();
    await expect.poll(firstRowId, until).toBe(page1);
    expect(await page.getByTestId('previous-page').isDisabled()).toBe(true);

    // A long conversation opens with its first 500 messages; the rest come with "load more".
    const long = await server.repository.createRoom({ user1Id: 'longtalker01', user2Id: 'longtalker02', matchType: 'random', createdAt: new Date(base + 200) });
    await server.repository.appendMessages(
      Array.from({ length: 520 }, (_, i) => ({ roomId: long.id, senderId: i % 2 ? 'longtalker02' : 'longtalker01', content: `line ${i + 1}`, createdAt: new Date(base + 300 + i) })),
    );
    await page.getByTestId('search-btn').click();
    await expect.poll(firstRowId, until).toBe(String(long.id));
    await page.getByTestId('room-row').first().click();
    await expect.poll(() => page.getByTestId('conversation-message').count(), until).toBe(500);
    expect(await page.getByTestId('message-text').last().textContent()).toBe('line 500');
    await page.getByTestId('conversation-more').click();
    await expect.poll(() => page.getByTestId('conversation-message').count(), until).toBe(520);
    expect(await page.getByTestId('message-text').last().textContent()).toBe('line 520');
    expect(await page.getByTestId('conversation-more').isHidden()).toBe(true);
    await page.getByTestId('back-btn').click();

    await page.getByTestId('logout-btn').click();
    await expect.poll(() => page.title(), until).toBe('Admin login');
    const after = await page.request.get(`${server.url}/admin/api/stats`);
    expect(after.status()).toBe(401);
  });

  it("follows the browser's language on a first visit, and a choice made on the chat page or here is kept", { timeout: 60_000 }, async () => {
    const english = await browser.newContext({ locale: 'en-US' });
    const chinese = await browser.newContext({ locale: 'zh-CN' });
    try {
      const en = await english.newPage();
      await en.goto(`${server.url}/admin`);
      await expect.poll(() => en.title(), until).toBe('Admin login');
      expect(await en.getByTestId('login-btn').textContent()).toBe('Log in');
      expect(await en.getAttribute('html', 'lang')).toBe('en');
      expect(await en.getByTestId('lang-switch').inputValue()).toBe('en');
      await en.getByTestId('lang-switch').selectOption('zh-CN');
      await en.reload();
      await expect.poll(text(en.getByTestId('login-btn')), until).toBe('登录');
      expect(await en.title()).toBe('管理员登录');

      const zh = await chinese.newPage();
      // The chat page and the admin share one choice: English chosen on the chat page holds here too.
      await zh.goto(server.url);
      await zh.getByTestId('lang-switch').selectOption('en');
      await zh.goto(`${server.url}/admin`);
      await expect.poll(text(zh.getByTestId('login-btn')), until).toBe('Log in');
    } finally {
      await english.close();
      await chinese.close();
    }
  });
});
