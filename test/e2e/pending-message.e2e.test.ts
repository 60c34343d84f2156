/**
 * One's own message on its way, in a real Chromium against the real server: the page's WebSocket passes
 * through the test, which holds the server's acks back (a connection gone silent, a slow server). The text
 * leaves the input and shows at once in the list, outlined, not yet a stored message; after a second it
 * says "sending…". The ack puts the stored message in its place (once, above a goodbye that overtook it); a
 * send whose ack never comes takes the bubble away and gives the text back to the input.
 *
 * A send that fails while the person writes something else (the test rewrites the held ack into a
 * refusal) keeps its bubble, marked "not sent", the text being written untouched: Retry sends it again
 * with the same cid (the server had stored it: the partner gets it once, the page shows it once), Discard
 * and Edit (for one refused for its content) never touch what is being written, the keyboard reaches the
 * buttons, the end of the chat takes them away, and axe finds nothing serious in either language or
 * colour scheme. Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it,
 * except under CI.
 */
import type { BrowserContextOptions, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { walkScreens } from '../helpers/axe-walk.js';
import { focused, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';
import { collect, connect, request, waitFor, type TestSocket } from '../helpers/client.js';

const skip = skipWithoutChromium('pending message browser tests');

const WAIT_MS = 10_000;
const { until, visible, myId, messageTexts } = chatPageDriver(WAIT_MS);

describe.skipIf(skip)('one’s own message on its way, in a browser', () => {
  const suite = browserSuite({ config: {} });
  const sockets: TestSocket[] = [];
  afterAll(() => {
    for (const socket of sockets) socket.close();
  });

  /**
   * A page in a chat with a raw client, whose acks from the server the test can hold, and release as they
   * were or — `refuse` — those of `send_message` rewritten into that refusal.
   */
  async function chatWithHeldAcks(
    options: BrowserContextOptions = {},
  ): Promise<{
    page: Page;
    partner: TestSocket;
    holdAcks(): void;
    releaseAcks(refuse?: 'RATE_LIMITED' | 'BLOCKED_CONTENT'): void;
    swallowSends(): void;
    refuseSwallowed(code: 'RATE_LIMITED' | 'BLOCKED_CONTENT'): void;
  }> {
    const context = await suite.newContext(options);
    const page = await context.newPage();
    let route: { toPage: WebSocketRoute } | undefined;
    let held: Array<string | Buffer> | null = null;
    /** The ack ids of the page's `send_message` frames (`42<id>["send_message",…]`). */
    const sendIds = new Set<string>();
    /** While set, the page's sends are kept from the server (their ack ids): the server never stores them. */
    let swallowed: string[] | null = null;
    await page.routeWebSocket(/\/socket\.io\//, (toPage) => {
      const toServer = toPage.connectToServer();
      route = { toPage };
      toPage.onMessage((frame) => {
        const send = typeof frame === 'string' ? /^42(\d+)\["send_message"/.exec(frame) : null;
        if (send?.[1]) sendIds.add(send[1]);
        if (send?.[1] && swallowed) return void swallowed.push(send[1]);
        toServer.send(frame);
      });
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
      swallowSends: () => (swallowed = []),
      refuseSwallowed(code) {
        for (const id of swallowed ?? []) route!.toPage.send(`43${id}${JSON.stringify([{ ok: false, code, message: 'refused by the test' }])}`);
        swallowed = null;
      },
      releaseAcks(refuse) {
        const frames = held ?? [];
        held = null;
        for (const frame of frames) {
          const ack = refuse && typeof frame === 'string' ? /^43(\d+)\[/.exec(frame) : null;
          const refused = ack?.[1] && sendIds.has(ack[1]) ? `43${ack[1]}${JSON.stringify([{ ok: false, code: refuse, message: 'refused by the test' }])}` : frame;
          route!.toPage.send(refused);
        }
      },
    };
  }

  it('shows at once, outlined, says "sending…" after a second, and becomes the stored message when its ack comes', { timeout: 60_000 }, async () => {
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

  type Chat = Awaited<ReturnType<typeof chatWithHeldAcks>>;

  /**
   * Sends `text`; while it is on its way, `writing` is typed into the input; then it is refused with `code`.
   * The send never reaches the server (a refusal stores nothing: a replay after a reconnection, which a busy
   * machine can bring, must not show it stored). Resolves with the unsent bubble, once it shows.
   */
  async function failWhileWriting(chat: Chat, text: string, writing: string, code: 'RATE_LIMITED' | 'BLOCKED_CONTENT') {
    const { page } = chat;
    chat.swallowSends();
    await page.getByTestId('message-input').fill(text);
    await page.getByTestId('send-btn').click();
    await visible(page.getByTestId('message-pending'));
    await page.getByTestId('message-input').fill(writing);
    chat.refuseSwallowed(code);
    const unsent = page.getByTestId('message-unsent').filter({ hasText: text });
    await visible(unsent);
    return unsent;
  }

  it('fails while other text is written: the message stays "not sent", Retry stores it once in its place', { timeout: 180_000 }, async () => {
    const chat = await chatWithHeldAcks({ bypassCSP: true });
    const { page, partner } = chat;
    const delivered = collect(partner, 'new_message');
    const unsent = await failWhileWriting(chat, '第一句', '正在写的另一句', 'RATE_LIMITED');
    expect(await unsent.getByTestId('unsent-label').textContent()).toBe('未发送');
    expect(await unsent.getAttribute('aria-hidden')).toBeNull();
    expect(await page.getByTestId('message-input').inputValue()).toBe('正在写的另一句');
    expect(await page.getByTestId('message-pending').count()).toBe(0);
    // Not a stored message: nothing to save yet.
    expect(await messageTexts(page, true).count()).toBe(0);
    await page.getByTestId('save-btn').click();
    await expect.poll(() => page.getByTestId('toast').textContent(), until).toBe('还没有消息可以保存');

    // Each button says which message it is for.
    const retry = unsent.getByTestId('unsent-retry');
    const description = await retry.evaluate((button) =>
      (button.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .map((id) => document.getElementById(id)?.textContent)
        .join(' | '),
    );
    expect(description).toBe('第一句 | 未发送');
    expect(await unsent.getByTestId('unsent-edit').count()).toBe(1);

    await walkScreens((check) => check(page, 'chat screen with a message not sent', { shot: 'unsent-message' }));
    await page.getByTestId('lang-switch').selectOption('en');
    expect(await unsent.locator('.unsent-line').innerText()).toMatch(/^Not sent\s+Retry\s+Edit\s+Discard$/);
    await page.getByTestId('lang-switch').selectOption('zh-CN');

    // The keyboard reaches its buttons: back from the input, Discard, Edit, then Retry.
    await page.getByTestId('message-input').focus();
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)()).toBe('unsent-discard');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)()).toBe('unsent-edit');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)()).toBe('unsent-retry');
    await page.keyboard.press('Enter');
    // Sent again (the same cid): stored now, shown once, and the bubble gone.
    await expect.poll(() => messageTexts(page, true).allTextContents(), until).toEqual(['第一句']);
    expect(await page.getByTestId('message-unsent').count()).toBe(0);
    expect(await focused(page)()).toBe('message-input');
    expect(await page.getByTestId('message-input').inputValue()).toBe('正在写的另一句');
    // The partner got it once: a later message comes after it, and nothing in between.
    await page.getByTestId('message-input').press('Enter');
    await expect.poll(() => delivered.map((message) => message.content), until).toEqual(['第一句', '正在写的另一句']);
  });

  it('one refused for its content has no Retry; Edit never overwrites what is being written', { timeout: 90_000 }, async () => {
    const chat = await chatWithHeldAcks();
    const { page } = chat;
    const unsent = await failWhileWriting(chat, '违规的一句', '另一句', 'BLOCKED_CONTENT');
    expect(await unsent.getByTestId('unsent-label').textContent()).toBe('不符合内容规则，未发送');
    expect(await unsent.getByTestId('unsent-retry').count()).toBe(0);
    // With text in the input: both stay, and the page says what to do.
    await unsent.getByTestId('unsent-edit').click();
    await expect.poll(() => page.getByTestId('toast').textContent(), until).toBe('输入框里还有文字：先发送或清空它，再编辑这条消息');
    expect(await page.getByTestId('message-input').inputValue()).toBe('另一句');
    expect(await unsent.count()).toBe(1);
    // With the input empty: the text goes there, to be edited.
    await page.getByTestId('message-input').fill('');
    await unsent.getByTestId('unsent-edit').click();
    await expect.poll(() => page.getByTestId('message-input').inputValue(), until).toBe('违规的一句');
    expect(await page.getByTestId('message-unsent').count()).toBe(0);
    expect(await focused(page)()).toBe('message-input');
    await expect.poll(() => page.getByTestId('composer-hint').getAttribute('data-status'), until).toBe('blocked');
  });

  /** Whether closing the tab now would ask first: the page's leave guard cancels a `beforeunload`. */
  const wouldAsk = (page: Page) =>
    page.evaluate(() => {
      const event = new Event('beforeunload', { cancelable: true });
      dispatchEvent(event);
      return event.defaultPrevented;
    });

  it('Discard takes the message away; the end of the chat takes the buttons and keeps the text, "not sent"', { timeout: 90_000 }, async () => {
    const chat = await chatWithHeldAcks();
    const { page, partner } = chat;
    const discarded = await failWhileWriting(chat, '不要这句', '在写的', 'RATE_LIMITED');
    await discarded.getByTestId('unsent-discard').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => discarded.count(), until).toBe(0);
    expect(await focused(page)()).toBe('message-input');
    expect(await page.getByTestId('message-input').inputValue()).toBe('在写的');
    // Nothing said (on this page), nothing written, nothing left unsent: closing the tab would not ask.
    await page.getByTestId('message-input').fill('');
    expect(await wouldAsk(page)).toBe(false);

    const kept = await failWhileWriting(chat, '留下这句', '还在写', 'RATE_LIMITED');
    // A message not sent that could still be would be lost: closing the tab asks, the input empty or not.
    await page.getByTestId('message-input').fill('');
    expect(await wouldAsk(page)).toBe(true);
    expect(await request(partner, 'leave_room_event')).toMatchObject({ ok: true });
    await visible(page.getByTestId('chat-ended'));
    await expect.poll(() => kept.locator('button').count(), until).toBe(0);
    expect(await kept.getByTestId('message-text').textContent()).toBe('留下这句');
    expect(await kept.getByTestId('unsent-label').textContent()).toBe('未发送');
  });
});
