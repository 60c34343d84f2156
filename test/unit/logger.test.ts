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
