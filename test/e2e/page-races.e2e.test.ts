/**
 * The chat page against requests that overlap, in a real Chromium against the real server: a wait
 * cancelled while its join is still unanswered is not kept (nobody is matched with it later), and a chat
 * that such a join ran into is left at once, never shown; Enter pressed twice while the contact-details
 * check is still loading sends the message once.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI,
 * where its absence fails the run.
 */
import type { BrowserContext, Page, Route } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';
import { eventFrame } from '../helpers/socket-frames.js';

const skip = skipWithoutChromium('page race browser tests');

const WAIT_MS = 10_000;
const { until, visible, myId, messageTexts, matchPages } = chatPageDriver(WAIT_MS);

/** The longest a join is held back when no `leave_queue` follows it (the fixed page waits for the answer). */
const HOLD_JOIN_MS = 1500;

/** An ack frame from the server: `43<id>[…]`. */
const ACK = /^43(\d+)\[/;

/** What went through a page's WebSocket: its requests by ack id, the answered ids, the events it got. */
interface Wire {
  requests: Map<string, string>;
  answered: Set<string>;
  received: string[];
}

/** Whether every `event` request the page sent has been answered (and at least one was sent). */
function allAnswered(wire: Wire, event: string): boolean {
  const ids = [...wire.requests].filter(([, name]) => name === event).map(([id]) => id);
  return ids.length > 0 && ids.every((id) => wire.answered.has(id));
}

/**
 * Relays the page's WebSocket, holding each `join_queue` back until the page's next `leave_queue` (then
 * both go together, as two events buffered while offline go on reconnecting), or HOLD_JOIN_MS.
 */
async function holdJoins(context: BrowserContext): Promise<Wire> {
  const wire: Wire = { requests: new Map(), answered: new Set(), received: [] };
  await context.routeWebSocket(/\/socket\.io\//, (ws) => {
    const server = ws.connectToServer();
    let held: string | null = null;
    const release = (): void => {
      if (held !== null) server.send(held);
      held = null;
    };
    ws.onMessage((frame) => {
      const event = eventFrame(frame);
      const id = typeof frame === 'string' ? /^42(\d+)\[/.exec(frame)?.[1] : undefined;
      if (event && id !== undefined) wire.requests.set(id, event.event);
      if (event?.event === 'join_queue' && typeof frame === 'string') {
        release();
        held = frame;
        setTimeout(release, HOLD_JOIN_MS);
        return;
      }
      if (event?.event === 'leave_queue') release();
      server.send(frame);
    });
    server.onMessage((frame) => {
      const answered = typeof frame === 'string' ? ACK.exec(frame)?.[1] : undefined;
      if (answered !== undefined) wire.answered.add(answered);
      const event = eventFrame(frame);
      if (event) wire.received.push(event.event);
      ws.send(frame);
    });
  });
  return wire;
}

describe.skipIf(skip)('chat page with overlapping requests', () => {
  const suite = browserSuite({ config: {} });
  const opened: Page[] = [];

  // Each test's pages go, so none is left waiting in the queue for the next test's pages.
  afterEach(async () => {
    for (const page of opened.splice(0)) await page.context().close();
  });

  async function openPage(setup?: (context: BrowserContext) => Promise<void>): Promise<Page> {
    const context = await suite.newContext();
    await setup?.(context);
    const page = await context.newPage();
    opened.push(page);
    await page.goto(suite.url);
    await myId(page);
    return page;
  }

  /** Presses Start, and Cancel while the join is still unanswered. */
  async function startAndCancel(page: Page): Promise<void> {
    await page.getByTestId('start-btn').click();
    await visible(page.getByTestId('waiting-screen'));
    await page.getByTestId('cancel-btn').click();
    await visible(page.getByTestId('start-screen'));
  }

  /** The page's join was answered: the waiting count is shown, or the chat opened. */
  async function joinAnswered(page: Page): Promise<'waiting' | 'chat'> {
    await expect
      .poll(async () => (await page.getByTestId('chat-screen').isVisible()) || (await page.getByTestId('waiting-count').isVisible()), until)
      .toBe(true);
    return (await page.getByTestId('chat-screen').isVisible()) ? 'chat' : 'waiting';
  }

  it('a wait cancelled while its join is unanswered is not kept: the next person waits for somebody else', { timeout: 60_000 }, async () => {
    let wire: Wire | undefined;
    const a = await openPage(async (context) => {
      wire = await holdJoins(context);
    });
    await startAndCancel(a);
    // Everything A sent is answered: whatever the server kept, it keeps.
    await expect.poll(() => allAnswered(wire!, 'join_queue') && allAnswered(wire!, 'leave_queue'), until).toBe(true);

    // A cancelled wait still in the queue would be matched with B at once.
    const b = await openPage();
    await b.getByTestId('start-btn').click();
    expect(await joinAnswered(b)).toBe('waiting');

    const c = await openPage();
    await c.getByTestId('start-btn').click();
    await visible(c.getByTestId('chat-screen'));
    await visible(b.getByTestId('chat-screen'));
    expect(await a.getByTestId('start-screen').isVisible()).toBe(true);
    expect(await a.getByTestId('chat-screen').isVisible()).toBe(false);
    expect(wire!.received).not.toContain('matched');
  });

  it('a chat that a cancelled join ran into is left at once and never shown', { timeout: 60_000 }, async () => {
    const b = await openPage();
    await b.getByTestId('start-btn').click();
    expect(await joinAnswered(b)).toBe('waiting');

    let wire: Wire | undefined;
    const a = await openPage(async (context) => {
      wire = await holdJoins(context);
    });
    await startAndCancel(a);
    // A's join took B; B's chat opens and ends, A's page stays at the start.
    await expect.poll(() => wire!.received, until).toContain('matched');
    await visible(b.getByTestId('chat-ended'));
    await expect.poll(() => allAnswered(wire!, 'join_queue') && allAnswered(wire!, 'leave_room_event'), until).toBe(true);
    expect(await a.getByTestId('start-screen').isVisible()).toBe(true);
    expect(await a.getByTestId('chat-screen').isVisible()).toBe(false);

    // A waits nowhere either: B's next chat is with C.
    await b.getByTestId('new-chat-btn').click();
    expect(await joinAnswered(b)).toBe('waiting');
    const c = await openPage();
    await c.getByTestId('start-btn').click();
    await visible(c.getByTestId('chat-screen'));
    await visible(b.getByTestId('chat-screen'));
    expect(await a.getByTestId('chat-screen').isVisible()).toBe(false);
  });

  it('Enter pressed twice while the contact-details check loads sends the message once', { timeout: 60_000 }, async () => {
    // The detector's chunk (dist/web/assets/pii-*.js) is held back until the test lets it through.
    let letThrough: () => void = () => undefined;
    const chunkHeld = new Promise<void>((resolve) => (letThrough = resolve));
    let chunkRequested = false;
    const a = await openPage(async (context) => {
      await context.route(/\/assets\/pii-[^/]*\.js$/, async (route: Route) => {
        chunkRequested = true;
        await chunkHeld;
        await route.continue();
      });
    });
    const b = await openPage();
    await matchPages(a, b);
    expect(chunkRequested).toBe(true);

    const input = a.getByTestId('message-input');
    await input.fill('只发一次');
    await input.press('Enter');
    await input.press('Enter');
    letThrough();
    await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['只发一次']);

    // Anything more that was sent would arrive before this.
    await input.fill('第二条');
    await input.press('Enter');
    await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['只发一次', '第二条']);
    expect(await messageTexts(a, true).allTextContents()).toEqual(['只发一次', '第二条']);
  });
});
