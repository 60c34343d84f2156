/**
 * After `POST /api/identity/reset` the browser's cookie names a new identity, but its other tabs are still
 * connected as the old one: a tab left on the start screen would start its next chat as the old identity
 * and lose it (its receipt, the chance to report) at its next reload or reconnect, which comes back as the
 * new one. So the old identity's connections are closed on every instance; the page connects again (after
 * a server disconnect it does so by itself) with the new cookie.
 *
 * The reset is refused while the old identity chats or waits (src/http/identity-routes.ts), so these
 * connections are idle — except for a `join_queue` that landed while the reset was being decided: a server
 * disconnect is deliberate, so that wait ends at once instead of lingering, unreachable, through a grace
 * period (test/integration/identity-reset.test.ts).
 *
 * A connection the scan cannot see — a tab's handshake still in the middleware with the old cookie, or,
 * in a cluster, one that connects while the message to the other instances is on its way — is closed when
 * it connects: each instance remembers a retired identity for RETIRED_KEPT_MS. (A message the cluster's
 * Redis lost is not made up for: those tabs stay the old identity until their next reconnect, as before.)
 *
 * A scan of this instance's connections for an event that is rare (limited per address, like every new
 * identity), rather than an index by identity that every idle connection would pay for.
 */
import type { Server } from 'socket.io';
import type { ChatServer } from './types.js';

const RETIRED_EVENT = 'identity_retired';
/** How long a retired identity's new connections are closed: a page reconnects within seconds. */
export const RETIRED_KEPT_MS = 60_000;

/** Closes every connection of an identity, here and (in cluster mode) on the other instances. */
export function identityRetirement(io: ChatServer, cluster: boolean, now: () => number = Date.now): (userId: string) => void {
  /** Retired identities, and until when their connections are closed (few: resets are limited per address). */
  const retired = new Map<string, number>();
  const here = (userId: unknown): void => {
    if (typeof userId !== 'string') return;
    const at = now();
    for (const [id, until] of retired) if (until <= at) retired.delete(id);
    retired.set(userId, at + RETIRED_KEPT_MS);
    for (const socket of io.of('/').sockets.values()) {
      if (socket.data.userId === userId) socket.disconnect(true);
    }
  };
  io.on('connection', (socket) => {
    if (retired.size === 0) return;
    const until = retired.get(socket.data.userId);
    // After the gateway's own `connection` listener has run (it is attached later): its disconnect handling
    // must see this connection close, like any other.
    if (until !== undefined && until > now()) queueMicrotask(() => socket.disconnect(true));
  });
  // Inter-server events are untyped in ChatServer (as the private rooms' relays in private-gateway.ts).
  const server = io as unknown as Server;
  if (cluster) server.on(RETIRED_EVENT, here);
  return (userId) => {
    here(userId);
    if (cluster) server.serverSideEmit(RETIRED_EVENT, userId);
  };
}
