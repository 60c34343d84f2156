/**
 * Accessibility of every screen, in a real Chromium against the real server: axe-core (WCAG 2.x A/AA and
 * best practices) runs on each state of the chat page — the start screen with and without the rules
 * gate, the privacy notice, waiting, a chat with own, partner and system messages, the report dialog and
 * its thanks, the block confirmation, the contact-details warning, the crisis card, the mute banner with
 * a warning, the chat-ended bar on both sides, the ban screen, the bot check —, of the admin pages
 * (login, dashboard, conversations and one conversation with its sanction and erase dialogs, the erase
 * confirmation and the erased messages, the reports queue and one report with its confirmation,
 * sanctions, the audit log) and of the receipts page /my (empty, a mistyped code, a conversation opened
 * by its code, the erase confirmation, the erased markers), each in Chinese and English and in the light
 * and dark colour schemes. Any serious or critical violation fails the test — after every screen of the
 * test has been looked at, so one run names them all — with the rule and the elements named; the milder
 * ones are printed at the end. A page made wrong on purpose (a button without a name, text too faint)
 * shows the check can fail. With the keyboard alone, Tab reaches every control of the start and chat
 * screens, the admin dashboard and a conversation, and /my, and each shows a focus ring; the message list
 * is a live log; reduced motion stills the spinner, the toasts and the dialogs. The chat page, the admin
 * pages and /my are separate tests (the admin pages and /my get their data straight from the server, not
 * through the chat page), so a failure says whose it is. A few dark screens are saved to test-results/
 * (CI artifacts). Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it,
 * except under CI.
 */
import { resolve } from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SanctionRequest } from '../../src/moderation/moderation-service.js';
import { createReceiptCodes } from '../../src/privacy/receipt-codes.js';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { axeViolations, describeViolation, expectNoSeriousViolations, isSerious, seriousViolationsMessage, type Violation } from '../helpers/axe.js';
import { screenshotDir, skipWithoutChromium } from '../helpers/browser.js';
import { challengeSettings } from '../helpers/challenge.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';
import { TEST_SECRET } from '../helpers/server.js';

const skip = skipWithoutChromium('accessibility browser tests');

const WAIT_MS = 15_000;
const { until, text, visible, myId, messageTexts, acceptRules, leaveChat } = chatPageDriver(WAIT_MS);

const LANGUAGES = ['zh-CN', 'en'] as const;
const SCHEMES = ['light', 'dark'] as const;

/** Moderate and minor findings, by rule, with where they were seen: printed after the run. */
const milder = new Map<string, { violation: Violation; where: Set<string> }>();

afterAll(() => {
  if (milder.size === 0) return;
  const lines = [...milder.values()].map(({ violation, where }) => `${describeViolation(violation)}\n    seen on: ${[...where].join(', ')}`);
  console.info(`axe: moderate or minor findings (not failing):\n${lines.join('\n')}`);
});

/** Waits until the transitions and one-off animations running now are over (infinite ones are left). */
async function settled(page: Page): Promise<void> {
  // Bounded: an animation in content the browser does not render (a closed <details>) may never finish.
  await page.evaluate(() =>
    Promise.race([
      Promise.all(
        document
          .getAnimations()
          .filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity)
          .map((animation) => animation.finished.catch(() => undefined)),
      ),
      new Promise((resolve) => setTimeout(resolve, 3_000)),
    ]),
  );
}

/** Checks the page as it is now in every language and colour scheme; `screen` names it in the failures. */
type Check = (page: Page, screen: string, options?: CheckOptions) => Promise<void>;

interface CheckOptions {
  /** Only this part of the page (a selector); default the whole document. */
  include?: string;
  /** The languages to look at; default both. */
  languages?: readonly string[];
  /** A name for a screenshot of the dark variant (in the first language), to test-results/ (CI artifacts). */
  shot?: string;
}

