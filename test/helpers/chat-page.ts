/**
 * Reading and driving the chat page in browser tests: its elements by `data-testid`, the user's ID once
 * the server has sent `session`, the rules gate ticked, two pages matched with each other, a chat left
 * with the Next button, a suite's server and browser, and the pages and sockets one test opens.
 */
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { SanctionRequest } from '../../src/moderation/moderation-service.js';
import { launchBrowser } from './browser.js';
import { connect, request, waitFor, type TestSocket } from './client.js';
import { startTestServer, type TestServer, type TestServerOptions } from './server.js';

/** Waits until the transitions and one-off animations running now are over (infinite ones, the spinner's, are left). */
export async function settleAnimations(page: Page): Promise<void> {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
}

/**
 * The page starts, and a raw Socket.IO client joins after it as its partner: the two are in a chat once the
 * page shows it. `track` gets the partner's socket, for the test to close.
 */
export async function chatWithRawClient(page: Page, url: string, waitMs: number, track: (socket: TestSocket) => void): Promise<{ partner: TestSocket; roomId: number }> {
  await page.getByTestId('start-btn').click();
  await page.getByTestId('waiting-screen').waitFor({ state: 'visible', timeout: waitMs });
  const { socket } = await connect(url);
  track(socket);
  // Matched at once, or (the page's join still on its way) as soon as the page's join arrives.
  const matched = waitFor(socket, 'matched', waitMs);
  const joined = await request<{ ok: boolean; status: string; room_id?: number }>(socket, 'join_queue');
  expect(joined.ok).toBe(true);
  const roomId = joined.status === 'matched' ? joined.room_id! : (await matched).room_id;
  await page.getByTestId('chat-screen').waitFor({ state: 'visible', timeout: waitMs });
  return { partner: socket, roomId };
}

export function chatPageDriver(waitMs: number) {
  const until = { timeout: waitMs, interval: 50 };

  const text = (locator: Locator) => () => locator.textContent();

  async function visible(locator: Locator): Promise<void> {
    await locator.waitFor({ state: 'visible', timeout: waitMs });
  }

  /** The user's ID once the server has sent `session`. */
  async function myId(page: Page): Promise<string> {
    await expect.poll(text(page.getByTestId('my-id')), until).toMatch(/^[0-9a-z]{8,16}$/);
    return (await page.getByTestId('my-id').textContent()) ?? '';
  }

  /** Message texts in the chat: the user's own, the partner's, or (undefined) both. */
  const messageTexts = (page: Page, own?: boolean) =>
    page.locator(`[data-testid="message"]${own === undefined ? '' : `[data-own="${own}"]`} [data-testid="message-text"]`);

  /**
   * With the rules gate on (a server started with `rules.enabled`): waits for the rules to be shown and
   * ticks "I am at least … and accept these rules", so the start button can be pressed.
   */
  async function acceptRules(page: Page): Promise<void> {
    const box = page.getByTestId('rules-checkbox');
    await visible(box);
    await expect.poll(() => box.isEnabled(), until).toBe(true);
    await box.check();
  }

  /** `a` starts and waits, `b` starts: both are in a chat with each other. */
  async function matchPages(a: Page, b: Page): Promise<void> {
    await myId(a);
    await myId(b);
    await a.getByTestId('start-btn').click();
    await visible(a.getByTestId('waiting-screen'));
    await b.getByTestId('start-btn').click();
    await visible(a.getByTestId('chat-screen'));
    await visible(b.getByTestId('chat-screen'));
  }

  /**
   * Leaves the chat with the Next button: Leave, then Really? — the chat ends on screen (the ended bar,
   * the button now New).
   */
  async function leaveChat(page: Page): Promise<void> {
    const next = page.getByTestId('leave-btn');
    await expect.poll(() => next.getAttribute('data-step'), until).toBe('leave');
    await next.click();
    await expect.poll(() => next.getAttribute('data-step'), until).toBe('confirm');
    await next.click();
    await visible(page.getByTestId('chat-ended'));
    await expect.poll(() => next.getAttribute('data-step'), until).toBe('new');
  }

  /** Types `words` and sends them with Enter, once the input takes them; resolves when they show as sent. */
  async function say(page: Page, words: string): Promise<void> {
    await expect.poll(() => page.getByTestId('message-input').isEnabled(), until).toBe(true);
    await page.getByTestId('message-input').fill(words);
    await page.getByTestId('message-input').press('Enter');
    await expect.poll(() => messageTexts(page, true).allTextContents(), until).toContain(words);
  }

  return { until, text, visible, myId, messageTexts, acceptRules, matchPages, leaveChat, say };
}

/**
 * A browser suite against its own server: registers the hooks that start the server and Chromium and
 * close every browser context, the browser and the server afterwards. Contexts are zh-CN browsers unless
 * the options name another `locale`.
 */
export function browserSuite(serverOptions: TestServerOptions): {
  /** The suite's server (inside tests and hooks): its app and database, e.g. to issue a sanction. */
  readonly server: TestServer;
  readonly url: string;
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
} {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    // The browser first: it builds the pages when they are missing, and a server started before them
    // serves no page at all (seen running one file alone after a clean).
    browser = await launchBrowser();
    server = await startTestServer(serverOptions);
  }, 120_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  }, 30_000);
  return {
    get server() {
      if (!server) throw new Error('the server starts in beforeAll');
      return server;
    },
    get url() {
      return server!.url;
    },
    async newContext(options = {}) {
      // A Chinese browser unless a test says otherwise: the page follows the browser's language.
      const context = await browser!.newContext({ locale: 'zh-CN', ...options });
      contexts.push(context);
      return context;
    },
  };
}

/**
 * The pages and raw sockets one test opens, closed after it: the suite closes its contexts only at its
 * end, and a page or partner left open would keep its chat, or its place in the queue, into the next test.
 * `partnerOf` is `chatWithRawClient` against the suite, its partner closed after the test.
 */
export function closedAfterEachTest(suite: { readonly url: string; newContext(options?: BrowserContextOptions): Promise<BrowserContext> }, waitMs: number) {
  const sockets: TestSocket[] = [];
  const pages: Page[] = [];
  afterEach(async () => {
    // A test may have closed its page's context already: closing it again does nothing.
    for (const page of pages.splice(0)) await page.context().close();
    for (const socket of sockets.splice(0)) socket.close();
  });
  return {
    /** A page in a context of its own (zh-CN unless `options` say otherwise). */
    async newPage(options?: BrowserContextOptions): Promise<Page> {
      const context = await suite.newContext(options);
      const page = await context.newPage();
      pages.push(page);
      return page;
    },
    /** Sockets the test connected itself. */
    track(...more: TestSocket[]): void {
      sockets.push(...more);
    },
    partnerOf(page: Page): Promise<{ partner: TestSocket; roomId: number }> {
      return chatWithRawClient(page, suite.url, waitMs, (socket) => sockets.push(socket));
    },
  };
}

/** Types `message` into the chat input and presses Enter (nothing awaited: see `say` for a message shown). */
export async function send(page: Page, message: string): Promise<void> {
  await page.getByTestId('message-input').fill(message);
  await page.getByTestId('message-input').press('Enter');
}

/** A sanction on `userId`'s identity, issued as the admin would (`durationS` omitted: permanent, or the kind's own). */
export function sanctionIdentity(server: TestServer, userId: string, kind: SanctionRequest['kind'], reason: string, durationS?: number) {
  return server.app.moderation.issue({
    userId,
    networkHash: null,
    scope: 'identity',
    kind,
    reason,
    createdBy: 'admin',
    ...(durationS === undefined ? {} : { durationS }),
  });
}
