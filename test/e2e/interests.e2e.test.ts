/**
 * Interests in real Chromium pages against the real server: the start screen's tag input (Enter and
 * commas add, Chinese free text becomes its words, Backspace and the chips' buttons remove, at most ten,
 * remembered on the device; one too long is shortened, and a note says so); two people sharing one are
 * matched and both read 你们都喜欢：…; somebody
 * whose interests nobody shares sees what is looked for and a countdown to the fallback, and "match anyone
 * now" pairs them at once with a random stranger, which the chat says; New joins with the same
 * interests; in English, the countdown runs out and the fallback matches by itself. Needs Debian's
 * Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import { resolve } from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from '../helpers/axe.js';
import { screenshotDir, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver, settleAnimations } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('interests browser tests');

const WAIT_MS = 10_000;
const { until, text, visible, myId, messageTexts, leaveChat } = chatPageDriver(WAIT_MS);

const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };

const chips = (page: Page) => page.getByTestId('interest-chips').locator('[data-testid="interest-chip"] .tag-text').allTextContents();
const waitChips = (page: Page) => page.getByTestId('interest-wait-list').getByTestId('interest-wait-chip').allTextContents();
const notes = (page: Page) => page.getByTestId('system-text').allTextContents();
const shot = (page: Page, name: string) => page.screenshot({ path: resolve(screenshotDir, name) });

/** No serious or critical axe finding, in the light and the dark scheme (the page's context bypasses the CSP for axe). */
async function accessible(page: Page, where: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await settleAnimations(page); // the colours' transitions over first
    await expectNoSeriousViolations(page, `${where} (${scheme})`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Types interests into the tag input, each ended with Enter. */
async function addInterests(page: Page, ...entries: string[]): Promise<void> {
  const input = page.getByTestId('interest-input');
  for (const entry of entries) {
    await input.fill(entry);
    await input.press('Enter');
  }
}

describe.skipIf(skip)('interests in a browser', () => {
  // Long enough to meet within the wait, short enough that nobody waits for ever.
  const suite = browserSuite({ config: { interestWaitMs: 20_000 } });

  async function openPage(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await suite.newContext({ bypassCSP: true, ...options });
    const page = await context.newPage();
    await page.goto(suite.url);
    await myId(page);
    return page;
  }

  it('the tag input: Enter and commas add, Chinese text becomes words, Backspace and the chips remove, ten at most, remembered', { timeout: 60_000 }, async () => {
    const a = await openPage(PHONE);
    const input = a.getByTestId('interest-input');
    expect(await a.getByTestId('interests').locator('label').textContent()).toBe('兴趣（可选）');
    expect(await a.getByTestId('interest-chips').isHidden()).toBe(true);

    await addInterests(a, '电影');
    expect(await chips(a)).toEqual(['电影']);
    await expect.poll(text(a.getByTestId('interests-status')), until).toBe('已添加：电影');
    // A comma ends one as it is typed (the full-width one of a Chinese keyboard too).
    await input.pressSequentially('Jazz，');
    await expect.poll(() => chips(a), until).toEqual(['电影', 'jazz']);
    expect(await input.inputValue()).toBe('');
    // Free Chinese text gives its words; one already there is not added twice.
    await addInterests(a, '喜欢看电影和打篮球');
    expect(await chips(a)).toEqual(['电影', 'jazz', '篮球']);
    await expect.poll(text(a.getByTestId('interests-status')), until).toBe('已添加：篮球');
    await shot(a, 'interests-input-mobile.png');
    await accessible(a, 'start screen with interests');

    // Backspace in the empty field takes the last one; ← then Delete on a chip's button takes that one.
    await input.press('Backspace');
    expect(await chips(a)).toEqual(['电影', 'jazz']);
    await expect.poll(text(a.getByTestId('interests-status')), until).toBe('已移除：篮球');
    await input.press('ArrowLeft');
    expect(await a.evaluate(() => document.activeElement?.textContent)).toContain('移除 jazz');
    await a.keyboard.press('Delete');
    expect(await chips(a)).toEqual(['电影']);
    // The focus stays in the list (on the chip before), so the keyboard can go on.
    expect(await a.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['testid'])).toBe('interest-remove');
    await a.keyboard.press('Enter'); // the × button itself
    expect(await chips(a)).toEqual([]);
    expect(await a.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['testid'])).toBe('interest-input');

    // Ten at most: the first ten stay and the rest is said to be too many.
    await addInterests(a, 'a1, b2, c3, d4, e5, f6, g7, h8, i9, j10, k11');
    expect(await chips(a)).toEqual(['a1', 'b2', 'c3', 'd4', 'e5', 'f6', 'g7', 'h8', 'i9', 'j10']);
    await expect.poll(text(a.getByTestId('interests-status')), until).toBe('最多 10 个兴趣');
    // What did not fit is kept in the field, and said where it is seen; a chip removed makes room for it.
    expect(await a.getByTestId('interest-input').inputValue()).toBe('k11');
    await visible(a.getByTestId('interests-full'));
    expect(await a.getByTestId('interests-full').textContent()).toBe('最多 10 个兴趣：没加上的还在输入框里，先删掉一个再按回车');
    await a.getByTestId('interest-chips').getByTestId('interest-remove').first().click();
    expect(await a.getByTestId('interests-full').isHidden()).toBe(true);
    await a.getByTestId('interest-input').focus();
    await a.keyboard.press('Enter');
    await expect.poll(() => chips(a), until).toEqual(['b2', 'c3', 'd4', 'e5', 'f6', 'g7', 'h8', 'i9', 'j10', 'k11']);
    expect(await a.getByTestId('interest-input').inputValue()).toBe('');
    // Nothing to match on: said so, nothing added.
    await a.getByTestId('interest-chips').getByTestId('interest-remove').first().click();
    await addInterests(a, '…!?');
    await expect.poll(text(a.getByTestId('interests-status')), until).toBe('没有找到可以匹配的兴趣词');
    expect(await chips(a)).toHaveLength(9);

    // Remembered on this device, and shown in English after a switch.
    await a.reload();
    await myId(a);
    expect(await chips(a)).toEqual(['c3', 'd4', 'e5', 'f6', 'g7', 'h8', 'i9', 'j10', 'k11']);
    await a.getByTestId('lang-switch').selectOption('en');
    expect(await a.getByTestId('interests').locator('label').textContent()).toBe('Interests (optional)');
    expect(await a.getByTestId('interest-chips').getByTestId('interest-remove').first().textContent()).toContain('Remove c3');
    expect(await input.getAttribute('placeholder')).toBe('e.g. movies, basketball — press Enter');
  });

  it('an interest longer than the server takes is shortened to 32 characters, and a note under the field says so', { timeout: 60_000 }, async () => {
    const a = await openPage(PHONE);
    const note = a.getByTestId('interests-note');
    const long = 'thelongestinterestanyonehaseverhad4040'.padEnd(40, 'x');
    expect(long).toHaveLength(40);
    expect(await note.isHidden()).toBe(true);
    await addInterests(a, long);
    expect(await chips(a)).toEqual([long.slice(0, 32)]);
    await visible(note);
    expect(await note.textContent()).toBe('兴趣最多 32 个字，已截短');
    await expect.poll(text(a.getByTestId('interests-status')), until).toBe(`已添加：${long.slice(0, 32)}。兴趣最多 32 个字，已截短`);
    await shot(a, 'interests-shortened-mobile.png');
    await accessible(a, 'start screen with a shortened interest');
    await a.getByTestId('lang-switch').selectOption('en');
    expect(await note.textContent()).toBe('Interests are at most 32 characters: shortened');
    // The next interest that fits takes the note away; so does a removal.
    await addInterests(a, 'chess');
    expect(await note.isHidden()).toBe(true);
    await expect.poll(text(a.getByTestId('interests-status')), until).toBe('Added: chess');
    await addInterests(a, `go, ${long}`);
    await visible(note);
    await a.getByTestId('interest-chips').getByTestId('interest-remove').first().click();
    expect(await note.isHidden()).toBe(true);
    // A list cut by any separator the server cuts at (here "/") is several interests, none too long: no
    // note, and none lost to a 32-character cut of the whole; spaces around one are not counted.
    await addInterests(a, 'movies/music/books/games/sports/travel');
    expect(await chips(a)).toEqual(expect.arrayContaining(['movies', 'music', 'books', 'games', 'sports', 'travel']));
    expect(await note.isHidden()).toBe(true);
    await addInterests(a, `   ${'y'.repeat(32)}   `);
    expect(await note.isHidden()).toBe(true);
  });

  it('two people sharing an interest are matched and both read what they share; New joins with the same interests', { timeout: 90_000 }, async () => {
    const a = await openPage(DESKTOP);
    const b = await openPage(PHONE);
    await addInterests(a, '电影', '篮球');
    await addInterests(b, '我喜欢打篮球');
    expect(await chips(b)).toEqual(['篮球']);

    // A waits: the waiting screen says what it looks for, and counts down to the fallback.
    await a.getByTestId('start-btn').click();
    await visible(a.getByTestId('interest-wait'));
    expect(await waitChips(a)).toEqual(['电影', '篮球']);
    expect(await a.getByTestId('interest-wait').textContent()).toContain('按兴趣寻找：');
    await expect.poll(text(a.getByTestId('interest-countdown')), until).toMatch(/^([1-9]|1\d|20) 秒后匹配任何人$/);
    expect(await a.getByTestId('match-anyone-btn').isVisible()).toBe(true);
    await shot(a, 'interests-waiting-desktop.png');
    await accessible(a, 'waiting with interests');

    await b.getByTestId('start-btn').click();
    await visible(a.getByTestId('chat-screen'));
    await visible(b.getByTestId('chat-screen'));
    await expect.poll(() => notes(a), until).toContain('你们都喜欢：篮球');
    await expect.poll(() => notes(b), until).toContain('你们都喜欢：篮球');
    await shot(b, 'interests-matched-mobile.png');
    await accessible(b, 'chat matched by interests');
    await b.getByTestId('message-input').fill('一起看球吗');
    await b.getByTestId('message-input').press('Enter');
    await expect.poll(() => messageTexts(a, false).allTextContents(), until).toEqual(['一起看球吗']);
    // A reload lost the list: the restored chat says again what the two share, once.
    await b.reload();
    await expect.poll(() => notes(b), until).toEqual(['已恢复之前的聊天', '你们都喜欢：篮球']);
    await expect.poll(() => messageTexts(b, true).allTextContents(), until).toEqual(['一起看球吗']);

    // A leaves and presses New: the same interests go with the new wait.
    await leaveChat(a);
    await a.getByTestId('leave-btn').click();
    await visible(a.getByTestId('waiting-screen'));
    await visible(a.getByTestId('interest-wait'));
    expect(await waitChips(a)).toEqual(['电影', '篮球']);
    await a.getByTestId('cancel-btn').click();
    await visible(a.getByTestId('start-screen'));
  });

  it("somebody whose interests nobody shares sees the countdown, and 'match anyone now' pairs them with a random stranger", { timeout: 90_000 }, async () => {
    const a = await openPage(PHONE);
    const b = await openPage(DESKTOP);
    await addInterests(a, '围棋');
    await a.getByTestId('start-btn').click();
    await visible(a.getByTestId('interest-wait'));
    await expect.poll(text(a.getByTestId('interest-countdown')), until).toMatch(/^\d+ 秒后匹配任何人$/);
    const first = Number(/\d+/.exec((await a.getByTestId('interest-countdown').textContent()) ?? '')?.[0]);
    // It counts down.
    await expect.poll(async () => Number(/\d+/.exec((await a.getByTestId('interest-countdown').textContent()) ?? '')?.[0]), until).toBeLessThan(first);
    await shot(a, 'interests-countdown-mobile.png');

    // Somebody without interests joins: A still waits for a shared one, so they wait too.
    await b.getByTestId('start-btn').click();
    await visible(b.getByTestId('waiting-screen'));
    expect(await b.getByTestId('interest-wait').isHidden()).toBe(true);
    await a.waitForTimeout(500);
    expect(await a.getByTestId('waiting-screen').isVisible()).toBe(true);

    // "Match anyone now": paired at once, and told the stranger is random.
    await a.getByTestId('match-anyone-btn').click();
    await visible(a.getByTestId('chat-screen'));
    await visible(b.getByTestId('chat-screen'));
    await expect.poll(() => notes(a), until).toContain('没有人与你兴趣相同，这位是随机匹配的陌生人');
    // B had no interests: nothing said about them.
    expect((await notes(b)).filter((note) => note.includes('兴趣') || note.includes('喜欢'))).toEqual([]);
    await shot(a, 'interests-random-mobile.png');
    // After a reload each says what it said before, once: A that nobody shared its interests, B nothing.
    await a.reload();
    await expect.poll(() => notes(a), until).toEqual(['已恢复之前的聊天', '没有人与你兴趣相同，这位是随机匹配的陌生人']);
    await b.reload();
    await expect.poll(() => notes(b), until).toEqual(['已恢复之前的聊天']);
  });
});

