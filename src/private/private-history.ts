/**
 * The earlier conversation of a private room, sent to each of its two people when they meet again
 * (`room_history {room_id, messages}`): the latest `maxMessages` messages of every conversation held
 * under the key, in order, a page (500) per event and each page once the connection has taken the
 * previous one — the reconnect replay's paging (delivery-gate.ts), so memory stays bounded by a page.
 *
 * Back-pressure can only be read where the connection is, so each side's history is sent by the instance
 * that holds its connection: the meeting instance sends its own connections theirs and asks the others
 * (in a cluster, through the Socket.IO adapter) to send theirs.
 */
import type { Logger } from 'pino';
import { REPLAY_PAGE, sendPages } from '../chat/delivery-gate.js';
import { toWireMessage } from '../chat/message-rules.js';
import type { ChatNotifier } from '../chat/notifier.js';
import type { PrivateKeyStore } from './private-key-store.js';

/** Whose history to send: a connection, the key of its room, and the conversation going on now. */
export interface HistoryRequest {
  socketId: string;
  keyHash: string;
  roomId: number;
}

export interface PrivateHistoryDeps {
  store: Pick<PrivateKeyStore, 'historyStart' | 'historyPage'>;
  notifier: Pick<ChatNotifier, 'drained' | 'isConnected' | 'toSocket'>;
  timezone: string;
  /** Most messages replayed at a meeting (the latest ones). */
  maxMessages: number;
  logger: Logger;
  /** Asks the other instances to send a history to a connection they hold (cluster mode); none alone. */
  elsewhere?: (request: HistoryRequest) => void;
}

export class PrivateHistory {
  constructor(private readonly deps: PrivateHistoryDeps) {}

  /** Sends the earlier conversation to a connection, wherever it is. Never throws. */
  async send(request: HistoryRequest): Promise<void> {
    if (await this.deps.notifier.isConnected(request.socketId)) await this.sendHere(request);
    else this.deps.elsewhere?.(request);
  }

  /** Sends the earlier conversation to a connection of this instance (nothing if it is not here). Never throws. */
  async sendHere({ socketId, keyHash, roomId }: HistoryRequest): Promise<void> {
    const { store, notifier, timezone, maxMessages, logger } = this.deps;
    try {
      if (!(await notifier.isConnected(socketId))) return;
      const progress = { lastId: await store.historyStart(keyHash, roomId, maxMessages), replayed: 0 };
      const outcome = await sendPages(
        notifier,
        socketId,
        progress,
        async (afterId) => (await store.historyPage(keyHash, roomId, afterId, REPLAY_PAGE)).map((m) => toWireMessage(m, timezone)),
        (messages) => notifier.toSocket(socketId, 'room_history', { room_id: roomId, messages }),
      );
      logger.debug({ roomId, replayed: progress.replayed, outcome }, 'private room history sent');
    } catch (err) {
      // The chat goes on without its earlier messages (the database could not be read).
      logger.warn({ err, roomId }, 'private room history could not be sent');
    }
  }
}
