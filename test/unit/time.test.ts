import { describe, expect, it } from 'vitest';
import { formatIso, formatPlain } from '../../src/shared/time.js';

describe('time in the configured zone', () => {
  const instant = new Date('2026-01-03T08:14:38.999Z');

  it('formats Beijing time as ISO 8601 with +08:00, to the second', () => {
    expect(formatIso(instant, 'Asia/Shanghai')).toBe('2026-01-03T16:14:38+08:00');
    expect(formatPlain(instant, 'Asia/Shanghai')).toBe('2026-01-03 16:14:38');
  });

  it('crosses midnight and year ends correctly', () => {
    expect(formatIso(new Date('2025-12-31T16:30:00Z'), 'Asia/Shanghai')).toBe('2026-01-01T00:30:00+08:00');
  });

  it('handles other zones, negative and half-hour offsets, and daylight saving', () => {
    expect(formatIso(instant, 'UTC')).toBe('2026-01-03T08:14:38+00:00');
    expect(formatIso(instant, 'America/New_York')).toBe('2026-01-03T03:14:38-05:00');
    expect(formatIso(new Date('2026-07-03T08:14:38Z'), 'America/New_York')).toBe('2026-07-03T04:14:38-04:00');
    expect(formatIso(instant, 'Asia/Kolkata')).toBe('2026-01-03T13:44:38+05:30');
  });

  it('gives every instant of one second the same text, and the next second its own, in each zone', () => {
    const within = ['2026-01-03T08:14:38.000Z', '2026-01-03T08:14:38.500Z', '2026-01-03T08:14:38.999Z'];
    for (const at of within) expect(formatIso(new Date(at), 'Asia/Shanghai')).toBe('2026-01-03T16:14:38+08:00');
    expect(formatIso(new Date('2026-01-03T08:14:39.000Z'), 'Asia/Shanghai')).toBe('2026-01-03T16:14:39+08:00');
    expect(formatIso(new Date('2026-01-03T08:14:39.001Z'), 'UTC')).toBe('2026-01-03T08:14:39+00:00');
    expect(formatIso(new Date('2026-01-03T08:14:39.002Z'), 'Asia/Shanghai')).toBe('2026-01-03T16:14:39+08:00');
    expect(formatIso(new Date('1969-12-31T23:59:59.500Z'), 'UTC')).toBe('1969-12-31T23:59:59+00:00');
    expect(formatIso(new Date('1970-01-01T00:00:00.000Z'), 'UTC')).toBe('1970-01-01T00:00:00+00:00');
  });
});

describe('cached offsets', () => {
  it('agree with Intl on every quarter hour around a daylight-saving change and across a year', () => {
    const reference = (d: Date, zone: string) => {
      const parts = Object.fromEntries(
        new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
          .formatToParts(d)
          .map((p) => [p.type, p.value]),
      );
      return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
    };
    for (const zone of ['Asia/Shanghai', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu']) {
      for (let t = Date.parse('2026-03-01T00:00:00Z'); t < Date.parse('2026-03-15T00:00:00Z'); t += 7 * 60_000 + 13_000) {
        expect(formatPlain(new Date(t), zone)).toBe(reference(new Date(t), zone));
      }
      for (let t = Date.parse('2026-01-01T00:00:00Z'); t < Date.parse('2027-01-01T00:00:00Z'); t += 3 * 3_600_000 + 17_000) {
        expect(formatPlain(new Date(t), zone)).toBe(reference(new Date(t), zone));
      }
    }
  });
});