describe.skipIf(skip)('interests in a browser, when the wait runs out', () => {
  const suite = browserSuite({ config: { interestWaitMs: 3_000 } });

  it('in English: the countdown runs out, anyone is looked for, and the next person is matched', { timeout: 60_000 }, async () => {
    const open = async (options: BrowserContextOptions) => {
      const page = await (await suite.newContext({ locale: 'en-US', ...options })).newPage();
      await page.goto(suite.url);
      await myId(page);
      return page;
    };
    const a = await open(DESKTOP);
    const b = await open(PHONE);
    await addInterests(a, 'Chess, Go');
    expect(await chips(a)).toEqual(['chess', 'go']);
    await a.getByTestId('start-btn').click();
    await visible(a.getByTestId('interest-wait'));
    expect(await a.getByTestId('interest-wait').textContent()).toContain('Looking for:');
    await expect.poll(text(a.getByTestId('interest-countdown')), until).toMatch(/^Matching anyone in [1-3] s$/);
    await expect.poll(text(a.getByTestId('interest-countdown')), until).toBe('Nobody with the same interests yet — matching anyone now');
    expect(await a.getByTestId('match-anyone-btn').isHidden()).toBe(true);

    await b.getByTestId('start-btn').click();
    await visible(a.getByTestId('chat-screen'));
    await expect.poll(() => notes(a), until).toContain('Nobody shared your interests, so this stranger is random');
  });
});
