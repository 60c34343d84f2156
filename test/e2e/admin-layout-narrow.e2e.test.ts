/**
 * The admin's report view, dashboard chart and reports queue laid out whole, in a real Chromium against the
 * real server:
 * - a report whose messages carry both "Reported" and "Erased" (erased with "even with an open report"):
 *   at 320 and 390 px, in both languages, each message's head (sender, labels, time) wraps inside its box,
 *   its time on one line (the labels pushed it out of the box and off the screen, and the page scrolled
 *   sideways at 320 px: 364 px wide); axe finds nothing serious there, light or dark;
 * - the messages-per-hour chart at 390 (dark) and 1280 px: every label whole inside the chart and at least
 *   11 px high (scaled with the SVG they were 5 px at 390 px), the last day's too when its day starts at
 *   the chart's end (only "1" of "12-07" showed);
 * - the reports queue at 1280 px, in both languages: the short columns (优先, 原因, 房间 …) on one line, no
 *   other label broken inside a word (a date at its hyphen, 被举报次/数), the note wrapping (beside a long
 *   note they broke one character per line).
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import { resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { adminLoginState } from '../helpers/admin-page.js';
import { expectNoSeriousViolations } from '../helpers/axe.js';
import { screenshotDir, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('admin layout browser tests (report view, chart, reports queue)');

const WAIT_MS = 10_000;
const { until, visible } = chatPageDriver(WAIT_MS);

/** The smallest rendered height of a chart label that can be read, px. */
const MIN_LABEL_PX = 11;

/** A note long enough to take a wide column, as reporters write them. */
const LONG_NOTE = '对方一直发送广告链接，要求我加他的微信，还说如果不加就会一直骚扰我，请管理员尽快处理这个用户。'.repeat(2);

/** The reports queue's columns of one short value: priority, ID, reason, the two people, the room. */
const SHORT_COLUMNS = [1, 2, 3, 4, 5, 6];
/** Its note's column, which wraps anywhere; the others (time, count, decision) wrap only between words. */
const NOTE_COLUMN = 7;

/**
 * Put into each page as `window.linesOf`: how many lines an element's text takes — the boxes of its text,
 * one line per row of them (a badge's padding puts its text a little lower than the cell's: same line).
 */
function defineLinesOf(): void {
  (window as unknown as { linesOf: (el: Element) => number }).linesOf = (el) => {
    const boxes: DOMRect[] = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      range.selectNodeContents(node);
      boxes.push(...[...range.getClientRects()].filter((r) => r.width > 0));
    }
    boxes.sort((a, b) => a.top - b.top);
    let lines = 0;
    let lineBottom = Number.NEGATIVE_INFINITY;
    for (const box of boxes) {
      if (box.top + box.height / 2 > lineBottom) lines += 1;
      lineBottom = Math.max(lineBottom, box.bottom);
    }
    return lines;
  };
}

