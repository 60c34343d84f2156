/** Texts of the bot-check panel in zh-CN and English (the page's language choice applies). */
import { createTranslator } from '../shared/translator.js';

const zh = {
  challengeTitle: '先确认你不是机器人',
  challengeLead: '为防止机器人滥用，你的设备需要先做一小段计算（约一秒）。不收集个人信息，也不连接任何第三方。',
  challengeLoadFailed: '验证组件加载失败，请检查网络后重试',
  challengeFailed: '验证没有完成（可能是网络中断）。请点击“重试”；网络恢复后也会自动重试。',
  challengeInsecure: '此页面未通过 HTTPS 打开，浏览器无法完成验证。请使用 https:// 地址访问。',
  challengeNoWorker: '这个浏览器不能在后台计算（不支持 Web Worker，或被设置关闭了），无法完成验证。请换一个浏览器，或关闭阻止它的设置或扩展。',
  challengeExpired: '验证已过期（用时太长）。请点击“重试”。',
  challengeRetry: '重试',
  challengeLater: '稍后再说',
  challengeStatus: '人机验证中…',
} as const;

export type ChallengeTextKey = keyof typeof zh;

const en: Record<ChallengeTextKey, string> = {
  challengeTitle: 'A quick check that you are not a bot',
  challengeLead: 'To keep bots out, your device does a short calculation first (about a second). Nothing personal is collected and no third party is contacted.',
  challengeLoadFailed: 'The check could not be loaded. Check your connection and retry',
  challengeFailed: 'The check did not complete (perhaps the connection dropped). Press Retry; it also retries by itself once you are back online.',
  challengeInsecure: 'This page was not opened over HTTPS, so the browser cannot run the check. Please use the https:// address.',
  challengeNoWorker: 'This browser cannot calculate in the background (no Web Workers, or they are turned off), so it cannot do the check. Please use another browser, or turn off the setting or extension that blocks them.',
  challengeExpired: 'The check expired (it took too long). Press Retry.',
  challengeRetry: 'Retry',
  challengeLater: 'Not now',
  challengeStatus: 'Bot check…',
};

export const challengeTexts = createTranslator<ChallengeTextKey>({ 'zh-CN': zh, en });
