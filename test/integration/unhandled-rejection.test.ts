/**
 * The unhandled-rejection policy of src/main.ts, on the real entry point: a rejection nobody handles is
 * logged as an error and the server keeps serving — chats go on, the process does not exit.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { connect, eventually, request, waitFor } from '../helpers/client.js';
import { tempDir } from '../helpers/database.js';
import { startServerProcess, type ServerProcess } from '../helpers/process.js';

describe('an unhandled rejection in the server process', () => {
  const dir = tempDir();
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop('SIGKILL');
    dir.remove();
  });

  it('is logged as an error with its stack, and the server keeps serving', { timeout: 240_000 }, async () => {
    server = await startServerProcess({ DATA_DIR: dir.path, LOG_LEVEL: 'info' }, {
      args: ['--import', 'tsx', '--import', './test/support/reject-on-signal.ts', 'src/main.ts'],
      // A fresh embedded database is created first: slow on a loaded machine.
      readyTimeoutMs: 150_000,
    });
    const a = await connect(server.url);
    const b = await connect(server.url);
    await request(a.socket, 'join_queue');
    expect(await request(b.socket, 'join_queue')).toMatchObject({ status: 'matched' });

    server.child.kill('SIGUSR2');
    const logged = await eventually(() => {
      const line = server!.output().split('\n').find((l) => l.includes('unhandled rejection'));
      expect(line).toBeDefined();
      return JSON.parse(line!) as { level: number; msg: string; err: { message: string; stack: string } };
    }, 10_000);
    expect(logged).toMatchObject({ level: 50, msg: 'unhandled rejection', err: { message: 'nobody handles this rejection (test)', stack: expect.stringContaining('reject-on-signal') } });

    // Still serving: the open chat goes on, and the process has not exited.
    const atB = waitFor(b.socket, 'new_message');
    expect(await request(a.socket, 'send_message', { content: 'still here' })).toMatchObject({ ok: true });
    expect((await atB).content).toBe('still here');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
    a.socket.close();
    b.socket.close();
    expect(await server.stop('SIGTERM')).toBe(0);
  });
});
