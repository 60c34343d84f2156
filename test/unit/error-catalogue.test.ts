/** The one error catalogue (src/shared/codes.ts): every code has a status and a text in each language. */
import { describe, expect, it } from 'vitest';
import { AppError, httpMessage } from '../../src/errors.js';
import { ErrorCode, errorStatus, errorText, type Lang } from '../../src/shared/codes.js';

const codes = Object.values(ErrorCode);
const langs: Lang[] = ['zh-CN', 'en'];

describe('the error catalogue', () => {
  it.each(codes)('%s has an HTTP error status and a text in zh-CN and English', (code) => {
    expect(errorStatus[code]).toBeGreaterThanOrEqual(400);
    expect(errorStatus[code]).toBeLessThan(600);
    for (const lang of langs) expect(errorText[lang][code]?.trim()).toBeTruthy();
  });

  it('has no entry for a code it does not define (no stale statuses or texts)', () => {
    expect(Object.keys(errorStatus).sort()).toEqual([...codes].sort());
    for (const lang of langs) expect(Object.keys(errorText[lang]).sort()).toEqual([...codes].sort());
  });

  it('names every code as its own value, in UPPER_SNAKE', () => {
    for (const [name, value] of Object.entries(ErrorCode)) {
      expect(value).toBe(name);
      expect(value).toMatch(/^[A-Z]+(_[A-Z]+)*$/);
    }
  });

  it('speaks to the person as 你, never 您', () => {
    for (const text of Object.values(errorText['zh-CN'])) expect(text).not.toContain('您');
  });

  it('an HTTP message is the detail when one is given, else the catalogue text in the language asked', () => {
    expect(httpMessage(new AppError(ErrorCode.CONFLICT, { detail: 'Report 7 is already dismissed' }), 'zh-CN')).toBe('Report 7 is already dismissed');
    // A detail in both languages: the one asked for; the error's own message (logs) is the English one.
    const both = new AppError(ErrorCode.CONFLICT, { detail: { 'zh-CN': '举报 7 已被驳回', en: 'Report 7 is already dismissed' } });
    expect(httpMessage(both, 'zh-CN')).toBe('举报 7 已被驳回');
    expect(httpMessage(both, 'en')).toBe('Report 7 is already dismissed');
    expect(both.message).toBe('Report 7 is already dismissed');
    expect(httpMessage(new AppError(ErrorCode.NOT_FOUND), 'zh-CN')).toBe(errorText['zh-CN'].NOT_FOUND);
    expect(httpMessage(new AppError(ErrorCode.NOT_FOUND), 'en')).toBe(errorText.en.NOT_FOUND);
    expect(new AppError(ErrorCode.REPORT_OPEN).status).toBe(409);
  });
});
