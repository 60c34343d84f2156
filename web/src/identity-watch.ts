/**
 * Tells a tab that its identity changed under it. "换个身份 / New identity" pressed in another tab gives the
 * browser a new cookie; the server closes this tab's connection (src/realtime/identity-retirement.ts) and it
 * comes back as the new identity — without a word it only looked like a reconnection, and a chat that had
 * ended on screen could no longer be reported or blocked from here (its receipt code still works on /my).
 *
 * Only a change from one cookie identity to another is put down to another tab: a page without the cookie
 * (loaded while new identities were limited) holds a bearer token, and its identity also changes when a
 * cookie set later wins at a reconnect, or when its token has expired — then the page says only that it
 * uses a new identity. This tab's own press is expected by the identity the reset answered with, and says
 * so itself (new-identity.ts). The other tab is usually hidden when this happens: the notice waits until
 * this one is seen (a 4-second toast in a hidden tab would never be).
 */

/** What a `session` says of the identity: which, and whether it came with a bearer token (no cookie). */
export interface SessionIdentity {
  userId: string;
  byToken: boolean;
}

export type IdentityChange = 'elsewhere' | 'unexplained';

export interface IdentityWatch {
  session(identity: SessionIdentity): void;
  /** This tab asked for a new identity and got `userId`: coming back as it is this tab's own doing. */
  expect(userId: string): void;
}

export function createIdentityWatch(changed: (why: IdentityChange) => void): IdentityWatch {
  let known: SessionIdentity | undefined;
  let expected: string | undefined;
  return {
    session(identity) {
      const before = known;
      known = identity;
      if (before === undefined || before.userId === identity.userId) return;
      if (identity.userId === expected) {
        expected = undefined;
        return;
      }
      changed(!before.byToken && !identity.byToken ? 'elsewhere' : 'unexplained');
    },
    expect(userId) {
      expected = userId;
    },
  };
}

/** Runs `show` now if the page is on screen, else once it comes on screen (only the latest waits). */
export function whenSeen(): (show: () => void) => void {
  let waiting: (() => void) | undefined;
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible' || waiting === undefined) return;
    const show = waiting;
    waiting = undefined;
    show();
  });
  return (show) => {
    if (document.visibilityState === 'visible') show();
    else waiting = show;
  };
}
