/**
 * Time helpers of the admin: reading operator-typed times in the configured zone, and the fast export
 * formatter, which must agree with `shared/time.ts` everywhere, DST switches included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIso, formatPlain } from '../../src/shared/time.js';
import { ZonedFormatter } from '../../src/admin/zoned-format.js';
import { parseZonedTime, startOfZonedHour } from '../../src/admin/zoned-time.js';

const ZONES = ['Asia/Shanghai', 'UTC', 'America/New_York', 'Europe/London', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham'];
const instant = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true });

describe('fast zoned formatting for exports', () => {
  it('matches formatPlain and formatIso for any instant in any zone', () => {
    const formatters = new Map(ZONES.map((zone) => [zone, new ZonedFormatter(zone)]));
    fc.assert(
      fc.property(instant, fc.constantFrom(...ZONES), (date, zone) => {
        const formatter = formatters.get(zone)!;
        expect(formatter.plain(date)).toBe(formatPlain(date, zone));
        expect(formatter.iso(date)).toBe(formatIso(date, zone));
      }),
      { numRuns: 5_000 },
    );
  });

  it('is right on both sides of a DST switch', () => {
    const formatter = new ZonedFormatter('America/New_York');
    // 2026-03-08 02:00 EST → 03:00 EDT; 2026-11-01 02:00 EDT → 01:00 EST.
    for (const iso of ['2026-03-08T06:59:59Z', '2026-03-08T07:00:00Z', '2026-03-08T07:30:00Z', '2026-11-01T05:59:59Z', '2026-11-01T06:00:00Z']) {
      const date = new Date(iso);
      expect(formatter.iso(date)).toBe(formatIso(date, 'America/New_York'));
    }
    expect(formatter.iso(new Date('2026-03-08T07:00:00Z'))).toBe('2026-03-08T03:00:00-04:00');
  });
});

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
