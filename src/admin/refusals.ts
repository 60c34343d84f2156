/**
 * What the admin API says when it refuses something an admin asked for in a form, in both languages the
 * back office comes in: the page sends its own language (`Accept-Language`), so a Chinese page says
 * "用户 … 从未参与过聊天", not the English sentence (src/errors.ts, `LocalizedText`). Validation messages of
 * the JSON schemas stay English: they are for API clients, and the pages check their fields themselves.
 */
import type { LocalizedText } from '../errors.js';

const DECIDED_ZH: Record<string, string> = { actioned: '处理', dismissed: '驳回' };

export const refusals = {
  noReport: (id: number): LocalizedText => ({ 'zh-CN': `没有编号为 ${id} 的举报`, en: `No report ${id}` }),
  reportDecided: (id: number, status: string): LocalizedText => ({
    'zh-CN': DECIDED_ZH[status] === undefined ? `举报 ${id} 的状态已是 ${status}` : `举报 ${id} 已被${DECIDED_ZH[status]}`,
    en: `Report ${id} is already ${status}`,
  }),
  reportMoreUrgent: (id: number): LocalizedText => ({
    'zh-CN': `举报 ${id} 在你打开后变得更紧急了：请重新查看`,
    en: `Report ${id} became more urgent since it was opened: look at it again`,
  }),
  reportDecidedMeanwhile: (id: number): LocalizedText => ({ 'zh-CN': `举报 ${id} 刚刚已由其他人处理`, en: `Report ${id} was decided meanwhile` }),
  noNetworkInRoom: (userId: string, roomId: number): LocalizedText => ({
    'zh-CN': `没有保存 ${userId} 在聊天 ${roomId} 中的网络：请按身份处罚`,
    en: `No network is stored for ${userId} in room ${roomId}: sanction by identity`,
  }),
  noNetwork: (userId: string): LocalizedText => ({ 'zh-CN': `没有保存 ${userId} 的网络：请按身份处罚`, en: `No network is stored for ${userId}: sanction by identity` }),
  neverInConversation: (userId: string): LocalizedText => ({ 'zh-CN': `用户 ${userId} 从未参与过聊天`, en: `User ${userId} has never been in a conversation` }),
  noSanctionInForce: (id: number): LocalizedText => ({ 'zh-CN': `没有编号为 ${id} 的生效中的处罚`, en: `No sanction ${id} in force` }),
  noConversation: (id: number): LocalizedText => ({ 'zh-CN': `没有编号为 ${id} 的聊天`, en: `No conversation ${id}` }),
  conversationGoingOn: (id: number): LocalizedText => ({ 'zh-CN': `聊天 ${id} 还在进行中`, en: `Conversation ${id} is still going on` }),
  conversationReported: (id: number, open: number): LocalizedText => ({
    'zh-CN': `聊天 ${id} 有 ${open} 个待处理的举报：请先处理，或强制删除`,
    en: `Conversation ${id} has ${open} open report(s): decide them first, or erase with force`,
  }),
  policyStale: (): LocalizedText => ({
    'zh-CN': '内容策略在你加载之后已被修改：请重新加载',
    en: 'The content policy was changed since it was loaded; load it again',
  }),
};
