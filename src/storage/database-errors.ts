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
