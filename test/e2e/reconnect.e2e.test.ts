/**
 * The chat page across lost connections and lost answers, in a real Chromium against the real server:
 * a page reloaded mid-chat gets its conversation back (a private room's, its note that it is private: once,
 * also after a reconnection), a page that loses the network comes back by
 * itself with exactly the messages it missed, a partner who does not come back within the grace period
 * is gone, a page whose network changed under it gets its chat back, a message whose answer is lost is
 * sent again and shown once, and a server shutting down says so.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI,
 * where its absence fails the run.
 */
import { resolve } from 'node:path';
import type { BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';
import { screenshotDir, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';
import { eventFrame } from '../helpers/socket-frames.js';


const skip = skipWithoutChromium('reconnect browser tests');

/**
 * A quick heartbeat, so a connection that went silent is noticed within 3 s rather than 25 s (quicker
 * still drops healthy connections on a busy 2-core machine), and a grace period short enough to wait
 * for, yet long enough to come back in: 8 s was not, in a CI run on a loaded machine — the partner's two
 * messages and the page's reconnection back-off (up to 5 s) outlasted it, and the chat was over.
 */
const SERVER_CONFIG = { pingIntervalMs: 1000, pingTimeoutMs: 2000, reconnectGraceMs: 15_000 };
/** Long enough for the heartbeat to notice a silent connection plus the grace period. */
const WAIT_MS = 40_000;
const { until, text, visible, myId, messageTexts, matchPages, say } = chatPageDriver(WAIT_MS);

const LOST = '对方连接中断，等待重连…';
const BACK = '对方已重新连接';
const GONE = '对方已断开连接';
/** socket.io-client's wait for an answer (5 s) times the tries (1 + 3 retries), with some slack. */
const ALL_TRIES_MS = 30_000;


const notices = (page: Page) => page.getByTestId('system-text');

/** Notices `first` and then `then` appear, in that order. */
async function noticesInOrder(page: Page, first: string, then: string): Promise<void> {
  await expect
    .poll(() => notices(page).allTextContents(), until)
    .toContain(then)
    .catch(async (error: unknown) => {
      throw new Error(`no "${then}" among the notices ${JSON.stringify(await notices(page).allTextContents())}`, { cause: error });
    });
  const seen = await notices(page).allTextContents();
  expect(seen).toContain(first);
  expect(seen.lastIndexOf(first)).toBeLessThan(seen.lastIndexOf(then));
}

describe.skipIf(skip)('chat page across lost connections', () => {
  const suite = browserSuite({ config: SERVER_CONFIG });

  async function openPage(
    options: { url?: string; setup?: (context: BrowserContext) => Promise<void> } = {},
  ): Promise<{ page: Page; context: BrowserContext }> {
    const context = await suite.newContext({ viewport: { width: 1024, height: 720 } });
    await options.setup?.(context);
    const page = await context.newPage();
    await page.goto(options.url ?? suite.url);
    return { page, context };
  }

  /** Two fresh pages, matched with each other. */
  async function matchedPair(options: Parameters<typeof openPage>[0] = {}): Promise<{ a: Page; b: Page; contextA: BrowserContext }> {
    const { page: a, context: contextA } = await openPage(options);
    const { page: b } = await openPage({ url: options.url });
    await matchPages(a, b);
    return { a, b, contextA };
  }

  it('a page reloaded mid-chat gets the conversation back, and the chat goes on', { timeout: 90_000 }, async () => {
    const { a, b } = await matchedPair();
    const idA = await myId(a);
    await say(a, '你好');
    await say(b, '你好呀');
    await say(a, '刷新一下');
    await expect.poll(() => messageTexts(b).allTextContents(), until).toEqual(['你好', '你好呀', '刷新一下']);

    await a.reload();
    await visible(a.getByTestId('chat-screen'));
    expect(await myId(a)).toBe(idA);
    await expect.poll(() => messageTexts(a).allTextContents(), until).toEqual(['你好', '你好呀', '刷新一下']);
    expect(await messageTexts(a, true).allTextContents()).toEqual(['你好', '刷新一下']);
    expect(await notices(a).allTextContents()).toEqual(['已恢复之前的聊天']);
    await noticesInOrder(b, LOST, BACK);

    // Both ways, each message once.
    await say(a, '我回来了');
    await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['你好', '刷新一下', '我回来了']);
    await say(b, '欢迎回来');
    await expect.poll(() => messageTexts(a, false).allTextContents(), until).toEqual(['你好呀', '欢迎回来']);
    expect(await messageTexts(a).allTextContents()).toEqual(['你好', '你好呀', '刷新一下', '我回来了', '欢迎回来']);
    expect(await a.getByTestId('connection-status').getAttribute('data-state')).toBe('connected');
    await a.screenshot({ path: resolve(screenshotDir, 'reconnect-restored-after-reload.png') });
  });

  it('a private chat says it is private once more after a reload, and not twice after a reconnection', { timeout: 90_000 }, async () => {
    const PRIVATE = '你们在私密房间里，只有你们两人能进入';
    const privateNotes = async (page: Page) => (await notices(page).allTextContents()).filter((n) => n === PRIVATE).length;
    const { page: a, context: contextA } = await openPage();
    const { page: b } = await openPage();
    await myId(a);
    await myId(b);
    await a.getByTestId('private-rooms-summary').click();
    await a.getByTestId('create-private-btn').click();
    await visible(a.getByTestId('private-created'));
    const key = (await a.getByTestId('private-key').textContent()) ?? '';
    await b.getByTestId('private-rooms-summary').click();
    await b.getByTestId('private-key-input').fill(key);
    await b.getByTestId('join-private-btn').click();
    await visible(a.getByTestId('chat-screen'));
    await expect.poll(() => privateNotes(a), until).toBe(1);
    await say(b, '只有我们');

    // A reconnection keeps the chat on screen, and its note: not said again.
    await contextA.setOffline(true);
    await expect.poll(() => a.getByTestId('connection-status').getAttribute('data-state'), until).toBe('reconnecting');
    await contextA.setOffline(false);
    await expect.poll(() => notices(a).allTextContents(), until).toContain('已重新连接');
    expect(await privateNotes(a)).toBe(1);

    // A reload lost it: the restored chat says it again, once, in the page's language.
    await a.reload();
    await expect.poll(() => notices(a).allTextContents(), until).toEqual(['已恢复之前的聊天', PRIVATE]);
    await expect.poll(() => messageTexts(a, false).allTextContents(), until).toEqual(['只有我们']);
    await a.getByTestId('lang-switch').selectOption('en');
    expect(await notices(a).allTextContents()).toEqual(['Your chat was restored', 'You are in a private room that only the two of you can enter']);
  });

  it('a duplicated tab takes the chat over once: the original lets go instead of taking it back and forth', { timeout: 90_000 }, async () => {
    const { a, b, contextA } = await matchedPair();
    await say(a, '复制标签页');
    // A duplicated tab starts with a copy of the original's sessionStorage: it says it was in a chat.
    const copy = await contextA.newPage();
    await copy.addInitScript(() => sessionStorage.setItem('activity', 'chat'));
    await copy.goto(suite.url);
    await visible(copy.getByTestId('chat-screen'));
    await expect.poll(() => notices(a).allTextContents(), until).toContain('聊天已在另一个窗口中继续');
    // Some reconnect rounds later the copy still has the chat, and the stranger was told once.
    await copy.waitForTimeout(7_000);
    await say(copy, '新标签页');
    await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['复制标签页', '新标签页']);
    expect((await notices(b).allTextContents()).filter((n) => n === BACK).length).toBeLessThanOrEqual(1);
    expect((await notices(a).allTextContents()).filter((n) => n === '聊天已在另一个窗口中继续')).toHaveLength(1);
    expect(await a.getByTestId('message-input').isEnabled()).toBe(false);
  });

  it('a page that loses the network comes back by itself with exactly the messages it missed', { timeout: 90_000 }, async () => {
    const { a, b, contextA } = await matchedPair();
    await say(a, '在吗');
    await say(b, '在');
    await a.getByTestId('message-input').fill('还没发出的草稿');

    await contextA.setOffline(true);
    // A keeps the chat on screen, says it is reconnecting and does not let anything be sent meanwhile; the
    // input stays writable (the draft and the focus are kept).
    await expect.poll(() => a.getByTestId('connection-status').getAttribute('data-state'), until).toBe('reconnecting');
    await expect.poll(() => a.getByTestId('send-btn').isDisabled(), until).toBe(true);
    expect(await a.getByTestId('message-input').isEnabled()).toBe(true);
    await visible(a.getByTestId('composer-hint'));
    expect(await a.getByTestId('composer-hint').textContent()).toBe('连接已中断，正在重新连接…恢复后即可继续发送');
    expect(await a.getByTestId('chat-screen').isVisible()).toBe(true);
    expect(await a.getByTestId('chat-ended').isVisible()).toBe(false);

    // The server notices the silence; B is told and keeps chatting into the void.
    await expect.poll(() => notices(b).allTextContents(), until).toContain(LOST);
    await say(b, '你掉线了吗？');
    await say(b, '等你回来');
    await a.screenshot({ path: resolve(screenshotDir, 'reconnect-offline.png') });
    await b.screenshot({ path: resolve(screenshotDir, 'reconnect-partner-waiting.png') });
    expect(await messageTexts(a, false).allTextContents()).toEqual(['在']);

    await contextA.setOffline(false);
    await expect.poll(() => a.getByTestId('connection-status').getAttribute('data-state'), until).toBe('connected');
    await expect.poll(() => messageTexts(a, false).allTextContents(), until).toEqual(['在', '你掉线了吗？', '等你回来']);
    await expect.poll(() => a.getByTestId('message-input').isEnabled(), until).toBe(true);
    expect(await a.getByTestId('message-input').inputValue()).toBe('还没发出的草稿');
    expect(await a.getByTestId('composer-hint').isVisible()).toBe(false);
    await expect.poll(() => notices(a).allTextContents(), until).toContain('已重新连接');
    await noticesInOrder(b, LOST, BACK);

    await a.getByTestId('message-input').press('Enter');
    await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['在吗', '还没发出的草稿']);
    await say(b, '收到');
    await expect.poll(() => messageTexts(a, false).allTextContents(), until).toEqual(['在', '你掉线了吗？', '等你回来', '收到']);
    // Nothing was shown twice, on either side.
    expect(await messageTexts(a).allTextContents()).toEqual(['在吗', '在', '你掉线了吗？', '等你回来', '还没发出的草稿', '收到']);
    expect(await messageTexts(b).allTextContents()).toEqual(['在吗', '在', '你掉线了吗？', '等你回来', '还没发出的草稿', '收到']);
    await a.screenshot({ path: resolve(screenshotDir, 'reconnect-back-online.png') });
  });

  it('a partner who does not come back within the grace period has left', { timeout: 90_000 }, async () => {
    const { a, b } = await matchedPair();
    await say(a, '再见');
    await a.close();

    await noticesInOrder(b, LOST, GONE);
    await visible(b.getByTestId('new-chat-btn'));
    expect(await b.getByTestId('message-input').isDisabled()).toBe(true);
    await b.screenshot({ path: resolve(screenshotDir, 'reconnect-partner-gone.png') });

    // B can match again, with someone new.
    await b.getByTestId('new-chat-btn').click();
    await visible(b.getByTestId('waiting-screen'));
    const { page: c } = await openPage();
    await c.getByTestId('start-btn').click();
    await visible(c.getByTestId('chat-screen'));
    await visible(b.getByTestId('chat-screen'));
    expect(await messageTexts(b).count()).toBe(0);
    await say(c, '新朋友');
    await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['新朋友']);
  });

  it('a page that comes back after the grace period is told the chat is over', { timeout: 90_000 }, async () => {
    const { a, b, contextA } = await matchedPair();
    await say(a, '我要掉线了');
    await contextA.setOffline(true);
    await noticesInOrder(b, LOST, GONE);

    await contextA.setOffline(false);
    await expect.poll(text(notices(a).last()), until).toBe('连接中断期间聊天已结束');
    await visible(a.getByTestId('new-chat-btn'));
    expect(await a.getByTestId('chat-ended').textContent()).toContain('聊天已结束');
    expect(await a.getByTestId('message-input').isDisabled()).toBe(true);
    expect(await a.getByTestId('composer-hint').isVisible()).toBe(false);
    expect(await messageTexts(a).allTextContents()).toEqual(['我要掉线了']);
    await a.screenshot({ path: resolve(screenshotDir, 'reconnect-too-late.png') });

    // Both start over, and find each other again (nobody else is waiting).
    await a.getByTestId('new-chat-btn').click();
    await b.getByTestId('new-chat-btn').click();
    await visible(a.getByTestId('message-input'));
    await expect.poll(() => a.getByTestId('message').count(), until).toBe(0);
    await say(b, '又是你');
    await expect.poll(() => messageTexts(a, false).allTextContents(), until).toEqual(['又是你']);
  });

  it('a message whose answer is lost is sent again with the same cid and shown once; one never answered stays in the input', { timeout: 90_000 }, async () => {
    // A's WebSocket runs through a relay that can lose A's sends or the server's answers to them.
    const sends: { content: string; cid: string }[] = [];
    let answersToLose = 0;
    let loseSends = false;
    const relay = async (context: BrowserContext): Promise<void> => {
      await context.routeWebSocket(/\/socket\.io\//, (ws) => {
        const server = ws.connectToServer();
        ws.onMessage((frame) => {
          const send = typeof frame === 'string' ? sendMessageFrame(frame) : undefined;
          if (send) sends.push(send);
          if (!(send && loseSends)) server.send(frame);
        });
        server.onMessage((frame) => {
          if (typeof frame === 'string' && SEND_ANSWER.test(frame) && answersToLose > 0) answersToLose--;
          else ws.send(frame);
        });
      });
    };
    const { a, b } = await matchedPair({ setup: relay });
    const tries = (content: string) => sends.filter((s) => s.content === content);

    // The first answer is lost: A says it is still sending, then tries again with the same cid; the
    // server stores and shows the message once.
    answersToLose = 1;
    await a.getByTestId('message-input').fill('第一条');
    await a.getByTestId('message-input').press('Enter');
    await expect.poll(text(a.getByTestId('composer-hint')), until).toBe('发送中…');
    await expect.poll(() => tries('第一条').length, until).toBe(2);
    expect(new Set(tries('第一条').map((s) => s.cid)).size).toBe(1);
    await a.getByTestId('composer-hint').waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['第一条']);
    expect(await messageTexts(a, true).allTextContents()).toEqual(['第一条']);

    // No try gets through: the text comes back to the input, marked as not sent.
    loseSends = true;
    await a.getByTestId('message-input').fill('第二条');
    await a.getByTestId('message-input').press('Enter');
    await expect.poll(text(a.getByTestId('composer-hint')), { ...until, timeout: ALL_TRIES_MS }).toBe('发送失败，文字已保留，可再次发送');
    expect(await a.getByTestId('message-input').inputValue()).toBe('第二条');
    expect(await a.getByTestId('composer').getAttribute('data-status')).toBe('failed');
    expect(tries('第二条').length).toBe(4);
    expect(new Set(tries('第二条').map((s) => s.cid)).size).toBe(1);
    await a.screenshot({ path: resolve(screenshotDir, 'send-failed.png') });

    // Sending it again uses the same cid and delivers it once.
    loseSends = false;
    await a.getByTestId('message-input').press('Enter');
    await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['第一条', '第二条']);
    await expect.poll(() => messageTexts(a, true).allTextContents(), until).toEqual(['第一条', '第二条']);
    expect(new Set(tries('第二条').map((s) => s.cid)).size).toBe(1);
    expect(await a.getByTestId('message-input').inputValue()).toBe('');
    expect(await a.getByTestId('composer-hint').isVisible()).toBe(false);
  });

  it('a page whose network changed under it gets its chat back at once, handed over from the old connection', { timeout: 90_000 }, async () => {
    // A phone switching networks: the page sees its connection fail at once and reconnects, while the
    // server still believes the old connection is open (its heartbeat has not given up yet). The page
    // asks to take its chat over (`auth.resume`), so it does not wait for the heartbeat.
    const slowHeartbeat = await startTestServer({ config: { pingIntervalMs: 2000, pingTimeoutMs: 2000, reconnectGraceMs: 20_000 } });
    try {
      const links: { ws: WebSocketRoute; silent: boolean }[] = [];
      const relay = async (context: BrowserContext): Promise<void> => {
        await context.routeWebSocket(/\/socket\.io\//, (ws) => {
          const server = ws.connectToServer();
          const link = { ws, silent: false };
          links.push(link);
          ws.onMessage((frame) => void (link.silent || server.send(frame)));
          server.onMessage((frame) => void (link.silent || ws.send(frame)));
          ws.onClose(() => void (link.silent || server.close()));
          server.onClose(() => void (link.silent || ws.close()));
        });
      };
      const { a, b } = await matchedPair({ url: slowHeartbeat.url, setup: relay });
      await say(a, '换网络了');
      await expect.poll(() => links.length, until).toBeGreaterThan(0);

      const old = links.at(-1);
      if (!old) throw new Error('no WebSocket went through the relay');
      old.silent = true; // the server's side stays open and hears nothing more
      await old.ws.close();
      await expect.poll(() => a.getByTestId('connection-status').getAttribute('data-state'), until).toBe('reconnecting');
      await say(b, '还在吗');

      await expect.poll(() => notices(a).allTextContents(), until).toContain('已重新连接');
      await expect.poll(() => messageTexts(a, false).allTextContents(), until).toEqual(['还在吗']);
      await expect.poll(() => notices(b).allTextContents(), until).toContain(BACK);
      expect(await notices(b).allTextContents()).not.toContain(LOST);
      await say(a, '在的');
      await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['换网络了', '在的']);
      expect(await b.getByTestId('chat-ended').isVisible()).toBe(false);
    } finally {
      await slowHeartbeat.close();
    }
  });

  it('a server shutting down ends the chat on both sides with a notice', { timeout: 60_000 }, async () => {
    const leaving = await startTestServer({ config: SERVER_CONFIG });
    let closed = false;
    try {
      const { a, b } = await matchedPair({ url: leaving.url });
      await say(a, '服务器要重启了');
      await leaving.close();
      closed = true;
      for (const page of [a, b]) {
        await expect.poll(text(notices(page).last()), until).toBe('服务器正在重启，请稍后重新匹配');
        await visible(page.getByTestId('new-chat-btn'));
        await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state'), until).toBe('reconnecting');
        expect(await page.getByTestId('message-input').isDisabled()).toBe(true);
      }
      await b.screenshot({ path: resolve(screenshotDir, 'server-shutdown.png') });
    } finally {
      if (!closed) await leaving.close();
    }
  });
});

/** Socket.IO's answer to an event, `43<id>[…]`, when it is a successful `send_message` ack. */
const SEND_ANSWER = /^43\d+\[\{"ok":true,"message":/;

/** The payload of a `send_message` frame (`42<id>["send_message",{…}]`) the page sends, else undefined. */
function sendMessageFrame(frame: string): { content: string; cid: string } | undefined {
  const sent = eventFrame(frame);
  return sent?.event === 'send_message' ? (sent.args[0] as { content: string; cid: string }) : undefined;
}
