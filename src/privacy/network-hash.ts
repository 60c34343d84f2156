/**
 * Client networks are never stored as they are — not in the database, not in Redis, not in memory past
 * the handshake: an HMAC (SHA-256) of the network — the IPv4 address or the IPv6 /64, see `networkOf` —
 * under a key derived from `SECRET_KEY`. Every per-address limit, sanction and record uses this form. The same network always gives
 * the same hash (so a ban by network works, on every instance sharing the key), and a database dump
 * reveals nothing: without the key, hashing every possible address is useless.
 */
import { createHmac } from 'node:crypto';

/** Turns a client network into its stored form (32 hex characters: 128 bits). */
export type NetworkHasher = (network: string) => string;

export function createNetworkHasher(secretKey: string): NetworkHasher {
  // A key of its own, so the hash can never be confused with (or help forge) a signed cookie.
  const key = createHmac('sha256', secretKey).update('network-hash/v1').digest();
  return (network) => createHmac('sha256', key).update(network).digest('hex').slice(0, 32);
}