/**
 * Runs a test's walk through its screens with a `check` that looks at each screen in both languages
 * (switched with its language menu, when it has one) and both colour schemes, and returns to Chinese and
 * light afterwards. The serious findings are gathered, so the walk goes on past a failing screen, and
 * fail the test at the end, every screen's listed; when the walk itself breaks (a screen never came), the
 * findings so far are printed before its error.
 */
async function walkScreens(walk: (check: Check) => Promise<void>): Promise<void> {
  const failures: string[] = [];
  const check: Check = async (page, screen, options = {}) => {
    const hasSwitch = (await page.getByTestId('lang-switch').count()) > 0 && (await page.getByTestId('lang-switch').isVisible());
    const languages = hasSwitch ? (options.languages ?? LANGUAGES) : [null];
    for (const language of languages) {
      if (language) await page.getByTestId('lang-switch').selectOption(language);
      for (const scheme of SCHEMES) {
        await page.emulateMedia({ colorScheme: scheme });
        await settled(page);
        const where = `${screen} (${language ?? (await page.evaluate(() => document.documentElement.lang))}, ${scheme})`;
        if (options.shot && scheme === 'dark' && language === languages[0]) await page.screenshot({ path: resolve(screenshotDir, `a11y-${options.shot}-dark.png`) });
        const violations = await axeViolations(page, { include: options.include });
        const serious = violations.filter(isSerious);
        if (serious.length > 0) failures.push(seriousViolationsMessage(where, serious));
        for (const violation of violations.filter((v) => !isSerious(v))) {
          const seen = milder.get(violation.id) ?? { violation, where: new Set<string>() };
          seen.where.add(screen);
          milder.set(violation.id, seen);
        }
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    if (hasSwitch && languages.length > 1) await page.getByTestId('lang-switch').selectOption('zh-CN');
  };
  try {
    await walk(check);
  } catch (error) {
    if (failures.length > 0) console.error(`axe findings before the walk broke off:\n\n${failures.join('\n\n')}`);
    throw error;
  }
  if (failures.length > 0) throw new Error(failures.join('\n\n'));
}

/** The test id (or tag) of the focused element. */
const focused = (page: Page) => () =>
  page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    return element?.dataset['testid'] ?? element?.tagName.toLowerCase() ?? null;
  });

/** How an element and its two nearest ancestors look around their edges: outline and box shadow. */
interface EdgeLooks {
  outline: boolean;
  boxShadow: string;
}

/**
 * Tabs from the top of the page until the focus comes round again: every visible, enabled control of
 * the screen is reached, and each shows a focus indicator — an outline, or a box shadow it does not have
 * unfocused, on itself or on a wrapper up to two levels up that draws the ring for it (`:focus-within`,
 * e.g. a tag input whose text field has no border of its own). Returns the test ids reached, in order.
 */
async function tabThrough(page: Page): Promise<string[]> {
  // Their looks unfocused first.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const controls = await page.evaluate(() => {
    const edges = (el: HTMLElement) =>
      [el, el.parentElement, el.parentElement?.parentElement].map((level) => {
        if (!level) return { outline: false, boxShadow: 'none' };
        const style = getComputedStyle(level);
        return { outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0, boxShadow: style.boxShadow };
      });
    const selector = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    const shown = [...document.querySelectorAll<HTMLElement>(selector)].filter(
      (el) => el.checkVisibility({ visibilityProperty: true }) && !(el as HTMLButtonElement).disabled && !el.closest('[inert], dialog:not([open])'),
    );
    return shown.map((el, i) => {
      el.dataset['tabProbe'] = String(i);
      return { id: el.dataset['testid'] ?? el.tagName.toLowerCase(), edges: edges(el) };
    });
  });
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const reached: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const now = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const edges = [el, el.parentElement, el.parentElement?.parentElement].map((level) => {
        if (!level) return { outline: false, boxShadow: 'none' };
        const style = getComputedStyle(level);
        return { outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0, boxShadow: style.boxShadow };
      });
      return { probe: el.dataset['tabProbe'] ?? null, id: el.dataset['testid'] ?? el.tagName.toLowerCase(), edges, focusVisible: el.matches(':focus-visible') };
    });
    // Past the last control the focus leaves the document once, then starts again from the top.
    if (now === null) continue;
    if (seen.has(now.probe ?? now.id)) break;
    seen.add(now.probe ?? now.id);
    reached.push(now.id);
    const before: EdgeLooks[] | undefined = now.probe === null ? undefined : controls[Number(now.probe)]?.edges;
    const gained = (level: number) => {
      const focusedLooks = now.edges[level]!;
      const unfocused = before?.[level];
      // The control's own outline counts as it is; a wrapper's only when it comes with the focus.
      const outline = focusedLooks.outline && (level === 0 || !unfocused?.outline);
      return outline || (focusedLooks.boxShadow !== 'none' && focusedLooks.boxShadow !== unfocused?.boxShadow);
    };
    const ring = [0, 1, 2].some(gained);
    // Soft: one run names every control without a ring, not only the first.
    expect.soft(ring, `${now.id} shows where the focus is`).toBe(true);
    expect.soft(now.focusVisible, `${now.id} matches :focus-visible`).toBe(true);
  }
  const missed = controls.filter((_, i) => !seen.has(String(i))).map((c) => c.id);
  expect(missed, 'controls Tab never reached').toEqual([]);
  return reached;
}

