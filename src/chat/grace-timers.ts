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

export class GraceTimers {
  private readonly timers: KeyedTimers<string, LostConnection>;

  constructor(
    private readonly clock: Clock,
    private readonly onExpire: (userId: string, lost: LostConnection) => Promise<void>,
    private readonly logger: Logger,
  ) {
    this.timers = new KeyedTimers(clock);
  }

  /** (Re)starts the identity's timer, to end the grace period `lost` names when it runs out. */
  start(userId: string, lost: LostConnection): void {
    this.timers.start(
      userId,
      lost.untilMs - this.clock.now().getTime(),
      () => void this.onExpire(userId, lost).catch((err: unknown) => this.logger.error({ err }, 'ending a lapsed grace period failed')),
      lost,
    );
  }

  cancel(userId: string): void {
    this.timers.cancel(userId);
  }

  /** Cancels every timer; returns the grace periods they were counting (a shutdown ends them at once). */
  cancelAll(): [string, LostConnection][] {
    return this.timers.cancelAll();
  }

  get size(): number {
    return this.timers.size;
  }
}
