/**
 * One timer per identity whose connection to this instance was lost: when it fires, the chat service
 * ends the activity if it is still held by that lost connection. A timer only ever acts on the state it
 * was started for, so one left running by mistake does no harm.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { KeyedTimers } from '../keyed-timers.js';

/**
 * The grace period a timer is for: the lost connection and the end its detached record names. Another
 * instance's detach of the same connection (taken back after a stall, then lost again) names another end.
 */
export interface LostConnection {
  socketId: string;
  untilMs: number;
}

/**
 * How long after a failed end (Redis or the database away) a lapsed grace period is ended again, and how many
 * times: about ten minutes. Before, it was tried once, and the partner waited for ever ("lost the connection,
 * waiting for them to come back…").
 */
export const GRACE_RETRY_MS = 5_000;
const GRACE_RETRIES = 120;

export class GraceTimers {
  private readonly timers: KeyedTimers<string, LostConnection>;
  /** Set by `cancelAll` (a shutdown): failed ends are not tried again. */
  private closing = false;

  constructor(
    private readonly clock: Clock,
    private readonly onExpire: (userId: string, lost: LostConnection) => Promise<void>,
    private readonly logger: Logger,
  ) {
    this.timers = new KeyedTimers(clock);
  }

  /** (Re)starts the identity's timer, to end the grace period `lost` names when it runs out. */
  start(userId: string, lost: LostConnection): void {
    this.schedule(userId, lost, lost.untilMs - this.clock.now().getTime(), 0);
  }

  /** Whether a timer is counting the identity's grace period (or retrying its end). */
  has(userId: string): boolean {
    return this.timers.has(userId);
  }

  /**
   * A failed end is tried again — unless another grace period of the identity started meanwhile (its own
   * timer acts then). The end acts only on the state it was started for, so a retry after the person came
   * back, or after another instance ended it, does nothing.
   */
  private schedule(userId: string, lost: LostConnection, delayMs: number, retries: number): void {
    const fire = (): void => {
      this.onExpire(userId, lost).catch((err: unknown) => {
        if (this.closing) return;
        if (retries >= GRACE_RETRIES) return this.logger.error({ err }, 'ending a lapsed grace period failed: given up');
        // Said once, then quietly: an outage fails every one of them every few seconds.
        if (retries === 0) this.logger.warn({ err }, `ending a lapsed grace period failed: tried again every ${GRACE_RETRY_MS / 1000} s`);
        else this.logger.debug({ err }, 'ending a lapsed grace period failed again');
        // Spread out, so that the retries of everyone an outage held do not reach Redis all at once.
        if (!this.timers.has(userId)) this.schedule(userId, lost, GRACE_RETRY_MS * (0.75 + Math.random() / 2), retries + 1);
      });
    };
    this.timers.start(userId, delayMs, fire, lost);
  }

  cancel(userId: string): void {
    this.timers.cancel(userId);
  }

  /**
   * Cancels every timer; returns the grace periods they were counting (a shutdown ends them at once). An end
   * running then that fails is not tried again (the instance is going away).
   */
  cancelAll(): [string, LostConnection][] {
    this.closing = true;
    return this.timers.cancelAll();
  }

  get size(): number {
    return this.timers.size;
  }
}
