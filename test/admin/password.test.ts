/**
 * The admin password: scrypt hashing; the generated password of a first start (written to a 0600 file in
 * DATA_DIR, never to the log, kept across restarts, one winner when instances start together);
 * ADMIN_PASSWORD as the reset; and `admin123` never working by default.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { GENERATED_PASSWORD_FILE, resolveAdminPassword } from '../../src/admin/auth/admin-password.js';
import { hashPassword, verifyPassword } from '../../src/admin/auth/password.js';
import { openTestDatabase, tempDir, type Engine } from '../helpers/database.js';
import { hasPostgres } from '../helpers/services.js';
import { httpLogin, startAdminApp } from './helpers.js';

const engines: Engine[] = ['pglite', ...(hasPostgres() ? (['postgres'] as const) : [])];

/** A logger whose lines a test can read, parsed. */
function capturingLogger(): { logger: Logger; lines: () => { level: number; msg: string; raw: string }[] } {
  const raw: string[] = [];
  return {
    logger: pino({ level: 'info' }, { write: (line: string) => void raw.push(line) }),
    lines: () => raw.map((line) => ({ ...(JSON.parse(line) as { level: number; msg: string }), raw: line })),
  };
}

/** The lines telling the operator where a generated password was saved. */
function notices(lines: { msg: string }[]): { msg: string }[] {
  return lines.filter((line) => line.msg.startsWith('ADMIN_PASSWORD is not set: generated an admin password'));
}

/** An admin page's API answer for a session cookie: 200 while the session lives, 401 once it has ended. */
async function statsStatus(url: string, cookie: string): Promise<number> {
  const response = await fetch(`${url}/admin/api/stats`, { headers: { cookie } });
  return response.status;
}

