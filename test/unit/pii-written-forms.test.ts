/**
 * Contact details as people type them to get past a filter or just out of habit — a Chinese keyboard's 。
 * in an address, the app's name spaced out, phone numbers dotted, spaced or in Chinese numerals — are
 * found; the dates, prices, scores and versions around them are not.
 */
import { describe, expect, it } from 'vitest';
import { findPii, type PiiKind } from '../../src/shared/pii.js';

const mustFlag: [text: string, kind: PiiKind][] = [
  ['abc@qq。com', 'email'],
  ['abc＠qq。com', 'email'],
  ['ａｂｃ＠ｑｑ．ｃｏｍ', 'email'],
  ['邮箱 wang.li@163。com。谢谢', 'email'],
  ['abc@qq｡com', 'email'],
  ['my wechat is wanglei', 'handle'],
  ['my wechat is wangying', 'handle'],
  ['call 212 500 2671', 'phone'],
  ['My WeChat is  wanglei', 'handle'],
  ['my wechat id is wanglei', 'handle'],
  ['我的微信是 wanglei', 'handle'],
  ['138.1234.5678', 'phone'],
  ['138 1234 5678', 'phone'],
  ['微 信 abc123', 'handle'],
  ['微  信：wanglei', 'handle'],
  ['wei xin abc123', 'handle'],
  ['weixin abc123', 'handle'],
  ['vx abc123', 'handle'],
  ['v信 abc123', 'handle'],
  ['v 信 abc123', 'handle'],
  ['q q 12345678', 'handle'],
  ['扣扣 12345678', 'handle'],
  ['415 555 2671', 'phone'],
  ['(415) 555-2671', 'phone'],
  ['(415) 555 2671', 'phone'],
  ['+1 415 555 2671', 'phone'],
  ['一三八一二三四五六七八', 'phone'],
  ['我的号码 一三八 一二三四 五六七八', 'phone'],
  ['幺三八幺二三四五六七八', 'phone'],
  ['壹叁捌壹贰叁肆伍陆柒捌', 'phone'],
];

const mustNotFlag = [
  '2026-12-07 08:00',
  '12:30',
  '¥1380',
  '$415.55',
  'it costs $415.55 in total',
  '3:2',
  '比分 3:2',
  '42',
  '1234',
  "I'm 18",
  'v1.2.3',
  'version 1.38.1234.5678',
  '13.81234567',
  '你用微信吗',
  '你用微 信吗',
  'do you use wechat?',
  'my wechat is blocked',
  'my wechat is not working',
  'my wechat is really slow',
  'my wechat is updating',
  'wechat is great',
  'I am at abc@ home。com later',
  '一二三四五六七八九十',
  '三一三八一二三四五六七八',
  '一三八一二三四五六七八九',
  '一五一十地告诉我',
  '三三两两，七七八八',
  '第一百三十八号',
  'from 450 to 700 2000 times',
  'score 450 700-2000',
  'q q',
  '我 在 微 信 上 看 到 的',
  // Found by review: adjectives after "my wechat is", lists of round numbers.
  'my wechat is amazing',
  'my wechat is useless lol',
  'my wechat is getting slow',
  'my wechat is somehow broken',
  'my wechat is another story',
  'i can do 300 500 1000',
  'scores were 250 300 4500',
];

describe('findPii, as people type contact details', () => {
  it.each(mustFlag)('finds %j (%s)', (text, kind) => {
    expect(findPii(text)).toEqual([kind]);
  });

  it.each(mustNotFlag)('leaves alone %j', (text) => {
    expect(findPii(text)).toEqual([]);
  });
});
