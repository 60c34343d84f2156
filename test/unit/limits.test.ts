import { describe, expect, it } from 'vitest';
import { checkContent } from '../../src/chat/message-rules.js';
import { codePointLength } from '../../src/shared/limits.js';

describe('message length in Unicode code points', () => {
  it('counts a surrogate pair (emoji) once and a lone surrogate once', () => {
    expect(codePointLength('')).toBe(0);
    expect(codePointLength('abc')).toBe(3);
    expect(codePointLength('汉字')).toBe(2);
    expect(codePointLength('😀😀')).toBe(2);
    expect(codePointLength('\ud83d')).toBe(1);
    expect(codePointLength('a\ud83dz')).toBe(3);
  });

  it('accepts 500 and refuses 501 code points; refuses blank content', () => {
    expect(() => checkContent('😀'.repeat(500))).not.toThrow();
    expect(() => checkContent('😀'.repeat(501))).toThrow(expect.objectContaining({ code: 'MESSAGE_TOO_LONG' }));
    expect(() => checkContent(' \u3000\n')).toThrow(expect.objectContaining({ code: 'EMPTY_MESSAGE' }));
    expect(() => checkContent('\u3164\uFFA0\u115F\u1160\u2800\u034F\u200B')).toThrow(expect.objectContaining({ code: 'EMPTY_MESSAGE' }));
    expect(() => checkContent('\u3164a')).not.toThrow();
  });
});
