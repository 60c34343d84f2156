/**
 * The admin page in a browser test: logged in once, through its own form, the state kept for later contexts;
 * and what its views need to show: a conversation that ended an hour ago, and a report of one.
 */
import type { BrowserContext } from 'playwright-core';
import type { App } from '../../src/app.js';
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

/** A conversation of `a` and `b` begun an hour ago and ended now; its room id. */
export async function seedEndedConversation(app: Pick<App, 'repository'>, a: string, b: string): Promise<number> {
  const room = await app.repository.createRoom({ user1Id: a, user2Id: b, matchType: 'random', createdAt: new Date(Date.now() - 3_600_000) });
  await app.repository.endRoom(room.id, 'left', new Date());
  return room.id;
}

/** `reporter`'s spam report of `reported`, about a conversation of theirs that has ended; its id. */
export async function seedReport(app: Pick<App, 'repository' | 'moderation'>, reporter: string, reported: string): Promise<number> {
  const roomId = await seedEndedConversation(app, reporter, reported);
  return (await app.moderation.report(reporter, { reason: 'spam', room_id: roomId })).id;
}
