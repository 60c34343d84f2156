/**
 * The chat page's texts and error texts in zh-CN and English, over the site's shared language choice and
 * markup translation (web/shared/translator.ts).
 */
import { errorText as serverErrorText, type ErrorCode } from '../../src/shared/codes.js';
import { createTranslator, getLang, type Lang } from '../shared/translator.js';

export { getLang, loadLang, setLang, type Lang } from '../shared/translator.js';

const zh = {
  appTitle: '匿名聊天室',
  tagline: '随机匹配一位陌生人，一对一匿名聊天',
  yourId: '你的ID',
  start: '开始匹配',
  hint: '请文明聊天，不要透露个人隐私信息',
  searching: '正在为你寻找聊天对象…',
  waitingCount: '另有 {n} 人在等待',
  newIdentity: '换个身份',
  newIdentityDone: '已换成新的身份，之前的身份不再与你关联',
  newIdentityFailed: '暂时无法更换身份，请稍后再试',
  cancel: '取消',
  stranger: '陌生人',
  leave: '离开',
  backHome: '返回',
  leaveConfirm: '确定要离开当前聊天吗？',
  placeholder: '输入消息…',
  send: '发送',
  matched: '已匹配到聊天对象，开始聊天吧！',
  partnerLeft: '对方已离开聊天',
  partnerDisconnected: '对方已断开连接',
  partnerConnectionLost: '对方连接中断，等待重连…',
  partnerReconnected: '对方已重新连接',
  graceLeft: '（{n} 秒）',
  reconnected: '已重新连接',
  chatRestored: '已恢复之前的聊天',
  serverShutdown: '服务器正在重启，请稍后重新匹配',
  chatEnded: '聊天已结束',
  chatEndedWhileAway: '连接中断期间聊天已结束',
  hintOffline: '连接已中断，正在重新连接…恢复后即可继续发送',
  hintSending: '发送中…',
  hintSendFailed: '发送失败，文字已保留，可再次发送',
  newChat: '新的聊天',
  statusConnecting: '连接中…',
  statusConnected: '已连接',
  statusReconnecting: '重新连接中…',
  charCount: '已输入字数',
  language: '语言',
} as const;

export type TextKey = keyof typeof zh;

const en: Record<TextKey, string> = {
  appTitle: 'Anonymous Chat',
  tagline: 'Get paired with a random stranger for a 1:1 anonymous chat',
  yourId: 'Your ID',
  start: 'Start matching',
  hint: 'Be kind, and do not share personal information',
  searching: 'Looking for someone to chat with…',
  waitingCount: '{n} other people waiting',
  newIdentity: 'New identity',
  newIdentityDone: 'You have a new identity; the old one is no longer linked to you',
  newIdentityFailed: 'Could not change identity right now, please try later',
  cancel: 'Cancel',
  stranger: 'Stranger',
  leave: 'Leave',
  backHome: 'Back',
  leaveConfirm: 'Leave this chat?',
  placeholder: 'Type a message…',
  send: 'Send',
  matched: 'You are now chatting with a stranger. Say hi!',
  partnerLeft: 'Your partner left the chat',
  partnerDisconnected: 'Your partner disconnected',
  partnerConnectionLost: 'Your partner lost the connection, waiting for them to come back…',
  partnerReconnected: 'Your partner is back',
  graceLeft: ' ({n} s)',
  reconnected: 'Reconnected',
  chatRestored: 'Your chat was restored',
  serverShutdown: 'The server is restarting, please match again shortly',
  chatEnded: 'The chat has ended',
  chatEndedWhileAway: 'The chat ended while you were disconnected',
  hintOffline: 'Connection lost, reconnecting… you can send again once it is back',
  hintSending: 'Sending…',
  hintSendFailed: 'Not sent. Your text is kept: send it again',
  newChat: 'New chat',
  statusConnecting: 'Connecting…',
  statusConnected: 'Connected',
  statusReconnecting: 'Reconnecting…',
  charCount: 'Characters typed',
  language: 'Language',
};

/** Error codes the page itself produces, next to the server's. */
export type ClientErrorCode = ErrorCode | 'TIMEOUT';

/** The page's own codes' texts; the server's codes use the shared table (src/shared/codes.ts). */
const clientErrors: Record<Lang, Record<'TIMEOUT', string>> = {
  'zh-CN': { TIMEOUT: '网络超时，请重试' },
  en: { TIMEOUT: 'The network timed out, please retry' },
};

/** Errors that come with `retry_after_ms`: the same texts saying when to try again. */
type RetryableCode = 'RATE_LIMITED' | 'SERVER_BUSY';
const retryTexts: Record<Lang, Record<RetryableCode, string>> = {
  'zh-CN': {
    RATE_LIMITED: '操作太频繁，请 {n} 秒后再试',
    SERVER_BUSY: '服务器繁忙，请 {n} 秒后重试',
  },
  en: {
    RATE_LIMITED: 'Too many requests, try again in {n} s',
    SERVER_BUSY: 'The server is busy, try again in {n} s',
  },
};

const texts: Record<Lang, Record<TextKey, string>> = { 'zh-CN': zh, en };

export const { isTextKey, t, translate } = createTranslator<TextKey>(texts);

function isServerCode(code: string): code is ErrorCode {
  return Object.hasOwn(serverErrorText['zh-CN'], code);
}

/** What the page gets to describe an error: a code, maybe the server's text and a retry hint. */
export interface ErrorInfo {
  code: string;
  message?: string;
  /** With RATE_LIMITED and SERVER_BUSY: when trying again makes sense. */
  retry_after_ms?: number;
}

/**
 * Localized text of an error; with a retry hint it says in how many seconds (rounded up) to try again.
 * An unknown code shows the server's own message.
 */
export function errorText({ code, message, retry_after_ms: retryAfterMs }: ErrorInfo): string {
  if ((code === 'RATE_LIMITED' || code === 'SERVER_BUSY') && retryAfterMs !== undefined && retryAfterMs > 0) {
    return retryTexts[getLang()][code].replace('{n}', String(Math.ceil(retryAfterMs / 1000)));
  }
  if (code === 'TIMEOUT') return clientErrors[getLang()].TIMEOUT;
  if (isServerCode(code)) return serverErrorText[getLang()][code];
  return message && message.length > 0 ? message : serverErrorText[getLang()].INTERNAL_ERROR;
}
