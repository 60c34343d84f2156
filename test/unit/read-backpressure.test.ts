/**
 * ReadBackpressure's rules over fake connections: pause at the high mark, resume at the low one (and not in
 * between), give up a pause after maxPauseMs and stay off until the queue drains, resume at close; resume a
 * slice of the connections per event-loop turn, starting where the last resume stopped.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { engineWebSockets, ReadBackpressure, type Pausable } from '../../src/realtime/read-backpressure.js';

class FakeConnection implements Pausable {
  paused = false;
  calls: string[] = [];
  pause(): void {
    this.paused = true;
    this.calls.push('pause');
  }
  resume(): void {
    this.paused = false;
    this.calls.push('resume');
  }
}

describe('read backpressure', () => {
  let connections: FakeConnection[];
  let pauses: number[];
  let bp: ReadBackpressure;
  beforeEach(() => {
    vi.useFakeTimers();
    connections = [new FakeConnection(), new FakeConnection()];
    pauses = [];
    bp = new ReadBackpressure({ high: 10, low: 4, maxPauseMs: 1_000, resumeSlice: 100, connections: () => connections, events: { readsPaused: (ms) => pauses.push(ms) } });
  });
  afterEach(() => {
    bp.close();
    vi.useRealTimers();
  });

  it('pauses every connection at the high mark and resumes them at the low one, not in between', () => {
    for (const depth of [1, 5, 9]) bp.update(depth);
    expect(bp.isPaused).toBe(false);
    bp.update(10);
    expect(bp.isPaused).toBe(true);
    expect(connections.every((c) => c.paused)).toBe(true);
    // Draining, still above the low mark: stays paused; a repeat of the high mark pauses nobody twice.
    for (const depth of [12, 8, 5]) bp.update(depth);
    expect(connections[0]!.calls).toEqual(['pause']);
    bp.update(4);
    expect(bp.isPaused).toBe(false);
    expect(connections.every((c) => !c.paused)).toBe(true);
    expect(pauses).toHaveLength(1);
    // Between the marks after a resume: reads stay on.
    bp.update(8);
    expect(bp.isPaused).toBe(false);
  });

  it('reads the connections when it pauses and when it resumes (one that opened meanwhile is resumed too)', () => {
    bp.update(10);
    const late = new FakeConnection();
    connections.push(late);
    bp.update(0);
    expect(late.calls).toEqual(['resume']);
  });

  it('gives up a pause after maxPauseMs, and pauses again only once the queue went under the low mark', () => {
    bp.update(10);
    vi.advanceTimersByTime(999);
    expect(bp.isPaused).toBe(true);
    vi.advanceTimersByTime(1);
    expect(bp.isPaused).toBe(false);
    expect(connections.every((c) => !c.paused)).toBe(true);
    expect(pauses).toEqual([expect.any(Number)]);
    // Still high: the refusal (SERVER_BUSY) is in charge now, no new pause.
    bp.update(20);
    expect(bp.isPaused).toBe(false);
    bp.update(3);
    bp.update(10);
    expect(bp.isPaused).toBe(true);
  });

  it('resumes for good at close', () => {
    bp.update(10);
    bp.close();
    expect(connections.every((c) => !c.paused)).toBe(true);
    bp.update(0);
    bp.update(50);
    expect(bp.isPaused).toBe(false);
    // The pause's timer is gone with it.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses marks that cannot work', () => {
    expect(() => new ReadBackpressure({ high: 4, low: 4, maxPauseMs: 1, resumeSlice: 1, connections: () => [] })).toThrow(RangeError);
    expect(() => new ReadBackpressure({ high: 5, low: 4, maxPauseMs: 1, resumeSlice: 0, connections: () => [] })).toThrow(RangeError);
  });

  it('finds the WebSockets among Engine.IO connections and skips long-polling ones', () => {
    const ws = new FakeConnection();
    const engine = { clients: { a: { transport: { name: 'websocket', socket: ws } }, b: { transport: { name: 'polling', socket: new FakeConnection() } }, c: {} } };
    expect([...engineWebSockets(engine)]).toEqual([ws]);
  });

  describe('resuming a slice per turn', () => {
    const many = (n: number) => Array.from({ length: n }, () => new FakeConnection());
    const reading = (list: FakeConnection[]) => list.filter((c) => !c.paused).length;
    const start = (n: number, resumeSlice: number) => {
      connections = many(n);
      bp.close();
      bp = new ReadBackpressure({ high: 10, low: 4, maxPauseMs: 1_000, resumeSlice, connections: () => connections });
    };

    it('gives reads back to a slice of the connections per turn, until everyone reads', () => {
      start(10, 3);
      bp.update(10);
      bp.update(0);
      expect(bp.isPaused).toBe(false);
      expect(reading(connections)).toBe(3);
      const counts = [];
      for (let turn = 0; turn < 4; turn++) {
        vi.advanceTimersToNextTimer();
        counts.push(reading(connections));
      }
      expect(counts).toEqual([6, 9, 10, 10]);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('takes larger slices when there are many connections: a resume lasts at most 16 turns', () => {
      start(1_000, 1);
      bp.update(10);
      bp.update(0);
      expect(reading(connections)).toBe(63);
      let turns = 1;
      while (reading(connections) < 1_000) {
        vi.advanceTimersToNextTimer();
        turns++;
      }
      expect(turns).toBe(16);
    });

    it('leaves the connections not reached paused when a new pause comes, and resumes them first next time', () => {
      start(10, 3);
      bp.update(10);
      bp.update(0);
      vi.advanceTimersToNextTimer();
      // 0–5 read again, 6–9 not yet: the queue fills again.
      bp.update(10);
      expect(connections.every((c) => c.paused)).toBe(true);
      vi.advanceTimersByTime(10);
      bp.update(0);
      expect(connections.map((c) => !c.paused)).toEqual([false, false, false, false, false, false, true, true, true, false]);
    });

    it('starts each complete resume a slice further on, so nobody is always last', () => {
      start(6, 2);
      const firstResumed = () => connections.findIndex((c) => !c.paused);
      bp.update(10);
      bp.update(0);
      expect(firstResumed()).toBe(0);
      vi.runAllTimers();
      bp.update(10);
      bp.update(0);
      expect(firstResumed()).toBe(2);
    });

    it('counts the time limit from the first pause while some connections have not been resumed since', () => {
      start(10, 3);
      bp.update(10);
      vi.advanceTimersByTime(600);
      bp.update(0); // resuming: 3 now, the rest in later turns
      bp.update(10); // paused again before the others got reads back: they have waited 600 ms already
      expect(bp.isPaused).toBe(true);
      vi.advanceTimersByTime(399);
      expect(bp.isPaused).toBe(true);
      vi.advanceTimersByTime(1);
      expect(bp.isPaused).toBe(false);
      // Spent: the queue is still high, and reads stay on (a slice at a time) while the refusal works.
      vi.runAllTimers();
      expect(reading(connections)).toBe(10);
      bp.update(20);
      expect(bp.isPaused).toBe(false);
    });

    it('resumes everyone at once at close, even in the middle of a resume', () => {
      start(10, 3);
      bp.update(10);
      bp.update(0);
      bp.close();
      expect(reading(connections)).toBe(10);
      expect(vi.getTimerCount()).toBe(0);
    });
  });
});
