/**
 * Backpressure on reads: while the message write queue is above its high-water mark, this process stops
 * reading from its WebSocket connections (ws `pause()`: the kernel's buffers fill, then the senders' own),
 * and reads again once the queue is back under the low-water mark. Under overload the server then takes
 * messages at the pace it can store them, instead of reading thousands in one event-loop turn only to
 * refuse most of them with SERVER_BUSY (which costs time the writing needed).
 *
 * Reads resume a slice of the connections per event-loop turn, not all at once: after a pause every
 * connection has messages waiting, and resuming them together made one turn read a whole pause's worth
 * (seconds of work, during which no timer, heartbeat or commit callback ran). Each resume starts where the
 * last one stopped, so no connection is always last; a pause that comes while slices are still resuming
 * leaves the rest paused, and they go first next time.
 *
 * Reads start coming back at the latest `maxPauseMs` after the first pause of an episode that has not
 * finished resuming (the last slice follows within RESUME_TURNS turns), which is kept below Engine.IO's ping
 * timeout: a database that hangs must not cost every connection its heartbeat. Past it reads resume and
 * the refusal takes over until the queue has drained below the low mark. Long-polling connections are not paused (a poll is an
 * HTTP request); they still get SERVER_BUSY from a full queue. Writes (acks, deliveries) never pause. A
 * connection that opens during a pause is not paused: a newcomer's CONNECT is answered at once, and what it
 * sends meets the queue like anyone's.
 */
import type { Config } from '../config/config.js';
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
  /**
   * Connections resumed per event-loop turn (at least this many, and enough to resume everyone within
   * RESUME_TURNS turns).
   */
  resumeSlice: number;
  /** Every connection to pause or resume, read when a pause starts or ends. */
  connections: () => Iterable<Pausable>;
  /** Told each pause's length when it ends (metrics). */
  events?: Pick<AppEvents, 'readsPaused'>;
}

/** However many connections there are, a resume takes at most this many turns. */
const RESUME_TURNS = 16;

export class ReadBackpressure {
  private paused = false;
  /** A pause ran out while the queue was still high: no new pause until it is under `low`. */
  private spent = false;
  private closed = false;
  private pausedAt = 0;
  /** When the connections still paused were paused (the first pause since everyone was last resumed). */
  private episodeAt = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The resume in progress: connections in the order they get reads back, and how far it has come. */
  private resuming: { order: Pausable[]; start: number; next: number; slice: number } | undefined;
  private nextTurn: NodeJS.Immediate | undefined;
  /** Where the next resume starts, as a position in `connections()`. */
  private rotation = 0;

  constructor(private readonly options: ReadBackpressureOptions) {
    if (!(options.low < options.high)) throw new RangeError(`low (${options.low}) must be under high (${options.high})`);
    if (!(options.resumeSlice >= 1)) throw new RangeError(`resumeSlice (${options.resumeSlice}) must be at least 1`);
  }

  /** Whether reads are paused now (false as soon as a resume has begun). */
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

  /** Reads on again, for good and at once (shutdown). */
  close(): void {
    this.closed = true;
    if (this.paused) this.resume();
    this.resumeRest();
  }

  private pause(): void {
    const now = performance.now();
    this.paused = true;
    this.pausedAt = now;
    // Connections a resume had not reached yet have been paused since the episode began.
    if (this.resuming) this.stopResuming();
    else this.episodeAt = now;
    for (const connection of this.options.connections()) connection.pause();
    this.timer = setTimeout(
      () => {
        this.spent = true;
        this.resume();
      },
      Math.max(0, this.options.maxPauseMs - (now - this.episodeAt)),
    );
    this.timer.unref();
  }

  private resume(): void {
    this.paused = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.options.events?.readsPaused(performance.now() - this.pausedAt);
    const all = [...this.options.connections()];
    const start = all.length > 0 ? this.rotation % all.length : 0;
    const order = start === 0 ? all : [...all.slice(start), ...all.slice(0, start)];
    this.resuming = { order, start, next: 0, slice: Math.max(this.options.resumeSlice, Math.ceil(order.length / RESUME_TURNS)) };
    if (this.closed) this.resumeRest();
    else this.resumeTurn();
  }

  /** Resumes one slice, and schedules the next for the following turn. */
  private resumeTurn = (): void => {
    this.nextTurn = undefined;
    const resuming = this.resuming;
    if (!resuming) return;
    const end = Math.min(resuming.order.length, resuming.next + resuming.slice);
    for (; resuming.next < end; resuming.next++) resuming.order[resuming.next]!.resume();
    if (resuming.next < resuming.order.length) {
      this.nextTurn = setImmediate(this.resumeTurn);
    } else {
      // Everyone reads again. The next resume starts a slice further on: nobody is always last.
      this.rotation = resuming.start + resuming.slice;
      this.resuming = undefined;
    }
  };

  /** A new pause: the slices not reached stay paused, and the next resume begins with them. */
  private stopResuming(): void {
    if (this.nextTurn) clearImmediate(this.nextTurn);
    this.nextTurn = undefined;
    const resuming = this.resuming!;
    this.rotation = resuming.start + resuming.next;
    this.resuming = undefined;
  }

  private resumeRest(): void {
    if (this.nextTurn) clearImmediate(this.nextTurn);
    this.nextTurn = undefined;
    const resuming = this.resuming;
    this.resuming = undefined;
    if (!resuming) return;
    for (; resuming.next < resuming.order.length; resuming.next++) resuming.order[resuming.next]!.resume();
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

/** Longest pause of reads (and never more than half the ping timeout). */
const MAX_PAUSE_MS = 5_000;
/** Connections given their reads back per event-loop turn after a pause (more when there are many). */
const RESUME_SLICE = 256;

/** The server's backpressure: reads pause while the write queue is over half full and resume under a quarter. */
export function readBackpressureFor(
  engine: object,
  config: Pick<Config, 'writeQueueMax' | 'pingTimeoutMs'>,
  events: Pick<AppEvents, 'readsPaused'>,
): ReadBackpressure {
  return new ReadBackpressure({
    high: Math.ceil(config.writeQueueMax / 2),
    low: Math.floor(config.writeQueueMax / 4),
    maxPauseMs: Math.min(MAX_PAUSE_MS, Math.floor(config.pingTimeoutMs / 2)),
    resumeSlice: RESUME_SLICE,
    connections: () => engineWebSockets(engine),
    events,
  });
}
