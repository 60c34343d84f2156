import { describe, expect, it } from 'vitest';
import { MAX_INTERESTS, cleanInterest, commonInterests, normalizeInterests, splitInterestList } from '../../src/shared/interests.js';

describe('interests: normalising', () => {
  it('Chinese free text is cut into words, without particles and verbs of liking or doing', () => {
    expect(normalizeInterests(['喜欢看电影和打篮球'])).toEqual(['电影', '篮球']);
    expect(normalizeInterests(['我喜欢听音乐、旅行和摄影'])).toEqual(['音乐', '旅行', '摄影']);
    expect(normalizeInterests(['爱玩游戏'])).toEqual(['游戏']);
    expect(normalizeInterests(['吃火锅'])).toEqual(['火锅']);
    expect(normalizeInterests(['喜欢猫和狗'])).toEqual(['猫', '狗']);
  });

  it('a whole sentence gives its interests, not the words joining its clauses or saying when (found by the exploratory test: 然后, 一起去)', () => {
    expect(normalizeInterests(['我喜欢看电影，然后周末一起去爬山'])).toEqual(['电影', '爬山']);
    expect(normalizeInterests(['平时喜欢打游戏然后听音乐'])).toEqual(['游戏', '音乐']);
    expect(normalizeInterests(['因为喜欢猫所以养了两只'])[0]).toBe('猫');
    expect(normalizeInterests(['其实我觉得看书挺好的'])).toEqual(['看书']);
    // 会 after 演唱, 读书… at the end of what is said is the interest (ICU: 演唱 会); else it is "can".
    expect(normalizeInterests(['周末想找人一起去看演唱会'])).toEqual(['演唱会']);
    expect(normalizeInterests(['读书会'])).toEqual(['读书会']);
    expect(normalizeInterests(['我喜欢唱歌会跳舞'])).toEqual(['唱歌', '跳舞']);
    expect(normalizeInterests(['游泳会一点'])).toEqual(['游泳']);
    expect(normalizeInterests(['我喜欢音乐会弹钢琴'])).toEqual(['音乐', '弹钢琴']);
    // No single-character stop word was added: the dictionary cuts unknown words into single characters.
    for (const word of ['朋友圈', '聊斋', '好声音', '找工作', '真人秀']) expect(normalizeInterests([word])).toEqual([word]);
    // Nor is a sentence word dropped beside such a character (it left 室, 甜, 好 alone), nor typed alone or in a
    // name of two words (found by the review).
    for (const word of ['聊天室', '有点甜', '刚刚好', '感觉派', '聊天', '周末', '交友']) expect(normalizeInterests([word])).toEqual([word]);
    expect(normalizeInterests(['交友软件'])).toEqual(['交友', '软件']);
  });

  it('words the dictionary splits into characters are joined again; a lone character after a word belongs to it', () => {
    expect(normalizeInterests(['动漫和二次元'])).toEqual(['动漫', '二次元']);
    expect(normalizeInterests(['听周杰伦的歌'])).toEqual(['周杰伦', '歌']);
    expect(normalizeInterests(['原神'])).toEqual(['原神']);
    expect(normalizeInterests(['狼人杀'])).toEqual(['狼人杀']);
    expect(normalizeInterests(['追剧'])).toEqual(['追剧']);
    expect(normalizeInterests(['小猫咪'])).toEqual(['小猫咪']);
    // Words the dictionary knows stay words: two people typing the same name share all of them.
    expect(normalizeInterests(['王者荣耀'])).toEqual(['王者', '荣耀']);
  });

  it('English: one entry is one interest, case-folded, spaces collapsed, punctuation around it trimmed', () => {
    expect(normalizeInterests(['Rock  Music!!'])).toEqual(['rock music']);
    expect(normalizeInterests(['#Anime', '"Hiking"'])).toEqual(['anime', 'hiking']);
    expect(normalizeInterests(['K-pop', 'C++', "rock 'n' roll"])).toEqual(['k-pop', 'c++', "rock 'n' roll"]);
  });

  it('full-width letters, digits and spaces become half-width (NFKC)', () => {
    expect(normalizeInterests(['ｒｏｃｋ　ＭＵＳＩＣ', 'ＦＦ１４'])).toEqual(['rock music', 'ff14']);
    expect(cleanInterest('（电影）')).toBe('电影');
  });

  it('mixed text: Latin words inside Chinese text stay one interest', () => {
    expect(normalizeInterests(['我喜欢 Taylor Swift 和看电影'])).toEqual(['taylor swift', '电影']);
    expect(normalizeInterests(['C++编程'])).toEqual(['c++', '编程']);
    expect(normalizeInterests(['喜欢 K-pop 和 C++'])).toEqual(['k-pop', 'c++']);
  });

  it('list separators split one entry into several interests (half- and full-width)', () => {
    expect(normalizeInterests(['足球，篮球'])).toEqual(['足球', '篮球']);
    expect(normalizeInterests(['movies, basketball; chess/go'])).toEqual(['movies', 'basketball', 'chess', 'go']);
    expect(normalizeInterests(['电影 篮球'])).toEqual(['电影', '篮球']);
  });

  it('duplicates are dropped, whatever their spelling; the first spelling keeps its place', () => {
    expect(normalizeInterests(['Music', 'music!!', '  #MUSIC ', 'ｍｕｓｉｃ'])).toEqual(['music']);
    expect(normalizeInterests(['电影', '喜欢看电影', '篮球'])).toEqual(['电影', '篮球']);
  });

  it('edge cases: nothing left, only stop words, control characters, at most ten', () => {
    expect(normalizeInterests([])).toEqual([]);
    expect(normalizeInterests(['...', '   ', '!!!'])).toEqual([]);
    expect(normalizeInterests(['我和你', '的'])).toEqual([]);
    expect(normalizeInterests(['a\u0007b', '\u200bzero'])).toEqual(['a b', 'zero']);
    const many = Array.from({ length: 12 }, (_, i) => `tag${i}`);
    expect(normalizeInterests(many)).toHaveLength(MAX_INTERESTS);
    expect(normalizeInterests(many)).toEqual(many.slice(0, MAX_INTERESTS));
    // Free text giving more than ten words keeps the first ten.
    expect(normalizeInterests(['电影、篮球、足球、音乐、旅行、摄影、游戏、动漫、美食、读书、绘画'])).toHaveLength(MAX_INTERESTS);
  });

  it('an interest longer than 32 characters after NFKC is cut to 32', () => {
    expect([...cleanInterest('㍿'.repeat(20))]).toHaveLength(32);
  });

  it('normalising tags again changes nothing (the page sends the tags it shows; the server normalises them again)', () => {
    for (const typed of ['喜欢看电影和打篮球', '我喜欢 Taylor Swift 和看电影', '听周杰伦的歌', '小猫咪', '狼人杀', 'C++编程', 'ＡＮＩＭＥ', '王者荣耀']) {
      const tags = normalizeInterests([typed]);
      expect(normalizeInterests(tags)).toEqual(tags);
    }
  });
});

describe('interests: shared ones', () => {
  it('lists what both have, in the first list\'s order; none when either has none', () => {
    expect(commonInterests(['电影', '篮球', 'music'], ['music', '电影'])).toEqual(['电影', 'music']);
    expect(commonInterests(['a'], ['b'])).toEqual([]);
    expect(commonInterests(undefined, ['a'])).toEqual([]);
    expect(commonInterests(['a'], [])).toEqual([]);
  });
});

describe('interests: one entry cut as the server cuts it (the page measures each part)', () => {
  it('at every list separator, full-width ones too (after NFKC)', () => {
    expect(splitInterestList('movies/music|books；games，sports、travel')).toEqual(['movies', 'music', 'books', 'games', 'sports', 'travel']);
    expect(splitInterestList('ｃｈｅｓｓ')).toEqual(['chess']);
    expect(normalizeInterests(splitInterestList('电影 / 篮球'))).toEqual(normalizeInterests(['电影 / 篮球']));
  });
});
