/**
 * Spellings written to get a term past the content policy: digits and symbols for the letters of a Latin
 * word ("s3x chat", "b1tch", "f*ck you"; leet-reading.ts) and stand-ins for a character of a Chinese term
 * (傻13, 约pao; term-variants.ts) — caught, masked on what the sender wrote, and the ordinary text around
 * such spellings ("2023", "room 101", "h3llo", "paolo", "13") left alone. The real policy, no mocks.
 */
import { describe, expect, it } from 'vitest';
import { ContentPolicy, type Verdict } from '../../src/policy/content-policy.js';
import { leetReading, mayHideLetters } from '../../src/policy/leet-reading.js';
import { DEFAULT_POLICY, type PolicyDocument } from '../../src/policy/policy-document.js';

let room = 0;
function policyOf(document: PolicyDocument = DEFAULT_POLICY): (content: string) => Verdict {
  const policy = new ContentPolicy({ repeatRooms: 3, repeatWindowMs: 600_000, now: () => 0 });
  policy.load(document);
  return (content) => policy.evaluate(content, { senderId: `s${++room}`, roomId: room });
}

describe('digits and symbols for letters in a Latin word', () => {
  const check = policyOf();

  it.each([
    ['3 for e', 's3x chat', 'block'],
    ['5 for s', '5ex chat', 'block'],
    ['$ for s', '$ex chat?', 'block'],
    ['4 for a', 'sex ch4t', 'block'],
    ['the same, right after Chinese', '我要s3x chat吗', 'block'],
    ['0 for o', 'fuck y0u', 'mask'],
    ['1 for i', 'b1tch', 'mask'],
    ['7 for t', 'bi7ch', 'mask'],
    ['a star for a letter', 'f*ck you', 'mask'],
    ['two stars for two letters', 'f**k you', 'mask'],
    ['a hash for a letter', 'f#ck you', 'mask'],
    ['@ for a, in a longer term', 'motherfucker'.replace('e', '3').replace('o', '0'), 'mask'],
    ['full-width letters around the digit', 'ｂ1ｔｃｈ', 'mask'],
    ['all full-width, as a Chinese input method types it', 'ｓ３ｘ ｃｈａｔ', 'block'],
  ])('catches %s', (_name, content, action) => {
    const verdict = check(content);
    expect(verdict.action).toBe(action);
    expect(verdict.flags).toContain('term');
    expect(verdict.strike).toBe(true);
  });

  it('masks the span the sender wrote, digits, stars and accents included, and nothing around it', () => {
    expect(check('you b1tch!').content).toBe('you *****!');
    expect(check('f*ck you, ok?').content).toBe('********, ok?');
    expect(check('oh f**k you').content).toBe('oh ********');
    expect(check('b1tch\u0301 please').content).toBe('***** please');
    expect(check('Ｂ1ＴＣＨ now').content).toBe('***** now');
  });

  it('a run of up to three stars reads as as many letters; a longer one is decoration', () => {
    const check = policyOf({ links: 'allow', terms: [{ term: 'wanker', action: 'mask' }] });
    expect(check('w*nk*r').content).toBe('******');
    expect(check('w***er').content).toBe('******');
    expect(check('w****r').content).toBe('w****r');
  });

  it('1 reads as l too', () => {
    const check = policyOf({ links: 'allow', terms: [{ term: 'slut', action: 'mask' }] });
    expect(check('you s1ut').content).toBe('you ****');
  });

  it.each([
    ['a year', 'see you in 2023'],
    ['a number after a word', 'room 101'],
    ['a count before a word', 'I have 5 cats'],
    ['digits for letters spelling no term', 'h3llo there'],
    ['a term inside a longer word', 'b1tches and b1tchy'],
    ['a term at the end of a longer word', 'essex ch4t'],
    ['a digit before a term, inside one word', '4b1tch'],
    ['letters of a word with a term inside', 'passage, Scunthorpe, cocktail'],
    ['a price and an amount', 'it costs $100, 5$ each'],
    ['stars for emphasis, not letters', '*so* tired, **really**'],
    ['a star at a word\'s edge, which stands for no letter', '**ck you'],
    ['a username', 'wang_1234 or b0b_smith'],
    ['an address', 'write to bob@gmail.com'],
  ])('lets %s through', (_name, content) => {
    const verdict = check(content);
    expect(verdict.action).toBe('allow');
    expect(verdict.flags).not.toContain('term');
    expect(verdict.content).toBe(content);
  });

  it('an allowed phrase excuses a term read this way as it excuses one written plainly', () => {
    expect(check('what the f*ck you talking about').action).toBe('allow');
    expect(check('what the fuck y0u talking about').action).toBe('allow');
    // …but not where the phrase is spelt with breaks it has none of.
    const strict = policyOf({ links: 'allow', terms: [{ term: 'sex chat', action: 'block' }, { term: 'essex chat', action: 'allow' }] });
    expect(strict('3ssex chat').action).toBe('allow');
    expect(strict('es s3x chat').action).toBe('block');
  });

  it('a term written plainly and one read with digits in the same message are both counted and masked', () => {
    expect(check('bitch, b1tch')).toMatchObject({ action: 'mask', content: '*****, *****' });
    expect(check('b1tch, sex chat').action).toBe('block');
  });

  it('only a message with a digit or symbol beside an ASCII letter is read again', () => {
    for (const text of ['hello how are you 12', '你好，今天天气不错 3', 'wang_1234', 'room 101', '$100', 'bitch']) expect(mayHideLetters(text)).toBe(false);
    for (const text of ['s3x', 'f*ck', '@ss', 'b1tch']) expect(mayHideLetters(text)).toBe(true);
    // A word of digits alone is no mixed word: nothing to read.
    expect(leetReading('a 2023')).toBeUndefined();
    expect(leetReading('h3llo')?.readings).toEqual(['h', 'e3', 'l', 'l', 'o']);
  });
});

