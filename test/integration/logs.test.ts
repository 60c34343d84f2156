/**
 * What the real process logs (`src/main.ts`, as an operator starts it): JSON lines when its output goes to
 * a pipe or a file, readable lines on a terminal; at start, one info line each for how long conversations
 * are kept, where the metrics are, and where it listens with the storage; one per admin login; never
 * message text or a client's address.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { eventually, matchedPair, request, waitFor } from '../helpers/client.js';
import { tempDir } from '../helpers/database.js';
import { ciMarker, startServerProcess } from '../helpers/process.js';

const ADMIN_PASSWORD = 'logs-test-admin-password';
const SCRIPT = '/usr/bin/script';
const root = fileURLToPath(new URL('../..', import.meta.url));

interface Entry {
  level: number;
  msg: string;
  [field: string]: unknown;
}

async function login(url: string, password: string): Promise<number> {
  const response = await fetch(`${url}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
  return response.status;
}

describe('logs of the real process', () => {
  it('are JSON lines off a terminal: the start lines, one per admin login, no message text, no client address', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    // The run's migrated database: no initdb in the child.
    cpSync(inject('pgliteTemplate'), dir.path, { recursive: true });
    const server = await startServerProcess({ DATA_DIR: dir.path, ADMIN_PASSWORD }, { readyTimeoutMs: 60_000 });
    try {
      const { a, b } = await matchedPair(server.url);
      const atB = waitFor(b, 'new_message');
      expect(await request(a, 'send_message', { content: 'never in a log' })).toMatchObject({ ok: true });
      await atB;
      a.close();
      b.close();
      expect(await login(server.url, 'wrong password')).toBe(401);
      expect(await login(server.url, ADMIN_PASSWORD)).toBe(200);
      await eventually(() => expect(server.output()).toContain('admin logged in'));
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
      dir.remove();
    }

    const lines = server.output().trim().split('\n');
    const entries = lines.map((line) => JSON.parse(line) as Entry);
    const ready = entries.findIndex((e) => e.msg.startsWith('Server listening at '));
    expect(ready).toBeGreaterThanOrEqual(0);
    // Before it: what the operator needs to know at start, a line each — nothing else at info level.
    expect(entries.slice(0, ready + 1).filter((e) => e.level === 30).map((e) => e.msg)).toEqual([
      'RETENTION_DAYS not set: conversations are kept forever',
      'metrics off: set METRICS_TOKEN or METRICS_PORT to serve GET /metrics',
      `Server listening at ${server.url}`,
    ]);
    expect(entries[ready]).toMatchObject({ level: 30, msg: `Server listening at ${server.url}`, host: '127.0.0.1', storage: 'pglite', dataDir: dir.path });

    const logins = entries.filter((e) => e.msg === 'admin logged in');
    expect(logins).toHaveLength(1);
    expect(logins[0]!.level).toBe(30);
    expect(entries.filter((e) => e.msg.startsWith('admin login refused'))).toHaveLength(1);

    expect(server.output()).not.toContain('never in a log');
    expect(server.output()).not.toContain(ADMIN_PASSWORD);
    // The server's own address is in the start line; no other line carries an address (the clients were 127.0.0.1).
    lines.forEach((line, i) => {
      if (i !== ready) expect(line).not.toContain('127.0.0.1');
    });
  });

  const noTerminal = !existsSync(SCRIPT);
  if (noTerminal) console.warn(`[skip] terminal log test: no ${SCRIPT} (util-linux) to give the process a terminal`);
  it.skipIf(noTerminal)('are readable lines on a terminal (pino-pretty), one per entry', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    cpSync(inject('pgliteTemplate'), dir.path, { recursive: true });
    // script(1) runs the server on a pseudo-terminal, as when an operator starts it by hand.
    const child = spawn(SCRIPT, ['-qfec', `exec '${process.execPath}' --import tsx src/main.ts`, '/dev/null'], {
      cwd: root,
      env: { ...ciMarker(), PATH: process.env.PATH ?? '', TERM: 'xterm', NO_COLOR: '1', HOST: '127.0.0.1', PORT: '0', DATA_DIR: dir.path, SECRET_KEY: 'terminal-test-secret-key-0123456789', ADMIN_PASSWORD },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await eventually(() => expect(output).toMatch(/Server listening at http:\/\/127\.0\.0\.1:\d+/), 60_000, 50);
      const startLine = output.split(/\r?\n/).find((line) => line.includes('Server listening at'))!;
      expect(startLine).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: Server listening at http:\/\/127\.0\.0\.1:\d+ \{.*"storage":"pglite".*\}$/);
      expect(output).not.toMatch(/^\{/m);
    } finally {
      child.kill('SIGTERM');
      await exited;
      dir.remove();
    }
  });
});
