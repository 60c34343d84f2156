/** The rules' text says the minimum age in force wherever it writes `{min_age}` (the built-in rules and a RULES_FILE alike). */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, rulesText, type Rules } from '../../src/door/rules.js';

describe('rulesText', () => {
  it('puts the configured minimum age in the built-in rules, in both languages', () => {
    expect(rulesText(DEFAULT_RULES, 'zh-CN', 21)).toContain('1. 你必须年满 21 岁才能使用本服务。');
    expect(rulesText(DEFAULT_RULES, 'en', 16)).toContain('1. You must be at least 16 years old to use this service.');
    expect(rulesText(DEFAULT_RULES, 'en', 16)).not.toContain('{min_age}');
  });

  it("replaces every {min_age} of an operator's text and leaves other braces alone", () => {
    const rules: Rules = { version: 'v2', text: { 'zh-CN': '{min_age} 岁以上；未满 {min_age} 岁请离开 {x}', en: 'none' } };
    expect(rulesText(rules, 'zh-CN', 18)).toBe('18 岁以上；未满 18 岁请离开 {x}');
    expect(rulesText(rules, 'en', 18)).toBe('none');
  });
});
