/**
 * People online on this instance: distinct identities with at least one open Socket.IO connection, so one
 * person with two tabs counts once ("online now" counted connections before, and two people with a second
 * tab read as 3 人在线（含你）). Kept as a count per identity, changed on connect and disconnect, rather
 * than a scan of every connection at each read. Bare Engine.IO sessions that never passed the handshake
 * (never said who they are) are not counted.
 *
 * Per instance: the cluster adds up every instance's figure (src/cluster/cluster-presence.ts), so a person
 * whose tabs are connected to two instances still counts twice there.
 */
import type { ChatServer, ChatSocket } from './types.js';

export class OnlineIdentities {
  /** Open connections per identity; an identity leaves the map with its last connection. */
  private readonly connections = new Map<string, number>();

  opened(userId: string): void {
    this.connections.set(userId, (this.connections.get(userId) ?? 0) + 1);
  }

  closed(userId: string): void {
    const left = (this.connections.get(userId) ?? 0) - 1;
    if (left > 0) this.connections.set(userId, left);
    else this.connections.delete(userId);
  }

  /** Identities connected here right now. */
  get count(): number {
    return this.connections.size;
  }
}

/** Counts the identities of `io`'s connections from now on. */
export function countOnlineIdentities(io: ChatServer): OnlineIdentities {
  const online = new OnlineIdentities();
  // One listener shared by every connection (called with the socket as `this`): a closure per connection
  // would cost memory on every idle socket.
  function gone(this: ChatSocket): void {
    online.closed(this.data.userId);
  }
  io.on('connection', (socket) => {
    online.opened(socket.data.userId);
    socket.on('disconnect', gone);
  });
  return online;
}
