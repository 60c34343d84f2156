/**
 * How a private wait ends when entering its room fails. A passing failure (the registry, the room or the
 * database out of reach for a moment) may keep the wait, to be tried again; any other ends it. A database
 * error that every try would meet again (a constraint: the key's row purged meanwhile; a schema out of step)
 * is said as a closed room: the person is not told "try again", and a page showing the wait leaves it
 * (web/src/private-rejoin.ts). The meeting itself is private-rooms.ts.
 */
import type { Logger } from 'pino';
import type { Activity, ActivityRegistry } from '../chat/activity-registry.js';
import type { Caller } from '../chat/caller.js';
import type { ChatNotifier } from '../chat/notifier.js';
import { AppError, ErrorCode, isAppError } from '../errors.js';
import { errorText } from '../shared/codes.js';
import { describeDbError, isLastingDbError, lastingDbError } from '../storage/database-errors.js';
import type { PrivateRendezvous } from './private-rendezvous.js';

export interface WaitEndingsDeps {
  registry: ActivityRegistry;
  rendezvous: Pick<PrivateRendezvous, 'leave'>;
  notifier: Pick<ChatNotifier, 'toSocket'>;
  logger: Logger;
}

export class WaitEndings {
  constructor(private readonly deps: WaitEndingsDeps) {}

  /** A private wait ended (left, gone for good, banned): its place in the room is given up. Never throws. */
  async vacate(userId: string, hash: string): Promise<void> {
    await this.deps.rendezvous.leave(hash, userId).catch((err: unknown) => this.deps.logger.warn({ err }, 'could not leave a private room’s waiting place'));
  }

  /** Runs a step; if it fails, the caller stops waiting (and is told why with `code`) instead of being stranded. */
  async orGiveUp<T>(caller: Caller, self: Activity, operation: () => Promise<T>, code: ErrorCode, keep = false, lastingAs?: ErrorCode): Promise<T> {
    try {
      return await operation();
    } catch (cause) {
      throw await this.fail(caller, self, isAppError(cause) ? cause : new AppError(code, { cause }), keep, lastingAs);
    }
  }

  /**
   * Ends the caller's wait for `error` (returned, to throw) — kept when `keep` and the error is a passing one.
   * A lasting database error is `lastingAs`, by default NOT_FOUND: for the person, this room cannot be entered
   * any more — a fresh `join_private` is not told "try again", and a wait put back or resumed ends on the page
   * as a closed room does.
   */
  async fail(caller: Caller, self: Activity, error: AppError, keep: boolean, lastingAs: ErrorCode = ErrorCode.NOT_FOUND): Promise<AppError> {
    let failure = error;
    const lasting = lastingDbError(error);
    if (lasting) {
      this.deps.logger.error({ err: describeDbError(lasting), userId: caller.userId }, 'a private room cannot be entered: the database refuses it, and will at every try');
      failure = new AppError(lastingAs, { detail: 'a lasting database error', cause: error });
    }
    if (!keep || !isPassing(failure)) await this.giveUp(caller.userId, self);
    return failure;
  }

  /**
   * The other person of a meeting the database refuses for good: whoever enters, they would meet the same
   * refusal, so their wait ends too, told as the caller is (NOT_FOUND). False when it could not be ended —
   * they changed since `from` was read, or the registry is out of reach: the caller puts them back instead.
   */
  async endOther(otherId: string, from: Activity): Promise<boolean> {
    const ended = await this.deps.registry.release(otherId, { rev: from.rev }).catch((err: unknown) => {
      this.deps.logger.warn({ err, userId: otherId }, 'could not end the other person’s private wait');
      return false;
    });
    if (!ended) return false;
    if (from.privateKey !== undefined) await this.vacate(otherId, from.privateKey);
    this.deps.notifier.toSocket(from.socketId, 'error', { code: ErrorCode.NOT_FOUND, message: errorText[from.lang][ErrorCode.NOT_FOUND] });
    return true;
  }

  /** A wait ends with an error: out of the registry and of the room (best effort). */
  private async giveUp(userId: string, self: Activity): Promise<void> {
    const { registry, logger } = this.deps;
    await registry.release(userId, { rev: self.rev }).catch((err: unknown) => logger.warn({ err }, 'could not release a failed private wait'));
    if (self.privateKey !== undefined) await this.vacate(userId, self.privateKey);
  }
}

/**
 * A failure that a later try may not meet: the registry, the room or the database out of reach for a moment.
 * Not a database error that will be the same at every try (a constraint, a schema out of step): retried
 * every PUT_BACK_RETRY_MS for as long as the wait lasted, with the page never told.
 */
export function isPassing(error: unknown): boolean {
  if (isLastingDbError(error)) return false;
  if (!isAppError(error)) return true;
  return error.code === ErrorCode.STORAGE_UNAVAILABLE || error.code === ErrorCode.MATCHING_UNAVAILABLE || error.code === ErrorCode.SERVER_BUSY;
}
