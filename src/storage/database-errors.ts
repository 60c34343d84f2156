/**
 * What a database error means, from its SQLSTATE (both drivers put it in `code`).
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */

/**
 * A data exception (class 22: bad encoding, NUL in text, out-of-range value) or an integrity violation
 * (class 23): the statement's input was at fault, not the database — retrying the other rows apart works.
 */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}

/**
 * An error no retry will get past: a data exception or an integrity violation (classes 22, 23 — a foreign
 * key to a row purged meanwhile), or a statement the database refuses as written (class 42: a missing table
 * or column, no privilege — a schema out of step). Anything else (the connection, a timeout, a deadlock, the
 * server shutting down, errors without a SQLSTATE) may pass. Looks along the `cause` chain, where the app
 * wraps a driver's error in its own.
 */
export function isLastingDbError(error: unknown): boolean {
  return lastingDbError(error) !== undefined;
}

/** The lasting database error in `error`'s cause chain (see `isLastingDbError`), to log; undefined if none. */
export function lastingDbError(error: unknown): Error | undefined {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(?:2[23]|42)[0-9A-Z]{3}$/.test(code)) return e as Error;
  }
  return undefined;
}

/**
 * A database error as it may be logged: its kind, SQLSTATE, message and where it was raised — never the
 * statement's text, parameters or `detail` (PGlite errors carry the query and its parameters: message
 * texts and identities; PostgreSQL's `detail` can quote row values).
 */
export function describeDbError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const e = error as Error & { code?: unknown; routine?: unknown; severity?: unknown };
  const described: Record<string, unknown> = { type: e.name, message: e.message };
  if (typeof e.code === 'string') described['code'] = e.code;
  if (typeof e.routine === 'string') described['routine'] = e.routine;
  if (typeof e.severity === 'string') described['severity'] = e.severity;
  return described;
}
