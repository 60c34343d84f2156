/**
 * The audit log shows the answer to its latest request only, in a real Chromium against the real server:
 * the log opened, left and opened again while its first read is still on its way, and that older answer
 * arriving last, leaves the newer page on screen (with an entry written in between). Before, the older page
 * was drawn over the newer one. Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line
 * without it, except under CI.
 */
import type { APIResponse, BrowserContext, Route } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { adminLoginState } from '../helpers/admin-page.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('admin audit order browser test');

const WAIT_MS = 10_000;
const { until } = chatPageDriver(WAIT_MS);

describe.skipIf(skip)('the audit log and answers out of order', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });
  let loggedIn: Awaited<ReturnType<BrowserContext['storageState']>>;

  beforeAll(async () => {
    loggedIn = await adminLoginState(await suite.newContext(), suite.url);
  }, 60_000);

  it('an older answer arriving last does not replace the newer one', { timeout: 60_000 }, async () => {
    const context = await suite.newContext({ viewport: { width: 1280, height: 900 }, storageState: loggedIn });
    const page = await context.newPage();
    // The first read is answered at once by the server, but its answer is held back: an older page.
    const held: { route: Route; response: APIResponse }[] = [];
    let reads = 0;
    await page.route(/\/admin\/api\/audit(\?|$)/, async (route) => {
      reads += 1;
      if (reads > 1) return route.continue();
      held.push({ route, response: await route.fetch() });
    });
    await page.goto(`${suite.url}/admin#audit`);
    await expect.poll(() => held.length, until).toBe(1);
    // An entry written after that answer, then the log opened again: its read shows the entry.
    await suite.server.database.query(
      "INSERT INTO admin_audit_log (created_at, action, client_address, admin_name, detail) VALUES (now(), 'logout', NULL, 'newer-entry', '{}'::jsonb)",
    );
    await page.getByTestId('tab-dashboard').click();
    await page.getByTestId('tab-audit').click();
    const rows = page.getByTestId('audit-row').filter({ hasText: 'newer-entry' });
    await expect.poll(() => rows.count(), until).toBe(1);
    // The older answer now: the newer page stays.
    for (const { route, response } of held.splice(0)) await route.fulfill({ response });
    await page.waitForTimeout(500);
    expect(await rows.count()).toBe(1);
  });
});
