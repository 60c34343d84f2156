import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import type { Config } from '../config/config.js';

/**
 * The client's address for a raw request, trusting `X-Forwarded-For` only from the configured proxies —
 * the same rule Fastify applies to `request.ip`, for Socket.IO handshakes that bypass Fastify.
 */
export function clientAddressResolver(trustProxy: Config['trustProxy']): (req: IncomingMessage) => string {
  if (trustProxy === false) return (req) => req.socket.remoteAddress ?? 'unknown';
  const trust =
    trustProxy === true
      ? () => true
      : typeof trustProxy === 'number'
        ? (_address: string, hop: number) => hop < trustProxy
        : proxyAddr.compile(trustProxy);
  return (req) => proxyAddr(req, trust);
}
