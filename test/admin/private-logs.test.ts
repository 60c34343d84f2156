/**
 * What the logs get when an admin request fails at the database: the failure, never the statement's
 * parameters (search text, user IDs, message texts). The app runs with the production logger writing to
 * a buffer, as an operator's log pipeline would receive it.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { ENGINES } from './engines.js';
import { httpLogin, startAdminApp, type AdminTestApp } from './helpers.js';

const SECRET_SEARCH = 'needle-4c1d 机密';
const SECRET_USER = 'secretuser77';
const SECRET_MESSAGE = 'private words 9f3e';

describe.each(ENGINES)('admin failures in the logs (%s)', (engine) => {
  let admin: AdminTestApp;
  let cookie: string;
  let output = '';

  beforeAll(async () => {
    const sink = new Writable({ write: (chunk, _encoding, done) => ((output += chunk.toString()), done()) });
    admin = await startAdminApp({ engine, logger: createLogger('trace', { destination: sink }) });
    const room = await admin.repository.createRoom({ user1Id: SECRET_USER, user2Id: 'otheruser001', matchType: 'random', createdAt: new Date() });
    await admin.repository.appendMessages([{ roomId: room.id, senderId: SECRET_USER, content: SECRET_MESSAGE, createdAt: new Date() }]);
    cookie = await httpLogin(admin.url);
  });
  afterAll(async () => admin?.close());

  it('a search that fails at the database logs the error but not the filter values', async () => {
    // The search reads `messages`: without it, the statement fails inside the database, parameters and all.
    await admin.database.query('ALTER TABLE messages RENAME TO messages_away');
    try {
      const query = new URLSearchParams({ q: SECRET_SEARCH, user: SECRET_USER }).toString();
      const response = await fetch(`${admin.url}/admin/api/rooms?${query}`, { headers: { cookie } });
      expect(response.status).toBe(500);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual({ error: 'INTERNAL_ERROR', message: '服务器内部错误，请稍后重试' });
    } finally {
      await admin.database.query('ALTER TABLE messages_away RENAME TO messages');
    }
    const failure = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; err?: Record<string, unknown> })
      .find((entry) => entry.msg === 'request failed');
    // The error is there, with what an operator needs…
    expect(failure?.err).toMatchObject({ message: expect.stringContaining('messages'), code: '42P01', stack: expect.any(String) });
    // …and nothing the request carried.
    for (const secret of [SECRET_SEARCH, 'needle-4c1d', SECRET_USER, SECRET_MESSAGE]) expect(output).not.toContain(secret);
    expect(failure!.err).not.toHaveProperty('params');
    expect(failure!.err).not.toHaveProperty('query');
  });
});
