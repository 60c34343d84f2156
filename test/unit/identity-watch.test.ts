/** A tab is told when its identity changed in another tab, not when it changed by its own press (web/src/identity-watch.ts). */
import { describe, expect, it } from 'vitest';
import { createIdentityWatch } from '../../web/src/identity-watch.js';

describe('identity watch (web/src/identity-watch.ts)', () => {
  function watch() {
    const told: number[] = [];
    let n = 0;
    const identity = createIdentityWatch(() => told.push(++n));
    return { identity, told };
  }

  it('the first session and reconnections as the same identity say nothing', () => {
    const { identity, told } = watch();
    identity.session('a');
    identity.session('a');
    expect(told).toEqual([]);
  });

  it('a new identity this tab did not ask for is told, each time', () => {
    const { identity, told } = watch();
    identity.session('a');
    identity.session('b');
    identity.session('c');
    expect(told).toEqual([1, 2]);
  });

  it('this tab’s own new identity is not told; one from elsewhere after it is', () => {
    const { identity, told } = watch();
    identity.session('a');
    identity.expectChange();
    identity.session('a'); // a reconnection before the new cookie's: still expected
    identity.session('b');
    expect(told).toEqual([]);
    identity.session('c');
    expect(told).toEqual([1]);
  });
});
