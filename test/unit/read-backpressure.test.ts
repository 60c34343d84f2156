/**
 * ReadBackpressure's rules over fake connections: pause at the high mark, resume at the low one (and not in
 * between), give up a pause after maxPauseMs and stay off until the queue drains, resume at close.
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
    bp = new ReadBackpressure({ high: 10, low: 4, maxPauseMs: 1_000, connections: () => connections, events: { readsPaused: (ms) => pauses.push(ms) } });
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
    expect(() => new ReadBackpressure({ high: 4, low: 4, maxPauseMs: 1, connections: () => [] })).toThrow(RangeError);
  });

  it('finds the WebSockets among Engine.IO connections and skips long-polling ones', () => {
    const ws = new FakeConnection();
    const engine = { clients: { a: { transport: { name: 'websocket', socket: ws } }, b: { transport: { name: 'polling', socket: new FakeConnection() } }, c: {} } };
    expect([...engineWebSockets(engine)]).toEqual([ws]);
  });
});
