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
});
