import type { Lang } from '../shared/codes.js';

/** Who is asking: an identity and the connection it asks from. */
export interface Caller {
  userId: string;
  socketId: string;
  lang: Lang;
  /** The client network's hash (see privacy/network-hash.ts), when known: kept with the room, for bans by network. */
  networkHash?: string;
}
