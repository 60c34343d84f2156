/**
 * A send that fails while the person is writing something else (web/src/send-path.ts): the message stays
 * in the list marked not sent (unsent-message.ts) instead of being lost, with Retry (the same cid), Edit
 * (which never overwrites the input; sent unchanged from there, the same cid) and Discard, and for one
 * refused for its content no Retry; once the chat is over, no buttons. Against the fake client and views of the flow's tests (a failure into an empty
 * input, which gives the text back, is chat-page-flow.test.ts's).
 */
import { describe, expect, it, vi } from 'vitest';
import { errorText, t } from '../../web/src/i18n.js';
import type { Result } from '../../web/src/chat-client.js';
import type { ChatMessage, SendMessageResult, ServerToClientEvents } from '../../src/shared/protocol.js';
import { deferred, flush, inChat, ME, ROOM } from '../helpers/chat-flow-fakes.js';

type Chat = Awaited<ReturnType<typeof inChat>>;

const AT = '2026-01-03T16:14:38+08:00';

/** Types `text` and sends it; its cid. */
function sendNow(chat: Chat, text: string): string {
  chat.typeText(text);
  chat.flow.send(text);
  return chat.sent.cids.at(-1)!;
}

/** Sends `text`, then types `typing` while it is on its way, and the send fails with `code`. */
async function failWhileTyping(chat: Chat, text: string, typing: string, code: 'RATE_LIMITED' | 'TIMEOUT' | 'BLOCKED_CONTENT' = 'RATE_LIMITED'): Promise<string> {
  const cid = sendNow(chat, text);
  chat.typeText(typing);
  chat.answers.send.resolve({ ok: false, code, message: '' });
  await flush();
  return cid;
}

const partnerLeft = (chat: Chat): void =>
  chat.emit('partner_left', { reason: 'left', room_id: ROOM, message: '' } as Parameters<ServerToClientEvents['partner_left']>[0]);

