/**
 * The admin password: scrypt hashing, the generated password of a first start (printed once, kept across
 * restarts, one winner when instances start together), and `admin123` never working by default.
 */
import pino, { type Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { resolveAdminPassword } from '../../src/admin/auth/admin-password.js';
import { hashPassword, verifyPassword } from '../../src/admin/auth/password.js';
import { openTestDatabase, tempDir } from '../helpers/database.js';
import { hasPostgres } from '../helpers/services.js';
import { startAdminApp } from './helpers.js';

const GENERATED_LINE = /ADMIN_PASSWORD is not set: generated admin password: (\S+) \(shown once/;

/** A logger whose lines a test can read. */
function capturingLogger(): { logger: Logger; lines: () => string[] } {
  const lines: string[] = [];
  return { logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }), lines: () => lines };
}

function generatedPasswords(lines: string[]): string[] {
  return lines.flatMap((line) => {
    const match = GENERATED_LINE.exec(line);
    return match ? [match[1]!] : [];
  });
}

async function loginStatus(url: string, password: string): Promise<number> {
  const response = await fetch(`${url}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
  return response.status;
}

describe('password hashing', () => {
  it('verifies the right password and refuses others', async () => {
    const hash = await hashPassword('s3cret 密码');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('s3cret 密码', hash)).toBe(true);
    expect(await verifyPassword('s3cret 密码 ', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash and never matches a malformed one', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
    for (const bad of ['', 'plain', 'scrypt$0$8$1$abc$def', 'bcrypt$1$2$3$abc$def']) expect(await verifyPassword('plain', bad)).toBe(false);
  });
});

describe('generated admin password', () => {
  it('is printed once on the first start, kept across a restart, and admin123 never works', async () => {
    const dir = tempDir();
    const first = capturingLogger();
    const a = await startAdminApp({ dataDir: dir.path, logger: first.logger, config: { adminPassword: undefined } });
    const printed = generatedPasswords(first.lines());
    expect(printed).toHaveLength(1);
    const password = printed[0]!;
    expect(password.length).toBeGreaterThanOrEqual(24);
    expect(first.lines().find((l) => GENERATED_LINE.test(l))).toContain('"level":40');
    expect(await loginStatus(a.url, password)).toBe(200);
    expect(await loginStatus(a.url, 'admin123')).toBe(401);
    await a.close({ keepData: true });

    const second = capturingLogger();
    const b = await startAdminApp({ dataDir: dir.path, logger: second.logger, config: { adminPassword: undefined } });
    try {
      expect(second.lines().join('\n')).not.toContain('generated admin password');
      expect(second.lines().join('\n')).not.toContain(password);
      expect(await loginStatus(b.url, password)).toBe(200);
      expect(await loginStatus(b.url, 'admin123')).toBe(401);
    } finally {
      await b.close();
    }
  });

  it('is not used when ADMIN_PASSWORD is set, and nothing is printed', async () => {
    const log = capturingLogger();
    const app = await startAdminApp({ logger: log.logger, config: { adminPassword: 'chosen-by-operator' } });
    try {
      expect(log.lines().join('\n')).not.toContain('generated admin password');
      expect(log.lines().join('\n')).not.toContain('chosen-by-operator');
      expect(await loginStatus(app.url, 'chosen-by-operator')).toBe(200);
      expect(await loginStatus(app.url, 'admin123')).toBe(401);
    } finally {
      await app.close();
    }
  });

  it('stores only a scrypt hash', async () => {
    const log = capturingLogger();
    const { database, drop } = await openTestDatabase('pglite');
    try {
      await resolveAdminPassword({ configuredPassword: undefined, database, logger: log.logger });
      const password = generatedPasswords(log.lines())[0]!;
      const rows = await database.query<{ value: string }>('SELECT value FROM admin_settings');
      expect(rows).toHaveLength(1);
      expect(rows[0]!.value).toMatch(/^scrypt\$/);
      expect(rows[0]!.value).not.toContain(password);
    } finally {
      await drop();
    }
  });

  describe.skipIf(!hasPostgres())('several instances starting together (postgres)', () => {
    it('agree on one password, printed by exactly one of them', async () => {
      const { database, drop } = await openTestDatabase('postgres');
      try {
        const logs = Array.from({ length: 5 }, () => capturingLogger());
        const verifiers = await Promise.all(logs.map((l) => resolveAdminPassword({ configuredPassword: undefined, database, logger: l.logger })));
        const printed = logs.flatMap((l) => generatedPasswords(l.lines()));
        expect(printed).toHaveLength(1);
        for (const verifier of verifiers) expect(await verifier.verify(printed[0]!)).toBe(true);
      } finally {
        await drop();
      }
    });
  });
});
