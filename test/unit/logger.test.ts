/**
 * The logger: JSON lines for collectors, one human-readable line per entry for a terminal, and the same
 * redaction either way.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

describe('logger', () => {
  it('writes one JSON object per line when not on a terminal', () => {
    const out = sink();
    const logger = createLogger('info', { destination: out.stream });
    logger.info({ storage: 'pglite' }, 'Server listening at http://127.0.0.1:5000');
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, storage: 'pglite', msg: 'Server listening at http://127.0.0.1:5000' });
  });

  it('writes one readable line per entry for a terminal (pino-pretty), fields included', () => {
    const out = sink();
    const logger = createLogger('info', { pretty: true, destination: out.stream });
    logger.info({ storage: 'pglite' }, 'Server listening at http://127.0.0.1:5000');
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: Server listening at http:\/\/127\.0\.0\.1:5000 \{"storage":"pglite"\}$/);
  });

  it('redacts passwords and message text in both forms', () => {
    for (const pretty of [false, true]) {
      const out = sink();
      createLogger('info', { pretty, destination: out.stream }).warn({ password: 'hunter2', payload: { content: '你好 secret' } }, 'oops');
      expect(out.text()).not.toContain('hunter2');
      expect(out.text()).not.toContain('secret');
      expect(out.text()).toContain('[redacted]');
    }
  });
});

/** An error as PGlite throws it: the SQLSTATE and where it was raised, and the statement with its parameters. */
function pgliteLikeError(message: string, params: unknown[]): Error {
  return Object.assign(new Error(message), {
    name: 'error',
    severity: 'ERROR',
    code: '22021',
    routine: 'report_invalid_encoding',
    detail: 'Key (content)=(the private words) is bad.',
    where: 'unnamed portal parameter $2 = \'...\'',
    position: '113',
    query: 'SELECT 1 FROM messages WHERE content ILIKE $2 AND user1_id = $1',
    params: params,
    queryOptions: { rowMode: 'object' },
  });
}

function lines(text: string): Record<string, unknown>[] {
  return text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('logged errors', () => {
  it('keep type, message, stack, code, routine and severity, and drop the statement and its parameters', () => {
    const out = sink();
    const logger = createLogger('info', { destination: out.stream });
    logger.error({ err: pgliteLikeError('invalid byte sequence for encoding "UTF8": 0x00', ['secretuser77', '%the private words%']) }, 'query failed');
    logger.error(pgliteLikeError('second form', ['secretuser77']));
    expect(out.text()).not.toMatch(/secretuser77|private words|SELECT|ILIKE|portal|rowMode/);
    const [first, second] = lines(out.text());
    expect(first!['err']).toEqual({
      type: 'Error',
      name: 'error',
      message: 'invalid byte sequence for encoding "UTF8": 0x00',
      stack: expect.stringContaining('invalid byte sequence'),
      code: '22021',
      routine: 'report_invalid_encoding',
      severity: 'ERROR',
    });
    expect(second).toMatchObject({ msg: 'second form', err: { message: 'second form', code: '22021' } });
  });

  it('follow `cause` and aggregated errors through the same allow-list, a few levels deep', () => {
    const out = sink();
    const logger = createLogger('info', { destination: out.stream });
    const inner = Object.assign(new Error('inner', { cause: pgliteLikeError('innermost', ['level three secret']) }), { params: ['level two secret'] });
    logger.warn({ err: new Error('outer', { cause: new Error('middle', { cause: inner }) }) }, 'chain');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 5432 });
    logger.warn({ error: new AggregateError([pgliteLikeError('connect ECONNREFUSED ::1:5432', ['aggregate secret']), refused], '') }, 'aggregate');
    const deep = ['1', '2', '3', '4', '5'].reduceRight<Error | undefined>((cause, message) => new Error(message, { cause }), undefined);
    logger.error({ err: new Error('0', { cause: deep }) }, 'deep');
    expect(out.text()).not.toMatch(/secret|"address"|"port"/);

    const [chain, aggregate, deepest] = lines(out.text());
    expect(chain!['err']).toMatchObject({ message: 'outer', cause: { message: 'middle', cause: { message: 'inner', cause: { message: 'innermost', code: '22021' } } } });
    expect(aggregate!['error']).toMatchObject({
      type: 'AggregateError',
      aggregateErrors: [{ message: 'connect ECONNREFUSED ::1:5432' }, { message: 'connect ECONNREFUSED 127.0.0.1:5432', code: 'ECONNREFUSED' }],
    });
    // Three links below the logged error, then a marker instead of the rest.
    expect(deepest!['err']).toMatchObject({ message: '0', cause: { message: '1', cause: { message: '2', cause: { message: '3', cause: '[not followed]' } } } });
  });

  it('log thrown non-errors as a message only', () => {
    const out = sink();
    createLogger('info', { destination: out.stream }).error({ err: { message: 'plain object', params: ['hidden'] } }, 'odd throw');
    expect(lines(out.text())[0]!['err']).toEqual({ message: 'plain object' });
  });
});

describe('logged requests and admin filters', () => {
  it('show a request without its query string or client address', () => {
    const out = sink();
    const req = { method: 'GET', url: '/admin/api/rooms?q=needle&user=secretuser77', ip: '203.0.113.9', headers: { 'x-forwarded-for': '203.0.113.9', cookie: 'admin_sid=abc' } };
    createLogger('info', { destination: out.stream }).info({ req }, 'incoming request');
    expect(out.text()).not.toMatch(/needle|secretuser77|203\.0\.113\.9|admin_sid/);
    expect(lines(out.text())[0]!['req']).toEqual({ method: 'GET', url: '/admin/api/rooms' });
  });

  it('redact filter values, SQL parameters and client addresses wherever they are logged by name', () => {
    for (const pretty of [false, true]) {
      const out = sink();
      createLogger('info', { pretty, destination: out.stream }).warn(
        { q: 'needle one', filters: { q: 'needle two', user: 'secretuser77', status: 'closed' }, detail: { query: { q: 'needle three', user: 'secretuser78' } }, params: ['needle four'], clientAddress: '203.0.113.9' },
        'search',
      );
      expect(out.text()).not.toMatch(/needle|secretuser7|203\.0\.113/);
      expect(out.text()).toContain('closed');
    }
  });
});
