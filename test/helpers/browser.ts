/**
 * Browser tests drive Debian's Chromium through playwright-core (never a downloaded browser). Without
 * Chromium they are skipped with a visible line — except under CI, where its absence fails the run.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const screenshotDir = resolve(projectRoot, 'test-results');
export const hasChromium = existsSync(CHROMIUM_PATH);
export const inCi = process.env['CI'] === 'true';

/** True when a browser suite must be skipped here (printing why); never under CI. */
export function skipWithoutChromium(suite: string): boolean {
  const skip = !hasChromium && !inCi;
  if (skip) console.warn(`[skip] ${suite}: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
  return skip;
}

/** Builds the pages unless the given built page is already there (`npm test` builds them first). */
export async function ensurePageBuilt(page = 'index.html'): Promise<void> {
  if (existsSync(resolve(projectRoot, 'dist/web', page))) return;
  const { build } = await import('vite');
  await build({ configFile: resolve(projectRoot, 'vite.config.ts'), logLevel: 'warn' });
}

/**
 * Starts headless Chromium for a suite, with the page it tests built and the screenshot folder made.
 * Fails clearly when Chromium is missing (a suite gets here only under CI then).
 */
export async function launchBrowser(page = 'index.html'): Promise<Browser> {
  if (!hasChromium) throw new Error(`CI=true but no Chromium at ${CHROMIUM_PATH}: install the Debian package chromium`);
  await ensurePageBuilt(page);
  mkdirSync(screenshotDir, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** For `expect.poll`: the test id (or else the tag) of the element that has the focus in `page`. */
export const focused = (page: Page) => () =>
  page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    return element?.dataset['testid'] ?? element?.tagName.toLowerCase() ?? null;
  });
