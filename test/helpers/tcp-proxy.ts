/**
 * A loopback TCP proxy tests can freeze: `blackhole()` stops forwarding in both directions without
 * closing anything, as a vanished phone or a dead NAT mapping does (no FIN, no RST). With `delayMs`,
 * every chunk is held that long in each direction (a round trip costs 2 × delayMs), in order.
 * `severAtNextReply()` cuts the connections when the server next answers, the answer lost: a request that
 * reached the server whose reply never came back (a network blip).
 */
import { createServer, connect as tcpConnect, type AddressInfo, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  url: string;
  blackhole(): void;
  /** Resolves once the connections were cut. */
  severAtNextReply(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }, options: { delayMs?: number } = {}): Promise<TcpProxy> {
  const delayMs = options.delayMs ?? 0;
  // Timers of one delay fire in the order they were set, so a delayed stream stays in order.
  const later = (action: () => void) => (delayMs > 0 ? void setTimeout(action, delayMs) : action());
  const sockets = new Set<Socket>();
  let frozen = false;
  let sever: (() => void) | undefined;
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (d) => later(() => frozen || upstream.write(d)));
    upstream.on('data', (d) => {
      if (sever) {
        const severed = sever;
        sever = undefined;
        client.destroy();
        upstream.destroy();
        severed();
        return;
      }
      later(() => frozen || client.write(d));
    });
    client.on('end', () => later(() => frozen || upstream.end()));
    upstream.on('end', () => later(() => frozen || client.end()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    blackhole() {
      frozen = true;
    },
    severAtNextReply() {
      return new Promise<void>((resolve) => (sever = resolve));
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
