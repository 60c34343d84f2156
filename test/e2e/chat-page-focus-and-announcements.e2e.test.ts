/**
 * Where the chat page keeps the focus and what its live log reads out, in a real Chromium against the
 * real server: text typed while the connection is lost stays in the input, which keeps the focus; a chat
 * that ends under the input, or under a header button that goes with it (Keep in touch), hands the focus
 * to its ended note; "Match anyone now" hands it to the search's line; switching screens, a private room's title replacing
 * the search's and a Block that ends the chat move the focus to what is shown instead of dropping it; Escape that ends an IME composition (Safari's
 * keyCode 229) neither presses Next nor closes the crisis card; a private room's key is not shown for a
 * later wait once its own wait was cancelled; the partner's reconnect countdown is not read out every
 * second, and history (a private room's earlier conversation, a reload's replay) is inserted while the log
 * is busy. A private-room key refused (one that opens nothing, a malformed one, a room two others are in)
 * gives the focus back to the key field with the text kept and selected, the toast clear of it; the
 * hidden "is typing" announcer follows a language switch and is emptied when the chat ends. The page's WebSocket passes through the test, which can cut it and say things as the server;
 * the partner is a raw Socket.IO client. Needs Debian's Chromium at /usr/bin/chromium: skipped with a
 * visible line without it, except under CI.
 */
import type { Page, WebSocketRoute } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver, closedAfterEachTest } from '../helpers/chat-page.js';
import { connect, request, waitFor } from '../helpers/client.js';

const skip = skipWithoutChromium('chat page focus and announcement browser tests');

/** Long enough for socket.io-client's reconnection back-off (up to 5 s) after the connection is back. */
const WAIT_MS = 15_000;
const { until, visible, myId, messageTexts } = chatPageDriver(WAIT_MS);
/**
 * Coming back after a cut: an attempt refused just as the connection returns waits out another back-off
 * (up to 5 s each), then the handshake and the resume; on a loaded CI machine two of them passed 15 s.
 */
const untilReconnected = { ...until, timeout: 40_000 };

/** A page whose connection passes through the test: it can be cut, and the test can speak as the server. */
interface RoutedPage {
  page: Page;
  /** Cuts the connection and refuses new ones until `reconnect`. */
  cut(): void;
  /** Lets the page connect again. */
  reconnect(): void;
  /** Sends an event to the page, as the server would. */
  sendAsServer(event: string, payload: unknown): void;
}

/** The `data-testid` of the focused element, 'body' when nothing has the focus, and the screen it is in. */
const focusOf = (page: Page) => () =>
  page.evaluate(() => {
    const active = document.activeElement;
    if (!active || active === document.body) return 'body';
    const screen = active.closest<HTMLElement>('.screen')?.dataset['testid'] ?? 'outside';
    return `${screen}:${(active as HTMLElement).dataset['testid'] ?? active.tagName.toLowerCase()}`;
  });