describe('a message whose send failed while other text was being written (web/src/send-path.ts)', () => {
  it('stays in the list marked not sent, with Retry, Edit and Discard; what is being written is untouched', async () => {
    const chat = await inChat();
    const cid = await failWhileTyping(chat, '第一句', '正在写的');
    expect(chat.shown.pending.size).toBe(0);
    expect(chat.shown.unsent.get(cid)).toMatchObject({ content: '第一句', reason: 'failed' });
    const actions = chat.shown.unsent.get(cid)!.actions!;
    expect(typeof actions.retry).toBe('function');
    expect(typeof actions.discard).toBe('function');
    expect(typeof actions.edit).toBe('function');
    expect(chat.views.composer.text()).toBe('正在写的');
    // Not a stored message; but lost if the tab closed now (the leave guard asks).
    expect(chat.shown.messages).toEqual([]);
    expect(chat.views.messages.hasUnsent()).toBe(true);
    expect(chat.shown.toasts).toEqual([errorText({ code: 'RATE_LIMITED' })]);
  });

  it('Retry sends it again with the same cid: on its way again, then the stored message, the input untouched', async () => {
    const chat = await inChat();
    const cid = await failWhileTyping(chat, '再试一次', '正在写的', 'TIMEOUT');
    chat.answers.send = deferred<Result<SendMessageResult>>();
    chat.shown.unsent.get(cid)!.actions!.retry!();
    expect(chat.sent.messages).toEqual(['再试一次', '再试一次']);
    expect(chat.sent.cids).toEqual([cid, cid]);
    expect(chat.shown.unsent.size).toBe(0);
    expect(chat.shown.pending.get(cid)).toBe('再试一次');
    // Its button went with it: the focus went to the input.
    expect(chat.focus.always).toBe(1);
    const message: ChatMessage = { id: 50, room_id: ROOM, sender_id: ME, content: '再试一次', timestamp: AT, cid };
    chat.answers.send.resolve({ ok: true, message } as Result<SendMessageResult>);
    await flush();
    expect(chat.shown.pending.size).toBe(0);
    expect(chat.shown.messages).toEqual([{ message, own: true }]);
    expect(chat.views.composer.text()).toBe('正在写的');
  });

  it('Retry that fails again, still while writing, leaves it not sent once more', async () => {
    const chat = await inChat();
    const cid = await failWhileTyping(chat, '还是不行', '正在写的');
    chat.answers.send = deferred<Result<SendMessageResult>>();
    chat.shown.unsent.get(cid)!.actions!.retry!();
    chat.answers.send.resolve({ ok: false, code: 'RATE_LIMITED', message: '' });
    await flush();
    expect(chat.shown.unsent.get(cid)).toMatchObject({ content: '还是不行', reason: 'failed' });
    expect(chat.views.composer.text()).toBe('正在写的');
  });

  it('Retry while the connection is away sends nothing, says so, and keeps the message', async () => {
    const chat = await inChat();
    const cid = await failWhileTyping(chat, '离线时', '正在写的');
    chat.connectionChanged('reconnecting');
    chat.shown.unsent.get(cid)!.actions!.retry!();
    expect(chat.sent.messages).toEqual(['离线时']);
    expect(chat.shown.toasts.at(-1)).toBe(t('hintOffline'));
    expect(chat.shown.unsent.has(cid)).toBe(true);
  });

  it('Discard takes it away, and the focus goes to the input', async () => {
    const chat = await inChat();
    const cid = await failWhileTyping(chat, '不要了', '正在写的');
    chat.shown.unsent.get(cid)!.actions!.discard();
    expect(chat.shown.unsent.size).toBe(0);
    expect(chat.views.messages.hasUnsent()).toBe(false);
    expect(chat.focus.always).toBe(1);
    expect(chat.sent.messages).toEqual(['不要了']);
    expect(chat.views.composer.text()).toBe('正在写的');
  });

  it('one refused for its content has no Retry; Edit takes it into the input only when the input is empty', async () => {
    const chat = await inChat();
    const cid = await failWhileTyping(chat, '违规的话', '正在写的', 'BLOCKED_CONTENT');
    const unsent = chat.shown.unsent.get(cid)!;
    expect(unsent.reason).toBe('blocked');
    expect(unsent.actions!.retry).toBeUndefined();
    // Never over what is being written: it says to send or clear it first, and both stay.
    unsent.actions!.edit!();
    expect(chat.views.composer.text()).toBe('正在写的');
    expect(chat.shown.unsent.has(cid)).toBe(true);
    expect(chat.shown.toasts.at(-1)).toBe(t('unsentClearFirst'));
    chat.typeText('');
    unsent.actions!.edit!();
    expect(chat.views.composer.text()).toBe('违规的话');
    expect(chat.shown.unsent.size).toBe(0);
    // Taken back to be edited, it is not sent as it is by Enter: a fresh send would get a new cid.
    expect(chat.sent.messages).toEqual(['违规的话']);
  });

  it('Edit takes one refused for now into the empty input: sent unchanged it keeps its cid, changed it gets a new one', async () => {
    const chat = await inChat();
    const cid = await failWhileTyping(chat, '太快了', '下一句');
    chat.typeText('');
    chat.shown.unsent.get(cid)!.actions!.edit!();
    expect(chat.views.composer.text()).toBe('太快了');
    expect(chat.shown.unsent.size).toBe(0);
    expect(chat.focus.always).toBe(1);
    chat.answers.send = deferred<Result<SendMessageResult>>();
    chat.flow.send('太快了');
    // The same message: a send that did reach the server is not stored twice.
    expect(chat.sent.cids).toEqual([cid, cid]);

    const other = await failWhileTyping(chat, '再来', '写着');
    chat.typeText('');
    chat.shown.unsent.get(other)!.actions!.edit!();
    chat.answers.send = deferred<Result<SendMessageResult>>();
    chat.typeText('再来一句');
    chat.flow.send('再来一句');
    expect(chat.sent.cids.at(-1)).not.toBe(other);
    expect(chat.sent.messages.at(-1)).toBe('再来一句');
  });

  it('the chat ending takes the buttons away; the message stays marked not sent', async () => {
    const chat = await inChat();
    const cid = await failWhileTyping(chat, '太晚了', '正在写的');
    partnerLeft(chat);
    expect(chat.shown.unsent.get(cid)).toMatchObject({ content: '太晚了', actions: null });
    expect(chat.views.messages.hasUnsent()).toBe(false);
  });

  it('a send that fails after the chat has ended is kept marked not sent, without buttons, even with the input empty', async () => {
    const chat = await inChat();
    const cid = sendNow(chat, '最后的话');
    partnerLeft(chat);
    chat.answers.send.resolve({ ok: false, code: 'TIMEOUT', message: '' });
    await flush();
    expect(chat.views.composer.text()).toBe('');
    expect(chat.shown.unsent.get(cid)).toMatchObject({ content: '最后的话', reason: 'failed', actions: null });
  });

  it('one the server refuses as the chat is over (NOT_IN_CHAT) stays in view marked not sent, without buttons, and the chat ends', async () => {
    const chat = await inChat();
    const cid = sendNow(chat, '你还在吗');
    chat.answers.send.resolve({ ok: false, code: 'NOT_IN_CHAT', message: '' });
    await flush();
    expect(chat.shown.pending.size).toBe(0);
    expect(chat.shown.unsent.get(cid)).toMatchObject({ content: '你还在吗', reason: 'failed', actions: null });
    expect(chat.views.endedBar.hidden).toBe(false);
  });

  it('Retry before the server’s wait is over says how long, sends nothing and keeps it; after the wait it sends', async () => {
    const chat = await inChat();
    const cid = sendNow(chat, '慢一点');
    chat.typeText('正在写的');
    chat.answers.send.resolve({ ok: false, code: 'RATE_LIMITED', message: '', retry_after_ms: 5_000 });
    await flush();
    const retry = chat.shown.unsent.get(cid)!.actions!.retry!;
    retry();
    expect(chat.sent.messages).toEqual(['慢一点']);
    expect(chat.shown.toasts.at(-1)).toBe(errorText({ code: 'RATE_LIMITED', message: '', retry_after_ms: 5_000 }));
    expect(chat.shown.unsent.has(cid)).toBe(true);
    const later = Date.now() + 5_001;
    const clock = vi.spyOn(Date, 'now').mockReturnValue(later);
    try {
      chat.answers.send = deferred<Result<SendMessageResult>>();
      retry();
      expect(chat.sent.cids).toEqual([cid, cid]);
    } finally {
      clock.mockRestore();
    }
  });

  it('refused for now (the flood limit) with the input empty, it stays in the list, not given back: what is typed next lands in an empty input, and waits out the same wait', async () => {
    const chat = await inChat();
    const cid = sendNow(chat, '太快了');
    chat.answers.send.resolve({ ok: false, code: 'RATE_LIMITED', message: '', retry_after_ms: 3_000 });
    await flush();
    expect(chat.views.composer.text()).toBe('');
    expect(chat.shown.unsent.get(cid)).toMatchObject({ content: '太快了', reason: 'failed' });
    expect(typeof chat.shown.unsent.get(cid)!.actions!.retry).toBe('function');
    // The next keystrokes start a message of their own (given back, they were written onto its end).
    chat.typeText('下一句');
    expect(chat.views.composer.text()).toBe('下一句');
    chat.flow.send('下一句');
    expect(chat.sent.messages).toEqual(['太快了']);
    expect(chat.views.composer.text()).toBe('下一句');
    expect(chat.shown.toasts.at(-1)).toMatch(/3/);
  });

  it('a burst refused for now stays in the list in the order written, each with Retry; a busy server the same', async () => {
    const chat = await inChat();
    const answers = [deferred<Result<SendMessageResult>>(), deferred<Result<SendMessageResult>>(), deferred<Result<SendMessageResult>>()];
    const cids: string[] = [];
    for (const [i, text] of ['一', '二', '三'].entries()) {
      chat.answers.send = answers[i]!;
      cids.push(sendNow(chat, text));
    }
    answers[0]!.resolve({ ok: false, code: 'RATE_LIMITED', message: '', retry_after_ms: 2_000 });
    answers[1]!.resolve({ ok: false, code: 'RATE_LIMITED', message: '', retry_after_ms: 1_500 });
    answers[2]!.resolve({ ok: false, code: 'SERVER_BUSY', message: '' });
    await flush();
    expect(chat.views.composer.text()).toBe('');
    expect([...chat.shown.unsent.keys()]).toEqual(cids);
    expect([...chat.shown.unsent.values()].map((unsent) => unsent.content)).toEqual(['一', '二', '三']);
    for (const cid of cids) expect(typeof chat.shown.unsent.get(cid)!.actions!.retry).toBe('function');
  });

  it('a send that failed otherwise (a lost connection’s timeout) into an empty input is still given back, with its cid', async () => {
    const chat = await inChat();
    const cid = sendNow(chat, '超时了');
    chat.answers.send.resolve({ ok: false, code: 'TIMEOUT', message: '' });
    await flush();
    expect(chat.views.composer.text()).toBe('超时了');
    expect(chat.shown.unsent.has(cid)).toBe(false);
    chat.answers.send = deferred<Result<SendMessageResult>>();
    chat.flow.send('超时了');
    expect(chat.sent.cids).toEqual([cid, cid]);
  });

  it('another text, or Retry of another unsent message, waits out the same wait: the limit is the identity’s', async () => {
    const chat = await inChat();
    const first = await failWhileTyping(chat, '第一句', '第二句');
    chat.answers.send = deferred<Result<SendMessageResult>>();
    chat.flow.send('第二句');
    expect(chat.sent.messages).toEqual(['第一句', '第二句']);
    chat.typeText('第三句');
    chat.answers.send.resolve({ ok: false, code: 'RATE_LIMITED', message: '', retry_after_ms: 4_000 });
    await flush();
    chat.flow.send('第三句');
    chat.shown.unsent.get(first)!.actions!.retry!();
    expect(chat.sent.messages).toEqual(['第一句', '第二句']);
    expect(chat.views.composer.text()).toBe('第三句');
    expect(chat.shown.unsent.has(first)).toBe(true);
  });

  it('Retry while muted sends nothing and says so', async () => {
    const chat = await inChat();
    const cid = await failWhileTyping(chat, '被禁言了', '正在写的');
    chat.flow.setRestrictions({ banned: false, muted: true });
    chat.shown.unsent.get(cid)!.actions!.retry!();
    expect(chat.sent.messages).toEqual(['被禁言了']);
    expect(chat.shown.toasts.at(-1)).toBe(errorText({ code: 'MUTED', message: '' }));
    expect(chat.shown.unsent.has(cid)).toBe(true);
  });

  it('NOT_IN_CHAT while the page reconnects keeps it with its buttons: the resume may carry the chat on', async () => {
    const chat = await inChat();
    const cid = sendNow(chat, '断线时');
    chat.connectionChanged('reconnecting');
    chat.answers.send.resolve({ ok: false, code: 'NOT_IN_CHAT', message: '' });
    await flush();
    expect(typeof chat.shown.unsent.get(cid)?.actions?.retry).toBe('function');
    expect(chat.views.messages.hasUnsent()).toBe(true);
  });

  it('a send whose stored message a replay brought before its refusal came is not given back, nor said to have failed', async () => {
    const chat = await inChat();
    const cid = sendNow(chat, '已经存了');
    const message: ChatMessage = { id: 60, room_id: ROOM, sender_id: ME, content: '已经存了', timestamp: AT, cid };
    chat.emit('new_message', message);
    chat.answers.send.resolve({ ok: false, code: 'TIMEOUT', message: '' });
    await flush();
    expect(chat.views.composer.text()).toBe('');
    expect(chat.shown.unsent.size).toBe(0);
    expect(chat.shown.toasts).toEqual([]);
    expect(chat.shown.messages.map((shown) => shown.message.id)).toEqual([60]);
  });
});
