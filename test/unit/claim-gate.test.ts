/**
 * ClaimGate: a claim is made only for an open connection and somebody who may wait, and a disconnect
 * can wait for the claims of its connection under way (the gateway's order; the interleavings over real
 * sockets are in test/integration/races.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { MemoryActivityRegistry, type Activity, type ActivityState } from '../../src/chat/activity-registry.js';
import { ClaimGate } from '../../src/chat/claim-gate.js';

const waiting = (socketId: string): ActivityState => ({ kind: 'waiting', socketId, lang: 'en' });
const assertMayWait = () => undefined;
const always = { isOpen: () => true, assertMayWait };

/** An in-memory registry whose claims complete only when the test says so. */
function slowClaims() {
  const inner = new MemoryActivityRegistry();
  const gates: Array<() => void> = [];
  const slow = Object.assign(Object.create(inner) as MemoryActivityRegistry, {
    claim: async (userId: string, state: ActivityState): Promise<Activity | undefined> => {
      await new Promise<void>((resolve) => gates.push(resolve));
      return inner.claim(userId, state);
    },
  });
  return { inner, slow, releaseNext: () => gates.shift()!() };
}

const settledYet = async (promise: Promise<void>): Promise<boolean> => {
  let done = false;
  void promise.then(() => (done = true));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
};

describe('ClaimGate', () => {
  it('claims nothing for a connection that is closed, and stores nothing', async () => {
    const inner = new MemoryActivityRegistry();
    const open = new Set(['s1']);
    const registry = new ClaimGate(inner, { isOpen: (id) => open.has(id), assertMayWait });
    expect(await registry.claim('u2', waiting('s2'))).toBeUndefined();
    expect(await inner.get('u2')).toBeUndefined();
    expect(await registry.claim('u1', waiting('s1'))).toMatchObject({ kind: 'waiting', socketId: 's1' });
  });

  it('settled waits for every claim of the connection under way, and only for that connection', async () => {
    const { slow, releaseNext } = slowClaims();
    const registry = new ClaimGate(slow, always);
    expect(await settledYet(registry.settled('s1'))).toBe(true);

    const first = registry.claim('u1', waiting('s1'));
    const second = registry.claim('u1', waiting('s1'));
    expect(registry.pending).toBe(1);
    const settled = registry.settled('s1');
    expect(await settledYet(settled)).toBe(false);
    expect(await settledYet(registry.settled('s2'))).toBe(true);

    releaseNext();
    expect(await first).toMatchObject({ socketId: 's1' });
    expect(await settledYet(settled)).toBe(false);
    releaseNext();
    expect(await second).toBeUndefined(); // one activity per identity: the second claim found the first
    expect(await settledYet(settled)).toBe(true);
    await registry.settled('s1');
    expect(registry.pending).toBe(0);
  });

  it('a claim refused by the check after it landed is released, and the refusal reaches the caller', async () => {
    const inner = new MemoryActivityRegistry();
    const banned = new Set<string>();
    const registry = new ClaimGate(inner, {
      isOpen: () => true,
      assertMayWait: (userId) => {
        if (banned.has(userId)) throw new Error('banned');
      },
    });
    banned.add('u1');
    await expect(registry.claim('u1', waiting('s1'))).rejects.toThrow('banned');
    expect(await inner.get('u1')).toBeUndefined();
    expect(await registry.claim('u2', waiting('s2'))).toMatchObject({ socketId: 's2' });
    await registry.settled('s1');
    expect(registry.pending).toBe(0);
  });

  it('a claim that fails settles too, and the failure reaches the caller', async () => {
    const inner = new MemoryActivityRegistry();
    const failing = Object.assign(Object.create(inner) as MemoryActivityRegistry, {
      claim: async () => {
        throw new Error('registry unreachable');
      },
    });
    const registry = new ClaimGate(failing, always);
    const claim = registry.claim('u1', waiting('s1'));
    await expect(claim).rejects.toThrow('registry unreachable');
    await registry.settled('s1');
    expect(registry.pending).toBe(0);
  });
});
