import { describe, expect, it } from 'vitest';
import { createIdentitySigner, identityFromCookieHeader, newUserId } from '../../src/identity.js';

describe('identities', () => {
  it('are 12 characters from an unambiguous alphabet and do not repeat', () => {
    const ids = new Set(Array.from({ length: 10_000 }, newUserId));
    expect(ids.size).toBe(10_000);
    for (const id of [...ids].slice(0, 100)) expect(id).toMatch(/^[a-hjkmnp-z2-9]{12}$/);
  });

  it('verify only values signed with the same key', () => {
    const signer = createIdentitySigner('one-secret-key-long-enough');
    const other = createIdentitySigner('another-secret-key-long-enough');
    const id = newUserId();
    expect(signer.verify(signer.sign(id))).toBe(id);
    expect(signer.verify(other.sign(id))).toBeUndefined();
    expect(signer.verify(id)).toBeUndefined();
    expect(signer.verify(signer.sign('not-an-id!'))).toBeUndefined();
    expect(identityFromCookieHeader(signer, `a=1; uid=${encodeURIComponent(signer.sign(id))}`)).toBe(id);
  });
});
