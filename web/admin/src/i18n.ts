/**
 * Texts of the admin pages in zh-CN and English, over the site's shared language choice (the browser's
 * language until the visitor picks one; one choice serves the chat page and the admin) and markup
 * translation (web/shared/translator.ts).
 */
import { createTranslator, getLang, loadLang, setLang } from '../../shared/translator.js';

export { getLang, type Lang } from '../../shared/translator.js';

const zh = {
  title: '管理后台',
  loginTitle: '管理员登录',
  password: '密码',
  login: '登录',
  loggingIn: '正在登录…',
  wrongPassword: '密码错误',
  tooManyAttempts: '尝试次数过多，请 {n} 秒后再试',
  loginFailed: '登录失败，请稍后再试',
  logout: '退出登录',
  tabDashboard: '概览',
  tabRooms: '会话',
  tabAudit: '审计日志',
  totalRooms: '总房间数',
  totalMessages: '总消息数',
  activeRooms: '活跃房间',
  onlineNow: '当前在线',
  waitingNow: '正在等待',
  messages24h: '24 小时消息',
  perHour: '近 7 天每小时消息数',
  updatedAt: '更新于 {n}',
  from: '开始时间（起）',
  to: '开始时间（止）',
  userId: '用户ID',
  status: '状态',
  statusAny: '全部',
  statusActive: '活跃',
  statusClosed: '已结束',
  searchText: '消息内容包含',
  search: '搜索',
  reset: '重置',
  exportCsv: '导出 CSV',
  exportJson: '导出 JSON',
  roomId: '房间ID',
  user1: '用户1',
  user2: '用户2',
  startedAt: '开始时间',
  endedAt: '结束时间',
  messageCount: '消息数',
  firstPage: '第一页',
  previousPage: '上一页',
  nextPage: '下一页',
  noRooms: '没有符合条件的会话',
  back: '返回列表',
  conversation: '会话 #{n}',
  noMessages: '这个会话没有消息',
  moreMessages: '加载更多消息',
  time: '时间',
  action: '操作',
  clientAddress: '客户端地址',
  detail: '详情',
  noAudit: '暂无记录',
  action_login_success: '登录成功',
  action_login_failure: '登录失败',
  action_logout: '退出登录',
  action_view_room: '查看会话',
  action_export: '导出',
  loadFailed: '加载失败：{n}',
  sessionExpired: '登录已过期，请重新登录',
} as const;

export type TextKey = keyof typeof zh;

const en: Record<TextKey, string> = {
  title: 'Admin',
  loginTitle: 'Admin login',
  password: 'Password',
  login: 'Log in',
  loggingIn: 'Logging in…',
  wrongPassword: 'Wrong password',
  tooManyAttempts: 'Too many attempts; try again in {n} s',
  loginFailed: 'Login failed; please try again later',
  logout: 'Log out',
  tabDashboard: 'Dashboard',
  tabRooms: 'Conversations',
  tabAudit: 'Audit log',
  totalRooms: 'Total rooms',
  totalMessages: 'Total messages',
  activeRooms: 'Active rooms',
  onlineNow: 'Online now',
  waitingNow: 'Waiting now',
  messages24h: 'Messages, last 24 h',
  perHour: 'Messages per hour, last 7 days',
  updatedAt: 'Updated {n}',
  from: 'Started from',
  to: 'Started before',
  userId: 'User ID',
  status: 'Status',
  statusAny: 'Any',
  statusActive: 'Active',
  statusClosed: 'Ended',
  searchText: 'Message contains',
  search: 'Search',
  reset: 'Reset',
  exportCsv: 'Export CSV',
  exportJson: 'Export JSON',
  roomId: 'Room ID',
  user1: 'User 1',
  user2: 'User 2',
  startedAt: 'Started',
  endedAt: 'Ended',
  messageCount: 'Messages',
  firstPage: 'First page',
  previousPage: 'Previous page',
  nextPage: 'Next page',
  noRooms: 'No conversations match',
  back: 'Back to the list',
  conversation: 'Conversation #{n}',
  noMessages: 'This conversation has no messages',
  moreMessages: 'Load more messages',
  time: 'Time',
  action: 'Action',
  clientAddress: 'Client address',
  detail: 'Detail',
  noAudit: 'Nothing recorded yet',
  action_login_success: 'Login',
  action_login_failure: 'Failed login',
  action_logout: 'Logout',
  action_view_room: 'Viewed conversation',
  action_export: 'Export',
  loadFailed: 'Loading failed: {n}',
  sessionExpired: 'Your session has ended; please log in again',
};

const translator = createTranslator<TextKey>({ 'zh-CN': zh, en });
export const { isTextKey, t } = translator;

/** Applies the language to the document and its static markup. */
export function translate(root: ParentNode = document): void {
  document.documentElement.lang = getLang();
  translator.translate(root);
}

/** Wires a `<select>` of languages: shows the current one and re-translates on change. */
export function bindLangSwitch(select: HTMLSelectElement, onChange: () => void = () => undefined): void {
  select.value = loadLang();
  translate();
  select.addEventListener('change', () => {
    setLang(select.value === 'en' ? 'en' : 'zh-CN');
    translate();
    onChange();
  });
}
