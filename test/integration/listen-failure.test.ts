/**
 * A start that cannot open its port says which settings it used: a host name that does not resolve (it
 * passes the configuration's syntax check, like `db` in a compose file) and a port already taken both name
 * HOST and PORT, instead of a bare `getaddrinfo ENOTFOUND`. A HOST that is no host at all is refused before
 * anything starts.
 */
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/database.js';
import { startServerProcess } from '../helpers/process.js';

const START_TIMEOUT_MS = 60_000;

async function refusal(env: Record<string, string>): Promise<string> {
  return startServerProcess({ DATA_DIR: join(tempDir('listen-').path, 'data'), ADMIN_PASSWORD: 'listen-test-admin-password', ...env }, { readyTimeoutMs: START_TIMEOUT_MS }).then(
    async (server) => {
      await server.stop();
      return 'started';
    },
    (error: Error) => error.message,
  );
}

describe('a start that cannot listen', () => {
  let taken: Server | undefined;
  afterEach(() => {
    taken?.close();
    taken = undefined;
  });

  it('names HOST and PORT when the host name does not resolve', { timeout: START_TIMEOUT_MS + 10_000 }, async () => {
    const message = await refusal({ HOST: 'no-such-host.invalid' });
    expect(message).toMatch(/server exited with 1/);
    expect(message).toContain('Failed to start: cannot listen on HOST=no-such-host.invalid PORT=0: getaddrinfo ENOTFOUND no-such-host.invalid');
  });

  it('names HOST and PORT when the port is taken', { timeout: START_TIMEOUT_MS + 10_000 }, async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken!.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    const message = await refusal({ PORT: String(port) });
    expect(message).toContain(`Failed to start: cannot listen on HOST=127.0.0.1 PORT=${port}: listen EADDRINUSE`);
  });

  it('refuses a HOST that is not a host before starting anything', { timeout: START_TIMEOUT_MS + 10_000 }, async () => {
    const message = await refusal({ HOST: 'not a host' });
    expect(message).toMatch(/server exited with 1/);
    expect(message).toContain('Invalid HOST="not a host": must be an IP address');
    expect(message).not.toContain('Server listening');
  });
});
