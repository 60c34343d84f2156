/**
 * Backpressure on reads: while the message write queue is above its high-water mark, this process stops
 * reading from its WebSocket connections (ws `pause()`: the kernel's buffers fill, then the senders' own),
 * and reads again once the queue is back under the low-water mark. Under overload the server then takes
 * messages at the pace it can store them, instead of reading thousands in one event-loop turn only to
 * refuse most of them with SERVER_BUSY (which costs time the writing needed).
 *
 * A pause never lasts longer than `maxPauseMs`, which is kept below Engine.IO's ping timeout: a database
 * that hangs must not cost every connection its heartbeat. Past it reads resume and the refusal takes over
 * until the queue has drained below the low mark. Long-polling connections are not paused (a poll is an
 * HTTP request); they still get SERVER_BUSY from a full queue. Writes (acks, deliveries) never pause. A
 * connection that opens during a pause is not paused: a newcomer's CONNECT is answered at once, and what it
 * sends meets the queue like anyone's.
 */
import type { AppEvents } from '../metrics/app-events.js';

/** What can stop and start reading: a ws WebSocket. */
export interface Pausable {
  pause(): void;
  resume(): void;
}

export interface ReadBackpressureOptions {
  /** Queue depth at which reads pause. */
  high: number;
  /** Queue depth at or under which they resume. */
  low: number;
  /** Longest pause; then reads resume and stay on until the queue is under `low` again. */
  maxPauseMs: number;
  /** Every connection to pause or resume, read when a pause starts or ends. */
  connections: () => Iterable<Pausable>;
  /** Told each pause's length when it ends (metrics). */
  events?: Pick<AppEvents, 'readsPaused'>;
}

export class ReadBackpressure {
  private paused = false;
  /** A pause ran out while the queue was still high: no new pause until it is under `low`. */
  private spent = false;
  private closed = false;
  private pausedAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ReadBackpressureOptions) {
    if (!(options.low < options.high)) throw new RangeError(`low (${options.low}) must be under high (${options.high})`);
  }

  /** Whether reads are paused now. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Told the write queue's depth whenever it grows or shrinks. Cheap when nothing changes. */
  update(depth: number): void {
    if (depth <= this.options.low) {
      this.spent = false;
      if (this.paused) this.resume();
    } else if (depth >= this.options.high && !this.paused && !this.spent && !this.closed) {
      this.pause();
    }
  }

  /** Reads on again, for good (shutdown). */
  close(): void {
    this.closed = true;
    if (this.paused) this.resume();
  }

  private pause(): void {
    this.paused = true;
    this.pausedAt = performance.now();
    for (const connection of this.options.connections()) connection.pause();
    this.timer = setTimeout(() => {
      this.spent = true;
      this.resume();
    }, this.options.maxPauseMs);
    this.timer.unref();
  }

  private resume(): void {
    this.paused = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const connection of this.options.connections()) connection.resume();
    this.options.events?.readsPaused(performance.now() - this.pausedAt);
  }
}

/** The shape of an Engine.IO socket this module reads: its transport, and the ws WebSocket under it. */
interface EngineSocketLike {
  transport?: { name?: string; socket?: Partial<Pausable> };
}

/** The WebSocket under an Engine.IO connection, or undefined while it is on long-polling. */
function webSocketOf(socket: EngineSocketLike): Pausable | undefined {
  const ws = socket.transport?.name === 'websocket' ? socket.transport.socket : undefined;
  return typeof ws?.pause === 'function' && typeof ws.resume === 'function' ? (ws as Pausable) : undefined;
}

/**
 * Every WebSocket of an Engine.IO server. `clients` (sid → socket) is Engine.IO's own table, protected in
 * its types but the one complete list of this process's connections; keeping a second one would cost memory
 * on every idle connection for an event that is rare.
 */
export function* engineWebSockets(engine: object): Iterable<Pausable> {
  const clients = (engine as { clients?: Record<string, EngineSocketLike> }).clients ?? {};
  for (const sid in clients) {
    const ws = webSocketOf(clients[sid]!);
    if (ws) yield ws;
  }
}
