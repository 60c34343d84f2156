/**
 * The receipts page /my in a real Chromium, its two downloads: a click (or Enter) fetches the file and
 * saves it as the server names it (Content-Disposition), byte for byte; while it runs the link is marked
 * busy and a second click downloads nothing twice; when the server refuses (the conversation erased
 * meanwhile: 404, too many lookups: 429 with Retry-After, a failure) the page says so in its toast — a
 * polite live region — in the page's language, saves nothing, and keeps the conversation on screen. The
 * links keep their href (a middle click, "save link as"). The server is real; the rate limit is a second
 * server's, one lookup a minute; `page.route` holds or fails single answers where said.
 */
import type { Download, Page, Response, Route } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config.js';
import { newPage, WAIT_MS } from '../helpers/axe-walk.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';
import { endedChat, gate, MY_PAGE_ZONE, myPageSuite, settle, transcriptTexts, type MyPageSuite } from '../helpers/my-page.js';

const { until, text } = chatPageDriver(WAIT_MS);
const skip = skipWithoutChromium('receipts page download browser tests');

const FILE_NAME = /^attachment; filename="(chat-\d{4}-\d\d-\d\d-\d{6}\.(?:txt|json))"$/;
const NOT_FOUND = {
  zh: '下载失败：找不到这次聊天了，它可能刚被删除。没有保存任何文件。',
  en: 'The download failed: this chat can no longer be found; it may just have been deleted. No file was saved.',
};
const FAILED = { zh: '下载失败，没有保存任何文件。请稍后再试。', en: 'The download failed and no file was saved. Please try again later.' };
const rateLimited = (n: string) => ({
  zh: `下载失败：尝试次数太多，请 ${n} 秒后再试。没有保存任何文件。`,
  en: `The download failed: too many attempts; try again in ${n} s. No file was saved.`,
});

/** A request for one of the files (`?format=txt` or `?download=1`), not the page's reading of the chat. */
const isFileRequest = (url: string) => {
  const { pathname, searchParams } = new URL(url);
  return pathname.startsWith('/api/receipts/') && (searchParams.get('format') === 'txt' || searchParams.get('download') === '1');
};

/** /my with the conversation of `code` open on it. */
async function openedOn(suite: MyPageSuite, code: string, options: Parameters<typeof newPage>[1] = {}): Promise<Page> {
  const my = await newPage(suite, options);
  await my.goto(`${suite.url}/my#${code}`);
  await expect.poll(() => transcriptTexts(my), until).toHaveLength(3);
  return my;
}

/** Counts the downloads the page starts from now on. */
function downloadsOf(page: Page): Download[] {
  const seen: Download[] = [];
  page.on('download', (download) => seen.push(download));
  return seen;
}

/** Deletes the conversation of `roomId` as the retention purge does (its receipts go by ON DELETE CASCADE). */
async function eraseConversation(suite: MyPageSuite, roomId: number): Promise<void> {
  await suite.server.database.query('DELETE FROM messages WHERE room_id = $1', [roomId]);
  await suite.server.database.query('DELETE FROM chat_rooms WHERE id = $1', [roomId]);
}

