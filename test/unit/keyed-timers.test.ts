import { describe, expect, it } from 'vitest';
import { KeyedTimers } from '../../src/keyed-timers.js';
import { ManualClock } from '../helpers/clock.js';

describe('KeyedTimers', () => {
  it('runs a key’s timer once, after its delay, and forgets it then', () => {
    const clock = new ManualClock();
    const timers = new KeyedTimers<string>(clock);
    const fired: string[] = [];
    timers.start('a', 1_000, () => fired.push('a'));
    clock.advance(999);
    expect(fired).toEqual([]);
    expect(timers.has('a')).toBe(true);
    clock.advance(1);
    expect(fired).toEqual(['a']);
    expect(timers.has('a')).toBe(false);
    expect(timers.size).toBe(0);
    clock.advance(10_000);
    expect(fired).toEqual(['a']);
  });

  it('starting a key again replaces its timer; other keys keep theirs', () => {
    const clock = new ManualClock();
    const timers = new KeyedTimers<string>(clock);
    const fired: string[] = [];
    timers.start('a', 1_000, () => fired.push('a1'));
    timers.start('b', 1_500, () => fired.push('b'));
    clock.advance(500);
    timers.start('a', 2_000, () => fired.push('a2'));
    clock.advance(5_000);
    expect(fired).toEqual(['b', 'a2']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a timer that starts its own key again (a retry) stays pending', () => {
    const clock = new ManualClock();
    const timers = new KeyedTimers<string>(clock);
    let tries = 0;
    const retry = () => {
      tries++;
      if (tries < 3) timers.start('a', 100, retry);
    };
    timers.start('a', 100, retry);
    clock.advance(150);
    expect(tries).toBe(1);
    expect(timers.has('a')).toBe(true);
    clock.advance(1_000);
    expect(tries).toBe(3);
    expect(timers.has('a')).toBe(false);
  });

  it('cancel stops one key; a negative delay runs at once', () => {
    const clock = new ManualClock();
    const timers = new KeyedTimers<number>(clock);
    const fired: number[] = [];
    timers.start(1, 100, () => fired.push(1));
    timers.start(2, -50, () => fired.push(2));
    timers.cancel(1);
    timers.cancel(3);
    clock.advance(0);
    clock.advance(1_000);
    expect(fired).toEqual([2]);
  });

  it('cancelAll returns what the pending timers held and leaves the map usable', () => {
    const clock = new ManualClock();
    const timers = new KeyedTimers<string, { until: number }>(clock);
    const fired: string[] = [];
    timers.start('a', 100, () => fired.push('a'), { until: 1 });
    timers.start('b', 200, () => fired.push('b'), { until: 2 });
    expect(timers.cancelAll()).toEqual([
      ['a', { until: 1 }],
      ['b', { until: 2 }],
    ]);
    expect(timers.start('c', 50, () => fired.push('c'), { until: 3 })).toBe(true);
    clock.advance(1_000);
    expect(fired).toEqual(['c']);
  });

  it('after stop no timer runs and none starts', () => {
    const clock = new ManualClock();
    const timers = new KeyedTimers<string>(clock);
    const fired: string[] = [];
    timers.start('a', 100, () => fired.push('a'));
    expect(timers.stop()).toEqual([['a', undefined]]);
    expect(timers.start('b', 100, () => fired.push('b'))).toBe(false);
    clock.advance(1_000);
    expect(fired).toEqual([]);
    expect(timers.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });
});
