/**
 * Crisis help for the ways people actually say it — Chinese and English, spaced, punctuated, with curly
 * apostrophes and digits for letters — and none for the everyday exaggerations (笑死, 累死了, "this exam
 * will kill me") that would teach people to close the card unread.
 */
import { describe, expect, it } from 'vitest';
import { ContentPolicy } from '../../src/policy/content-policy.js';
import { DEFAULT_POLICY } from '../../src/policy/policy-document.js';

const policy = new ContentPolicy({ repeatRooms: 3, repeatWindowMs: 600_000, now: () => 0 });
policy.load(DEFAULT_POLICY);

/** Phrasings an exploratory tester found missed, and natural variants of each. */
const distress: string[] = [
  '我想去死',
  '我 想 去 死',
  '好想去死。',
  '活着没意思',
  '活着真的没意思',
  '活着没有意思',
  '活着有什么意思呢',
  '死了算了',
  '我死了算了！',
  '我想结束这一切',
  '我想结束这一切。',
  '我想自我了断',
  '我想自我了斷',
  '我割了手腕',
  '昨天又割手腕了',
  '我想吃安眠药',
  '我想 吃 安眠药',
  '不想再活了',
  '我开始自残了',
  'i wanna die',
  'I WANNA DIE',
  'i want to end it all',
  'I just want to end it all.',
  "i don't want to live anymore",
  'i don’t want to live anymore',
  'dont want to live anymore',
  'I do not want to live any more',
  'i dont want to be alive',
  'i want to hurt myself',
  'I wanna hurt myself again',
  'i wanna kms lol',
  "I'm gonna kms",
  'su1cide',
  '5uicide',
  'su1c1d3',
  'feeling su1c1dal',
  'k1ll myself',
  'k1ll mys3lf',
  'i w4nt to d1e',
  'I wish I was dead',
  'better off dead',
  'I want to harm myself',
  'ｉ ｗａｎｎａ ｄｉｅ',
];

/** Ordinary sentences: none of them may bring up the help card. */
const ordinary: string[] = [
  '笑死我了',
  '笑死',
  '热死了',
  '累死了',
  '饿死了',
  '困死了',
  '气死我了',
  '吓死我了',
  '我想死你了',
  '我想去死海旅游',
  '这件衣服是跳楼价',
  '我每天吃维生素',
  '他马上吊起来了',
  '这部电影太好看了',
  '我不想上班',
  '我想结束这个话题',
  'I could die laughing',
  "I'm dying to see it",
  'this exam will kill me',
  'kill the process',
  'skills',
  'I ran 10 kms today',
  "it's about 120 kms away",
  'the limit is 100 kms per hour',
  'rotate the AWS KMS key',
  'I want to dye my hair',
  'I want to die my hair blue',
  "I don't want to live in a big city",
  'I want to live abroad',
  'I want to be alive when they land on Mars',
  'I hurt myself playing football',
  'let’s end it here',
  'the meeting will end at six',
  "I'm dead tired",
  'that song is killer',
  'I want to diet',
  'I want to dine out tonight',
  'my endless summer',
  'selfie time',
  'sue me',
  // Found by review: "kms" alone is kilometres or Windows activation; "end it all" ends many a sentence.
  'kms',
  'KMS.',
  '用kms激活windows',
  'KMS激活',
  '1000 kms',
  '1,000 kms',
  'how many kms is it',
  'in the end it all worked out',
  'in the end, it all comes down to luck',
  'I wanna diet',
  'cutting myself some slack',
  '还不如死心吧',
  '我想去死亡谷',
  '笑死了算了',
];

describe('crisis help', () => {
  it.each(distress)('is shown for %j', (content) => {
    expect(policy.crisisIn(content)).toBe(true);
  });

  it.each(ordinary)('is not shown for %j', (content) => {
    expect(policy.crisisIn(content)).toBe(false);
  });
});
