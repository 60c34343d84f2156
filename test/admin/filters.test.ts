/**
 * Query-string checks that HTTP cannot reach: a query string decodes to well-formed text (invalid UTF-8
 * stays percent-encoded), but the check must hold for any input the routes are given.
 */
import type { FastifySchemaValidationError } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { exportQuerySchema, roomListQuerySchema } from '../../src/admin/filters.js';
import { adminValidatorCompiler, formatValidationErrors } from '../../src/admin/validation.js';

/** Validates `input` as the admin routes do: the value, or the 400's message. */
function check(schema: z.ZodType, input: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  const result = adminValidatorCompiler({ schema, method: 'GET', url: '/admin/api/rooms', httpPart: 'querystring' })(input) as {
    value?: unknown;
    error?: FastifySchemaValidationError[];
  };
  return result.error ? { ok: false, message: formatValidationErrors(result.error, 'querystring').message } : { ok: true, value: result.value };
}

describe('admin query parameters', () => {
  it('refuse half of a surrogate pair in any parameter, and accept whole pairs', () => {
    for (const [input, name] of [
      [{ q: 'abc\uD800' }, 'q'],
      [{ q: '\uDC00abc' }, 'q'],
      [{ user: 'alice\uDBFF' }, 'user'],
      [{ q: 'fine', user: ['ok', '\uD83D'] }, 'user'],
    ] as const) {
      expect(check(roomListQuerySchema('Asia/Shanghai'), input)).toEqual({ ok: false, message: `${name}: must not contain NUL (U+0000) or half of a surrogate pair` });
    }
    expect(check(exportQuerySchema('Asia/Shanghai'), { q: 'x\u0000' })).toMatchObject({ ok: false, message: /^q: must not contain NUL/ });
    expect(check(roomListQuerySchema('Asia/Shanghai'), { q: '笑\uD83D\uDE00' })).toMatchObject({ ok: true, value: { q: '笑\uD83D\uDE00' } });
  });
});
