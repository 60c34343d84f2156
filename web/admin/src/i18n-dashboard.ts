/**
 * Texts of the admin's dashboard in zh-CN and English: the figures, the retention card and the charts.
 * Merged into the admin pages' one table in i18n.ts, so `t()` and the language switch serve them like
 * every other text.
 */
export const dashboardZh = {
  totalRooms: '总房间数',
  totalMessages: '总消息数',
  activeRooms: '活跃房间',
  onlineNow: '当前在线',
  waitingNow: '正在等待',
  messages24h: '24 小时消息',
  perHour: '近 7 天每小时消息数',
  updatedAt: '更新于 {n}',
  openReports: '待处理举报',
  openPriority: '其中优先 {n}',
  activeBans: '生效中的封禁',
  retentionTitle: '数据保留',
  retentionForever: '未设置 RETENTION_DAYS：对话永久保存。',
  retentionDays: '对话结束 {n} 天后删除（有待处理举报的对话保留到处理完）。',
  retentionLastRun: '上次清理',
  retentionRemoved: '删除',
  retentionNextRun: '下次清理',
  retentionNever: '尚未运行',
  retentionRemovedCounts: '{rooms} 个对话，{messages} 条消息',
  retentionRunFailed: '失败：{error}',
  retentionFailing: '清理已超过两个周期没有成功运行，请查看服务器日志。',
  reportsPerDay: '近 7 天每日举报数',
} as const;

export type DashboardTextKey = keyof typeof dashboardZh;

export const dashboardEn: Record<DashboardTextKey, string> = {
  totalRooms: 'Total rooms',
  totalMessages: 'Total messages',
  activeRooms: 'Active rooms',
  onlineNow: 'Online now',
  waitingNow: 'Waiting now',
  messages24h: 'Messages, last 24 h',
  perHour: 'Messages per hour, last 7 days',
  updatedAt: 'Updated {n}',
  openReports: 'Open reports',
  openPriority: '{n} priority',
  activeBans: 'Bans in force',
  retentionTitle: 'Data retention',
  retentionForever: 'RETENTION_DAYS is not set: conversations are kept forever.',
  retentionDays: 'Conversations are removed {n} days after they end (one with an open report is kept until it is decided).',
  retentionLastRun: 'Last purge',
  retentionRemoved: 'Removed',
  retentionNextRun: 'Next purge',
  retentionNever: 'Not run yet',
  retentionRemovedCounts: '{rooms} conversations, {messages} messages',
  retentionRunFailed: 'failed: {error}',
  retentionFailing: 'The purge has not succeeded for two intervals: see the server log.',
  reportsPerDay: 'Reports per day, last 7 days',
};
