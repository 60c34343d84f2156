/**
 * The gate every claim of a wait passes, checked when the claim lands. A wait is claimed (`join_queue`,
 * `create_private`, `join_private`) for the connection that asked, after checks that may wait on Redis or
 * the database; two things can change meanwhile (test/integration/races.test.ts):
 *
 * - The connection ends. Its disconnect, handled while there is nothing yet to end, would leave the wait
 *   claimed just after to a connection that is gone: the next joiner matched with somebody who never
 *   answers. So a claim is made only for a connection still open on this instance, and it is recorded
 *   until it settles; a disconnect first waits for the claims of its connection (`settled`), then ends
 *   what they claimed, or keeps it for the grace period, like anything else the connection held. The check
 *   and the record are one synchronous step, and a connection is closed before its disconnect is handled:
 *   either the claim sees the connection closed or the disconnect sees the claim.
 * - A ban or a mute arrives. Its eviction (of a wait, for a mute), finding nothing yet, would leave a banned
 *   or muted person waiting and then matched. So both are checked again once the claim is stored, and a
 *   refused claim is released. Every instance caches a sanction before it evicts: either this check sees
 *   the sanction or the eviction sees the claim.
 *
 * Only claims are recorded: nothing is kept per idle connection.
 */
import type { Activity, ActivityMatch, ActivityRegistry, ActivityState } from './activity-registry.js';

export interface ClaimChecks {
  /** Whether a connection is open on this instance, answered synchronously. */
  isOpen(socketId: string): boolean;
  /** Throws (the error the client is answered) if the identity or its network may not wait now: a ban, a mute. */
  assertMayWait(userId: string, networkHash: string | undefined): void;
}

export class ClaimGate implements ActivityRegistry {
  /** Per connection, while one of its claims runs: when all of them have settled. */
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly inner: ActivityRegistry,
    private readonly checks: ClaimChecks,
  ) {}

  get(userId: string): Promise<Activity | undefined> {
    return this.inner.get(userId);
  }

  /**
   * As the registry's claim, for `activity.socketId`: undefined, claiming nothing, once that connection is
   * closed; the check's error, claiming nothing either, if the identity may not wait.
   */
  claim(userId: string, activity: ActivityState): Promise<Activity | undefined> {
    const socketId = activity.socketId;
    if (!this.checks.isOpen(socketId)) return Promise.resolve(undefined);
    const claim = this.checked(userId, activity);
    const previous = this.running.get(socketId);
    const all: Promise<void> = (previous ? Promise.all([previous, claim]) : claim).then(nothing, nothing);
    this.running.set(socketId, all);
    void all.then(() => {
      if (this.running.get(socketId) === all) this.running.delete(socketId);
    });
    return claim;
  }

  transition(userId: string, from: ActivityMatch, to: ActivityState): Promise<Activity | undefined> {
    return this.inner.transition(userId, from, to);
  }

  release(userId: string, match: ActivityMatch): Promise<boolean> {
    return this.inner.release(userId, match);
  }

  /** Resolves once every claim made for the connection has settled (at once if none runs). Never rejects. */
  settled(socketId: string): Promise<void> {
    return this.running.get(socketId) ?? Promise.resolve();
  }

  /** Connections with a claim under way (for tests). */
  get pending(): number {
    return this.running.size;
  }

  private async checked(userId: string, activity: ActivityState): Promise<Activity | undefined> {
    const claimed = await this.inner.claim(userId, activity);
    if (!claimed) return undefined;
    try {
      this.checks.assertMayWait(userId, activity.networkHash);
    } catch (refusal) {
      // Nobody knows of this wait yet (it is queued or entered only after the claim): it just goes.
      await this.inner.release(userId, { rev: claimed.rev });
      throw refusal;
    }
    return claimed;
  }
}

function nothing(): void {}
