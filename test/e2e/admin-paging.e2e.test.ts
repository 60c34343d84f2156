/**
 * The conversations table under quick hands and a flaky network, in a real Chromium against the real
 * server: a double click on Next moves one page (Previous then goes back to the first); a page that fails
 * to load leaves the paging where it was, also when the language is switched while it loads; a failed
 * search leaves the table and the export links of the filters shown; two searches answered out of order
 * show the later one. Needs Debian's Chromium at
 * /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { BrowserContext, Page, Route } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { adminLoginState } from '../helpers/admin-page.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('admin paging browser tests');

const WAIT_MS = 10_000;
const { until, text, visible } = chatPageDriver(WAIT_MS);
/** 120 conversations: pages of 50, 50 and 20. */
const ROOMS = 120;
const user = (i: number) => `pageuser${String(i).padStart(4, '0')}`;
const roomsApi = '**/admin/api/rooms?*';

interface RoomPage {
  rooms: { id: number }[];
  next_cursor: string | null;
}

describe.skipIf(skip)('paging and searching conversations in a browser', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });

  /** The session of one login, shared by every test: logins are limited to 5 a minute, every one counts. */
  let loggedIn: Awaited<ReturnType<BrowserContext['storageState']>>;

  beforeAll(async () => {
    const base = Date.now() - 3_600_000;
    await suite.server.app.repository.createRooms(
      Array.from({ length: ROOMS }, (_, i) => ({ user1Id: user(i), user2Id: 'pagepartner1', matchType: 'random' as const, createdAt: new Date(base + i * 1_000) })),
    );
    const context = await suite.newContext();
    loggedIn = await adminLoginState(context, suite.url);
  }, 60_000);

  /** Logged in, on the conversations with the first page shown. */
  async function roomsPage(): Promise<Page> {
    const page = await (await suite.newContext({ viewport: { width: 1280, height: 900 }, storageState: loggedIn })).newPage();
    await page.goto(`${suite.url}/admin#rooms`);
    await visible(page.getByTestId('view-rooms'));
    await expect.poll(() => page.getByTestId('room-row').count(), until).toBe(50);
    return page;
  }

  const firstRowId = (page: Page) => () => page.getByTestId('room-row').first().getAttribute('data-room-id');
  const rowUsers = (page: Page) => () => page.locator('[data-testid="room-row"] td:nth-child(2)').allTextContents();
  /** The first room ID of each page, as the API gives them. */
  async function pageStarts(page: Page): Promise<string[]> {
    const starts: string[] = [];
    let cursor: string | null = null;
    do {
      const answer = (await (await page.request.get(`${suite.url}/admin/api/rooms${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`)).json()) as RoomPage;
      starts.push(String(answer.rooms[0]!.id));
      cursor = answer.next_cursor;
    } while (cursor);
    return starts;
  }

  it('a double click on Next moves one page, and Previous then goes back to the first', { timeout: 60_000 }, async () => {
    const page = await roomsPage();
    const starts = await pageStarts(page);
    expect(starts).toHaveLength(3);
    expect(await firstRowId(page)()).toBe(starts[0]);

    await page.getByTestId('next-page').dblclick();
    await expect.poll(firstRowId(page), until).toBe(starts[1]);
    await page.waitForLoadState('networkidle');
    expect(await firstRowId(page)()).toBe(starts[1]);

    await page.getByTestId('previous-page').click();
    await expect.poll(firstRowId(page), until).toBe(starts[0]);
    expect(await page.getByTestId('previous-page').isDisabled()).toBe(true);

    // One page at a time to the last one, and back.
    await page.getByTestId('next-page').click();
    await expect.poll(firstRowId(page), until).toBe(starts[1]);
    await page.getByTestId('next-page').click();
    await expect.poll(() => page.getByTestId('room-row').count(), until).toBe(ROOMS - 100);
    expect(await firstRowId(page)()).toBe(starts[2]);
    expect(await page.getByTestId('next-page').isDisabled()).toBe(true);
    await page.getByTestId('previous-page').click();
    await expect.poll(firstRowId(page), until).toBe(starts[1]);
  });

  it('a page that fails to load leaves the table and its paging where they were', { timeout: 60_000 }, async () => {
    const page = await roomsPage();
    const starts = await pageStarts(page);
    await page.route(roomsApi, (route) => route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'INTERNAL_ERROR', message: 'boom' }) }));
    await page.getByTestId('next-page').click();
    await visible(page.getByTestId('toast'));
    await expect.poll(() => page.getByTestId('next-page').isEnabled(), until).toBe(true);
    expect(await page.getByTestId('previous-page').isDisabled()).toBe(true);
    expect(await firstRowId(page)()).toBe(starts[0]);

    await page.unroute(roomsApi);
    await page.getByTestId('next-page').click();
    await expect.poll(firstRowId(page), until).toBe(starts[1]);
    await page.getByTestId('previous-page').click();
    await expect.poll(firstRowId(page), until).toBe(starts[0]);
  });

  const pagingButtons = (page: Page) => () =>
    Promise.all(['first-page', 'previous-page', 'next-page'].map((id) => page.getByTestId(id).isDisabled()));
  /** The rows' status column, one entry per distinct text: English once the language is switched. */
  const statuses = (page: Page) => async () => [...new Set(await page.locator('[data-testid="room-row"] td:nth-child(6)').allTextContents())].sort();
  const english = ['Active', 'Ended'];

  /**
   * Holds every request for a page after the first (one with a cursor) until `release` says how it ends.
   * `held` resolves once the browser is waiting on one; `asked` counts them.
   */
  async function holdNextPages(page: Page) {
    let arrived: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (arrived = resolve));
    let release: (fate: 'fail' | 'answer') => void = () => undefined;
    const fate = new Promise<'fail' | 'answer'>((resolve) => (release = resolve));
    const hold = { held, release, asked: 0 };
    await page.route(roomsApi, async (route: Route) => {
      if (!new URL(route.request().url()).searchParams.has('cursor')) return route.continue();
      hold.asked += 1;
      arrived();
      if ((await fate) === 'fail') await route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'INTERNAL_ERROR', message: 'boom' }) });
      else await route.continue();
    });
    return hold;
  }

  /** Next clicked, its page held, the language switched meanwhile: the table is redrawn, no move is possible. */
  async function switchLanguageWhileNextLoads(page: Page) {
    const hold = await holdNextPages(page);
    await page.getByTestId('next-page').click();
    await hold.held;
    await page.getByTestId('lang-switch').selectOption('en');
    await expect.poll(text(page.getByTestId('next-page')), until).toBe('Next page');
    expect(english).toEqual(expect.arrayContaining(await statuses(page)()));
    expect(await pagingButtons(page)()).toEqual([true, true, true]);
    return hold;
  }

  it('switching the language while the next page loads keeps the paging disabled, and a failed load goes back to the first page', { timeout: 60_000 }, async () => {
    const page = await roomsPage();
    const starts = await pageStarts(page);
    const hold = await switchLanguageWhileNextLoads(page);

    hold.release('fail');
    await visible(page.getByTestId('toast'));
    // Back where it was: the first page, Next possible, nothing before it.
    await expect.poll(pagingButtons(page), until).toEqual([true, true, false]);
    expect(await firstRowId(page)()).toBe(starts[0]);
    expect(await page.getByTestId('room-row').count()).toBe(50);
    expect(hold.asked).toBe(1);

    await page.unroute(roomsApi);
    await page.getByTestId('next-page').click();
    await expect.poll(firstRowId(page), until).toBe(starts[1]);
    await page.getByTestId('previous-page').click();
    await expect.poll(firstRowId(page), until).toBe(starts[0]);
    expect(await pagingButtons(page)()).toEqual([true, true, false]);
  });

  it('switching the language while the next page loads, then the page arrives: page 2 is shown once, Previous goes back to the first', { timeout: 60_000 }, async () => {
    const page = await roomsPage();
    const starts = await pageStarts(page);
    const hold = await switchLanguageWhileNextLoads(page);
    // A second click meanwhile (forced: a person does not wait for the button) must not move again.
    await page.getByTestId('next-page').click({ force: true });

    hold.release('answer');
    await expect.poll(firstRowId(page), until).toBe(starts[1]);
    await expect.poll(pagingButtons(page), until).toEqual([false, false, false]);
    expect(english).toEqual(expect.arrayContaining(await statuses(page)()));
    await page.waitForLoadState('networkidle');
    expect(hold.asked).toBe(1);
    expect(await firstRowId(page)()).toBe(starts[1]);

    await page.unroute(roomsApi);
    await page.getByTestId('previous-page').click();
    await expect.poll(firstRowId(page), until).toBe(starts[0]);
    expect(await pagingButtons(page)()).toEqual([true, true, false]);
  });

  it('a failed search leaves the table and the export links of the filters shown, not of the form', { timeout: 60_000 }, async () => {
    const page = await roomsPage();
    await page.getByTestId('filter-user').fill(user(1));
    await page.getByTestId('search-btn').click();
    await expect.poll(rowUsers(page), until).toEqual([user(1)]);
    expect(await page.getByTestId('export-csv').getAttribute('href')).toBe(`/admin/export.csv?user=${user(1)}`);

    await page.route(roomsApi, (route) => route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'INTERNAL_ERROR', message: 'boom' }) }));
    await page.getByTestId('filter-user').fill(user(2));
    await page.getByTestId('search-btn').click();
    await expect.poll(text(page.getByTestId('toast')), until).toMatch(/boom/);
    expect(await rowUsers(page)()).toEqual([user(1)]);
    expect(await page.getByTestId('export-csv').getAttribute('href')).toBe(`/admin/export.csv?user=${user(1)}`);
    expect(await page.getByTestId('export-json').getAttribute('href')).toBe(`/admin/export.json?user=${user(1)}`);
    await page.getByTestId('export-pseudonymize').check();
    expect(await page.getByTestId('export-csv').getAttribute('href')).toBe(`/admin/export.csv?user=${user(1)}&pseudonymize=1`);
  });

  it('two searches answered out of order show the later one, with its export links', { timeout: 60_000 }, async () => {
    const page = await roomsPage();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(roomsApi, async (route: Route) => {
      // The first search's answer is held back until the second one is shown.
      if (new URL(route.request().url()).searchParams.get('user') === user(3)) await held;
      await route.continue();
    });
    await page.getByTestId('filter-user').fill(user(3));
    await page.getByTestId('search-btn').click();
    await page.getByTestId('filter-user').fill(user(4));
    await page.getByTestId('search-btn').click();
    await expect.poll(rowUsers(page), until).toEqual([user(4)]);

    const late = page.waitForResponse((response) => new URL(response.url()).searchParams.get('user') === user(3));
    release();
    await (await late).finished();
    // The late answer has had time to be handled (its body is in): nothing of it may show.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
    expect(await rowUsers(page)()).toEqual([user(4)]);
    expect(await page.getByTestId('export-csv').getAttribute('href')).toBe(`/admin/export.csv?user=${user(4)}`);
  });
});