describe.skipIf(skip)('the admin’s report view, chart and reports queue, laid out whole', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });
  let loggedIn: Awaited<ReturnType<BrowserContext['storageState']>>;
  let reportId = 0;

  beforeAll(async () => {
    const { repository, moderation } = suite.server.app;
    const at = Date.now() - 3_600_000;
    // A conversation of three messages, the last two reported, then all erased with the report still open:
    // the first message is "Erased" only, the others "Reported" and "Erased".
    const room = await repository.createRoom({ user1Id: 'layoutsend01', user2Id: 'layoutpart02', matchType: 'random', createdAt: new Date(at) });
    const stored = await repository.appendMessages(
      ['你好', '加我微信，不然你会后悔的', 'add me or else'].map((content, i) => ({ roomId: room.id, senderId: i % 2 === 0 ? 'layoutsend01' : 'layoutpart02', content, createdAt: new Date(at + (i + 1) * 1_000) })),
    );
    await repository.endRoom(room.id, 'left', new Date());
    const messageIds = stored.flatMap((s) => ('message' in s ? [s.message.id] : []));
    reportId = (await moderation.report('layoutsend01', { reason: 'harassment', room_id: room.id, message_ids: messageIds.slice(1), note: '威胁' })).id;

    // More reports for the queue, of every length of reason, one a priority one, with long notes.
    for (const [i, reason] of (['harassment', 'self_harm', 'minor', 'scam', 'spam'] as const).entries()) {
      const [reporter, reported] = [`layoutrep${String(i).padStart(3, '0')}`, `layouttgt${String(i).padStart(3, '0')}`];
      const other = await repository.createRoom({ user1Id: reporter, user2Id: reported, matchType: 'random', createdAt: new Date(at + i * 1_000) });
      await moderation.report(reporter, { reason, room_id: other.id, note: i % 2 === 0 ? LONG_NOTE : '广告' });
      // And a sanction on each, of every kind and scope, some with a long reason; one lifted.
      const sanction = await moderation.issue({
        userId: reported,
        networkHash: null,
        scope: 'identity',
        kind: (['warning', 'muted', 'banned'] as const)[i % 3]!,
        reason: i % 2 === 0 ? LONG_NOTE : '广告',
        createdBy: 'admin',
        ...(i === 2 ? {} : { durationS: 86_400 }),
      });
      if (i === 1) await moderation.lift(sanction.id, 'admin');
    }

    const context = await suite.newContext();
    loggedIn = await adminLoginState(context, suite.url);
    // Erased from the back office, through its own route, "even with an open report".
    const erased = await context.request.delete(`${suite.url}/admin/api/rooms/${room.id}`, { data: { reason: '用户申请删除', force: true } });
    expect(erased.status(), await erased.text()).toBe(200);
  }, 60_000);

  async function adminAt(width: number, lang: 'zh-CN' | 'en', hash: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
    // bypassCSP: axe is put into the page (its CSP forbids inline scripts).
    const context = await suite.newContext({ viewport: { width, height: 844 }, locale: lang === 'en' ? 'en-US' : 'zh-CN', colorScheme, storageState: loggedIn, bypassCSP: true });
    await context.addInitScript(defineLinesOf);
    const page = await context.newPage();
    await page.goto(`${suite.url}/admin${hash}`);
    return page;
  }

  /** The page's whole width around the report's messages, for a screenshot of what runs off the screen. */
  function messagesClip(page: Page): Promise<{ x: number; y: number; width: number; height: number }> {
    return page.getByTestId('report-conversation').evaluate((list) => {
      const box = list.getBoundingClientRect();
      return { x: 0, y: Math.max(0, box.top + window.scrollY - 8), width: document.documentElement.scrollWidth, height: box.height + 16 };
    });
  }

  /** What of the report's messages lies outside its box or the screen, and a page wider than the screen. */
  function messagesOutOfPlace(page: Page): Promise<string[]> {
    return page.evaluate(() => {
      const lines = (window as unknown as { linesOf: (el: Element) => number }).linesOf;
      const found: string[] = [];
      const width = window.innerWidth;
      if (document.documentElement.scrollWidth > width) found.push(`page ${document.documentElement.scrollWidth} wide in ${width}`);
      for (const message of document.querySelectorAll<HTMLElement>('[data-testid="conversation-message"]')) {
        if (!message.checkVisibility()) continue;
        const box = message.getBoundingClientRect();
        const name = `message ${message.dataset['messageId']}`;
        if (box.left < -0.5 || box.right > width + 0.5) found.push(`${name} at ${Math.round(box.left)}..${Math.round(box.right)} of ${width}`);
        for (const part of message.querySelectorAll<HTMLElement>('.message-head > *')) {
          const inner = part.getBoundingClientRect();
          const what = `${name}: ${part.dataset['testid'] ?? part.className}`;
          if (inner.left < box.left - 0.5 || inner.right > box.right + 0.5 || inner.top < box.top - 0.5 || inner.bottom > box.bottom + 0.5) {
            found.push(`${what} at ${Math.round(inner.left)}..${Math.round(inner.right)} outside ${Math.round(box.left)}..${Math.round(box.right)}`);
          }
          if (part.scrollWidth > part.clientWidth + 1) found.push(`${what} cut (${part.scrollWidth} in ${part.clientWidth})`);
        }
        const time = message.querySelector('.message-time');
        if (!time) found.push(`${name}: no time`);
        else if (lines(time) !== 1) found.push(`${name}: its time on ${lines(time)} lines`);
      }
      return found;
    });
  }

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`at 320 and 390 px in ${lang}, a report’s reported and erased messages keep sender, labels and time inside their box`, { timeout: 60_000 }, async () => {
      for (const width of [320, 390]) {
        const page = await adminAt(width, lang, `#report/${reportId}`);
        await expect.poll(() => page.getByTestId('conversation-message').count(), until).toBe(3);
        expect(await page.getByTestId('erased-badge').count()).toBe(3);
        expect(await page.locator('[data-testid="conversation-message"] [data-testid="reported-badge"]').count()).toBe(2);
        await page.screenshot({ path: resolve(screenshotDir, `admin-report-messages-${width}-${lang}.png`), fullPage: true, clip: await messagesClip(page) });
        expect(await messagesOutOfPlace(page), `${width} px`).toEqual([]);
        await page.context().close();
      }
    });
  }

  it('the report view with reported and erased messages passes axe at 390 px, light and dark', { timeout: 60_000 }, async () => {
    const page = await adminAt(390, 'zh-CN', `#report/${reportId}`);
    await expect.poll(() => page.getByTestId('conversation-message').count(), until).toBe(3);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectNoSeriousViolations(page, `report view at 390 px, ${scheme}`, { include: '[data-testid="view-report"]' });
    }
  });

  /**
   * The dashboard with the server's own figures, its hours relabelled so that the last bar is the first
   * hour of a day ("03-09 00:00": its day label falls at the chart's right end, the hardest place) and
   * bars of every height added.
   */
  async function dashboardEndingAtMidnight(page: Page): Promise<void> {
    await page.route('**/admin/api/stats', async (route) => {
      const answer = await route.fetch();
      const stats = (await answer.json()) as { messages_per_hour: { hour: string; count: number }[] };
      const last = Date.UTC(2025, 2, 9);
      const hours = stats.messages_per_hour;
      stats.messages_per_hour = hours.map((point, i) => ({
        ...point,
        hour: new Date(last - (hours.length - 1 - i) * 3_600_000).toISOString().slice(0, 16).replace('T', ' '),
        count: point.count + (i % 24),
      }));
      await route.fulfill({ response: answer, json: stats });
    });
    await page.reload();
    await expect.poll(() => page.getByTestId('chart-bar').first().getAttribute('data-count'), until).toBe('0');
    await expect.poll(() => page.getByTestId('chart-bar').nth(23).getAttribute('data-count'), until).not.toBe('0');
  }

  for (const [width, scheme] of [[390, 'dark'], [1280, 'light']] as const) {
    it(`at ${width} px (${scheme}), every label of the hourly chart is whole inside it and at least ${MIN_LABEL_PX} px high`, { timeout: 60_000 }, async () => {
      const page = await adminAt(width, 'zh-CN', '#dashboard', scheme);
      await dashboardEndingAtMidnight(page);
      await visible(page.locator('.chart-svg'));
      await page.getByTestId('hourly-chart').scrollIntoViewIfNeeded();
      await page.getByTestId('hourly-chart').screenshot({ path: resolve(screenshotDir, `admin-chart-${width}-${scheme}.png`) });
      const labels = await page.locator('.chart-svg').evaluate((svg) => {
        const chart = svg.getBoundingClientRect();
        return [...svg.querySelectorAll('text')].map((text) => {
          const box = text.getBoundingClientRect();
          return {
            text: text.textContent,
            height: box.height,
            inside: box.left >= chart.left - 0.5 && box.right <= chart.right + 0.5 && box.top >= chart.top - 0.5 && box.bottom <= chart.bottom + 0.5,
            left: box.left,
            right: box.right,
          };
        });
      });
      console.info(`chart labels at ${width} px: ${labels.map((l) => `${l.text} ${l.height.toFixed(1)} px`).join(', ')}`);
      const days = labels.filter((l) => /^\d\d-\d\d$/.test(l.text ?? ''));
      // The most recent day is labelled, and enough days to read the axis by.
      expect(days.map((l) => l.text)).toContain('03-09');
      expect(days.length).toBeGreaterThanOrEqual(3);
      expect(labels.filter((l) => !l.inside).map((l) => l.text)).toEqual([]);
      expect(labels.filter((l) => l.height < MIN_LABEL_PX).map((l) => `${l.text} ${l.height} px`)).toEqual([]);
      // No two day labels overlap.
      const sorted = [...days].sort((a, b) => a.left - b.left);
      for (const [i, label] of sorted.entries()) if (i > 0) expect(label.left, label.text ?? '').toBeGreaterThanOrEqual(sorted[i - 1]!.right);
      await page.context().close();
    });
  }

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`at 1280 px in ${lang}, the reports queue keeps its short columns on one line, breaks no word, and the note wraps`, { timeout: 60_000 }, async () => {
      const page = await adminAt(1280, lang, '#reports');
      await expect.poll(() => page.getByTestId('report-row').count(), until).toBe(6);
      await page.getByTestId('reports-table').screenshot({ path: resolve(screenshotDir, `admin-reports-table-1280-${lang}.png`) });
      const broken = await page.getByTestId('reports-table').evaluate(
        (table, { short, note }) => {
          const lines = (window as unknown as { linesOf: (el: Element) => number }).linesOf;
          const found: string[] = [];
          let noteLines = 0;
          for (const row of table.querySelectorAll('tr')) {
            for (const [i, cell] of [...row.children].entries()) {
              const [column, text] = [i + 1, cell.textContent?.trim() ?? ''];
              if (column === note || text === '') continue;
              const most = short.includes(column) ? 1 : text.split(/\s+/).length;
              if (lines(cell) > most) found.push(`${text} (column ${column}) on ${lines(cell)} lines`);
            }
            const noteCell = row.querySelector('td.note-cell');
            if (noteCell) noteLines = Math.max(noteLines, lines(noteCell));
          }
          return { found, noteLines };
        },
        { short: SHORT_COLUMNS, note: NOTE_COLUMN },
      );
      expect(broken.found).toEqual([]);
      // The long note wraps in the room left, and the queue does not scroll sideways.
      expect(broken.noteLines).toBeGreaterThan(1);
      const card = page.locator('.table-card').filter({ has: page.getByTestId('reports-table') });
      expect(await card.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(1);
    });

    it(`at 1280 px in ${lang}, the sanctions (lifted ones too) break no word, and the reason wraps`, { timeout: 60_000 }, async () => {
      const page = await adminAt(1280, lang, '#sanctions');
      await page.getByTestId('sanctions-all').check();
      await expect.poll(() => page.getByTestId('sanction-row').count(), until).toBe(5);
      await page.getByTestId('sanctions-table').screenshot({ path: resolve(screenshotDir, `admin-sanctions-table-1280-${lang}.png`) });
      const broken = await page.getByTestId('sanctions-table').evaluate((table) => {
        const lines = (window as unknown as { linesOf: (el: Element) => number }).linesOf;
        const found: string[] = [];
        let reasonLines = 0;
        for (const row of table.querySelectorAll('tr')) {
          for (const cell of row.children) {
            const text = cell.textContent?.trim() ?? '';
            if (cell.classList.contains('note-cell')) reasonLines = Math.max(reasonLines, lines(cell));
            else if (text !== '' && lines(cell) > text.split(/\s+/).length) found.push(`${text} on ${lines(cell)} lines`);
          }
        }
        return { found, reasonLines };
      });
      expect(broken.found).toEqual([]);
      expect(broken.reasonLines).toBeGreaterThan(1);
      const card = page.locator('.table-card').filter({ has: page.getByTestId('sanctions-table') });
      expect(await card.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(1);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    });
  }
});
