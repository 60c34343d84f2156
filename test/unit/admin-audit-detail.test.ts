/**
 * An audit entry's detail in the admin (web/admin/src/audit-detail.ts): a short "key: value" list in the
 * admin's language instead of raw JSON — known keys and codes named, ids marked, durations in words — and
 * whatever the page does not know shown as recorded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { auditDetailItems, pairText } from '../../web/admin/src/audit-detail.js';
import { setLang } from '../../web/shared/translator.js';

afterEach(() => setLang('zh-CN'));

const lines = (detail: Record<string, unknown>) => auditDetailItems(detail).map(({ label, value }) => pairText(label, value));

describe('an audit entry’s detail', () => {
  const support = { report_id: 12, room_id: 5, reported_id: 'abcd1234efgh', action: 'support', note: null, sanction_id: null };

  it('reads as key: value lines in zh-CN', () => {
    setLang('zh-CN');
    expect(lines(support)).toEqual(['举报：#12', '会话：#5', '被举报人：abcd1234efgh', '处理方式：提供帮助资源', '说明：—', '处罚：—']);
    expect(lines({ room_id: 5, report_id: 12 })).toEqual(['举报：#12', '会话：#5']);
  });

  it("a sanction's reason is the moderator's own words, shown as written even when it reads like a code", () => {
    setLang('en');
    expect(lines({ sanction_id: 3, reason: 'password' })).toContain('Reason: wrong password');
    const issued = auditDetailItems({ sanction_id: 3, kind: 'muted', reason: 'password' }, 'sanction_create').map(({ label, value }) => pairText(label, value));
    expect(issued).toContain('Reason: password');
  });

  it("names this session's new details: sessions ended, wrong passwords in a row, a reset by ADMIN_PASSWORD and its cause", () => {
    setLang('en');
    expect(lines({ admin_id: 4, name: 'frank', sessions_ended: 2 })).toContain('Sessions ended: 2');
    expect(lines({ wrong_passwords: 3 })).toEqual(['Wrong passwords in a row: 3']);
    expect(lines({ cause: 'changed', sessions_ended: 1, bootstrap_restored: true })).toEqual([
      'Cause: ADMIN_PASSWORD changed',
      'Sessions ended: 1',
      'Bootstrap owner restored (enabled, 2FA off): yes',
    ]);
    setLang('zh-CN');
    expect(lines({ cause: 'generated' })).toEqual(['原因：ADMIN_PASSWORD 已取消，生成了新密码']);
  });

  it('reads as key: value lines in English', () => {
    setLang('en');
    expect(lines(support)).toEqual(['Report: #12', 'Conversation: #5', 'Reported: abcd1234efgh', 'Action: Offer support', 'Note: —', 'Sanction: —']);
  });

  it('names sanctions, scopes and durations, a ban without one as permanent, a warning without one as the default', () => {
    setLang('zh-CN');
    expect(lines({ action: 'ban', scope: 'both', duration_s: 604_800 })).toEqual(['处理方式：封禁', '范围：身份和网络', '期限：7 天']);
    expect(lines({ action: 'ban', scope: 'identity', duration_s: null })).toContain('期限：永久');
    expect(lines({ action: 'warn', scope: 'identity', duration_s: null })).toContain('期限：默认（24 小时）');
    setLang('en');
    expect(lines({ user_id: 'u1', kind: 'muted', duration_s: 5_400, strikes: 2, source: 'policy', sanction_id: 3 })).toEqual([
      'User: u1',
      'Kind: Mute',
      'Duration: 90 min',
      'Strikes: 2',
      'Source: content policy',
      'Sanction: #3',
    ]);
  });

  it('puts a nested record or a list on one line, and says yes and no', () => {
    setLang('en');
    expect(lines({ format: 'csv', filters: { user: 'u1', status: 'closed' }, pseudonymized: true })).toEqual([
      'Format: csv',
      'Filters: User: u1, Status: ended',
      'Pseudonyms: yes',
    ]);
    expect(lines({ filters: {} })).toEqual(['Filters: —']);
    expect(lines({ forced_rooms: [{ room_id: 4, open_reports: 1 }, { room_id: 9, open_reports: 2 }] })).toEqual([
      'Forced conversations: (Conversation: #4, Open reports: 1), (Conversation: #9, Open reports: 2)',
    ]);
    setLang('zh-CN');
    expect(lines({ who: 'admin', why: 'self-service erasure', disabled: false })).toEqual(['删除者：管理员', '原因：用户凭回执自行删除', '已停用：否']);
    expect(lines({ skipped: [{ room_id: 7, reason: 'report_open' }] })).toEqual(['未删除：（会话：#7、原因：有待处理的举报）']);
  });

  it('shows a key or a value it does not know as recorded, and an admin’s own words as written', () => {
    setLang('zh-CN');
    expect(lines({ mystery_key: 'mystery value', action: 'obliterate', reason: '辱骂他人', why: '用户申请删除' })).toEqual([
      '处理方式：obliterate',
      '原因：辱骂他人',
      '原因：用户申请删除',
      'mystery_key：mystery value',
    ]);
    expect(lines({})).toEqual([]);
  });

  it('shows what an entry is about first, whatever order the database kept the keys in', () => {
    setLang('en');
    expect(lines({ room_id: 5, report_id: 12 })).toEqual(['Report: #12', 'Conversation: #5']);
    expect(lines({ source: 'report', kind: 'warning', strikes: 1, user_id: 'u1', extra: 1, report_id: null, sanction_id: 2 })).toEqual([
      'Report: —',
      'User: u1',
      'Kind: Warning',
      'Strikes: 1',
      'Source: report',
      'Sanction: #2',
      'extra: 1',
    ]);
  });
});
