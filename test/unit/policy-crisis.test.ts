/**
 * Crisis help must reach the person who needs it and not everyone who says something ordinary: English
 * phrases where they begin a word, with any ending ("self harmed"), and everyday phrases that contain a
 * crisis phrase (想死你了, 跳楼价, "want to diet") left out.
 */
import { describe, expect, it } from 'vitest';
import { ContentPolicy } from '../../src/policy/content-policy.js';
import { DEFAULT_POLICY } from '../../src/policy/policy-document.js';

const policy = new ContentPolicy({ repeatRooms: 3, repeatWindowMs: 600_000, now: () => 0 });
policy.load(DEFAULT_POLICY);
let room = 0;
const crisis = (content: string) => policy.evaluate(content, { senderId: `s${++room}`, roomId: room }).crisis;

describe('crisis words', () => {
  it.each([
    ['a longer word ending in the phrase', 'I want to spend my life with you'],
    ['a word beginning with the phrase', 'I want to diet'],
    ['the same, in capitals and with an ending', 'I WANT TO DIET!! and I want to dieting'],
    ['a word ending in a phrase’s first word', 'you have great skill myself aside'],
    ['“miss you so much”', '我想死你了'],
    ['the same to several people', '想死你们了！'],
    ['“you missed me so much”', '你可想死我了'],
    ['a clearance sale', '跳楼价大甩卖'],
    ['another clearance sale', '全场跳楼甩卖'],
  ])('are not read in %s', (_name, content) => {
    expect(crisis(content)).toBe(false);
  });

  it.each([
    ['English', 'sometimes I want to die'],
    ['English, at the end', 'I just want to end my life.'],
    ['English, capitals and punctuation', 'I WANT TO KILL MYSELF!!'],
    ['English, spaced out', 'k i l l myself'],
    ['English, full-width', 'ｓｕｉｃｉｄｅ'],
    ['English, after Chinese', '我觉得suicide是唯一的办法'],
    ['English, the -ing form', 'I have been self harming again'],
    ['English, the adjective', 'feeling suicidal tonight'],
    ['English, the past tense', 'I self harmed last night'],
    ['English, the plural', 'thinking about suicides'],
    ['English, a word drawn out', 'i want to dieeee'],
    ['English, the phrase and then a word (not “diet”)', 'I want to die. Too tired'],
    ['Chinese', '我真的不想活了'],
    ['Chinese, spaced', '我 想 死'],
    ['Chinese, the phrase followed by 你 across a comma', '我想死，你了解吗'],
    ['Chinese, the same across a space', '我想死 你们了解吗'],
    ['Chinese, a crisis phrase next to an everyday one', '想死你了，但是我真的想死'],
    ['Chinese, 跳楼 on its own', '我想去跳楼'],
    ['Chinese, in a message with a link', '我想死 www.example.org'],
    ['Traditional Chinese', '我想自殺'],
    ['Traditional Chinese, with punctuation', '好累，想結束生命'],
  ])('are read in real distress (%s)', (_name, content) => {
    expect(crisis(content)).toBe(true);
  });

  it('in Traditional Chinese as in Simplified: 跳樓 is crisis help, 跳樓價 a clearance sale', () => {
    expect(crisis('我想去跳樓')).toBe(true);
    expect(crisis('全場跳樓價大甩賣')).toBe(false);
  });
});
