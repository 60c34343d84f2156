/**
 * The server's own words in the admin, in the admin's language (web/admin/src/system-texts.ts over
 * src/moderation/system-notes.ts): the content policy's report notes and the reasons of automatic sanctions
 * are codes the page names in zh-CN or English — those the server writes now, and rows stored before in
 * the same shapes — while a person's note, a moderator's reason and any text of another shape are shown
 * exactly as written.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { automaticReason, flaggedNote, heldNote, parsePolicyNote, parseSanctionReason } from '../../src/moderation/system-notes.js';
import { SYSTEM_REPORTER } from '../../src/policy/review-queue.js';
import { createdByText, noteExcerptText, policyNoteText, reportNoteText, sanctionReasonText } from '../../web/admin/src/system-texts.js';
import { setLang } from '../../web/shared/translator.js';

afterEach(() => setLang('zh-CN'));

const automatic = (reason: string) => ({ reason, created_by: 'automatic', report_id: null });

describe('the content policy’s report notes', () => {
  it('are written as codes that read back', () => {
    expect(parsePolicyNote(flaggedNote(['term', 'masked']))).toEqual({ code: 'flagged', flags: ['term', 'masked'] });
    expect(parsePolicyNote(heldNote(12))).toEqual({ code: 'held', heldId: 12 });
    expect(parsePolicyNote('他说他十四岁')).toBeUndefined();
  });

  it('read in zh-CN, line by line, as stored before (the same shapes)', () => {
    setLang('zh-CN');
    expect(policyNoteText('policy: term, masked\nrefused message held (#12)\npolicy: crisis')).toBe(
      '内容策略标记：词条、打码词条\n内容策略拦截了一条消息（留存的消息 #12）\n内容策略标记：轻生相关',
    );
  });

  it('read in English', () => {
    setLang('en');
    expect(policyNoteText('policy: pii, link\nrefused message held (#7)')).toBe('Flagged by the content policy: contact details, link\nRefused by the content policy (held message #7)');
  });

  it('keep a finding the page does not know, and a line of no known shape, as written', () => {
    setLang('zh-CN');
    expect(policyNoteText('policy: term, newflag\nsomething else entirely\npolicy:')).toBe('内容策略标记：词条、newflag\nsomething else entirely\npolicy:');
  });

  it('are read only on the content policy’s reports: a person’s note is shown as written, whatever it looks like', () => {
    setLang('zh-CN');
    expect(reportNoteText('policy: crisis', SYSTEM_REPORTER)).toBe('内容策略标记：轻生相关');
    expect(reportNoteText('policy: crisis', 'aaaabbbbcccc')).toBe('policy: crisis');
  });

  it('in the queue’s excerpt, a last line cut short shows as … rather than half a code', () => {
    setLang('en');
    expect(noteExcerptText('policy: crisis\nrefused message held (#3)\npolicy: te…', SYSTEM_REPORTER)).toBe(
      'Flagged by the content policy: self-harm\nRefused by the content policy (held message #3)\n…',
    );
    expect(noteExcerptText('policy: spam', SYSTEM_REPORTER)).toBe('Flagged by the content policy: repeated spam');
    expect(noteExcerptText('policy: te…', 'aaaabbbbcccc')).toBe('policy: te…');
  });
});

describe('a sanction’s reason', () => {
  it('of an automatic sanction reads in the admin’s language, as written now and before', () => {
    expect(automaticReason(3, 30)).toBe('automatic: 3 strikes in 30 days');
    expect(parseSanctionReason(automaticReason(1, 30), { createdBy: 'automatic', reportId: null })).toEqual({ code: 'automatic', strikes: 1, days: 30 });
    setLang('zh-CN');
    expect(sanctionReasonText(automatic('automatic: 3 strikes in 30 days'))).toBe('自动：30 天内违规 3 次');
    setLang('en');
    expect(sanctionReasonText(automatic('automatic: 3 strikes in 30 days'))).toBe('Automatic: 3 strikes in 30 days');
    expect(sanctionReasonText(automatic('automatic: 1 strike in 7 days'))).toBe('Automatic: 1 strike in 7 days');
  });

  it('of a decision without a note names the report’s reason, also in the older "report #N: reason" form', () => {
    setLang('zh-CN');
    expect(sanctionReasonText({ reason: 'harassment', created_by: 'admin', report_id: 4 })).toBe('骚扰');
    expect(sanctionReasonText({ reason: 'report #10: self_harm', created_by: 'mod1', report_id: 10 })).toBe('自残或轻生');
    setLang('en');
    expect(sanctionReasonText({ reason: 'harassment', created_by: 'admin', report_id: 4 })).toBe('Harassment');
  });

  it('that is anyone’s own words is shown as written', () => {
    setLang('zh-CN');
    expect(sanctionReasonText({ reason: '辱骂他人', created_by: 'admin', report_id: 4 })).toBe('辱骂他人');
    // A code-like word typed for a direct sanction (no report) is the moderator's own.
    expect(sanctionReasonText({ reason: 'spam', created_by: 'admin', report_id: null })).toBe('spam');
    // Only the strikes ledger writes the automatic code; an admin's words of that shape are theirs.
    expect(sanctionReasonText({ reason: 'automatic: 3 strikes in 30 days', created_by: 'admin', report_id: null })).toBe('automatic: 3 strikes in 30 days');
    expect(sanctionReasonText(automatic('automatic: too many'))).toBe('automatic: too many');
    expect(sanctionReasonText({ reason: 'report #10: not_a_reason', created_by: 'admin', report_id: 10 })).toBe('report #10: not_a_reason');
  });

  it('issuer: the strikes ledger is named in the admin’s language, an admin by their name', () => {
    setLang('zh-CN');
    expect(createdByText('automatic')).toBe('系统自动');
    setLang('en');
    expect(createdByText('automatic')).toBe('Automatic');
    expect(createdByText('admin')).toBe('admin');
  });
});
