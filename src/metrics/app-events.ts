import type { StatementTiming } from '../storage/group-commit.js';

/** Milliseconds from a message's arrival to each stage of its path. */
export interface MessageTiming {
  admittedMs: number;
  committedMs: number;
  deliveredMs: number;
}

/**
 * What the app tells its metrics as things happen. Every method is cheap and synchronous and never
 * throws: these calls sit on the message path. Modules take only the methods they use (a `Pick`), so
 * they know nothing of Prometheus; `AppMetrics` is the real implementation, `noAppEvents` the default.
 */
export interface AppEvents {
  /** A client event was answered: `code` undefined when it succeeded. */
  answered(event: string, code: string | undefined): void;
  /** Two people were matched. */
  matched(matchType: string): void;
  /**
   * A message was stored and delivered: milliseconds from its arrival (the handler's start) to its
   * admission (flood check and the sender's chat read), to its commit, and to its delivery to the room.
   */
  message(timing: MessageTiming): void;
  /** A statement of messages was written: its row count, its duration and each row's wait for it. */
  batchWritten(rows: number, timing: StatementTiming): void;
  /** A connection took over a waiting place or a chat after a drop or a reload. */
  resumed(kind: string): void;
  /** A report was filed: by a person, or by the content policy (`system`). */
  reported(reason: string, source: 'person' | 'system'): void;
  /** A sanction was issued by a moderator or automatically (strikes). */
  sanctioned(kind: string, source: 'admin' | 'automatic'): void;
  /** The content policy marked a message (one call per flag: term, link, pii, spam, crisis, masked). */
  policyHit(flag: string): void;
  /** A retention purge ended. */
  purged(run: { rooms: number; messages: number; error: string | null }): void;
  /** Reading from the WebSockets was paused for this long while the write queue was high (backpressure). */
  readsPaused(ms: number): void;
}

const nothing = (): void => undefined;

/** Tells nobody (tests and tools that build parts without metrics). */
export const noAppEvents: AppEvents = {
  answered: nothing,
  matched: nothing,
  message: nothing,
  batchWritten: nothing,
  resumed: nothing,
  reported: nothing,
  sanctioned: nothing,
  policyHit: nothing,
  purged: nothing,
  readsPaused: nothing,
};
