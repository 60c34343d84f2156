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
  /** The colon is the language's own (full-width in Chinese), written with the label. */
  yourId: '你的 ID：',
  start: '开始匹配',
  hint: '请文明聊天，不要透露个人隐私信息',
  privacyTitle: '隐私说明：我们保存什么、保存多久',
  privacyLoadFailed: '隐私说明暂时无法加载，请稍后再打开。',
  myChatsLink: '我的聊天记录：下载或删除',
  searching: '正在为你寻找聊天对象…',
  waitingCount: '另有 {n} 人在等待',
  // Chinese has no plural: the same text as for any other count (see countKey).
  waitingCountOne: '另有 {n} 人在等待',
  newIdentity: '换个身份',
  newIdentityDone: '已换成新的身份：本浏览器不再使用之前的身份',
  newIdentityTitle: '换个身份？',
  newIdentityText: '换身份后，本浏览器的“我的聊天记录”不再列出之前的聊天：以后要下载或删除它们，需要它们的回执码。',
  newIdentityMyLink: '先打开“我的聊天记录”记下回执码（新标签页）',
  identityChangedElsewhere: '你在另一个标签页换了新身份，这个页面也已改用新身份',
  identityChanged: '这个页面现在使用一个新的身份（之前的身份已失效）',
  newIdentityFailed: '暂时无法更换身份，请稍后再试',
  newIdentityBusy: '你在另一个标签页中正在聊天或等待：先结束那边，再换身份（刚关闭的标签页要几秒后才结束）',
  newIdentitySanctioned: '禁言或封禁期间不能换身份：处罚结束后才可以',
  cancel: '取消',
  stranger: '陌生人',
  saidByYou: '你说：',
  saidByStranger: '陌生人说：',
  leave: '离开',
  backHome: '返回首页',
  placeholder: '输入消息…',
  send: '发送',
  messagesLabel: '聊天消息',
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
  continuedElsewhere: '聊天已在另一个窗口中继续',
  hintOffline: '连接已中断，正在重新连接…恢复后即可继续发送',
  hintSending: '发送中…',
  hintSendFailed: '发送失败，文字已保留，可再次发送',
  hintEndedUnsent: '聊天已结束，输入框里的文字没有发送',
  hintTooLong: '太长了：一条消息最多 {n} 字，删减后才能发送',
  newChat: '新的聊天',
  statusConnecting: '连接中…',
  statusConnected: '已连接',
  statusReconnecting: '重新连接中…',
  statusPaused: '未连接：需要人机验证',
  verifyNow: '现在验证',
  charCount: '已输入字数',
  language: '语言',
  report: '举报',
  block: '屏蔽',
  blocked: '已屏蔽',
  close: '关闭',
  reportTitle: '举报对方',
  reportLead: '对方不会知道你举报了 TA。',
  reportReason: '举报原因',
  reasonSpam: '垃圾信息',
  reasonHarassment: '骚扰',
  reasonSexual: '色情内容',
  reasonMinor: '涉及未成年人',
  reasonHate: '仇恨言论',
  reasonScam: '诈骗',
  reasonSelfHarm: '自残或轻生',
  reasonOther: '其他',
  reasonRuleBreaks: '违反聊天规则（自动处罚：再次违反会更重）',
  reasonSharedNetwork: '这项处罚针对你所在的网络地址：同一地址（学校、公司、手机网络）上有人违反了规则',
  reportNote: '补充说明（可选）',
  reportNoteTooLong: '太长了：说明最多 {n} 字，删减后才能提交',
  reportMessages: '附上对方的消息（可选）',
  reportNoMessages: '对方在这次聊天中还没有发过消息',
  reportSubmit: '提交举报',
  reportPickReason: '请选择举报原因',
  reportDone: '已举报，我们会尽快处理',
  blockTitle: '屏蔽对方？',
  blockLead: '屏蔽后你们将不会再被匹配',
  blockEndsChat: '当前聊天会随即结束。',
  blockDone: '已屏蔽，你们不会再被匹配',
  banTitle: '你已被封禁',
  banBody: '封禁期间不能匹配，也不能发送消息。',
  banBodyForever: '你不能再匹配，也不能发送消息。',
  sanctionReason: '原因：',
  bannedUntil: '封禁至 {n}',
  bannedForever: '封禁期限：永久',
  mutedUntil: '你已被禁言，{n} 前不能发消息或开始新的聊天',
  mutedForever: '你已被永久禁言，不能发消息或开始新的聊天',
  mutedNow: '你已被禁言，暂时不能发消息或开始新的聊天',
  warningTitle: '你收到了一次警告',
  dismiss: '知道了',
  rulesTitle: '聊天规则',
  rulesLoading: '正在加载规则…',
  rulesLoadFailed: '规则加载失败，请检查网络后重试',
  rulesChanged: '规则刚刚更新了，请阅读新的规则后重新勾选',
  rulesAccept: '我已年满 {n} 岁并同意以上规则',
  retry: '重试',
  skipWait: '{n} 秒后可以开始新的匹配',
  piiTitle: '不要向陌生人透露联系方式',
  piiLead: '这条消息里似乎有电话、微信、QQ、邮箱或住址等联系方式。对方是陌生人，透露后可能遭到骚扰或诈骗。',
  piiEdit: '修改',
  piiSendAnyway: '仍然发送',
  hintBlocked: '这条消息没有发送，请修改后再发',
  // One's own message whose send failed, kept in the list (unsent-message.ts).
  unsentFailed: '未发送',
  unsentBlocked: '不符合内容规则，未发送',
  unsentDiscard: '删除',
  unsentEdit: '编辑',
  unsentClearFirst: '输入框里还有文字：先发送或清空它，再编辑这条消息',
  crisisTitle: '有人愿意帮助你',
  partnerTyping: '对方正在输入…',
  reallyLeave: '确定离开？',
  youLeft: '你已离开聊天',
  youBlocked: '你已屏蔽对方，聊天已结束',
  onlineCount: '{n} 人在线（含你）',
  rulesFirst: '先阅读上面的规则并勾选同意，才能开始。',
  newMessageTitle: '新消息',
  save: '保存',
  saveLabel: '保存聊天记录',
  saveTitle: '保存聊天记录',
  saveLead: '记录只保存在你的设备上，时间为 {n}。',
  saveText: '文本文件 (.txt)',
  saveHtml: '网页 (.html)',
  saveEmpty: '还没有消息可以保存',
  transcriptTitle: '匿名聊天室 · 聊天记录',
  transcriptZone: '时间：{n}',
  transcriptReceipt: '回执码: {n}（凭它在“我的聊天记录”页面 /my 查看这段对话或删除你的消息）',
  transcriptMe: '我',
  fileNamePrefix: '匿名聊天',
  settings: '设置',
  theme: '外观',
  themeSystem: '跟随系统',
  themeLight: '浅色',
  themeDark: '深色',
  sound: '页面在后台时，新消息响铃',
} as const;

