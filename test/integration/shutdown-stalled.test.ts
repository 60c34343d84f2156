/**
 * SIGTERM with a client that stopped reading: the process still exits at once, after telling everyone
 * who reads. (A WebSocket whose client does not read keeps the server's TCP buffers full and never
 * answers the closing handshake; the server used to wait the 30 s of that handshake.)
 */
import { describe, expect, it } from 'vitest';
import { connect, request, waitFor } from '../helpers/client.js';
import { tempDir } from '../helpers/database.js';
import { startServerProcess } from '../helpers/process.js';

const GENEROUS = {
  RATE_MESSAGES_PER_S: '100000',
  RATE_MESSAGES_BURST: '100000',
  RATE_MESSAGES_PER_ADDRESS_PER_S: '100000',
  PACKETS_PER_CONNECTION_PER_S: '100000',
  PACKETS_PER_CONNECTION_BURST: '100000',
  MAX_QUEUED_PACKETS_PER_CONNECTION: '1000000',
};

describe('shutdown', () => {
  it('a WebSocket client that stopped reading does not hold SIGTERM up; its partner is told', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    try {
      const server = await startServerProcess({ DATA_DIR: dir.path, ADMIN_PASSWORD: 'shutdown-test-password', ...GENEROUS });
      const stalled = await connect(server.url);
      const partner = await connect(server.url);
      await request(stalled.socket, 'join_queue');
      expect(await request(partner.socket, 'join_queue')).toMatchObject({ status: 'matched' });
      // The stalled client stops reading; the partner sends enough to fill the TCP buffers towards it.
      (stalled.socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } }).ws._socket.pause();
      const text = 'x'.repeat(500);
      for (let i = 0; i < 3_000; i++) partner.socket.emit('send_message', { content: text });
      await request(partner.socket, 'send_message', { content: 'last' });

      const told = waitFor(partner.socket, 'partner_left', 10_000);
      // Killed (exit code null) if it is still running 10 s after SIGTERM; it used to take 30 s.
      expect(await server.stop('SIGTERM', { killAfterMs: 10_000 })).toBe(0);
      expect(await told).toMatchObject({ reason: 'server_shutdown' });
      partner.socket.close();
      stalled.socket.close();
    } finally {
      dir.remove();
    }
  });
});