/**
 * A page of a new browser of the suite (a new identity) that lets axe in (the pages' CSP forbids inline
 * scripts). Playwright's actions wait without end by default: here a control that never comes fails its
 * step within WAIT_MS, named, instead of the whole test timing out.
 */
async function newPage(suite: ReturnType<typeof browserSuite>, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await suite.newContext({ bypassCSP: true, ...options });
  context.setDefaultTimeout(WAIT_MS);
  return context.newPage();
}

async function send(page: Page, message: string): Promise<void> {
  await page.getByTestId('message-input').fill(message);
  await page.getByTestId('message-input').press('Enter');
}

describe.skipIf(skip)('accessibility of the chat page', () => {
  const suite = browserSuite({ config: { rules: { enabled: true, minAge: 18, file: undefined } } });

  /** The chat page in a new browser (a new identity), once the server has sent the ID. */
  async function openPage(options: BrowserContextOptions = {}): Promise<Page> {
    const page = await newPage(suite, options);
    await page.goto(suite.url);
    await myId(page);
    return page;
  }

  const sanction = (userId: string, kind: SanctionRequest['kind'], reason: string, durationS?: number) =>
    suite.server.app.moderation.issue({
      userId,
      networkHash: null,
      scope: 'identity',
      kind,
      reason,
      createdBy: 'admin',
      ...(durationS === undefined ? {} : { durationS }),
    });

  it('every screen and dialog of a chat passes axe in both languages and both colour schemes', { timeout: 900_000 }, async () => {
    await walkScreens(async (check) => {
      const a = await openPage();
      const b = await openPage({ locale: 'en-US' });
      const idA = await myId(a);

      // The door: the rules gate, then the privacy notice opened.
      await expect.poll(text(a.getByTestId('rules-text')), until).not.toBe('');
      await check(a, 'start screen with the rules gate');
      await a.getByTestId('privacy-notice').locator('summary').click();
      await expect.poll(text(a.getByTestId('privacy-text')), until).not.toBe('');
      await check(a, 'privacy notice');
      await a.getByTestId('privacy-notice').locator('summary').click();

      // Waiting, then a chat with messages from both sides and the system line.
      await acceptRules(a);
      await acceptRules(b);
      await a.getByTestId('start-btn').click();
      await visible(a.getByTestId('waiting-screen'));
      await check(a, 'waiting screen');
      await b.getByTestId('start-btn').click();
      await visible(a.getByTestId('chat-screen'));
      await send(a, '你好，在吗？');
      await send(b, 'Hi! Yes, I am here.');
      await send(a, '今天过得怎么样');
      await expect.poll(() => messageTexts(a).count(), until).toBe(3);
      await expect.poll(() => messageTexts(b).count(), until).toBe(3);
      await check(a, 'chat screen');
      await check(b, 'chat screen (the other side)', { languages: ['en'] });

      // The report dialog, its error, and its thanks.
      await a.getByTestId('report-btn').click();
      await visible(a.getByTestId('report-dialog'));
      await a.getByTestId('report-submit').click();
      await visible(a.getByTestId('report-error'));
      await check(a, 'report dialog');
      await a.getByTestId('report-reasons').getByRole('radio').first().check();
      await a.getByTestId('report-submit').click();
      await visible(a.getByTestId('report-done'));
      await check(a, 'report sent');
      await a.getByTestId('report-close').click();
      await a.getByTestId('report-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });

      // The block confirmation (put off).
      await a.getByTestId('block-btn').click();
      await visible(a.getByTestId('block-dialog'));
      await check(a, 'block confirmation');
      await a.keyboard.press('Escape');
      await a.getByTestId('block-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });

      // The contact-details warning (Edit), then the crisis card.
      await send(a, '我的电话是 138 1234 5678');
      await visible(a.getByTestId('pii-dialog'));
      await check(a, 'contact-details warning');
      await a.getByTestId('pii-edit').click();
      await a.getByTestId('pii-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });
      await send(a, '我真的不想活了');
      await visible(a.getByTestId('crisis-card'));
      await check(a, 'crisis card');
      await a.getByTestId('crisis-dismiss').click();

      // A warning, then a mute (a sanction shown ends any stronger one shown, so the warning comes first).
      await sanction(idA, 'warning', 'spam');
      await visible(a.getByTestId('warning-notice'));
      const mute = await sanction(idA, 'muted', 'harassment', 600);
      await visible(a.getByTestId('mute-banner'));
      await visible(a.getByTestId('warning-notice'));
      await check(a, 'mute banner and warning notice');
      await suite.server.app.moderation.lift(mute.id, 'admin');
      await a.getByTestId('mute-banner').waitFor({ state: 'hidden', timeout: WAIT_MS });
      await a.getByTestId('warning-dismiss').click();

      // The partner leaves (the Next button: Leave, then Really?): the chat-ended bar on both sides.
      await leaveChat(b);
      await visible(a.getByTestId('chat-ended'));
      await check(a, 'chat-ended bar');
      await check(b, 'chat-ended bar of the one who left', { languages: ['en'] });

      // Banned: the ban screen; lifted, a start screen without the gate (accepted already).
      const ban = await sanction(idA, 'banned', 'spam', 3600);
      await visible(a.getByTestId('ban-screen'));
      await check(a, 'ban screen');
      await suite.server.app.moderation.lift(ban.id, 'admin');
      await a.getByTestId('ban-screen').waitFor({ state: 'hidden', timeout: WAIT_MS });
      await a.reload();
      await myId(a);
      await expect.poll(() => a.getByTestId('start-btn').isEnabled(), until).toBe(true);
      expect(await a.getByTestId('rules-gate').isHidden()).toBe(true);
      await check(a, 'start screen');
    });
  });

  it('with the keyboard alone every control of the start and chat screens is reached by Tab and shows its focus; the messages are a live log', { timeout: 90_000 }, async () => {
    const a = await openPage();
    const b = await openPage();
    await expect.poll(text(a.getByTestId('rules-text')), until).not.toBe('');
    await a.getByTestId('privacy-notice').locator('summary').click();
    const start = await tabThrough(a);
    expect(start).toEqual(expect.arrayContaining(['lang-switch', 'new-identity-btn', 'rules-text', 'rules-checkbox', 'summary', 'my-chats-link']));

    // Ticked with Space and started with Enter, from the keyboard.
    await a.getByTestId('rules-checkbox').focus();
    await a.keyboard.press('Space');
    await a.getByTestId('start-btn').focus();
    await a.keyboard.press('Enter');
    await visible(a.getByTestId('waiting-screen'));
    expect(await tabThrough(a)).toEqual(expect.arrayContaining(['cancel-btn']));

    await acceptRules(b);
    await b.getByTestId('start-btn').click();
    await visible(a.getByTestId('chat-screen'));
    await send(b, 'hello');
    await expect.poll(() => messageTexts(a, false).count(), until).toBe(1);
    const chat = await tabThrough(a);
    expect(chat).toEqual(expect.arrayContaining(['report-btn', 'block-btn', 'leave-btn', 'message-input', 'send-btn']));

    // The messages are a polite live log named in the page's language; the list inside stays a list.
    const log = a.getByRole('log');
    expect(await log.getAttribute('aria-live')).toBe('polite');
    expect(await log.getByTestId('message-list').count()).toBe(1);
    expect(await a.getByRole('log', { name: '聊天消息' }).count()).toBe(1);
    await a.getByTestId('lang-switch').selectOption('en');
    expect(await a.getByRole('log', { name: 'Messages' }).count()).toBe(1);
    expect(await a.getByTestId('message-list').getAttribute('aria-live')).toBeNull();

    // Escape from a dialog gives the focus back to what opened it.
    await a.getByTestId('report-btn').focus();
    await a.keyboard.press('Enter');
    await visible(a.getByTestId('report-dialog'));
    await a.keyboard.press('Escape');
    await expect.poll(focused(a), until).toBe('report-btn');
  });

  it('with reduced motion the spinner, the toasts, the dialogs and the buttons do not move', { timeout: 60_000 }, async () => {
    const a = await openPage({ reducedMotion: 'reduce' });
    const moving = (selector: string) =>
      a.locator(selector).first().evaluate((el) => {
        const style = getComputedStyle(el);
        const longest = (list: string) => Math.max(...list.split(',').map((d) => parseFloat(d) * (d.trim().endsWith('ms') ? 1 : 1000)));
        return { animation: style.animationName === 'none' ? 0 : longest(style.animationDuration), transition: longest(style.transitionDuration) };
      });
    // Nothing lasts long enough to be seen (a hundredth of a millisecond keeps the end events coming).
    const still = { animation: expect.any(Number), transition: expect.any(Number) };
    const check = async (selector: string) => {
      const found = await moving(selector);
      expect(found, selector).toEqual(still);
      expect(found.animation, `${selector} animation`).toBeLessThanOrEqual(1);
      expect(found.transition, `${selector} transition`).toBeLessThanOrEqual(1);
    };
    await check('[data-testid="start-btn"]');
    await acceptRules(a);
    await a.getByTestId('start-btn').click();
    await visible(a.getByTestId('waiting-screen'));
    await check('.spinner');
    await a.getByTestId('cancel-btn').click();
    await visible(a.getByTestId('start-screen'));
    // A toast and a dialog, shown as the page shows them.
    await a.evaluate(() => {
      const toast = document.querySelector<HTMLElement>('[data-testid="toast"]')!;
      toast.hidden = false;
    });
    await check('[data-testid="toast"]');
    await a.evaluate(() => {
      document.querySelector<HTMLDialogElement>('[data-testid="block-dialog"]')!.showModal();
    });
    await check('[data-testid="block-dialog"]');

    // Without the preference they do move (so the checks above can fail).
    await a.emulateMedia({ reducedMotion: 'no-preference' });
    expect((await moving('[data-testid="block-dialog"]')).animation).toBeGreaterThan(50);
    await a.evaluate(() => document.querySelector<HTMLDialogElement>('[data-testid="block-dialog"]')!.close());
    expect((await moving('[data-testid="start-btn"]')).transition).toBeGreaterThan(50);
  });
});

describe.skipIf(skip)('accessibility of the bot check', () => {
  const suite = browserSuite({ config: { challenge: challengeSettings('always', { cost: 50, maxAttempts: 400 }) } });

  it('the bot-check dialog passes axe in both languages and both colour schemes', { timeout: 240_000 }, async () => {
    const page = await newPage(suite);
    // The widget would solve its tiny proof of work at once: its challenge is held while axe looks.
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/challenge', async (route) => {
      await released;
      await route.continue().catch(() => undefined);
    });
    await page.goto(suite.url);
    await visible(page.getByTestId('challenge-dialog'));
    await visible(page.getByTestId('challenge-widget'));
    await walkScreens((check) => check(page, 'bot-check dialog'));
    release();
    await page.getByTestId('challenge-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });
    await myId(page);
  });
});

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
      return { roomId: room.id, messageIds: stored.flatMap((s) => (s.status === 'room_closed' ? [] : [s.message.id])) };
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

describe.skipIf(skip)('accessibility of the receipts page', () => {
  const suite = browserSuite({ config: {} });
  /** Receipt codes of two ended chats of one holder: one to look at and erase in, one to Tab through. */
  const codes = { looked: '', tabbed: '' };

  // Chats that ended, with the holder's receipts, given straight to the server.
  beforeAll(async () => {
    const { repository } = suite.server.app;
    const receiptCodes = createReceiptCodes(TEST_SECRET);
    const [holder, partner] = ['a11ymyholder1', 'a11ymypartner2'];
    const at = Date.now() - 3_600_000;
    const endedChat = async (): Promise<string> => {
      const room = await repository.createRoom({ user1Id: holder, user2Id: partner, matchType: 'random', createdAt: new Date(at) });
      const texts = ['你好，在吗？', 'Hi! Yes, I am here.', '今天过得怎么样'];
      await repository.appendMessages(texts.map((content, i) => ({ roomId: room.id, senderId: i % 2 === 0 ? holder : partner, content, createdAt: new Date(at + (i + 1) * 1_000) })));
      await repository.endRoom(room.id, 'left', new Date(at + 60_000));
      const code = receiptCodes.codeFor(room.id, holder);
      await suite.server.database.query('INSERT INTO receipts (code_hash, room_id, user_id, created_at) VALUES ($1, $2, $3, $4)', [receiptCodes.hashOf(code), room.id, holder, new Date()]);
      return code;
    };
    codes.looked = await endedChat();
    codes.tabbed = await endedChat();
  });

  it('/my empty, with a mistyped code, with a conversation opened by its code, its erase confirmation and the erased messages passes axe in both languages and both colour schemes', { timeout: 240_000 }, async () => {
    await walkScreens(async (check) => {
      const my = await newPage(suite);
      await my.goto(`${suite.url}/my`);
      await visible(my.getByTestId('recent-empty'));
      await check(my, 'receipts page, empty');

      await my.getByTestId('code-input').fill('not a code');
      await my.getByTestId('code-input').press('Enter');
      await visible(my.getByTestId('code-error'));
      await check(my, 'receipts page with a mistyped code');

      await my.getByTestId('code-input').fill(codes.looked);
      await my.getByTestId('code-input').press('Enter');
      await visible(my.getByTestId('conversation'));
      await expect.poll(() => my.getByTestId('transcript-message').count(), until).toBe(3);
      await check(my, 'receipts page with a conversation', { shot: 'my-conversation' });

      await my.getByTestId('erase-btn').click();
      await visible(my.getByTestId('erase-dialog'));
      await check(my, 'receipts page, erase confirmation');
      await my.getByTestId('erase-confirm').click();
      await my.getByTestId('erase-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });
      await expect.poll(() => my.locator('[data-testid="transcript-message"][data-erased="true"]').count(), until).toBe(2);
      await check(my, 'receipts page with my messages erased');
    });
  });

  it('with the keyboard alone every control of /my with a conversation is reached by Tab and shows its focus', { timeout: 60_000 }, async () => {
    const my = await newPage(suite);
    await my.goto(`${suite.url}/my#${codes.tabbed}`);
    await expect.poll(() => my.getByTestId('transcript-message').count(), until).toBe(3);
    expect(await tabThrough(my)).toEqual(expect.arrayContaining(['back-to-chat', 'lang-switch', 'code-input', 'code-open', 'download-txt', 'download-json', 'erase-btn']));
  });
});