describe.skipIf(skip)('the receipts page’s downloads', () => {
  const suite = myPageSuite();

  it('a click saves the text file as the server names it, byte for byte; Enter on the JSON link saves the JSON', { timeout: 60_000 }, async () => {
    const { code } = await endedChat(suite);
    const my = await openedOn(suite, code);
    const txtLink = my.getByTestId('download-txt');
    // Still a real link: a middle click or "save link as" follows it.
    expect(await txtLink.getAttribute('href')).toMatch(/^\/api\/receipts\/[^?]+\?format=txt&lang=zh-CN$/);

    // The name the server gives the file.
    const asked = await fetch(new URL((await txtLink.getAttribute('href'))!, suite.url));
    await asked.body?.cancel();
    const named = FILE_NAME.exec(asked.headers.get('content-disposition') ?? '')?.[1];
    expect(named).toMatch(/\.txt$/);

    const [txt] = await Promise.all([my.waitForEvent('download'), txtLink.click()]);
    expect(txt.suggestedFilename()).toBe(named);
    const bytes = readFileSync(await txt.path());
    // The BOM the server sends (for Windows' editors) is kept: the file is what the server sent.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toMatch(/^匿名聊天室 · 聊天记录\n/);
    expect(bytes.toString('utf8')).toContain('partner says hi');

    await my.getByTestId('download-json').focus();
    const [json] = await Promise.all([my.waitForEvent('download'), my.keyboard.press('Enter')]);
    expect(json.suggestedFilename()).toBe(named!.replace(/\.txt$/, '.json'));
    const body = readFileSync(await json.path(), 'utf8');
    expect(body.startsWith('{')).toBe(true);
    expect((JSON.parse(body) as { timezone: string }).timezone).toBe(MY_PAGE_ZONE);
    // Nothing was said, and the links are not left busy.
    expect(await my.getByTestId('toast').isVisible()).toBe(false);
    expect(await txtLink.getAttribute('aria-disabled')).toBeNull();
  });

  it('while a download is fetched its link is busy, and a double click saves one file', { timeout: 60_000 }, async () => {
    const { code } = await endedChat(suite);
    const my = await openedOn(suite, code);
    const held = gate();
    let asked = 0;
    await my.route('**/api/receipts/**', async (route: Route) => {
      if (!isFileRequest(route.request().url())) return route.continue();
      asked += 1;
      await held.opened;
      return route.continue();
    });
    const downloads = downloadsOf(my);
    const link = my.getByTestId('download-json');
    await link.dblclick();
    await expect.poll(() => link.getAttribute('aria-busy'), until).toBe('true');
    expect(await link.getAttribute('aria-disabled')).toBe('true');
    // Another click while it runs asks nothing more (forced: Playwright waits for an aria-disabled link to enable).
    await link.click({ force: true });
    held.open();
    await expect.poll(() => downloads.length, until).toBe(1);
    await expect.poll(() => link.getAttribute('aria-busy'), until).toBeNull();
    expect(await link.getAttribute('aria-disabled')).toBeNull();
    await settle(my);
    expect(downloads).toHaveLength(1);
    expect(asked).toBe(1);
  });

  it('a conversation erased meanwhile: the download says it is gone, saves nothing, and the conversation stays on screen', { timeout: 60_000 }, async () => {
    const { code, roomId, when } = await endedChat(suite);
    const my = await openedOn(suite, code);
    const downloads = downloadsOf(my);
    await eraseConversation(suite, roomId);

    const toast = my.getByTestId('toast');
    await my.getByTestId('download-txt').click();
    await expect.poll(text(toast), until).toBe(NOT_FOUND.zh);
    // Said in the page's polite live region.
    expect(await toast.getAttribute('role')).toBe('status');
    await my.getByTestId('lang-switch').selectOption('en');
    expect(await toast.textContent()).toBe(NOT_FOUND.en);
    await settle(my);
    expect(downloads).toHaveLength(0);
    expect(await my.getByTestId('conversation-title').textContent()).toBe(`Chat of ${when.en}`);
    expect(await transcriptTexts(my)).toEqual(['第一句', 'partner says hi', '第二句']);
    expect(await my.getByTestId('download-txt').getAttribute('aria-busy')).toBeNull();
  });

  it('a download the server fails, or the network drops, says it failed', { timeout: 60_000 }, async () => {
    const { code } = await endedChat(suite);
    const my = await openedOn(suite, code);
    const failures: ((route: Route) => Promise<void>)[] = [
      (route) => route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'INTERNAL_ERROR', message: 'boom' }) }),
      (route) => route.abort('connectionreset'),
    ];
    await my.route('**/api/receipts/**', async (route: Route) => {
      const fail = isFileRequest(route.request().url()) ? failures.shift() : undefined;
      await (fail ? fail(route) : route.continue());
    });
    const downloads = downloadsOf(my);
    const toast = my.getByTestId('toast');

    await my.getByTestId('download-json').click();
    await expect.poll(text(toast), until).toBe(FAILED.zh);
    await toast.click();
    await my.getByTestId('download-txt').click();
    await expect.poll(text(toast), until).toBe(FAILED.zh);
    await my.getByTestId('lang-switch').selectOption('en');
    expect(await toast.textContent()).toBe(FAILED.en);
    await settle(my);
    expect(downloads).toHaveLength(0);
    expect(await transcriptTexts(my)).toEqual(['第一句', 'partner says hi', '第二句']);
  });
});

describe.skipIf(skip)('the receipts page’s downloads, rate limited', () => {
  // One lookup a minute per network: opening the conversation spends it.
  const suite = browserSuite({
    config: {
      timezone: MY_PAGE_ZONE,
      moderation: { ...defaultConfig().moderation, reportWindowMs: 0 },
      receipts: { ...defaultConfig().receipts, lookupsPerAddressPerMin: 1 },
    },
  });

  it('a download refused for too many lookups says to wait the seconds the server gives, in English too', { timeout: 60_000 }, async () => {
    const { code, when } = await endedChat(suite);
    const my = await openedOn(suite, code, { locale: 'en-US' });
    const downloads = downloadsOf(my);
    const refusals: Response[] = [];
    my.on('response', (r) => {
      if (isFileRequest(r.url())) refusals.push(r);
    });
    await my.getByTestId('download-txt').click();

    const toast = my.getByTestId('toast');
    await expect.poll(text(toast), until).toMatch(/^The download failed: too many attempts; try again in \d+ s\. No file was saved\.$/);
    // The seconds are the server's Retry-After.
    expect(refusals.map((r) => r.status())).toEqual([429]);
    const wait = refusals[0]!.headers()['retry-after'] ?? '';
    expect(wait).toMatch(/^\d+$/);
    expect(await toast.textContent()).toBe(rateLimited(wait).en);
    await my.getByTestId('lang-switch').selectOption('zh-CN');
    expect(await toast.textContent()).toBe(rateLimited(wait).zh);
    await settle(my);
    expect(downloads).toHaveLength(0);
    expect(await my.getByTestId('conversation-title').textContent()).toBe(`${when.zh} 的聊天`);
    expect(await transcriptTexts(my)).toEqual(['第一句', 'partner says hi', '第二句']);
  });
});
