/**
 * A goodbye that arrives before its chat's `matched`, in a real Chromium against the real server. Across
 * instances the two travel different ways (the goodbye from the instance that ended the chat, `matched`
 * from the one that made it, through Redis), so a chat can end before the page hears it began. Here the
 * order is made certain by routing the page's WebSocket through Playwright and holding `matched` until the
 * goodbye has passed. The page must end where it would have with the two in order; and a goodbye for a chat
 * it is not showing must not end the one it shows. Needs Debian's Chromium at /usr/bin/chromium: skipped
 * with a visible line without it, except under CI.
 */
import type { Page, WebSocketRoute } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';
import { connect, request, type TestSocket } from '../helpers/client.js';
import { eventFrame } from '../helpers/socket-frames.js';

const skip = skipWithoutChromium('goodbye order browser tests');

const WAIT_MS = 10_000;
const { until, text, visible, myId, messageTexts, matchPages } = chatPageDriver(WAIT_MS);
/** A room id no chat of this run has. */
const OTHER_ROOM = 2_000_000_000;

/** A page whose connection passes through the test: it can hold `matched` back and say things as the server. */
interface RoutedPage {
  page: Page;
  /** Events as the page received them, in order. */
  readonly received: string[];
  /** From now on, `matched` waits until a `goodbye` event has reached the page, then follows it. */
  holdMatchedUntil(goodbye: 'partner_left' | 'left_room'): void;
  /** Sends a frame to the server on the page's connection, as the page would. */
  sendAsPage(frame: string): void;
  /** Sends a frame to the page, as the server would. */
  sendAsServer(frame: string): void;
}

describe.skipIf(skip)('a goodbye before its chat’s matched, in a browser', () => {
  const suite = browserSuite({ config: {} });
  const sockets: TestSocket[] = [];
  afterAll(() => {
    for (const socket of sockets) socket.close();
  });

  async function openRouted(): Promise<RoutedPage> {
    const context = await suite.newContext();
    const page = await context.newPage();
    const received: string[] = [];
    let route: { toPage: WebSocketRoute; toServer: WebSocketRoute } | undefined;
    let hold: { until: string; held: Array<string | Buffer> } | null = null;
    await page.routeWebSocket(/\/socket\.io\//, (toPage) => {
      const toServer = toPage.connectToServer();
      route = { toPage, toServer };
      toServer.onMessage((frame) => {
        const event = eventFrame(frame)?.event;
        if (hold && event === 'matched') return void hold.held.push(frame);
        toPage.send(frame);
        if (event) received.push(event);
        if (hold && event === hold.until && hold.held.length > 0) {
          for (const held of hold.held) toPage.send(held);
          received.push('matched');
          hold = null;
        }
      });
    });
    await page.goto(suite.url);
    await myId(page);
    return {
      page,
      received,
      holdMatchedUntil(goodbye) {
        hold = { until: goodbye, held: [] };
      },
      sendAsPage: (frame) => route!.toServer.send(frame),
      sendAsServer: (frame) => route!.toPage.send(frame),
    };
  }

  /** The routed page waiting in the queue, then a raw client that joins: the two are in a chat. */
  async function matchWithRawClient(a: RoutedPage): Promise<TestSocket> {
    await a.page.getByTestId('start-btn').click();
    await visible(a.page.getByTestId('waiting-screen'));
    // The waiting screen shows as the join leaves: the page's wait is on the server only once it arrives
    // (under load, the raw client's join got there first and waited: a CI failure).
    await expect.poll(() => suite.server.app.liveStats.waitingCount(), until).toBe(1);
    const { socket: b } = await connect(suite.url);
    sockets.push(b);
    expect(await request(b, 'join_queue')).toMatchObject({ ok: true, status: 'matched' });
    return b;
  }

  it('the partner’s goodbye first: the chat opens and ends at once, as if the two had come in order', { timeout: 60_000 }, async () => {
    const a = await openRouted();
    a.holdMatchedUntil('partner_left');
    const b = await matchWithRawClient(a);
    expect(await request(b, 'leave_room_event')).toMatchObject({ ok: true });

    await visible(a.page.getByTestId('chat-ended'));
    expect(a.received.filter((e) => e === 'matched' || e === 'partner_left')).toEqual(['partner_left', 'matched']);
    expect(await a.page.getByTestId('chat-screen').isVisible()).toBe(true);
    await expect.poll(text(a.page.getByTestId('system-text').last()), until).toBe('对方已离开聊天');
    expect(await a.page.getByTestId('message-input').isDisabled()).toBe(true);
    expect(await a.page.getByTestId('leave-btn').getAttribute('data-step')).toBe('new');
  });

  it('the page’s own block first (its left_room): the chat ends on screen, as with the two in order', { timeout: 60_000 }, async () => {
    const a = await openRouted();
    a.holdMatchedUntil('left_room');
    // The block leaves while `matched` is on its way: sent on the page's connection, as its block dialog would.
    const b = await matchWithRawClient(a);
    a.sendAsPage('42["block"]');

    await expect.poll(() => a.received.filter((e) => e === 'matched' || e === 'left_room'), until).toEqual(['left_room', 'matched']);
    // Ended on screen, never live: nothing to type into, New to go on (a block sent by the page's own
    // dialog is said as a block; this one, sent behind its back, as leaving).
    await visible(a.page.getByTestId('chat-ended'));
    expect(await a.page.getByTestId('message-input').isDisabled()).toBe(true);
    expect(await a.page.getByTestId('start-screen').isVisible()).toBe(false);
    // The other side was told an ordinary goodbye; the two are kept apart.
    expect(await request(b, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    await a.page.getByTestId('new-chat-btn').click();
    await visible(a.page.getByTestId('waiting-screen'));
    await a.page.getByTestId('cancel-btn').click(); // nobody left waiting for the next test
    await request(b, 'leave_room_event');
  });

  it('a goodbye for another chat does not end the one on screen', { timeout: 60_000 }, async () => {
    const a = await openRouted();
    const context = await suite.newContext();
    const b = await context.newPage();
    await b.goto(suite.url);
    await matchPages(a.page, b);

    // Say, a late goodbye from a chat before this one.
    a.sendAsServer(`42["partner_left",{"message":"对方已离开聊天","reason":"left","room_id":${OTHER_ROOM}}]`);
    await a.page.getByTestId('message-input').fill('还在吗');
    await a.page.getByTestId('message-input').press('Enter');
    await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['还在吗']);
    expect(await a.page.getByTestId('chat-ended').isVisible()).toBe(false);
    expect(await a.page.getByTestId('message-input').isEnabled()).toBe(true);

    // This chat's own goodbye still ends it.
    await b.getByTestId('leave-btn').click();
    await b.getByTestId('leave-btn').click();
    await visible(a.page.getByTestId('chat-ended'));
  });
});
