/**
 * Without SECRET_KEY the real process generates a key, keeps it in DATA_DIR (only the owner may read it)
 * so identities survive a restart, and warns; the next start uses the kept key and warns again.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connect } from '../helpers/client.js';
import { tempDir } from '../helpers/database.js';
import { startServerProcess } from '../helpers/process.js';

interface Entry {
  level: number;
  msg: string;
  [field: string]: unknown;
}

function entries(output: string): Entry[] {
  return output
    .trim()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Entry);
}

const WARN = 40;

describe('SECRET_KEY not set', () => {
  it('the server generates a key, keeps it in DATA_DIR so identities survive a restart, and warns each start', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const keyFile = join(dir.path, 'secret.key');
    try {
      // An empty value counts as unset (loadConfig), so the helper's default SECRET_KEY is overridden.
      const first = await startServerProcess({ DATA_DIR: dir.path, SECRET_KEY: '' });
      let identity: { userId: string; token: string };
      try {
        const { socket, session } = await connect(first.url);
        identity = { userId: session.user_id, token: session.token! };
        socket.close();
      } finally {
        expect(await first.stop('SIGTERM')).toBe(0);
      }
      const key = readFileSync(keyFile, 'utf8').trim();
      expect(key.length).toBeGreaterThanOrEqual(32);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(entries(first.output()).filter((e) => e.level === WARN && /^SECRET_KEY is not set/.test(e.msg))).toEqual([
        expect.objectContaining({ msg: expect.stringContaining('generated a random key and kept it in the data directory'), file: keyFile }),
      ]);

      const second = await startServerProcess({ DATA_DIR: dir.path, SECRET_KEY: '' });
      try {
        // The token the first start signed is still valid: the same identity, not a new one.
        const { socket, session } = await connect(second.url, { token: identity.token });
        socket.close();
        expect(session.user_id).toBe(identity.userId);
      } finally {
        expect(await second.stop('SIGTERM')).toBe(0);
      }
      expect(readFileSync(keyFile, 'utf8').trim()).toBe(key);
      expect(entries(second.output()).filter((e) => e.level === WARN && /^SECRET_KEY is not set/.test(e.msg))).toEqual([
        expect.objectContaining({ msg: expect.stringContaining('using the generated key kept in the data directory'), file: keyFile }),
      ]);
      // The key itself never reaches a log.
      expect(first.output() + second.output()).not.toContain(key);
    } finally {
      dir.remove();
    }
  });
});
