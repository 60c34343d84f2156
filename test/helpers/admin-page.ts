/** The admin page in a browser test: logged in once, through its own form, the state kept for later contexts. */
import type { BrowserContext } from 'playwright-core';
import { ADMIN_PASSWORD } from '../admin/helpers.js';

/** Logs in at `url`/admin in `context` and returns its storage state (the session cookie) once the dashboard shows. */
export async function adminLoginState(context: BrowserContext, url: string, timeoutMs = 15_000): Promise<Awaited<ReturnType<BrowserContext['storageState']>>> {
  const page = await context.newPage();
  await page.goto(`${url}/admin`);
  await page.getByTestId('password').fill(ADMIN_PASSWORD);
  await page.getByTestId('login-btn').click();
  await page.getByTestId('view-dashboard').waitFor({ state: 'visible', timeout: timeoutMs });
  return context.storageState();
}