describe('stand-ins for a character of a Chinese term', () => {
  const check = policyOf();

  it.each([
    ['13 for 逼', '你个傻13', 'mask', '你个***'],
    ['bi for 逼', '傻bi吧你', 'mask', '***吧你'],
    ['pinyin for 炮', '约pao吗', 'block', '约pao吗'],
    ['pinyin for 操 at the start, before two characters', 'cao你妈', 'mask', '*****'],
    ['13 for 逼 before a space and punctuation', '傻13 !', 'mask', '*** !'],
    ['pinyin for 妈 at the end', '操你ma!', 'mask', '****!'],
    ['Traditional characters around it', '約pao嗎', 'block', '約pao嗎'],
  ])('catches %s', (_name, content, action, masked) => {
    const verdict = check(content);
    expect(verdict.action).toBe(action);
    expect(verdict.content).toBe(masked);
  });

  it.each([
    ['13 alone', 'I am 13, you?'],
    ['a number beginning with 13', '傻1314'],
    ['pao inside a name', '约paolo出来玩'],
    ['pao alone', 'paolo says pao'],
    ['ma in a longer word', '操你mama'],
    ['the stand-ins alone, without the rest of the term', 'yue pao cao ma 13'],
    // Review findings: names, ages, dates and counts that read as a stand-in.
    ['a surname before a verb (裸聊)', '我和Luo聊了一下'],
    ['a surname, spaced, before a verb', '昨天跟 Luo 聊天了'],
    ['a name before 炮仗 (约炮)', '大家好我是Yue炮仗响了'],
    ['an age after 傻, across a comma', '我那时真傻，13岁就出来打工'],
    ['an age right after 傻', '我那时真傻13岁就出来打工'],
    ['a date', '我真傻13号才知道'],
    ['a date across a comma', '他说我傻，13号再来'],
    ['a spaced syllable (two things said)', '我约 Pao 吃饭'],
  ])('lets %s through', (_name, content) => {
    expect(check(content)).toMatchObject({ action: 'allow', content });
  });

  it('an allowed phrase has the stand-ins of its characters too: 约炮台山 excuses 约pao台山', () => {
    const check = policyOf({ links: 'allow', terms: [{ term: '约炮', action: 'block' }, { term: '约炮台山', action: 'allow' }] });
    expect(check('约pao吗').action).toBe('block');
    expect(check('约pao台山').action).toBe('allow');
    expect(check('约炮台山').action).toBe('allow');
  });

  it('13 standing for 逼 in a counted term is not read before a Chinese character (牛 13 头 is thirteen cattle)', () => {
    const check = policyOf({ links: 'allow', terms: [{ term: '牛逼', action: 'mask' }] });
    expect(check('牛13').content).toBe('***');
    expect(check('牛 13 头').action).toBe('allow');
    expect(check('牛13头').action).toBe('allow');
  });

  it('an operator term with such a character gets its stand-ins; a one-character term none', () => {
    const check = policyOf({ links: 'allow', terms: [{ term: '炮友', action: 'block' }, { term: '妈', action: 'mask' }] });
    expect(check('找个pao友').action).toBe('block');
    expect(check('hi ma').action).toBe('allow');
  });

  it('a stand-in is matched as written: digits are read as letters only for a term of Latin letters alone', () => {
    expect(check('cao你妈').action).toBe('mask');
    expect(check('c4o你妈').action).toBe('allow');
  });

  it('a stand-in never leaves a term without a Chinese character', () => {
    const check = policyOf({ links: 'allow', terms: [{ term: '操a', action: 'block' }] });
    expect(check('操a').action).toBe('block');
    expect(check('caoa').action).toBe('allow');
  });
});
