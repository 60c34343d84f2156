/**
 * The admin page's check of a new content-policy term (web/admin/src/policy-terms.ts): a term the server's
 * matcher could never match is refused, length is counted without cutting, and terms the matcher reads
 * alike are one term — checked against the server's own folding (src/policy/normalize.ts).
 */
import { describe, expect, it } from 'vitest';
import { normalizeTerm } from '../../src/policy/normalize.js';
import { MAX_TERM_CHARS, termKey, termProblem } from '../../web/admin/src/policy-terms.js';

const LISTED = ['sex chat', '约炮', '加微信'];

describe('a new content-policy term', () => {
  it.each(['😀', '***', '---', '😀 !!', '。，！', '\u200b'])('is refused when it has no letter or digit: %j', (term) => {
    expect(termProblem(term, LISTED, 100)).toEqual({ kind: 'noLetter' });
    // The server's folding leaves nothing of it: it could never match a message.
    expect(normalizeTerm(term)).toBe('');
  });

  it.each(['*x*', '7', 'qq号', '😀约'])('is accepted with one letter or digit among symbols: %j', (term) => {
    expect(termProblem(term, LISTED, 100)).toBeUndefined();
  });

  it('is refused when longer than the server takes, counted in characters, however it got in', () => {
    expect(termProblem('a'.repeat(MAX_TERM_CHARS), LISTED, 100)).toBeUndefined();
    expect(termProblem('a'.repeat(MAX_TERM_CHARS + 6), LISTED, 100)).toEqual({ kind: 'tooLong', max: 64 });
    expect(termProblem('词'.repeat(MAX_TERM_CHARS + 1), LISTED, 100)).toEqual({ kind: 'tooLong', max: 64 });
  });

  it.each([
    ['Sex-Chat', 'sex chat'],
    ['sex   chat!', 'sex chat'],
    ['ＳＥＸ．ＣＨＡＴ', 'sex chat'],
    ['约 炮', '约炮'],
    ['加-微-信', '加微信'],
    ['约炮', '约炮'],
  ])('%j is the listed %j again', (term, existing) => {
    expect(termProblem(term, LISTED, 100)).toEqual({ kind: 'duplicate', existing });
    // The matcher reads them alike too.
    expect(normalizeTerm(term)).toBe(normalizeTerm(existing));
  });

  it('keeps terms apart that differ in letters', () => {
    expect(termKey('sex chats')).not.toBe(termKey('sex chat'));
    expect(termProblem('sexy chat', LISTED, 100)).toBeUndefined();
  });

  it('says what is wrong in order: empty, too long, unstorable, no letter, list full, duplicate', () => {
    expect(termProblem('', LISTED, 100)).toEqual({ kind: 'required' });
    expect(termProblem('a\u0000b', LISTED, 100)).toEqual({ kind: 'invalid' });
    expect(termProblem('\ud800x', LISTED, 100)).toEqual({ kind: 'invalid' });
    expect(termProblem('new term', LISTED, 3)).toEqual({ kind: 'tooMany', max: 3 });
  });
});
