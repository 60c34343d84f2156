import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';
import proxyAddr from '@fastify/proxy-addr';
import type { Config } from '../config/config.js';

/**
 * Who a request comes from, for per-address limits: the client's address, trusting `X-Forwarded-For`
 * only from the configured proxies — the same rule Fastify applies to `request.ip`, for Socket.IO
 * handshakes that bypass Fastify — reduced to the network one subscriber holds (see `networkOf`).
 */
export function clientAddressResolver(trustProxy: Config['trustProxy']): (req: IncomingMessage) => string {
  if (trustProxy === false) return (req) => networkOf(req.socket.remoteAddress ?? 'unknown');
  const trust =
    trustProxy === true
      ? () => true
      : typeof trustProxy === 'number'
        ? (_address: string, hop: number) => hop < trustProxy
        : proxyAddr.compile(trustProxy);
  return (req) => networkOf(proxyAddr(req, trust));
}

/**
 * The unit per-address limits count: an IPv4 address as it is (an IPv4-mapped IPv6 address as its IPv4
 * form), an IPv6 address as its /64 — one subscriber's network, where a single household or phone picks
 * new addresses at will. E.g. `2001:db8:1:2:a:b:c:d` → `2001:db8:1:2::/64`. With `ipv6Bits` 48, the /48
 * a subscriber is often given whole (`2001:db8:1::/48`): the admin login counts that, since someone
 * guessing a password can rotate through 65,536 /64s of their own.
 */
export function networkOf(address: string, ipv6Bits: 64 | 48 = 64): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, ipv6Bits / 16)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/${ipv6Bits}`;
}
