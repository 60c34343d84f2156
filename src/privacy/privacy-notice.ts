/**
 * The privacy notice on the start screen: what is stored, for how long (from `RETENTION_DAYS`), who can
 * read it, and how to get or erase one's conversation. Operators replace the text with a JSON file
 * (`PRIVACY_FILE`: `{"text": {"zh-CN": "...", "en": "..."}}`); `{retention}` in it is replaced by the
 * sentence saying how long conversations are kept, so the notice never contradicts the setting.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Lang } from '../shared/codes.js';

export type NoticeText = Record<Lang, string>;

export const DEFAULT_PRIVACY_NOTICE: NoticeText = {
  'zh-CN': [
    '我们保存什么：你发送的每一条消息和发送时间、对话的开始和结束时间，以及一个随机的匿名身份号；你屏蔽了谁（两个身份号）会一直记着，这样你们不会再被匹配。你的网络地址不保存原样，只保存用服务器密钥算出的散列（没有这个密钥无法还原），用于执行封禁和防止滥用；我们不要求也不保存姓名、电话或账号。',
    '保存多久：{retention}',
    '谁能看到：只有本站的管理员，为了处理举报、维护安全，他们可以查看和导出对话。你的聊天对象只能看到这次对话。',
    '你的权利：每次聊天结束后你会得到一个回执码。在“我的聊天记录”页面凭回执码可以下载这段对话，或删除你自己发送的消息；本浏览器最近 30 天的聊天也列在那里，但换个身份或清除 Cookie 之后就不再列出，请保留回执码。有待处理举报的对话在处理完之前不能删除。',
  ].join('\n'),
  en: [
    'What we store: every message you send and when, when each conversation started and ended, and a random anonymous ID; whom you block (two such IDs) is kept for good, so that you are never matched again. Your network address is never kept as such: only a hash made with the server’s secret key (it cannot be turned back without that key), to enforce bans and stop abuse; we never ask for or keep a name, phone number or account.',
    'How long: {retention}',
    'Who can read it: only this site’s moderators, to handle reports and keep people safe; they can view and export conversations. Your chat partner sees only your conversation.',
    'Your rights: when a chat ends you get a receipt code. On the “My chats” page, with the code, you can download that conversation or erase the messages you sent; this browser’s chats of the last 30 days are listed there too, but no longer after a new identity or clearing cookies, so keep the codes. A conversation with an open report cannot be erased until the report is decided.',
  ].join('\n'),
};

/** The sentence `{retention}` stands for. */
export function retentionSentence(lang: Lang, retentionDays: number | undefined): string {
  if (lang === 'en') {
    return retentionDays === undefined
      ? 'conversations are kept with no time limit.'
      : `conversations are deleted ${retentionDays} ${retentionDays === 1 ? 'day' : 'days'} after they end (one under review is kept until the review is finished).`;
  }
  return retentionDays === undefined ? '对话会一直保存，没有期限。' : `对话在结束 ${retentionDays} 天后删除（正在审核的对话保留到审核结束）。`;
}

const noticeFile = z.strictObject({
  text: z.strictObject({ 'zh-CN': z.string().min(1).max(20_000), en: z.string().min(1).max(20_000) }),
});

/** The notice's text: the operator's file when given, else the default. Throws naming the file's problem. */
export function loadPrivacyNotice(file: string | undefined): NoticeText {
  if (!file) return DEFAULT_PRIVACY_NOTICE;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new Error(`PRIVACY_FILE ${file}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  const parsed = noticeFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`PRIVACY_FILE ${file}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data.text;
}

/** `GET /api/privacy`: the notice in one language, with how long conversations are kept. */
export interface PrivacyView {
  text: string;
  retention_days: number | null;
}

export function privacyView(text: NoticeText, lang: Lang, retentionDays: number | undefined): PrivacyView {
  return { text: text[lang].replaceAll('{retention}', retentionSentence(lang, retentionDays)), retention_days: retentionDays ?? null };
}
