/**
 * Who may use a private key: one of its two people, or anyone while it has only its maker — then bound to it
 * as its second person for good, unless a block stands between them. Every refusal is the same NOT_FOUND as
 * an unknown key, so an answer never tells whether a key exists. And a key's use, recorded for retention.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { AppError, ErrorCode } from '../errors.js';
import { isLastingDbError } from '../storage/database-errors.js';
import type { PrivateKeyStore } from './private-key-store.js';

export interface KeyAdmissionDeps {
  store: Pick<PrivateKeyStore, 'people' | 'bind' | 'unbind' | 'touch'>;
  /** Whether a block keeps the two apart (blocks both ways; a new one from the moment it was acked). */
  isBlocked: (userId: string, otherId: string) => Promise<boolean>;
  clock: Clock;
  logger: Logger;
}

export class KeyAdmission {
  constructor(private readonly deps: KeyAdmissionDeps) {}

  /**
   * Whether the caller may use a key (NOT_FOUND otherwise), binding them as its second person if it has
   * none yet. The block is looked for before binding: someone the maker blocked (or who blocked the maker)
   * must not take the place the maker kept for somebody else — the key would be theirs for good. A block
   * acked between that look and the binding is found by the second look, and the binding taken back.
   */
  async admit(userId: string, hash: string): Promise<void> {
    const { store, isBlocked, logger } = this.deps;
    // A database error every try would meet again is NOT_FOUND, as in private-rooms.ts `fail`: not "try again".
    const stored = <T>(operation: Promise<T>): Promise<T> =>
      operation.catch((cause: unknown) => {
        throw new AppError(isLastingDbError(cause) ? ErrorCode.NOT_FOUND : ErrorCode.STORAGE_UNAVAILABLE, { cause });
      });
    const people = await stored(store.people(hash));
    // Whom the caller would meet: the other of the key's two, or its maker while it has no second.
    const expected = people && (people.user1Id === userId ? people.user2Id : people.user2Id === userId || people.user2Id === null ? people.user1Id : undefined);
    if (expected === undefined) throw new AppError(ErrorCode.NOT_FOUND, { detail: 'unknown key, or two other people’s' });
    if (expected !== null && (await isBlocked(userId, expected))) throw new AppError(ErrorCode.NOT_FOUND, { detail: 'closed by a block' });
    const binding = await stored(store.bind(hash, userId));
    if (binding.status === 'refused') throw new AppError(ErrorCode.NOT_FOUND, { detail: 'unknown key, or two other people’s' });
    // Looked at already, unless bound just now or somebody else was bound meanwhile.
    if (binding.otherId !== null && (binding.fresh || binding.otherId !== expected) && (await isBlocked(userId, binding.otherId))) {
      if (binding.fresh) await store.unbind(hash, userId).catch((err: unknown) => logger.warn({ err }, 'could not take back the binding of a key closed by a block'));
      throw new AppError(ErrorCode.NOT_FOUND, { detail: 'closed by a block' });
    }
    await this.touch(hash);
  }

  /**
   * The key is in use: the retention purge keeps it for the whole period from now (a key unused that long
   * goes with its conversations). Best effort: a failure here fails nothing (it is logged).
   */
  async touch(hash: string): Promise<void> {
    await this.deps.store.touch(hash, this.deps.clock.now()).catch((err: unknown) => this.deps.logger.warn({ err }, 'could not record that a private key was used'));
  }
}
