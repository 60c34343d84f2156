/**
 * The one catalogue of error codes, for sockets (`error {code, message}` and `{ok: false, code, message}`
 * acks) and HTTP (`{error: CODE, message}`, see src/http/error-handler.ts). Clients switch on the code;
 * `message` is for humans and may change. Each code has its HTTP status (`errorStatus`) and its texts
 * (`errorText`).
 */
export const ErrorCode = {
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  NOT_IN_CHAT: 'NOT_IN_CHAT',
  NOT_WAITING: 'NOT_WAITING',
  ALREADY_CHATTING: 'ALREADY_CHATTING',
  MESSAGE_TOO_LONG: 'MESSAGE_TOO_LONG',
  EMPTY_MESSAGE: 'EMPTY_MESSAGE',
  RATE_LIMITED: 'RATE_LIMITED',
  STORAGE_UNAVAILABLE: 'STORAGE_UNAVAILABLE',
  MATCHING_UNAVAILABLE: 'MATCHING_UNAVAILABLE',
  SERVER_BUSY: 'SERVER_BUSY',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  BANNED: 'BANNED',
  MUTED: 'MUTED',
  REPORT_WINDOW_CLOSED: 'REPORT_WINDOW_CLOSED',
  NOT_FOUND: 'NOT_FOUND',
  CHALLENGE_REQUIRED: 'CHALLENGE_REQUIRED',
  BLOCKED_CONTENT: 'BLOCKED_CONTENT',
  RULES_NOT_ACCEPTED: 'RULES_NOT_ACCEPTED',
  KEEP_IN_TOUCH_CLOSED: 'KEEP_IN_TOUCH_CLOSED',
  /** Told to a connection whose chat or wait another connection of the identity took over (`auth.resume`). */
  CONTINUED_ELSEWHERE: 'CONTINUED_ELSEWHERE',
  // HTTP (the admin back office, receipts, identity, metrics).
  /** No (live) admin session, or no metrics token. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  INVALID_PASSWORD: 'INVALID_PASSWORD',
  CROSS_SITE_REQUEST: 'CROSS_SITE_REQUEST',
  PASSWORD_IN_URL: 'PASSWORD_IN_URL',
  /** The request fits, but not what is stored now (a report already decided, a chat still going on). */
  CONFLICT: 'CONFLICT',
  /** A sanction by address, for someone whose network is not stored. */
  NO_NETWORK: 'NO_NETWORK',
  /** An erasure of a conversation under review (an open report). */
  REPORT_OPEN: 'REPORT_OPEN',
  /** A holder's erasure while the partner may still report the chat (`retry_after_ms` / Retry-After: when it may). */
  REPORT_WINDOW_OPEN: 'REPORT_WINDOW_OPEN',
  /** A holder's erasure of a chat whose report against them led to a sanction still in force (its evidence). */
  SANCTION_IN_FORCE: 'SANCTION_IN_FORCE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  // The admin team (roles, 2FA, invitations).
  /** The admin's role does not allow this route. */
  FORBIDDEN: 'FORBIDDEN',
  /** The password was right; the account has 2FA and the login carried no code. */
  TOTP_REQUIRED: 'TOTP_REQUIRED',
  /** A wrong 2FA code: at login, or when turning 2FA on or off. */
  INVALID_TOTP: 'INVALID_TOTP',
  /** A password change whose current password is wrong (not a 401: the session is fine). */
  CURRENT_PASSWORD_WRONG: 'CURRENT_PASSWORD_WRONG',
  /** A change of the team asks for the password again: the session's last proof of it is not recent. */
  PASSWORD_CONFIRMATION_REQUIRED: 'PASSWORD_CONFIRMATION_REQUIRED',
  SESSION_ENDED_WRONG_PASSWORDS: 'SESSION_ENDED_WRONG_PASSWORDS',
  ACCOUNT_DISABLED: 'ACCOUNT_DISABLED',
  /** A change that would leave the team without an enabled owner. */
  LAST_OWNER: 'LAST_OWNER',
  NAME_TAKEN: 'NAME_TAKEN',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The HTTP status each code answers with (sockets carry only the code). */
export const errorStatus: Record<ErrorCode, number> = {
  INVALID_PAYLOAD: 400,
  NOT_IN_CHAT: 409,
  NOT_WAITING: 409,
  ALREADY_CHATTING: 409,
  MESSAGE_TOO_LONG: 400,
  EMPTY_MESSAGE: 400,
  RATE_LIMITED: 429,
  STORAGE_UNAVAILABLE: 503,
  MATCHING_UNAVAILABLE: 503,
  SERVER_BUSY: 503,
  INTERNAL_ERROR: 500,
  BANNED: 403,
  MUTED: 403,
  REPORT_WINDOW_CLOSED: 410,
  NOT_FOUND: 404,
  CHALLENGE_REQUIRED: 403,
  BLOCKED_CONTENT: 422,
  RULES_NOT_ACCEPTED: 403,
  KEEP_IN_TOUCH_CLOSED: 410,
  CONTINUED_ELSEWHERE: 409,
  UNAUTHORIZED: 401,
  INVALID_PASSWORD: 401,
  CROSS_SITE_REQUEST: 403,
  PASSWORD_IN_URL: 400,
  CONFLICT: 409,
  NO_NETWORK: 409,
  REPORT_OPEN: 409,
  REPORT_WINDOW_OPEN: 409,
  SANCTION_IN_FORCE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  FORBIDDEN: 403,
  TOTP_REQUIRED: 401,
  INVALID_TOTP: 400,
  CURRENT_PASSWORD_WRONG: 400,
  PASSWORD_CONFIRMATION_REQUIRED: 403,
  SESSION_ENDED_WRONG_PASSWORDS: 401,
  ACCOUNT_DISABLED: 403,
  LAST_OWNER: 409,
  NAME_TAKEN: 409,
};

/** Languages the UI and the server's human-readable texts come in. zh-CN is the default. */
export type Lang = 'zh-CN' | 'en';
export const DEFAULT_LANG: Lang = 'zh-CN';

export function parseLang(value: unknown): Lang {
  return typeof value === 'string' && value.toLowerCase().startsWith('en') ? 'en' : DEFAULT_LANG;
}

/**
 * Human-readable texts of every code, per language: the one table both the server (event and ack
 * `message`) and the page (its toasts) use.
 */
export const errorText: Record<Lang, Record<ErrorCode, string>> = {
  'zh-CN': {
    INVALID_PAYLOAD: '请求格式无效',
    NOT_IN_CHAT: '你当前不在聊天中',
    NOT_WAITING: '你当前不在等待匹配',
    ALREADY_CHATTING: '你已在另一个窗口中匹配或聊天',
    MESSAGE_TOO_LONG: '消息长度不能超过500字',
    EMPTY_MESSAGE: '消息不能为空',
    RATE_LIMITED: '操作太频繁，请稍后再试',
    STORAGE_UNAVAILABLE: '消息暂时无法保存，请稍后重试',
    MATCHING_UNAVAILABLE: '匹配服务暂时不可用，请稍后重试',
    SERVER_BUSY: '服务器繁忙，请稍后重试',
    INTERNAL_ERROR: '服务器内部错误，请稍后重试',
    BANNED: '你已被禁止使用本服务',
    MUTED: '你已被禁言，暂时不能发消息或开始新的聊天',
    REPORT_WINDOW_CLOSED: '聊天结束太久，已无法举报',
    NOT_FOUND: '找不到这次聊天',
    CHALLENGE_REQUIRED: '请先完成人机验证',
    BLOCKED_CONTENT: '这条消息违反了聊天规则，没有发送',
    RULES_NOT_ACCEPTED: '请先阅读并同意聊天规则',
    KEEP_IN_TOUCH_CLOSED: '聊天结束太久，已无法保持联系',
    CONTINUED_ELSEWHERE: '聊天已在另一个窗口中继续',
    UNAUTHORIZED: '请先登录',
    INVALID_PASSWORD: '密码错误',
    CROSS_SITE_REQUEST: '请求被拒绝：请直接在本站页面上操作',
    PASSWORD_IN_URL: '密码不能放在网址中',
    CONFLICT: '操作与当前状态冲突，请刷新后再试',
    NO_NETWORK: '没有保存此人的网络，请按身份处理',
    REPORT_OPEN: '这次聊天正在安全审核中，暂时不能删除。审核结束后可以再试。',
    REPORT_WINDOW_OPEN: '聊天刚结束，对方还可以举报这次聊天，暂时不能删除。请稍后再试。',
    SANCTION_IN_FORCE: '这次聊天中对你的举报导致了仍在生效的处罚：处罚结束或解除之前，你在其中的消息作为依据保留，不能删除。',
    PAYLOAD_TOO_LARGE: '请求内容太大',
    UNSUPPORTED_MEDIA_TYPE: '不支持的请求格式',
    FORBIDDEN: '你的角色无权执行此操作',
    TOTP_REQUIRED: '请输入身份验证器应用中的 6 位验证码',
    INVALID_TOTP: '验证码错误或已使用',
    CURRENT_PASSWORD_WRONG: '当前密码错误',
    PASSWORD_CONFIRMATION_REQUIRED: '请再次输入你的密码以确认此操作',
    SESSION_ENDED_WRONG_PASSWORDS: '连续三次输错密码，为安全起见已退出登录，请重新登录',
    ACCOUNT_DISABLED: '此管理员账户已被停用',
    LAST_OWNER: '团队中至少要保留一位启用的所有者',
    NAME_TAKEN: '此名称已被使用',
  },
  en: {
    INVALID_PAYLOAD: 'Invalid request',
    NOT_IN_CHAT: 'You are not in a chat',
    NOT_WAITING: 'You are not waiting for a match',
    ALREADY_CHATTING: 'You are already waiting or chatting in another tab',
    MESSAGE_TOO_LONG: 'Messages can be at most 500 characters',
    EMPTY_MESSAGE: 'Message cannot be empty',
    RATE_LIMITED: 'Too many requests, please slow down',
    STORAGE_UNAVAILABLE: 'The message could not be saved, please retry',
    MATCHING_UNAVAILABLE: 'Matching is temporarily unavailable, please retry',
    SERVER_BUSY: 'The server is busy, please retry',
    INTERNAL_ERROR: 'Something went wrong on the server, please retry',
    BANNED: 'You have been banned from this service',
    MUTED: 'You have been muted: no messages or new chats for now',
    REPORT_WINDOW_CLOSED: 'This chat ended too long ago to be reported',
    NOT_FOUND: 'That chat was not found',
    CHALLENGE_REQUIRED: 'Please complete the quick bot check first',
    BLOCKED_CONTENT: 'This message breaks the chat rules and was not sent',
    RULES_NOT_ACCEPTED: 'Please read and accept the chat rules first',
    KEEP_IN_TOUCH_CLOSED: 'This chat ended too long ago to stay in touch',
    CONTINUED_ELSEWHERE: 'This chat continues in another tab or window',
    UNAUTHORIZED: 'Please log in first',
    INVALID_PASSWORD: 'Wrong password',
    CROSS_SITE_REQUEST: 'Request refused: please use this site’s own page',
    PASSWORD_IN_URL: 'A password is never accepted in the URL',
    CONFLICT: 'This conflicts with the current state; reload and try again',
    NO_NETWORK: 'No network is stored for this person: act by identity',
    REPORT_OPEN: 'This chat is under a safety review, so it cannot be erased now. Try again once the review is over.',
    REPORT_WINDOW_OPEN: 'This chat just ended and the other person may still report it, so it cannot be erased yet. Try again shortly.',
    SANCTION_IN_FORCE: 'A report on you in this chat led to a sanction still in force: until it ends or is lifted, your messages in it are kept as its grounds and cannot be erased.',
    PAYLOAD_TOO_LARGE: 'The request is too large',
    UNSUPPORTED_MEDIA_TYPE: 'This request format is not supported',
    FORBIDDEN: 'Your role does not allow this',
    TOTP_REQUIRED: 'Enter the 6-digit code from your authenticator app',
    INVALID_TOTP: 'The code is wrong or was already used',
    CURRENT_PASSWORD_WRONG: 'The current password is wrong',
    PASSWORD_CONFIRMATION_REQUIRED: 'Type your password again to confirm this change',
    SESSION_ENDED_WRONG_PASSWORDS: 'Three wrong passwords in a row: you were logged out to be safe. Log in again',
    ACCOUNT_DISABLED: 'This admin account is disabled',
    LAST_OWNER: 'The team must keep at least one enabled owner',
    NAME_TAKEN: 'This name is already taken',
  },
};

/** Human-readable texts of the non-error events. */
export interface EventTexts {
  waiting: string;
  leftRoom: string;
  /** A wait ended by a mute (`left_room {reason: 'muted'}`). */
  mutedWaitEnded: string;
  partnerLeft: string;
  partnerDisconnected: string;
  partnerConnectionLost: string;
  partnerReconnected: string;
  serverShutdown: string;
}

export const eventText: Record<Lang, EventTexts> = {
  'zh-CN': {
    waiting: '等待匹配中...',
    leftRoom: '你已离开聊天',
    mutedWaitEnded: '你已被禁言，等待已取消',
    partnerLeft: '对方已离开聊天',
    partnerDisconnected: '对方已断开连接',
    partnerConnectionLost: '对方连接中断，等待重连…',
    partnerReconnected: '对方已重新连接',
    serverShutdown: '服务器正在重启，请稍后重新匹配',
  },
  en: {
    waiting: 'Waiting for a match...',
    leftRoom: 'You left the chat',
    mutedWaitEnded: 'You have been muted: your wait was cancelled',
    partnerLeft: 'Your partner left the chat',
    partnerDisconnected: 'Your partner disconnected',
    partnerConnectionLost: 'Your partner lost the connection, waiting for them to come back…',
    partnerReconnected: 'Your partner is back',
    serverShutdown: 'The server is restarting, please match again shortly',
  },
};

/** Texts of `notice` events, per language. */
export interface NoticeTexts {
  pii: string;
  crisis: string;
  masked: string;
}

export const noticeText: Record<Lang, NoticeTexts> = {
  'zh-CN': {
    pii: '不要向陌生人透露联系方式（电话、微信、QQ、邮箱、住址等），保护好自己。',
    crisis: '你并不孤单。如果你正在经历困难，现在就可以联系下面的求助热线，有人愿意倾听。',
    masked: '你的消息中有部分内容违反聊天规则，已被隐藏。',
  },
  en: {
    pii: 'Do not share contact details (phone, e-mail, messaging handles, home address) with strangers. Keep yourself safe.',
    crisis: 'You are not alone. If you are going through a hard time, you can reach one of these lines right now; someone will listen.',
    masked: 'Part of your message breaks the chat rules and was hidden.',
  },
};
