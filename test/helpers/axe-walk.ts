/**
 * The walk the accessibility browser tests take through a page's screens: axe on each screen in both
 * languages and both colour schemes (serious and critical findings gathered and failed at the end, the
 * milder ones printed once the file is done), Tab through every control with its focus ring checked, and
 * a new browser page that lets axe in (the pages' CSP forbids inline scripts).
 */
import { resolve } from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, expect } from 'vitest';
import { axeViolations, describeViolation, isSerious, seriousViolationsMessage, type Violation } from './axe.js';
import { screenshotDir } from './browser.js';
import type { browserSuite } from './chat-page.js';

/** How long one step (a control to appear, an action) may take before it fails, named. */
export const WAIT_MS = 15_000;

const LANGUAGES = ['zh-CN', 'en'] as const;
const SCHEMES = ['light', 'dark'] as const;

/** Moderate and minor findings, by rule, with where they were seen: printed after the file's tests. */
const milder = new Map<string, { violation: Violation; where: Set<string> }>();

afterAll(() => {
  if (milder.size === 0) return;
  const lines = [...milder.values()].map(({ violation, where }) => `${describeViolation(violation)}\n    seen on: ${[...where].join(', ')}`);
  console.info(`axe: moderate or minor findings (not failing):\n${lines.join('\n')}`);
});
/** Waits until the transitions and one-off animations running now are over (infinite ones are left). */
export async function settled(page: Page): Promise<void> {
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
export type Check = (page: Page, screen: string, options?: CheckOptions) => Promise<void>;

export interface CheckOptions {
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
export async function walkScreens(walk: (check: Check) => Promise<void>): Promise<void> {
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

/** How an element and its two nearest ancestors look around their edges: outline and box shadow. */
export interface EdgeLooks {
  outline: boolean;
  boxShadow: string;
}

/**
 * Tabs from the top of the page until the focus comes round again: every visible, enabled control of
 * the screen is reached, and each shows a focus indicator — an outline, or a box shadow it does not have
 * unfocused, on itself or on a wrapper up to two levels up that draws the ring for it (`:focus-within`,
 * e.g. a tag input whose text field has no border of its own). Returns the test ids reached, in order.
 */
export async function tabThrough(page: Page): Promise<string[]> {
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
export async function newPage(suite: ReturnType<typeof browserSuite>, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await suite.newContext({ bypassCSP: true, ...options });
  context.setDefaultTimeout(WAIT_MS);
  return context.newPage();
}

