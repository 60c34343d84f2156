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
 * A scan of this instance's connections for an event that is rare (limited per address, like every new
 * identity), rather than an index by identity that every idle connection would pay for.
 */
import type { Server } from 'socket.io';
import type { ChatServer } from './types.js';

const RETIRED_EVENT = 'identity_retired';

/** Closes every connection of an identity, here and (in cluster mode) on the other instances. */
export function identityRetirement(io: ChatServer, cluster: boolean): (userId: string) => void {
  const here = (userId: unknown): void => {
    if (typeof userId !== 'string') return;
    for (const socket of io.of('/').sockets.values()) {
      if (socket.data.userId === userId) socket.disconnect(true);
    }
  };
  // Inter-server events are untyped in ChatServer (as the private rooms' relays in private-gateway.ts).
  const server = io as unknown as Server;
  if (cluster) server.on(RETIRED_EVENT, here);
  return (userId) => {
    here(userId);
    if (cluster) server.serverSideEmit(RETIRED_EVENT, userId);
  };
}
