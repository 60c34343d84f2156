/**
 * PostgreSQL's `bigint` (int8: ids, `count(*)`) as a JavaScript number on both drivers. `pg` hands it over
 * as a string and PGlite as a number (or a BigInt beyond 2^53), so without this every row type said
 * `string | number` and every reader called `Number()`. Ids of this service stay far below 2^53 (9·10^15);
 * a value beyond it is refused loudly rather than rounded to a neighbouring id.
 */
export const INT8_OID = 20;
export const INT8_ARRAY_OID = 1016;

export function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${text} is beyond JavaScript's safe integers (2^53)`);
  return n;
}

/** A PostgreSQL array literal of int8 (`{1,2,NULL}`), as numbers. */
export function parseInt8Array(text: string): (number | null)[] {
  const inner = text.slice(1, -1);
  if (inner === '') return [];
  return inner.split(',').map((item) => (item === 'NULL' ? null : parseInt8(item)));
}
