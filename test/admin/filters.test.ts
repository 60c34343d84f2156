/**
 * Query-string checks that HTTP cannot reach: a query string decodes to well-formed text (invalid UTF-8
 * stays percent-encoded), but the check must hold for any input the routes are given.
 */
import { describe, expect, it } from 'vitest';
import { exportQuerySchema, parseQuery, roomListQuerySchema } from '../../src/admin/filters.js';

describe('admin query parameters', () => {
  it('refuse half of a surrogate pair in any parameter, and accept whole pairs', () => {
    for (const [input, name] of [
      [{ q: 'abc\uD800' }, 'q'],
      [{ q: '\uDC00abc' }, 'q'],
      [{ user: 'alice\uDBFF' }, 'user'],
      [{ q: 'fine', user: ['ok', '\uD83D'] }, 'user'],
    ] as const) {
      expect(parseQuery(roomListQuerySchema('Asia/Shanghai'), input)).toEqual({ ok: false, message: `${name}: must not contain NUL (U+0000) or half of a surrogate pair` });
    }
    expect(parseQuery(exportQuerySchema('Asia/Shanghai'), { q: 'x\u0000' })).toMatchObject({ ok: false, message: /^q: must not contain NUL/ });
    expect(parseQuery(roomListQuerySchema('Asia/Shanghai'), { q: '笑\uD83D\uDE00' })).toMatchObject({ ok: true, value: { q: '笑\uD83D\uDE00' } });
  });
});
