/**
 * Time helpers of the admin: reading operator-typed times in the configured zone.
 */
import { describe, expect, it } from 'vitest';
import { parseZonedTime, startOfZonedHour } from '../../src/admin/zoned-time.js';

describe('operator-typed times', () => {
  it('reads wall-clock times in the configured zone and ISO times exactly', () => {
    expect(parseZonedTime('2026-01-02 00:00', 'Asia/Shanghai')?.toISOString()).toBe('2026-01-01T16:00:00.000Z');
    expect(parseZonedTime('2026-01-02T08:30', 'Asia/Shanghai')?.toISOString()).toBe('2026-01-02T00:30:00.000Z');
    expect(parseZonedTime('2026-01-02', 'Asia/Kolkata')?.toISOString()).toBe('2026-01-01T18:30:00.000Z');
    expect(parseZonedTime('2026-07-01 12:00:30', 'America/New_York')?.toISOString()).toBe('2026-07-01T16:00:30.000Z');
    expect(parseZonedTime('2026-01-02T00:00:00Z', 'Asia/Shanghai')?.toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(parseZonedTime('2026-01-02T08:00:00+08:00', 'UTC')?.toISOString()).toBe('2026-01-02T00:00:00.000Z');
  });

  it('refuses what is not a time', () => {
    for (const bad of ['', 'yesterday', '2026-02-30', '2026-13-01 00:00', '2026-01-01 24:00', '1/2/2026', '2026-01-01T00:00:00+8']) {
      expect(parseZonedTime(bad, 'Asia/Shanghai'), bad).toBeUndefined();
    }
  });

  it('finds the start of the zone hour', () => {
    expect(startOfZonedHour(new Date('2026-01-03T08:14:38.500Z'), 'Asia/Shanghai').toISOString()).toBe('2026-01-03T08:00:00.000Z');
    expect(startOfZonedHour(new Date('2026-01-03T08:14:38Z'), 'Asia/Kolkata').toISOString()).toBe('2026-01-03T07:30:00.000Z');
  });
});