export type TextKey = keyof typeof zh;

const en: Record<TextKey, string> = {
  appTitle: 'Anonymous Chat',
  tagline: 'Get paired with a random stranger for a 1:1 anonymous chat',
  yourId: 'Your ID: ',
  start: 'Start matching',
  hint: 'Be kind, and do not share personal information',
  privacyTitle: 'Privacy: what we keep and for how long',
  privacyLoadFailed: 'The privacy notice could not be loaded; please open it again later.',
  myChatsLink: 'My chats: download or erase',
  searching: 'Looking for someone to chat with…',
  waitingCount: '{n} other people waiting',
  waitingCountOne: '{n} other person waiting',
  newIdentity: 'New identity',
  newIdentityDone: 'You have a new identity: this browser no longer uses the old one',
  newIdentityTitle: 'Get a new identity?',
  newIdentityText: 'After this, this browser’s “My chats” page no longer lists your earlier chats: to download or erase them later, you will need their receipt codes.',
  newIdentityMyLink: 'Open “My chats” first to note their codes (new tab)',
  identityChangedElsewhere: 'You took a new identity in another tab: this page uses it now too',
  identityChanged: 'This page now uses a new identity (the earlier one no longer applies)',
  newIdentityFailed: 'Could not change identity right now, please try later',
  newIdentityBusy: 'You are chatting or waiting in another tab: end that first, then get a new identity (a tab closed just now ends within seconds)',
  newIdentitySanctioned: 'You cannot change identity while a mute or ban is in force: only once it ends',
  cancel: 'Cancel',
  stranger: 'Stranger',
  saidByYou: 'You said:',
  saidByStranger: 'Stranger said:',
  leave: 'Leave',
  backHome: 'Back to start',
  placeholder: 'Type a message…',
  send: 'Send',
  messagesLabel: 'Messages',
  matched: 'You are matched with someone to chat with. Say hi!',
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
  continuedElsewhere: 'This chat continues in another tab or window',
  hintOffline: 'Connection lost, reconnecting… you can send again once it is back',
  hintSending: 'Sending…',
  hintSendFailed: 'Not sent. Your text is kept: send it again',
  hintEndedUnsent: 'The chat has ended: the text in the box was not sent',
  hintTooLong: 'Too long: a message holds {n} characters at most. Shorten it to send',
  newChat: 'New chat',
  statusConnecting: 'Connecting…',
  statusConnected: 'Connected',
  statusReconnecting: 'Reconnecting…',
  statusPaused: 'Not connected: bot check needed',
  verifyNow: 'Verify now',
  charCount: 'Characters typed',
  language: 'Language',
  report: 'Report',
  block: 'Block',
  blocked: 'Blocked',
  close: 'Close',
  reportTitle: 'Report this person',
  reportLead: 'They will not be told that you reported them.',
  reportReason: 'Reason',
  reasonSpam: 'Spam',
  reasonHarassment: 'Harassment',
  reasonSexual: 'Sexual content',
  reasonMinor: 'Involves a minor',
  reasonHate: 'Hate speech',
  reasonScam: 'Scam or fraud',
  reasonSelfHarm: 'Self-harm or suicide',
  reasonOther: 'Other',
  reasonRuleBreaks: 'Breaking the chat rules (automatic: each further break weighs more)',
  reasonSharedNetwork: 'It is on your network’s address: someone on the same address (a school, an office, a mobile network) broke the rules',
  reportNote: 'Note (optional)',
  reportNoteTooLong: 'Too long: a note holds {n} characters at most. Shorten it to send',
  reportMessages: 'Include their messages (optional)',
  reportNoMessages: 'They have not sent any messages in this chat',
  reportSubmit: 'Send report',
  reportPickReason: 'Please choose a reason',
  reportDone: 'Reported — thank you, we will look into it',
  blockTitle: 'Block this person?',
  blockLead: 'You will never be matched with this person again',
  blockEndsChat: 'This chat ends now.',
  blockDone: 'Blocked — you will not be matched again',
  banTitle: 'You have been banned',
  banBody: 'While the ban lasts you cannot match or send messages.',
  banBodyForever: 'You can no longer match or send messages.',
  sanctionReason: 'Reason: ',
  bannedUntil: 'Banned until {n}',
  bannedForever: 'Banned permanently',
  mutedUntil: 'You are muted: no messages or new chats until {n}',
  mutedForever: 'You are muted permanently: no messages or new chats',
  mutedNow: 'You are muted: no messages or new chats for now',
  warningTitle: 'You have received a warning',
  dismiss: 'Got it',
  rulesTitle: 'Chat rules',
  rulesLoading: 'Loading the rules…',
  rulesLoadFailed: 'The rules could not be loaded. Check your connection and retry',
  rulesChanged: 'The rules have just changed: please read the new ones and tick the box again',
  rulesAccept: 'I am at least {n} and accept these rules',
  retry: 'Retry',
  skipWait: 'You can start a new match in {n} s',
  piiTitle: "Don't share contact details with strangers",
  piiLead: 'This message seems to contain a phone number, e-mail address, messaging handle or street address. The other person is a stranger: sharing them can lead to harassment or scams.',
  piiEdit: 'Edit',
  piiSendAnyway: 'Send anyway',
  hintBlocked: 'Not sent: edit your message before sending it',
  unsentFailed: 'Not sent',
  unsentBlocked: 'Not sent: against the content rules',
  unsentDiscard: 'Discard',
  unsentEdit: 'Edit',
  unsentClearFirst: 'The input holds other text: send or clear it first, then edit this message',
  crisisTitle: 'Someone is there for you',
  partnerTyping: 'Stranger is typing…',
  reallyLeave: 'Really?',
  youLeft: 'You left the chat',
  youBlocked: 'You blocked them; the chat has ended',
  onlineCount: '{n} online, you included',
  rulesFirst: 'Read the rules above and tick the box to start.',
  newMessageTitle: 'New message',
  save: 'Save',
  saveLabel: 'Save the conversation',
  saveTitle: 'Save the conversation',
  saveLead: 'The file stays on your device. Times are {n}.',
  saveText: 'Text file (.txt)',
  saveHtml: 'Web page (.html)',
  saveEmpty: 'No messages to save yet',
  transcriptTitle: 'Anonymous Chat · conversation',
  transcriptZone: 'Times: {n}',
  transcriptReceipt: 'Receipt: {n} (with it, see this chat or erase your messages on the “My chats” page, /my)',
  transcriptMe: 'Me',
  fileNamePrefix: 'anonymous-chat',
  settings: 'Settings',
  theme: 'Appearance',
  themeSystem: 'System',
  themeLight: 'Light',
  themeDark: 'Dark',
  sound: 'Ring for new messages while the page is in the background',
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

/**
 * The text for a count of `n`: `one` for exactly 1, `other` otherwise ("1 other person", "0 other people",
 * "2 other people"). Only English needs it; Chinese gives both keys the same text. The key (not the
 * language's rule) is chosen, so the text shown follows a language switch as it is (`showText`).
 */
export function countKey(n: number, one: TextKey, other: TextKey): TextKey {
  return n === 1 ? one : other;
}

/**
 * Sets an element's text to a text of the page (with `{n}`), marked so that a later language switch
 * re-renders it; `null` shows `raw` as is instead (e.g. a reason a moderator typed).
 */
export function showText(el: HTMLElement, key: TextKey | null, n?: number | string, raw = ''): void {
  if (key === null) {
    delete el.dataset['i18n'];
    delete el.dataset['i18nN'];
    el.textContent = raw;
    return;
  }
  el.dataset['i18n'] = key;
  if (n === undefined) delete el.dataset['i18nN'];
  else el.dataset['i18nN'] = String(n);
  el.textContent = t(key, { n });
}
