/**
 * Tells a tab that its identity changed under it: "换个身份 / New identity" pressed in another tab gives the
 * browser a new cookie, the server closes this tab's connection (src/realtime/identity-retirement.ts) and it
 * comes back as the new identity — without a word it only looked like a reconnection, and a chat that had
 * ended on screen could no longer be reported or blocked from here (its receipt code still works on /my).
 * This tab's own press is expected, and says so itself (new-identity.ts).
 */
export interface IdentityWatch {
  /** The session's identity, as each connection's `session` tells it. */
  session(userId: string): void;
  /** This tab asked for a new identity: its next change is its own. */
  expectChange(): void;
}

export function createIdentityWatch(changedElsewhere: () => void): IdentityWatch {
  let known: string | undefined;
  let expected = false;
  return {
    session(userId) {
      const changed = known !== undefined && userId !== known;
      known = userId;
      if (!changed) return;
      if (expected) expected = false;
      else changedElsewhere();
    },
    expectChange() {
      expected = true;
    },
  };
}
