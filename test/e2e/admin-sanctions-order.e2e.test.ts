/**
 * The Sanctions page shows the answer to its latest request only, in a real Chromium against the real
 * server: the history ("all") asked for while the page of sanctions in force is still loading, and that
 * older answer arriving last, leaves the history on screen. Before, the older page was drawn over the
 * newer one (found in CI as a table redrawn under the test).
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { BrowserContext, Route } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { adminLoginState } from '../helpers/admin-page.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('admin sanctions order browser test');

const WAIT_MS = 10_000;
const { until, visible } = chatPageDriver(WAIT_MS);

describe.skipIf(skip)('the Sanctions page and answers out of order', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });
  let loggedIn: Awaited<ReturnType<BrowserContext['storageState']>>;
  let liftedId = 0;

  beforeAll(async () => {
    const { moderation } = suite.server.app;
    await moderation.issue({ userId: 'soinforce001', networkHash: null, scope: 'identity', kind: 'muted', reason: 'in force', createdBy: 'admin', durationS: 3600 });
    const lifted = await moderation.issue({ userId: 'solifted0001', networkHash: null, scope: 'identity', kind: 'muted', reason: 'lifted', createdBy: 'admin', durationS: 3600 });
    await moderation.lift(lifted.id, 'admin');
    liftedId = lifted.id;
    loggedIn = await adminLoginState(await suite.newContext(), suite.url);
  }, 60_000);

  it('an older answer arriving last does not replace the newer one', { timeout: 60_000 }, async () => {
    const context = await suite.newContext({ viewport: { width: 1280, height: 900 }, storageState: loggedIn });
    const page = await context.newPage();
    // The page of sanctions in force (no `all`) is held until the history has been shown.
    const held: Route[] = [];
    await page.route(/\/admin\/api\/sanctions\?(?!.*all=1)/, (route) => void held.push(route));
    await page.goto(`${suite.url}/admin#sanctions`);
    await expect.poll(() => held.length, until).toBe(1);
    await page.getByTestId('sanctions-all').check();
    const rowIds = () => page.getByTestId('sanction-row').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset['sanctionId']));
    await expect.poll(rowIds, until).toContain(String(liftedId));
    // The older answer now: the history stays.
    for (const route of held.splice(0)) await route.continue();
    await visible(page.getByTestId('sanctions-first-page'));
    await page.waitForTimeout(500);
    expect(await rowIds()).toContain(String(liftedId));
    expect(await page.getByTestId('sanctions-all').isChecked()).toBe(true);
  });
});
