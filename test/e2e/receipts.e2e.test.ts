/**
 * Receipts in a real Chromium against the real server: a chat ends, both people see their receipt code
 * on their chat-ended bar (the one who left with the Next button too; the start screen keeps it), copy it; in another
 * browser without either identity, /my opens the conversation by the code typed with the keyboard,
 * downloads it as text and JSON, and erases the holder's messages after a confirmation (Escape declines);
 * the partner, from the link on their bar, sees the erased markers and keeps their own text, and finds
 * the chat among their recent ones. Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible
 * line without it, except under CI.
 */
import { defaultConfig } from '../../src/config/config.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Transcript } from '../../src/privacy/transcript.js';
import { screenshotDir, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver, send } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('receipt browser tests');

const WAIT_MS = 10_000;
const ZONE = 'Asia/Shanghai';
const CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){6}$/;
const { until, text, visible, messageTexts, matchPages, leaveChat } = chatPageDriver(WAIT_MS);

/** Serious and critical axe-core findings (WCAG 2.x A/AA) on the page as it is; its context bypasses the CSP to load axe. */
async function seriousA11yViolations(page: Page): Promise<string[]> {
  const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: source });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<AxeResults> } }).axe;
    const found = await axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return found.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.targets.join(', ')}`);
}

describe.skipIf(skip)('receipts in a browser', () => {
  // Erasing right after the end (the partner's report window is the integration test's: receipts.test.ts).
  const suite = browserSuite({ config: { timezone: ZONE, moderation: { ...defaultConfig().moderation, reportWindowMs: 0 } } });

  async function download(page: Page, testId: string): Promise<{ name: string; body: string }> {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
    return { name: file.suggestedFilename(), body: readFileSync(await file.path(), 'utf8') };
  }

  const transcriptTexts = (page: Page) => page.getByTestId('transcript-text').allTextContents();
  const transcriptSides = (page: Page) => page.getByTestId('transcript-message').evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset['from']));

  it('chat, end, open /my with the code in another browser, download both files, erase my messages', { timeout: 90_000 }, async () => {
    const contextA = await suite.newContext();
    const contextB = await suite.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await contextB.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.url });
    const a = await contextA.newPage();
    const b = await contextB.newPage();
    await a.goto(suite.url);
    await b.goto(suite.url);
    await matchPages(a, b);
    await send(a, 'A 的第一句');
    await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['A 的第一句']);
    await send(b, 'B 的回答');
    await expect.poll(() => messageTexts(a, false).allTextContents(), until).toEqual(['B 的回答']);
    await send(a, 'A 的第二句\n第二行');
    await expect.poll(() => messageTexts(b, false).count(), until).toBe(2);

    // A leaves with the Next button: each side's chat-ended bar shows its own receipt, and the start
    // screen keeps it as the last chat's.
    await leaveChat(a);
    const endedB = b.getByTestId('ended-receipt');
    await visible(endedB);
    const codeB = (await endedB.getByTestId('receipt-code').textContent()) ?? '';
    expect(codeB).toMatch(CODE_PATTERN);
    await expect.poll(text(endedB.getByTestId('receipt-my-link')), until).toBe('下载记录或删除我的消息');
    expect(await endedB.getByTestId('receipt-my-link').getAttribute('href')).toBe(`/my#${codeB}`);
    const endedA = a.getByTestId('ended-receipt');
    await visible(endedA);
    const codeA = (await endedA.getByTestId('receipt-code').textContent()) ?? '';
    expect(codeA).toMatch(CODE_PATTERN);
    expect(await a.getByTestId('last-receipt').getByTestId('receipt-code').textContent()).toBe(codeA);
    expect(codeA).not.toBe(codeB);
    await b.screenshot({ path: resolve(screenshotDir, 'receipt-ended-bar-mobile.png') });
    await a.screenshot({ path: resolve(screenshotDir, 'receipt-ended-bar-desktop.png') });

    // The copy button puts the code on the clipboard and says so.
    await endedB.getByTestId('receipt-copy').click();
    await expect.poll(text(endedB.getByTestId('receipt-status')), until).toBe('已复制');
    expect(await b.evaluate(() => navigator.clipboard.readText())).toBe(codeB);
    // It follows the language switch.
    await b.getByTestId('lang-switch').selectOption('en');
    await expect.poll(text(endedB.getByTestId('receipt-my-link')), until).toBe('Download it or erase my messages');
    await b.getByTestId('lang-switch').selectOption('zh-CN');

    // Another browser, with neither identity: /my lists nothing, and A's code typed by hand opens A's side.
    const elsewhere = await suite.newContext({ acceptDownloads: true, bypassCSP: true });
    const my = await elsewhere.newPage();
    await my.goto(`${suite.url}/my`);
    await visible(my.getByTestId('recent-empty'));
    await my.getByTestId('code-input').focus();
    await my.keyboard.type('not a code');
    await my.keyboard.press('Enter');
    await expect.poll(text(my.getByTestId('code-error')), until).toBe('回执码应为 28 个字母或数字（可带短横线），这里是 8 个');
    await my.getByTestId('code-input').fill('');
    await my.keyboard.type(codeA.toLowerCase().replace(/-/g, ' '));
    await my.keyboard.press('Enter');
    await visible(my.getByTestId('conversation'));
    await expect.poll(() => transcriptTexts(my), until).toEqual(['A 的第一句', 'B 的回答', 'A 的第二句\n第二行']);
    expect(await transcriptSides(my)).toEqual(['me', 'partner', 'me']);
    // The focus moved to the conversation's title, for keyboard and screen-reader users.
    expect(await my.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['testid'])).toBe('conversation-title');

    const txt = await download(my, 'download-txt');
    // Named by when the chat began (the server's Content-Disposition), not by the room's number.
    expect(txt.name).toMatch(/^chat-\d{4}-\d\d-\d\d-\d{6}\.txt$/);
    expect(txt.body).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] 我: A 的第一句$/m);
    expect(txt.body).toMatch(/^\[[^\]]+\] 对方: B 的回答$/m);
    const json = await download(my, 'download-json');
    expect(json.name).toBe(txt.name.replace(/\.txt$/, '.json'));
    const parsed = JSON.parse(json.body) as Transcript;
    expect(parsed.messages.map((m) => [m.from, m.text])).toEqual([
      ['me', 'A 的第一句'],
      ['partner', 'B 的回答'],
      ['me', 'A 的第二句\n第二行'],
    ]);
    expect(parsed.timezone).toBe(ZONE);

    // Erase asks first; Escape (the focus starts on Cancel) declines.
    await my.getByTestId('erase-btn').focus();
    await my.keyboard.press('Enter');
    const dialog = my.getByTestId('erase-dialog');
    await visible(dialog);
    expect(await my.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['testid'])).toBe('erase-cancel');
    await my.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
    expect(await transcriptTexts(my)).toContain('A 的第一句');
    await my.getByTestId('erase-btn').click();
    await my.getByTestId('erase-confirm').click();
    await expect.poll(text(my.getByTestId('toast')), until).toBe('已删除 2 条消息');
    await expect.poll(() => transcriptTexts(my), until).toEqual([
      expect.stringMatching(/^已删除（\d{4}-\d\d-\d\d \d\d:\d\d:\d\d）$/),
      'B 的回答',
      expect.stringMatching(/^已删除（/),
    ]);
    expect(await my.getByTestId('erase-btn').isDisabled()).toBe(true);
    await my.screenshot({ path: resolve(screenshotDir, 'my-after-erase.png'), fullPage: true });
    expect(await seriousA11yViolations(my)).toEqual([]);
    // In English too.
    await my.getByTestId('lang-switch').selectOption('en');
    await expect.poll(() => transcriptTexts(my), until).toEqual([expect.stringMatching(/^Erased \(/), 'B 的回答', expect.stringMatching(/^Erased \(/)]);
    expect(await my.getByTestId('erase-hint').textContent()).toBe('You have no messages to erase in this chat');

    // B follows the link on the bar: its side shows A's messages erased and its own text kept.
    const [tab] = await Promise.all([contextB.waitForEvent('page'), endedB.getByTestId('receipt-my-link').click()]);
    await visible(tab.getByTestId('conversation'));
    await expect.poll(() => transcriptTexts(tab), until).toEqual([expect.stringMatching(/^已删除（/), 'B 的回答', expect.stringMatching(/^已删除（/)]);
    expect(await transcriptSides(tab)).toEqual(['partner', 'me', 'partner']);
    expect(tab.url()).toBe(`${suite.url}/my`);
    // And B's browser lists the chat with B's code.
    await expect.poll(() => tab.getByTestId('recent-code').allTextContents(), until).toEqual([codeB]);
  });
});