describe.skipIf(skip)('chat page focus and announcements', () => {
  const suite = browserSuite({ config: {} });
  const tracked = closedAfterEachTest(suite, WAIT_MS);

  async function openRouted(init?: (page: Page) => Promise<unknown>): Promise<RoutedPage> {
    const page = await tracked.newPage({ viewport: { width: 1024, height: 720 } });
    await init?.(page);
    let route: { toPage: WebSocketRoute; toServer: WebSocketRoute } | undefined;
    let offline = false;
    await page.routeWebSocket(/\/socket\.io\//, (toPage) => {
      if (offline) return void toPage.close();
      const toServer = toPage.connectToServer();
      route = { toPage, toServer };
    });
    await page.goto(suite.url);
    await myId(page);
    return {
      page,
      cut() {
        offline = true;
        void route?.toServer.close();
        void route?.toPage.close();
      },
      reconnect() {
        offline = false;
      },
      sendAsServer(event, payload) {
        route!.toPage.send(`42${JSON.stringify([event, payload])}`);
      },
    };
  }

  /** A raw client as the partner, who joins after the page: the two are in a chat. Returns its socket and the room. */
  const chatWithRawClient = (page: Page) => tracked.partnerOf(page);

  it('text typed while the connection is lost stays in the focused input; a chat ending under the input hands the focus to the ended note, not New', { timeout: 90_000 }, async () => {
    const a = await openRouted();
    const { partner } = await chatWithRawClient(a.page);
    const input = a.page.getByTestId('message-input');
    await input.focus();

    a.cut();
    await expect.poll(() => a.page.getByTestId('connection-status').getAttribute('data-state'), until).toBe('reconnecting');
    await visible(a.page.getByTestId('composer-hint'));
    expect(await a.page.getByTestId('send-btn').isDisabled()).toBe(true);
    await a.page.keyboard.type('abc');
    expect(await focusOf(a.page)()).toBe('chat-screen:message-input');
    // Enter while offline sends nothing; the hint under the input says why (no toast repeating it per Enter).
    await a.page.keyboard.press('Enter');
    expect(await a.page.getByTestId('composer-hint').textContent()).toBe('连接已中断，正在重新连接…恢复后即可继续发送');
    expect(await a.page.getByTestId('toast').isVisible()).toBe(false);

    a.reconnect();
    await expect.poll(() => a.page.getByTestId('connection-status').getAttribute('data-state'), untilReconnected).toBe('connected');
    await expect.poll(() => a.page.getByTestId('send-btn').isEnabled(), until).toBe(true);
    expect(await focusOf(a.page)()).toBe('chat-screen:message-input');
    expect(await input.inputValue()).toBe('abc');
    await a.page.keyboard.press('Enter');
    await expect.poll(() => messageTexts(a.page, true).allTextContents(), until).toEqual(['abc']);

    // The partner leaves while the person is in the input: the input is off, the focus on the ended note —
    // not on New, which the rest of the sentence (a space, Enter) would press.
    await input.focus();
    expect(await request(partner, 'leave_room_event')).toMatchObject({ ok: true });
    await visible(a.page.getByTestId('chat-ended'));
    expect(await input.isDisabled()).toBe(true);
    await expect.poll(focusOf(a.page), until).toBe('chat-screen:chat-ended-text');
    await a.page.keyboard.type(' ok');
    await a.page.keyboard.press('Enter');
    expect(await a.page.getByTestId('chat-screen').isVisible()).toBe(true);
    expect(await a.page.getByTestId('waiting-screen').isVisible()).toBe(false);
  });

  it('a chat ending while the focus is on a header button that goes with it (Keep in touch) hands the focus to the ended note', { timeout: 60_000 }, async () => {
    const a = await openRouted();
    const { partner } = await chatWithRawClient(a.page);
    const keep = a.page.getByTestId('keep-btn');
    await visible(keep);
    await keep.focus();
    expect(await request(partner, 'leave_room_event')).toMatchObject({ ok: true });
    await visible(a.page.getByTestId('chat-ended'));
    expect(await keep.isHidden()).toBe(true);
    await expect.poll(focusOf(a.page), until).toBe('chat-screen:chat-ended-text');
  });

  it('“Match anyone now” pressed from the keyboard hands the focus to the search’s line, which says what happens now', { timeout: 60_000 }, async () => {
    const a = await openRouted();
    const interests = a.page.getByTestId('interest-input');
    await interests.fill('围棋');
    await interests.press('Enter');
    await a.page.getByTestId('start-btn').click();
    const anyone = a.page.getByTestId('match-anyone-btn');
    await visible(anyone);
    await anyone.focus();
    await a.page.keyboard.press('Enter');
    await anyone.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(focusOf(a.page), until).toBe('waiting-screen:interest-countdown');
    expect(await a.page.getByTestId('interest-countdown').textContent()).toBe('还没有兴趣相同的人，正在匹配任何人');
    await a.page.getByTestId('cancel-btn').click();
    await visible(a.page.getByTestId('start-screen'));
  });

  it('switching screens moves the focus to the new screen; a Block that ends the chat leaves it on the chat screen, not the body', { timeout: 90_000 }, async () => {
    const a = await openRouted();
    await a.page.getByTestId('start-btn').focus();
    await a.page.keyboard.press('Enter');
    await visible(a.page.getByTestId('waiting-screen'));
    await expect.poll(focusOf(a.page), until).toMatch(/^waiting-screen:/);
    await a.page.getByTestId('cancel-btn').focus();
    await a.page.keyboard.press('Enter');
    await visible(a.page.getByTestId('start-screen'));
    await expect.poll(focusOf(a.page), until).toMatch(/^start-screen:/);

    await chatWithRawClient(a.page);
    await a.page.getByTestId('block-btn').click();
    await a.page.getByTestId('block-confirm').click();
    await visible(a.page.getByTestId('ended-report-btn'));
    await a.page.getByTestId('block-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(focusOf(a.page), until).toMatch(/^chat-screen:/);
  });

  it('Escape that ends an IME composition (keyCode 229) neither presses Next nor closes the crisis card', { timeout: 60_000 }, async () => {
    const a = await openRouted();
    await chatWithRawClient(a.page);
    const next = a.page.getByTestId('leave-btn');
    const imeEscape = () =>
      a.page.getByTestId('message-input').evaluate((input) => {
        // What Safari sends when Escape ends a composition: the composition is over, the key is 229.
        const event = new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true, isComposing: false });
        Object.defineProperty(event, 'keyCode', { value: 229 });
        input.dispatchEvent(event);
      });

    await a.page.getByTestId('message-input').focus();
    await imeEscape();
    expect(await next.getAttribute('data-step')).toBe('leave');

    a.sendAsServer('notice', { kind: 'crisis', message: '你并不孤单', hotlines: [{ name: '心理援助热线', phone: '400-161-9995' }] });
    const card = a.page.getByTestId('crisis-card');
    await visible(card);
    await imeEscape();
    expect(await card.isVisible()).toBe(true);
    expect(await next.getAttribute('data-step')).toBe('leave');
    // A real Escape closes the card (and only the card).
    await a.page.keyboard.press('Escape');
    await card.waitFor({ state: 'hidden', timeout: WAIT_MS });
    expect(await next.getAttribute('data-step')).toBe('leave');
  });

  it('a cancelled private room’s key is not shown for a later wait in another room; the room’s title has the focus', { timeout: 60_000 }, async () => {
    const a = await openRouted();
    // Someone else's room, nobody in it: entering its key waits for them.
    const { socket: other } = await connect(suite.url);
    tracked.track(other);
    const made = await request<{ ok: boolean; key: string }>(other, 'create_private');
    expect(made.ok).toBe(true);
    expect(await request(other, 'leave_queue')).toMatchObject({ ok: true });

    await a.page.getByTestId('private-rooms-summary').click();
    await a.page.getByTestId('create-private-btn').click();
    await visible(a.page.getByTestId('private-created'));
    // The room's title replaced the search's heading, and has the focus it had.
    await expect.poll(focusOf(a.page), until).toBe('waiting-screen:private-wait-title');
    await a.page.getByTestId('cancel-btn').click();
    await visible(a.page.getByTestId('start-screen'));

    await a.page.getByTestId('private-key-input').fill(made.key);
    await a.page.getByTestId('join-private-btn').click();
    await visible(a.page.getByTestId('private-wait'));
    await expect.poll(() => a.page.getByTestId('private-wait-title').textContent(), until).toBe('正在等待对方进入房间…');
    expect(await a.page.getByTestId('private-created').isHidden()).toBe(true);
    await expect.poll(focusOf(a.page), until).toBe('waiting-screen:private-wait-title');
  });

  it('the partner’s reconnect countdown is not read out every second; the notice is', { timeout: 60_000 }, async () => {
    const a = await openRouted();
    await chatWithRawClient(a.page);
    a.sendAsServer('partner_disconnected', { message: '', grace_ms: 20_000 });
    const countdown = a.page.locator('.system-countdown');
    await visible(countdown);
    expect(await countdown.getAttribute('aria-hidden')).toBe('true');
    const notice = countdown.locator('xpath=..');
    expect(await notice.getAttribute('aria-hidden')).toBeNull();
    expect(await notice.getByTestId('system-text').textContent()).toBe('对方连接中断，等待重连…');
  });

  it('history is inserted while the live log is busy: a private room’s earlier conversation, and a reload’s replay', { timeout: 90_000 }, async () => {
    // Records, for each message added to the list, whether its live log was busy then.
    const watch = (page: Page) =>
      page.addInitScript(() => {
        const seen: string[] = [];
        (window as unknown as { __inserted: string[] }).__inserted = seen;
        new MutationObserver((records) => {
          for (const record of records) {
            for (const node of record.addedNodes) {
              if (!(node instanceof HTMLElement) || !/^(earlier-)?message$/.test(node.dataset['testid'] ?? '')) continue;
              const log = node.closest('[role="log"]');
              seen.push(`${node.dataset['testid']}:${log?.getAttribute('aria-busy') ?? 'live'}`);
            }
          }
        }).observe(document, { childList: true, subtree: true });
      });
    const inserted = (page: Page) => page.evaluate(() => (window as unknown as { __inserted: string[] }).__inserted.splice(0));
    const logBusy = (page: Page) => () => page.locator('[role="log"]').getAttribute('aria-busy');

    const a = await openRouted(watch);
    const { partner, roomId } = await chatWithRawClient(a.page);
    const me = await myId(a.page);
    const earlier = [1, 2, 3].map((id) => ({
      id,
      room_id: 1,
      sender_id: id === 2 ? me : 'other000',
      content: `以前的第 ${id} 句`,
      timestamp: '2026-01-03T16:14:38+08:00',
    }));
    await inserted(a.page);
    a.sendAsServer('room_history', { room_id: roomId, messages: earlier });
    await expect.poll(() => a.page.getByTestId('earlier-message').count(), until).toBe(3);
    expect(await inserted(a.page)).toEqual(['earlier-message:true', 'earlier-message:true', 'earlier-message:true']);
    await expect.poll(logBusy(a.page), until).toBeNull();

    // A message of the chat going on is news: read out.
    expect(await request(partner, 'send_message', { content: '现在的话' })).toMatchObject({ ok: true });
    await expect.poll(() => messageTexts(a.page, false).allTextContents(), until).toEqual(['现在的话']);
    expect(await inserted(a.page)).toEqual(['message:live']);

    // Reloaded mid-chat: the whole conversation comes back, quietly.
    await a.page.reload();
    await expect.poll(() => messageTexts(a.page, false).allTextContents(), until).toEqual(['现在的话']);
    expect(await inserted(a.page)).toEqual(['message:true']);
    await expect.poll(logBusy(a.page), until).toBeNull();
  });

  /** The key field's state: focused, its text, whether all of it is selected, and whether the toast covers it. */
  const keyField = (page: Page) =>
    page.evaluate(() => {
      const input = document.querySelector<HTMLInputElement>('[data-testid="private-key-input"]')!;
      const toast = document.querySelector<HTMLElement>('[data-testid="toast"]')!;
      const a = input.getBoundingClientRect();
      const b = toast.getBoundingClientRect();
      const covered = !toast.hidden && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      return {
        focused: document.activeElement === input,
        value: input.value,
        selected: input.selectionStart === 0 && input.selectionEnd === input.value.length,
        covered,
        toast: toast.hidden ? '' : (toast.textContent ?? ''),
      };
    });

  it('a refused private-room key gives the focus back to the key field, its text kept and selected: unknown, malformed, a room two others hold', { timeout: 90_000 }, async () => {
    // A room two other people are in: its key lets nobody else in.
    const { socket: maker } = await connect(suite.url);
    const { socket: guest } = await connect(suite.url);
    tracked.track(maker, guest);
    const made = await request<{ ok: boolean; key: string }>(maker, 'create_private');
    expect(made.ok).toBe(true);
    expect(await request(guest, 'join_private', { key: made.key })).toMatchObject({ ok: true, status: 'matched' });

    const a = await openRouted();
    await a.page.getByTestId('private-rooms-summary').click();
    const input = a.page.getByTestId('private-key-input');
    for (const key of ['ABCD-EFGH-JKMN-PQRS', 'not a key!', made.key]) {
      await input.fill(key);
      await a.page.getByTestId('join-private-btn').click();
      // Said, and back at the start: the focus on the key, to correct it or type another over it.
      await expect.poll(() => keyField(a.page).then((field) => field.toast), until).not.toBe('');
      await visible(a.page.getByTestId('start-screen'));
      await expect.poll(focusOf(a.page), until).toBe('start-screen:private-key-input');
      expect(await keyField(a.page), key).toMatchObject({ focused: true, value: key, selected: true, covered: false });
      // Typing replaces the whole key.
      await a.page.keyboard.type('X');
      expect(await input.inputValue()).toBe('X');
      await a.page.getByTestId('toast').click();
      await a.page.getByTestId('toast').waitFor({ state: 'hidden', timeout: WAIT_MS });
    }
  });

  it('the hidden “is typing” announcer follows a language switch, and is emptied when the chat ends', { timeout: 60_000 }, async () => {
    const a = await openRouted();
    const { partner } = await chatWithRawClient(a.page);
    const announcer = a.page.getByTestId('typing-announcer');
    partner.emit('typing', { typing: true });
    await visible(a.page.getByTestId('typing-indicator'));
    await expect.poll(() => announcer.textContent(), until).toBe('对方正在输入…');
    await a.page.getByTestId('lang-switch').selectOption('en');
    await expect.poll(() => announcer.textContent(), until).toBe('Stranger is typing…');
    expect(await request(partner, 'leave_room_event')).toMatchObject({ ok: true });
    await visible(a.page.getByTestId('chat-ended'));
    await expect.poll(() => announcer.textContent(), until).toBe('');
    // Nor does a switch back bring it back.
    await a.page.getByTestId('lang-switch').selectOption('zh-CN');
    expect(await announcer.textContent()).toBe('');
  });
});
