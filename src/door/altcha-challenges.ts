/**
 * ALTCHA proof-of-work challenges (altcha-lib v2), made and checked here; nothing leaves the server.
 *
 * Deterministic mode: the server picks the answer (a counter between half and all of `maxAttempts`),
 * derives its key once and signs it, so a solver must try every counter up to it (each attempt
 * `cost` PBKDF2-SHA-256 iterations) while checking a solution costs two HMACs. The HMAC secrets are
 * derived from SECRET_KEY, never the key itself, so they can never be confused with (or help forge)
 * a signed cookie or a network hash.
 */
import { createHmac, randomInt } from 'node:crypto';
import { createChallenge, verifySolution, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { z } from 'zod';
import type { Clock } from '../clock.js';

/** The widget bundles a worker for it; the server needs nothing beyond Node's crypto. */
export const CHALLENGE_ALGORITHM = 'PBKDF2/SHA-256';

export interface ChallengeDifficulty {
  /** PBKDF2 iterations per attempt. */
  cost: number;
  /** Most attempts a solution needs. */
  maxAttempts: number;
}

export type SolutionCheck =
  /** `id` names the challenge (its signature), for accepting it once; `expiresAtMs` is when it stops counting. */
  | { ok: true; id: string; expiresAtMs: number }
  | { ok: false; reason: 'malformed' | 'invalid' | 'expired' };

const hex = z.string().regex(/^(?:[0-9a-f]{2})+$/).max(1_024);

/**
 * The widget's payload: `btoa(JSON.stringify({challenge: {parameters, signature}, solution}))`.
 * Parameters are kept whole (loose): the signature covers every field, unknown ones included.
 */
const payloadSchema = z.object({
  challenge: z.object({
    parameters: z.looseObject({
      algorithm: z.literal(CHALLENGE_ALGORITHM),
      nonce: hex,
      salt: hex,
      cost: z.number().int().positive(),
      keyLength: z.number().int().positive().max(64),
      keyPrefix: hex,
      keySignature: hex,
      // Ours always expire: a challenge without an end would be a solution good for ever.
      expiresAt: z.number().int().positive(),
    }),
    signature: hex,
  }),
  solution: z.object({
    counter: z.number().int().nonnegative(),
    derivedKey: hex,
    time: z.number().optional(),
  }),
});

export class AltchaChallenges {
  private readonly signatureSecret: string;
  private readonly keySignatureSecret: string;

  constructor(
    secretKey: string,
    private readonly difficulty: ChallengeDifficulty,
    private readonly expiryMs: number,
    private readonly clock: Clock,
  ) {
    const derive = (purpose: string) => createHmac('sha256', secretKey).update(purpose).digest('hex');
    this.signatureSecret = derive('altcha-challenge-signature/v1');
    this.keySignatureSecret = derive('altcha-key-signature/v1');
  }

  /** A fresh signed challenge (costs the server one key derivation of `cost` iterations). */
  async create(): Promise<Challenge> {
    const { cost, maxAttempts } = this.difficulty;
    return createChallenge({
      algorithm: CHALLENGE_ALGORITHM,
      cost,
      // The solver's counter starts at 0: the answer is its number of attempts (minus one).
      counter: randomInt(Math.floor(maxAttempts / 2), maxAttempts),
      deriveKey,
      expiresAt: new Date(this.clock.now().getTime() + this.expiryMs),
      hmacSignatureSecret: this.signatureSecret,
      hmacKeySignatureSecret: this.keySignatureSecret,
    });
  }

  /** Checks a payload: well-formed, signed by us, not expired (by the injected clock and the library's), solved. */
  async check(payload: string): Promise<SolutionCheck> {
    const parsed = payloadSchema.safeParse(decode(payload));
    if (!parsed.success) return { ok: false, reason: 'malformed' };
    const { challenge, solution } = parsed.data;
    const expiresAtMs = challenge.parameters.expiresAt * 1000;
    if (expiresAtMs <= this.clock.now().getTime()) return { ok: false, reason: 'expired' };
    const result = await verifySolution({
      challenge,
      solution,
      deriveKey,
      hmacSignatureSecret: this.signatureSecret,
      hmacKeySignatureSecret: this.keySignatureSecret,
    }).catch(() => undefined);
    if (!result) return { ok: false, reason: 'invalid' };
    if (result.expired) return { ok: false, reason: 'expired' };
    if (!result.verified) return { ok: false, reason: 'invalid' };
    return { ok: true, id: challenge.signature, expiresAtMs };
  }
}

/** Base64 JSON, or undefined. */
function decode(payload: string): unknown {
  try {
    return JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
}
