/**
 * One's own message on its way, in a real Chromium against the real server: the page's WebSocket passes
 * through the test, which holds the server's acks back (a connection gone silent, a slow server). The text
 * leaves the input and shows at once in the list, outlined, not yet a stored message; after a second it
 * says "sending…". The ack puts the stored message in its place (once, above a goodbye that overtook it); a
 * send whose ack never comes takes the bubble away and gives the text back to the input. Needs Debian's
 * Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { Page, WebSocketRoute } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';
import { connect, request, waitFor, type TestSocket } from '../helpers/client.js';

const skip = skipWithoutChromium('pending message browser tests');

const WAIT_MS = 10_000;
const { until, visible, myId, messageTexts } = chatPageDriver(WAIT_MS);

describe.skipIf(skip)('one’s own message on its way, in a browser', () => {
  const suite = browserSuite({ config: {} });
  const sockets: TestSocket[] = [];
  afterAll(() => {
    for (const socket of sockets) socket.close();
  });

  /** A page in a chat with a raw client, whose acks from the server the test can hold. */
  async function chatWithHeldAcks(): Promise<{ page: Page; partner: TestSocket; holdAcks(): void; releaseAcks(): void }> {
    const context = await suite.newContext();
    const page = await context.newPage();
    let route: { toPage: WebSocketRoute } | undefined;
    let held: Array<string | Buffer> | null = null;
    await page.routeWebSocket(/\/socket\.io\//, (toPage) => {
      const toServer = toPage.connectToServer();
      route = { toPage };
      toServer.onMessage((frame) => {
        // `43<id>[…]`: an ack (Engine.IO message, Socket.IO ACK).
        if (held && typeof frame === 'string' && frame.startsWith('43')) return void held.push(frame);
        toPage.send(frame);
      });
    });
    await page.goto(suite.url);
    await myId(page);
    await page.getByTestId('start-btn').click();
    await visible(page.getByTestId('waiting-screen'));
    const { socket: partner } = await connect(suite.url);
    sockets.push(partner);
    expect(await request(partner, 'join_queue')).toMatchObject({ ok: true, status: 'matched' });
    await visible(page.getByTestId('chat-screen'));
    return {
      page,
      partner,
      holdAcks: () => (held = []),
      releaseAcks() {
        const frames = held ?? [];
        held = null;
        for (const frame of frames) route!.toPage.send(frame);
      },
    };
  }

  it('shows at once, dimmed, says "sending…" after a second, and becomes the stored message when its ack comes', { timeout: 60_000 }, async () => {
    const { page, partner, holdAcks, releaseAcks } = await chatWithHeldAcks();
    holdAcks();
    const delivered = waitFor(partner, 'new_message');
    await page.getByTestId('message-input').fill('在路上的消息');
    await page.getByTestId('send-btn').click();

    const pending = page.getByTestId('message-pending');
    await visible(pending);
    expect(await pending.locator('.message-text').textContent()).toBe('在路上的消息');
    expect(await pending.getAttribute('aria-hidden')).toBe('true');
    expect(await page.getByTestId('message-input').inputValue()).toBe('');
    expect(await messageTexts(page, true).count()).toBe(0);
    // Stored and delivered meanwhile: only the ack is held.
    expect((await delivered).content).toBe('在路上的消息');
    await visible(pending.locator('.pending-label'));
    expect(await pending.locator('.pending-label').textContent()).toBe('发送中…');

    releaseAcks();
    await expect.poll(() => messageTexts(page, true).allTextContents(), until).toEqual(['在路上的消息']);
    expect(await page.getByTestId('message-pending').count()).toBe(0);
  });

  it('a goodbye that overtakes the ack stays under the message: the stored one takes the bubble’s place', { timeout: 60_000 }, async () => {
    const { page, partner, holdAcks, releaseAcks } = await chatWithHeldAcks();
    holdAcks();
    await page.getByTestId('message-input').fill('最后一句');
    await page.getByTestId('send-btn').click();
    await visible(page.getByTestId('message-pending'));
    expect(await request(partner, 'leave_room_event')).toMatchObject({ ok: true });
    await visible(page.getByTestId('chat-ended'));
    releaseAcks();
    await expect.poll(() => messageTexts(page, true).allTextContents(), until).toEqual(['最后一句']);
    // In the list: the message, then the goodbye.
    const order = await page.locator('[data-testid="message"], [data-testid="system-message"]').evaluateAll((items) => items.map((item) => item.getAttribute('data-testid')));
    expect(order.slice(-2)).toEqual(['message', 'system-message']);
  });

  it('a send whose ack never comes takes its bubble away and gives the text back to the input', { timeout: 90_000 }, async () => {
    const { page, holdAcks } = await chatWithHeldAcks();
    holdAcks();
    await page.getByTestId('message-input').fill('没有回音');
    await page.getByTestId('send-btn').click();
    await visible(page.getByTestId('message-pending'));
    // The page gives up after its ack timeouts (chat-client.ts: four tries of 5 s).
    await expect.poll(() => page.getByTestId('message-input').inputValue(), { timeout: 40_000 }).toBe('没有回音');
    expect(await page.getByTestId('message-pending').count()).toBe(0);
    // Said under the input: not sent, the text kept to send again.
    await expect.poll(() => page.getByTestId('composer-hint').getAttribute('data-status'), until).toBe('failed');
  });
});
