/**
 * What a database error means for a retry (src/storage/database-errors.ts): only errors that will be the
 * same at every try are lasting; a driver's error wrapped in the app's counts by its SQLSTATE all the same.
 */
import { describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../src/errors.js';
import { isDataError, isLastingDbError } from '../../src/storage/database-errors.js';

const dbError = (code: string): Error => Object.assign(new Error(`SQLSTATE ${code}`), { code });

describe('isLastingDbError', () => {
  it.each(['23503', '23505', '22021', '42P01', '42703', '42501'])('%s (a constraint, bad data, a schema out of step) is lasting', (code) => {
    expect(isLastingDbError(dbError(code))).toBe(true);
  });

  it.each(['08006', '57P01', '57014', '40001', '40P01', '53300', '55P03', 'XX000'])('%s (the connection, shutdown, a timeout, a deadlock, no room) may pass', (code) => {
    expect(isLastingDbError(dbError(code))).toBe(false);
  });

  it('is not fooled by system error codes of five letters, nor by errors with no code', () => {
    for (const code of ['EPIPE', 'ECONNREFUSED', 'ETIMEDOUT']) expect(isLastingDbError(dbError(code))).toBe(false);
    expect(isLastingDbError(new Error('timeout exceeded when trying to connect'))).toBe(false);
    expect(isLastingDbError(undefined)).toBe(false);
    expect(isLastingDbError('23503')).toBe(false);
  });

  it('looks along the cause chain, where the app wraps the driver’s error', () => {
    const wrapped = new AppError(ErrorCode.STORAGE_UNAVAILABLE, { cause: new Error('query failed', { cause: dbError('23503') }) });
    expect(isLastingDbError(wrapped)).toBe(true);
    expect(isLastingDbError(new AppError(ErrorCode.STORAGE_UNAVAILABLE, { cause: dbError('08006') }))).toBe(false);
  });

  it('stops on a cause chain that loops', () => {
    const a: Error & { cause?: unknown } = new Error('a');
    a.cause = a;
    expect(isLastingDbError(a)).toBe(false);
  });
});

describe('isDataError', () => {
  it('is classes 22 and 23 only (retrying the other rows of a batch apart works)', () => {
    expect(isDataError(dbError('22021'))).toBe(true);
    expect(isDataError(dbError('23505'))).toBe(true);
    expect(isDataError(dbError('42P01'))).toBe(false);
    expect(isDataError(dbError('08006'))).toBe(false);
  });
});
