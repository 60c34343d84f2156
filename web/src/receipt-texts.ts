/** Texts of the receipt note on the chat page, in zh-CN and English (the page's language choice applies). */
import { createTranslator } from '../shared/translator.js';

const zh = {
  receiptLabel: '本次聊天的回执码',
  lastReceiptLabel: '上次聊天的回执码',
  receiptCopy: '复制',
  receiptCopied: '已复制',
  receiptCopyFailed: '无法自动复制，请手动选中复制',
  receiptCopyLabel: '复制回执码',
  receiptLink: '下载记录或删除我的消息',
  banMyLink: '查看或删除你的聊天记录',
  receiptAway: '连接中断期间说过的话这里没有显示，可凭回执码在 /my 页面查看。',
  receiptHelp: '凭回执码可以在任何浏览器下载这次聊天的记录，或删除你自己发的消息。请妥善保存，不要发给别人。',
} as const;

export type ReceiptTextKey = keyof typeof zh;

const en: Record<ReceiptTextKey, string> = {
  receiptLabel: 'Receipt code for this chat',
  lastReceiptLabel: 'Receipt code of your last chat',
  receiptCopy: 'Copy',
  receiptCopied: 'Copied',
  receiptCopyFailed: 'Could not copy; select the code and copy it by hand',
  receiptCopyLabel: 'Copy the receipt code',
  receiptLink: 'Download it or erase my messages',
  banMyLink: 'See or erase your chats',
  receiptAway: 'What was said while you were disconnected is not shown here: read it with this code on /my.',
  receiptHelp: 'With this code you can download this chat from any browser, or erase the messages you sent. Keep it safe and do not share it.',
};

export const receiptTexts = createTranslator<ReceiptTextKey>({ 'zh-CN': zh, en });
