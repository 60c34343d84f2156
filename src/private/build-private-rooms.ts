/** Builds the private rooms of one instance: keys in the database, the shared rendezvous, history, stay in touch. */
import type { Logger } from 'pino';
import type { ActivityRegistry } from '../chat/activity-registry.js';
import { GuardedRegistry } from '../chat/guarded-seams.js';
import type { ChatNotifier } from '../chat/notifier.js';
import type { RoomCloser } from '../chat/room-closer.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { AppEvents } from '../metrics/app-events.js';
import type { ChatRepository } from '../storage/chat-repository.js';
import type { Database } from '../storage/database.js';
import { KeepInTouch } from './keep-in-touch.js';
import { PrivateHistory, type HistoryRequest } from './private-history.js';
import { PrivateKeyStore } from './private-key-store.js';
import type { PrivateRendezvous } from './private-rendezvous.js';
import { PrivateRooms } from './private-rooms.js';

export interface PrivateRoomsOptions {
  database: Database;
  /** The seams' registry (guarded here, as the chat guards its own). */
  registry: ActivityRegistry;
  rendezvous: PrivateRendezvous;
  repository: ChatRepository;
  /** Writes rooms' ends with retries: the chat service's own, so one flush at shutdown covers both. */
  closer: RoomCloser;
  notifier: ChatNotifier;
  clock: Clock;
  logger: Logger;
  settings: Config['privateRooms'];
  timezone: string;
  instanceId?: string;
  /** Whether a block keeps the two apart (the cache of blocks, and a new one held in the match queue). */
  isBlocked: (userId: string, otherId: string) => Promise<boolean>;
  /** Ends the first one's chat with the other because of a block (the chat service's `endChatWith`). */
  endBlocked: (userId: string, otherId: string) => Promise<boolean>;
  /** Each meeting in a private room, for the metrics (`chat_matches_total{match_type="private"}`). */
  events?: Pick<AppEvents, 'matched'>;
  /** Cluster mode: how this instance asks the others to send a history to their connections. */
  relay?: (history: PrivateHistory) => (request: HistoryRequest) => void;
  /** Gives a contact key to an identity's other connections, wherever they are (keep-in-touch.ts). */
  reachIdentity?: (userId: string, exceptSocketId: string, key: string, roomId: number) => void;
}

export interface PrivateRoomsParts {
  rooms: PrivateRooms;
  keepInTouch: KeepInTouch;
  history: PrivateHistory;
}

export function buildPrivateRooms(options: PrivateRoomsOptions): PrivateRoomsParts {
  const { database, rendezvous, repository, notifier, clock, logger, settings, isBlocked } = options;
  const store = new PrivateKeyStore(database);
  const registry = new GuardedRegistry(options.registry);
  const history: PrivateHistory = new PrivateHistory({
    store,
    notifier,
    timezone: options.timezone,
    maxMessages: settings.historyMaxMessages,
    logger,
    elsewhere: options.relay && ((request) => elsewhere(request)),
  });
  const elsewhere = options.relay?.(history) ?? (() => undefined);
  const rooms = new PrivateRooms({ registry, rendezvous, store, repository, closer: options.closer, notifier, history, clock, logger, instanceId: options.instanceId, isBlocked, endBlocked: options.endBlocked, events: options.events });
  const keepInTouch = new KeepInTouch({
    registry,
    rendezvous,
    store,
    notifier,
    clock,
    logger,
    windowMs: settings.keepInTouchWindowMs,
    isBlocked,
    ...(options.reachIdentity ? { reachIdentity: options.reachIdentity } : {}),
  });
  return { rooms, keepInTouch, history };
}
