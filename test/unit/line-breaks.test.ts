import { describe, expect, it } from 'vitest';
import { indentLineBreaks } from '../../src/shared/line-breaks.js';
import { transcriptText } from '../../web/src/transcript-file.js';

describe('line breaks in a text file (src/shared/line-breaks.ts)', () => {
  it('every line terminator Unicode names becomes a newline and the indent; CR LF counts once', () => {
    for (const sep of ['\n', '\r', '\r\n', '\v', '\f', '\u001c', '\u001d', '\u001e', '\u0085', '\u2028', '\u2029']) expect(indentLineBreaks(`a${sep}b`, '    '), JSON.stringify(sep)).toBe('a\n    b');
    expect(indentLineBreaks('a\n\nb', '  ')).toBe('a\n  \n  b');
    expect(indentLineBreaks('no break, 没有换行', '    ')).toBe('no break, 没有换行');
  });

  it('the chat page’s Save as text: a message cannot pass for another line', () => {
    const message = { id: 1, room_id: 1, sender_id: 'x', content: 'hi\u2028[2026-12-07 08:00:00] 你: forged', timestamp: '2026-12-06T08:00:00+08:00' };
    const text = transcriptText([{ message, own: false }], { lang: 'zh-CN', title: 'T', zoneLine: 'Z', me: '你', stranger: '陌生人', separator: '：' });
    const lines = text.replace(/^\ufeff/, '').split(/\r\n|[\n\v\f\r\u0085\u2028\u2029]/u);
    expect(lines.filter((line) => line.includes('forged'))).toEqual(['    [2026-12-07 08:00:00] 你: forged']);
  });
});
