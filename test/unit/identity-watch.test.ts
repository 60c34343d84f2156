/**
 * A tab is told when its identity changed under it (web/src/identity-watch.ts): put down to another tab only
 * from one cookie identity to another, never for its own press (the identity the reset answered with).
 */
import { describe, expect, it } from 'vitest';
import { createIdentityWatch, type IdentityChange } from '../../web/src/identity-watch.js';

const cookie = (userId: string) => ({ userId, byToken: false });
const token = (userId: string) => ({ userId, byToken: true });

describe('identity watch (web/src/identity-watch.ts)', () => {
  function watch() {
    const told: IdentityChange[] = [];
    return { identity: createIdentityWatch((why) => told.push(why)), told };
  }

  it('the first session and reconnections as the same identity say nothing', () => {
    const { identity, told } = watch();
    identity.session(cookie('a'));
    identity.session(cookie('a'));
    expect(told).toEqual([]);
  });

  it('a cookie identity replaced by another this tab did not ask for: another tab did it, each time', () => {
    const { identity, told } = watch();
    identity.session(cookie('a'));
    identity.session(cookie('b'));
    identity.session(cookie('c'));
    expect(told).toEqual(['elsewhere', 'elsewhere']);
  });

  it('a token identity replaced (a cookie set later wins, the token expired): said without blaming a tab', () => {
    const { identity, told } = watch();
    identity.session(token('a'));
    identity.session(cookie('b'));
    identity.session(token('c'));
    expect(told).toEqual(['unexplained', 'unexplained']);
  });

  it('this tab’s own new identity is not told — only the one the reset answered with', () => {
    const { identity, told } = watch();
    identity.session(cookie('a'));
    identity.expect('b');
    identity.session(cookie('a')); // a reconnection before the new cookie's
    identity.session(cookie('b'));
    expect(told).toEqual([]);
    // A third tab's press that overtook this one's: told, not taken for this tab's own.
    identity.expect('c');
    identity.session(cookie('d'));
    expect(told).toEqual(['elsewhere']);
    // An expected identity that never came does not silence the next change: it was another.
    identity.session(cookie('e'));
    expect(told).toEqual(['elsewhere', 'elsewhere']);
  });
});
