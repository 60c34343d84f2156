/**
 * A sanction's reason on the page (web/src/report-reasons.ts): the codes the server tells — a report reason,
 * `rule_breaks` for an automatic sanction — are page texts (re-rendered on a language switch), anything else
 * is the moderator's own words, shown as written. Fake elements: no DOM needed.
 */
import { describe, expect, it } from 'vitest';
import { AUTOMATIC_SANCTION_REASON } from '../../src/shared/protocol.js';
import { t } from '../../web/src/i18n.js';
import { showReason } from '../../web/src/report-reasons.js';

const fakeElement = () => ({ dataset: {} as Record<string, string>, textContent: '' }) as unknown as HTMLElement;

describe('a sanction’s reason on the page', () => {
  it('names an automatic sanction’s code in the page’s language, as the server sends it', () => {
    const el = fakeElement();
    showReason(el, AUTOMATIC_SANCTION_REASON);
    expect(el.dataset['i18n']).toBe('reasonRuleBreaks');
    expect(el.textContent).toBe(t('reasonRuleBreaks'));
    expect(el.textContent).not.toContain('rule_breaks');
  });

  it('names a report reason, and shows a moderator’s words as written', () => {
    const reason = fakeElement();
    showReason(reason, 'harassment');
    expect(reason.dataset['i18n']).toBe('reasonHarassment');
    const words = fakeElement();
    showReason(words, '辱骂他人');
    expect(words.textContent).toBe('辱骂他人');
    expect(words.dataset['i18n']).toBeUndefined();
  });
});
