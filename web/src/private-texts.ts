/** Texts of private rooms and of staying in touch on the chat page, in zh-CN and English. */
import { createTranslator } from '../shared/translator.js';

const zh = {
  privateTitle: '私密房间',
  privateLead: '和认识的人单独聊：创建一个房间并把密钥发给 TA，或输入别人给你的密钥。',
  privateCreate: '创建私密房间',
  privateKeyLabel: '房间密钥',
  privateKeyPlaceholder: '例如 ABCD-EFGH-JKMN-PQRS',
  privateJoin: '用密钥加入',
  privateKeyEmpty: '请先输入密钥',
  privateNotFound: '没有找到这个密钥的房间，请检查后再试',
  privateCreatedTitle: '私密房间已创建',
  privateCreatedLead: '把这个密钥发给你想聊天的人，TA 输入后你们就会进入同一个房间。',
  privateWaitingTitle: '正在等待对方进入房间…',
  privateWaitingLead: '对方输入同一个密钥后，聊天就会开始。房间会一直保留：你也可以先取消，以后用同一个密钥再来。',
  privateWaitingLate: '对方还没有进来，可能已经离开了。你可以继续等待，也可以先取消，稍后用同一个密钥再试。',
  privateAgainLead: '这个私密房间还在：你们两人再次输入这个密钥，就能重新相聚，并看到之前的聊天。',
  privateAgain: '再次进入这个房间',
  privateWaitLost: '连接中断太久，私密房间的等待已结束',
  privateWaitClosed: '这个私密房间已关闭，等待已结束',
  copy: '复制',
  copyKeyLabel: '复制密钥',
  copyLink: '复制链接',
  privateFromLink: '链接里的密钥已填好，按“用密钥加入”进入房间。',
  privateLinkKept: '收到了房间链接：回到开始页时，它的密钥会填好。',
  copied: '已复制',
  copyFailed: '无法复制，请手动选择密钥',
  privateMatched: '你们在私密房间里，只有你们两人能进入',
  earlierDivider: '以上是你们之前的聊天',
  earlierLabel: '之前的聊天',
  keepInTouch: '保持联系',
  keepInTouchAsked: '已请求保持联系',
  keepInTouchNote: '你已请求保持联系。如果对方也点了“保持联系”，你们会收到同一个密钥。',
  contactKeyTitle: '你们可以保持联系了',
  contactKeyLead: '以后在首页的“用密钥加入”输入这个密钥，就能和 TA 在私密房间再次相聚，并看到之前的聊天。密钥只显示这一次，请保存好。',
  contactKeyArrived: '你们都选择了保持联系，密钥已显示在页面顶部',
} as const;

export type PrivateTextKey = keyof typeof zh;

const en: Record<PrivateTextKey, string> = {
  privateTitle: 'Private room',
  privateLead: 'Chat with someone you know: create a room and send them its key, or enter a key you were given.',
  privateCreate: 'Create a private room',
  privateKeyLabel: 'Room key',
  privateKeyPlaceholder: 'e.g. ABCD-EFGH-JKMN-PQRS',
  privateJoin: 'Join with a key',
  privateKeyEmpty: 'Enter a key first',
  privateNotFound: 'No room was found for that key. Check it and try again',
  privateCreatedTitle: 'Your private room is ready',
  privateCreatedLead: 'Send this key to the person you want to chat with; once they enter it, you are both in the room.',
  privateWaitingTitle: 'Waiting for the other person to enter the room…',
  privateWaitingLead: 'The chat starts when the other person enters the same key. The room stays: you can cancel now and come back later with the same key.',
  privateWaitingLate: "The other person hasn't come in yet and may have left. You can keep waiting, or cancel and try again later with the same key.",
  privateAgainLead: 'This private room stays: when you both enter this key again, you meet again with your earlier messages.',
  privateAgain: 'Enter this room again',
  privateWaitLost: 'The connection was lost for too long: the wait in the private room has ended',
  privateWaitClosed: 'This private room is closed: the wait has ended',
  copy: 'Copy',
  copyKeyLabel: 'Copy the key',
  copyLink: 'Copy link',
  privateFromLink: 'The key from the link is filled in: press "Join with a key" to enter the room.',
  privateLinkKept: 'Room link received: its key will be filled in when you are back at the start.',
  copied: 'Copied',
  copyFailed: 'Could not copy: select the key by hand',
  privateMatched: 'You are in a private room that only the two of you can enter',
  earlierDivider: 'Your earlier conversation is above',
  earlierLabel: 'Earlier conversation',
  keepInTouch: 'Keep in touch',
  keepInTouchAsked: 'Asked to keep in touch',
  keepInTouchNote: 'You asked to keep in touch. If the other person asks too, you both get the same key.',
  contactKeyTitle: 'You can keep in touch',
  contactKeyLead: 'Enter this key later under "Join with a key" on the start page to meet again in a private room, with your earlier conversation. It is shown only this once: keep it safe.',
  contactKeyArrived: 'You both chose to keep in touch: the key is at the top of the page',
};

export const privateTexts = createTranslator<PrivateTextKey>({ 'zh-CN': zh, en });

/** Sets an element's text to one of these texts, marked so that `privateTexts.translate` renders it again. */
export function showPrivateText(el: HTMLElement, key: PrivateTextKey): void {
  el.dataset['i18n'] = key;
  el.textContent = privateTexts.t(key);
}