async function loginStatus(url: string, password: string): Promise<number> {
  const response = await fetch(`${url}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
  return response.status;
}

/** The audit log's entries of a reset by the server's `ADMIN_PASSWORD`, oldest first. */
async function resets(app: { database: { query<T>(sql: string, params?: unknown[]): Promise<T[]> } }) {
  return app.database.query<{ admin_name: string | null; client_address: string | null; detail: Record<string, unknown> }>(
    "SELECT admin_name, client_address, detail FROM admin_audit_log WHERE action = 'admin_password_reset' ORDER BY id",
  );
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
  it('is written to a 0600 file in DATA_DIR, never to the log, kept across a restart, and admin123 never works', { timeout: 180_000 }, async () => {
    const dir = tempDir();
    const file = join(dir.path, GENERATED_PASSWORD_FILE);
    try {
      const first = capturingLogger();
      const a = await startAdminApp({ dataDir: dir.path, logger: first.logger, config: { adminPassword: undefined } });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const password = readFileSync(file, 'utf8').trim();
      expect(password.length).toBeGreaterThanOrEqual(24);
      // One readable warning says where the password is and how to reset it; no line carries the password.
      const said = notices(first.lines());
      expect(said).toHaveLength(1);
      expect(said[0]).toMatchObject({ level: 40 });
      expect(said[0]!.msg).toContain(file);
      expect(said[0]!.msg).toContain('set ADMIN_PASSWORD');
      expect(first.lines().map((l) => l.raw).join('\n')).not.toContain(password);
      expect(await loginStatus(a.url, password)).toBe(200);
      expect(await loginStatus(a.url, 'admin123')).toBe(401);
      await a.close({ keepData: true });

      const second = capturingLogger();
      const b = await startAdminApp({ dataDir: dir.path, logger: second.logger, config: { adminPassword: undefined } });
      try {
        expect(notices(second.lines())).toEqual([]);
        expect(readFileSync(file, 'utf8').trim()).toBe(password);
        expect(second.lines().map((l) => l.raw).join('\n')).not.toContain(password);
        expect(await loginStatus(b.url, password)).toBe(200);
        expect(await loginStatus(b.url, 'admin123')).toBe(401);
      } finally {
        await b.close();
      }
    } finally {
      dir.remove();
    }
  });

  it('is reset by ADMIN_PASSWORD: the generated one stops working and its hash and file are deleted; unset again, a new one is generated', { timeout: 180_000 }, async () => {
    const dir = tempDir();
    const file = join(dir.path, GENERATED_PASSWORD_FILE);
    try {
      const a = await startAdminApp({ dataDir: dir.path, config: { adminPassword: undefined } });
      const generated = readFileSync(file, 'utf8').trim();
      const generatedSession = await httpLogin(a.url, generated);
      await a.close({ keepData: true });

      const log = capturingLogger();
      const b = await startAdminApp({ dataDir: dir.path, logger: log.logger, config: { adminPassword: 'chosen-by-operator' } });
      let chosenSession: string;
      try {
        expect(existsSync(file)).toBe(false);
        expect(await b.database.query('SELECT key FROM admin_settings WHERE key = $1', ['admin_password_hash'])).toEqual([]);
        expect(log.lines().some((l) => l.level === 40 && l.msg.includes('generated admin password was deleted'))).toBe(true);
        expect(log.lines().some((l) => l.level === 40 && l.msg.includes('every admin session was ended'))).toBe(true);
        // The session opened with the generated password ended with it, and the team's audit log says so.
        expect(await statsStatus(b.url, generatedSession)).toBe(401);
        expect(await resets(b)).toEqual([{ admin_name: null, client_address: null, detail: { cause: 'configured', sessions_ended: 1, bootstrap_restored: false } }]);
        expect(await loginStatus(b.url, generated)).toBe(401);
        expect(await loginStatus(b.url, 'chosen-by-operator')).toBe(200);
        chosenSession = await httpLogin(b.url, 'chosen-by-operator');
      } finally {
        await b.close({ keepData: true });
      }

      const c = await startAdminApp({ dataDir: dir.path, config: { adminPassword: undefined } });
      try {
        const renewed = readFileSync(file, 'utf8').trim();
        expect(renewed).not.toBe(generated);
        expect(await statsStatus(c.url, chosenSession)).toBe(401);
        expect((await resets(c)).map((r) => r.detail)).toEqual([
          { cause: 'configured', sessions_ended: 1, bootstrap_restored: false },
          // The two logins with the chosen password.
          { cause: 'generated', sessions_ended: 2, bootstrap_restored: false },
        ]);
        expect(await loginStatus(c.url, renewed)).toBe(200);
        expect(await loginStatus(c.url, generated)).toBe(401);
        expect(await loginStatus(c.url, 'chosen-by-operator')).toBe(401);
      } finally {
        await c.close();
      }
    } finally {
      dir.remove();
    }
  });

  it('changed in ADMIN_PASSWORD between two starts, ends every session; the same one again ends none', { timeout: 180_000 }, async () => {
    const dir = tempDir();
    try {
      const a = await startAdminApp({ dataDir: dir.path, config: { adminPassword: 'first-choice' } });
      const session = await httpLogin(a.url, 'first-choice');
      await a.close({ keepData: true });

      const same = await startAdminApp({ dataDir: dir.path, config: { adminPassword: 'first-choice' } });
      try {
        expect(await statsStatus(same.url, session)).toBe(200);
        // Neither the first start with a password nor the same one again is a reset.
        expect(await resets(same)).toEqual([]);
      } finally {
        await same.close({ keepData: true });
      }

      const changed = await startAdminApp({ dataDir: dir.path, config: { adminPassword: 'after-the-leak' } });
      try {
        expect(await statsStatus(changed.url, session)).toBe(401);
        expect((await resets(changed)).map((r) => r.detail)).toEqual([{ cause: 'changed', sessions_ended: 1, bootstrap_restored: false }]);
        expect(await loginStatus(changed.url, 'first-choice')).toBe(401);
        expect(await statsStatus(changed.url, await httpLogin(changed.url, 'after-the-leak'))).toBe(200);
        // Only a hash of it is kept.
        const rows = await changed.database.query<{ value: string }>('SELECT value FROM admin_settings');
        expect(rows.map((r) => r.value).join()).not.toContain('after-the-leak');
      } finally {
        await changed.close();
      }
    } finally {
      dir.remove();
    }
  });

  it('is not used when ADMIN_PASSWORD is set, and nothing is printed or written', { timeout: 180_000 }, async () => {
    const log = capturingLogger();
    const app = await startAdminApp({ logger: log.logger, config: { adminPassword: 'chosen-by-operator' } });
    try {
      expect(log.lines().filter((l) => /admin password/i.test(l.msg))).toEqual([]);
      expect(log.lines().map((l) => l.raw).join('\n')).not.toContain('chosen-by-operator');
      expect(existsSync(join(app.dataDir!, GENERATED_PASSWORD_FILE))).toBe(false);
      expect(await loginStatus(app.url, 'chosen-by-operator')).toBe(200);
      expect(await loginStatus(app.url, 'admin123')).toBe(401);
    } finally {
      await app.close();
    }
  });

  it('names the password in force the same way on every start and instance, and differently once it changes (what device cookies are signed with)', async () => {
    const opened = await openTestDatabase('pglite');
    const dir = tempDir();
    const quiet = pino({ level: 'silent' });
    try {
      const resolve = (configuredPassword: string | undefined) => resolveAdminPassword({ configuredPassword, database: opened.database, dataDir: dir.path, logger: quiet });
      const first = await resolve('first-choice');
      expect((await resolve('first-choice')).generation).toBe(first.generation);
      const changed = await resolve('after-the-leak');
      expect(changed.generation).not.toBe(first.generation);
      const generated = await resolve(undefined);
      expect(generated.generation).not.toBe(changed.generation);
      expect((await resolve(undefined)).generation).toBe(generated.generation);
    } finally {
      await opened.drop();
      dir.remove();
    }
  });

  it('stores only a scrypt hash in the database', async () => {
    const dir = tempDir();
    const { database, drop } = await openTestDatabase('pglite');
    try {
      await resolveAdminPassword({ configuredPassword: undefined, database, dataDir: dir.path, logger: capturingLogger().logger });
      const password = readFileSync(join(dir.path, GENERATED_PASSWORD_FILE), 'utf8').trim();
      const rows = await database.query<{ value: string }>('SELECT value FROM admin_settings');
      expect(rows).toHaveLength(1);
      expect(rows[0]!.value).toMatch(/^scrypt\$/);
      expect(rows[0]!.value).not.toContain(password);
      expect(await verifyPassword(password, rows[0]!.value)).toBe(true);
    } finally {
      await drop();
      dir.remove();
    }
  });

  describe.each(engines)('several instances starting together on one database (%s)', (engine) => {
    it('agree on one password, written and announced by exactly one of them', async () => {
      // Workers of one machine (WEB_CONCURRENCY) share DATA_DIR as well as the database.
      const dir = tempDir();
      const { database, drop } = await openTestDatabase(engine);
      try {
        const logs = Array.from({ length: 5 }, () => capturingLogger());
        const verifiers = await Promise.all(logs.map((l) => resolveAdminPassword({ configuredPassword: undefined, database, dataDir: dir.path, logger: l.logger })));
        expect(logs.flatMap((l) => notices(l.lines()))).toHaveLength(1);
        expect(readdirSync(dir.path)).toEqual([GENERATED_PASSWORD_FILE]); // the losers' drafts are gone
        const password = readFileSync(join(dir.path, GENERATED_PASSWORD_FILE), 'utf8').trim();
        for (const verifier of verifiers) expect(await verifier.verify(password)).toBe(true);
      } finally {
        await drop();
        dir.remove();
      }
    });
  });
});
