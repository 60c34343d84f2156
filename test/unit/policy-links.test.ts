/**
 * Links under `links: 'block'`: full-width and ideographic dots, full-width schemes and bare IPv4
 * addresses are the links they look like; ordinary text with dots is not.
 */
import { describe, expect, it } from 'vitest';
import { ContentPolicy } from '../../src/policy/content-policy.js';
import { DEFAULT_POLICY } from '../../src/policy/policy-document.js';

const policy = new ContentPolicy({ repeatRooms: 3, repeatWindowMs: 600_000, now: () => 0 });
policy.load({ ...DEFAULT_POLICY, links: 'block' });
let room = 0;
const check = (content: string) => policy.evaluate(content, { senderId: `s${++room}`, roomId: room });

describe('links', () => {
  it.each([
    ['a plain domain', 'see example.com'],
    ['an ideographic full stop', 'example。com'],
    ['full-width letters and dot', 'ｅｘａｍｐｌｅ．ｃｏｍ'],
    ['a half-width ideographic full stop', 't｡me/abcdef'],
    ['a full-width scheme', 'ＨＴＴＰＳ：／／ｅｖｉｌ．ｃｎ'],
    ['a Chinese domain with an ideographic stop', 'www.百度。com'],
    ['a bare IPv4 address', '来 192.168.1.20 找我'],
    ['a bare IPv4 address with a path', 'go to 8.8.8.8/x'],
  ])('are refused: %s', (_name, content) => {
    const verdict = check(content);
    expect(verdict.action).toBe('block');
    expect(verdict.flags).toContain('link');
  });

  it.each([
    ['Chinese sentences', '你好。今天天气很好。'],
    ['a version number', 'version 1.2.3 is out'],
    ['a full-width full stop after a word', '好的．谢谢'],
    ['English after a Chinese full stop', '我明白了。me too'],
    ['the same, another country’s domain', '是的。it is'],
    ['the same, another', '好吧。so what'],
    ['the same, another', '知道了。do it'],
  ])('leave %s alone', (_name, content) => {
    expect(check(content).flags).not.toContain('link');
  });
});
