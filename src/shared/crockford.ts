/**
 * Crockford's base32 for codes people read, copy and type (receipt codes, private-room keys): 32
 * symbols without I, L, O or U, so nothing in it looks like anything else in it; shown in groups of four;
 * input forgives case, spaces, dashes and the look-alikes (I/L → 1, O → 0), and full-width letters,
 * digits and dashes as a Chinese input method types them (ＡＢＣＤ－１２３４).
 */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUP = 4;

/** `bytes` as base32 symbols, 5 bits each, most significant first (a trailing partial group is dropped). */
export function crockfordBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

/** What is typed, forgiven: NFKC makes full-width forms (Ａ, １, －, ．) the ASCII ones; any kind of dash or space is a separator; I/L are 1, O is 0. */
function cleanCrockford(input: string): string {
  return input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-_.·‐‑‒–—―−・。]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
}

/** A code as typed or pasted (at most `maxInput` characters), in canonical form of `length` symbols, or undefined. */
export function canonicalCrockford(input: string, length: number, maxInput: number): string | undefined {
  return crockfordProblem(input, length, maxInput) === undefined ? cleanCrockford(input) : undefined;
}

/**
 * Why a typed code is not one of `length` symbols, to say so: the first character no code has (a U, a
 * letter of another alphabet, a symbol — as typed), or else how many symbols it holds. Undefined: it is one.
 */
export type CrockfordProblem = { kind: 'char'; char: string } | { kind: 'length'; symbols: number } | { kind: 'tooLong' };

export function crockfordProblem(input: string, length: number, maxInput: number): CrockfordProblem | undefined {
  // Longer than any code written out: not read at all (what it holds past the limit is not looked at).
  if (input.length > maxInput) return { kind: 'tooLong' };
  const cleaned = cleanCrockford(input);
  const foreign = [...cleaned].find((c) => !CROCKFORD_ALPHABET.includes(c));
  if (foreign !== undefined) return { kind: 'char', char: foreign };
  if (cleaned.length !== length) return { kind: 'length', symbols: cleaned.length };
  return undefined;
}

/**
 * The one code of `length` symbols inside a longer text — a line copied whole from a downloaded
 * transcript ("回执码: ABCD-…"), or the link the chat page gave (`…/my#ABCD-…`) — written in groups of four
 * with dashes or spaces between them, or unbroken; undefined when there is none, or more than one (which
 * would be a guess). Only a run standing apart counts: a letter or digit on either side, or a dash joining
 * one, makes it part of something longer (a code with a group too many is not cut to fit).
 */
export function findCrockfordCode(text: string, length: number): string | undefined {
  if (length % GROUP !== 0) throw new Error(`a code of ${length} symbols is not in groups of ${GROUP}`);
  const symbol = '[0-9A-Za-z]';
  const groups = length / GROUP;
  const run = new RegExp(`(?<![0-9A-Za-z]|[0-9A-Za-z]-)(${symbol}{${GROUP}}(?:[-\\s]?${symbol}{${GROUP}}){${groups - 1}})(?!-?[0-9A-Za-z])`, 'g');
  const found = new Set<string>();
  for (const [, candidate] of text.normalize('NFKC').matchAll(run)) {
    const canonical = candidate === undefined ? undefined : canonicalCrockford(candidate, length, candidate.length);
    if (canonical !== undefined) found.add(canonical);
  }
  return found.size === 1 ? groupForReading([...found][0]!) : undefined;
}

/** `ABCDEFGH…` → `ABCD-EFGH-…`. */
export function groupForReading(canonical: string): string {
  const groups: string[] = [];
  for (let i = 0; i < canonical.length; i += GROUP) groups.push(canonical.slice(i, i + GROUP));
  return groups.join('-');
}
