/**
 * When a sanction ends, as the page shows it (web/src/format-time.ts): the chat's clock as written, with its
 * zone named only when the browser's clock is in another zone then (the date would be read as local time).
 */
import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../../web/src/format-time.js';
import { zoneOf } from '../../web/src/transcript-file.js';

describe('formatDateTime (web/src/format-time.ts)', () => {
  it('writes the digits as given, and no zone when the browser is in the same one', () => {
    expect(formatDateTime('2026-12-07T20:18:05+08:00', 480)).toBe('2026-12-07 20:18');
    expect(formatDateTime('2026-12-07T12:18:05Z', 0)).toBe('2026-12-07 12:18');
    expect(formatDateTime('2026-12-07T12:18:05+00:00', 0)).toBe('2026-12-07 12:18');
  });

  it('names the zone when the browser is elsewhere: east, west, half hours, UTC', () => {
    expect(formatDateTime('2026-12-07T20:18:05+08:00', 0)).toBe('2026-12-07 20:18 (UTC+08:00)');
    expect(formatDateTime('2026-12-07T20:18:05+08:00', -300)).toBe('2026-12-07 20:18 (UTC+08:00)');
    expect(formatDateTime('2026-12-07T07:18:05-05:00', 480)).toBe('2026-12-07 07:18 (UTC-05:00)');
    expect(formatDateTime('2026-12-07T17:48:05+05:30', 480)).toBe('2026-12-07 17:48 (UTC+05:30)');
    expect(formatDateTime('2026-12-07T12:18:05Z', 480)).toBe('2026-12-07 12:18 (UTC)');
  });

  it('a timestamp without a zone, or one it cannot read, is written as it is', () => {
    expect(formatDateTime('2026-12-07T20:18:05', 0)).toBe('2026-12-07 20:18');
    expect(formatDateTime('soon', 0)).toBe('soon');
  });

  it('by default compares with the browser’s own zone at that date', () => {
    const offset = -new Date('2026-07-01T12:00:00Z').getTimezoneOffset();
    const sign = offset < 0 ? '-' : '+';
    const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
    const mm = String(Math.abs(offset) % 60).padStart(2, '0');
    expect(formatDateTime(`2026-07-01T12:00:00${sign}${hh}:${mm}`)).toBe('2026-07-01 12:00');
  });
});

describe('zoneOf (web/src/transcript-file.ts): the zone line of a saved transcript, from the same offset reading', () => {
  it('names the zone of a full timestamp, and nothing for one without a zone or none at all', () => {
    expect(zoneOf('2026-01-03T16:14:38+08:00')).toBe('UTC+08:00');
    expect(zoneOf('2026-01-03T16:14:38.123-05:30')).toBe('UTC-05:30');
    expect(zoneOf('2026-01-03T16:14:38Z')).toBe('UTC');
    expect(zoneOf('2026-01-03T16:14:38+00:00')).toBe('UTC');
    expect(zoneOf('2026-01-03T16:14:38')).toBe('');
    expect(zoneOf('16:14+08:00')).toBe('');
    expect(zoneOf(undefined)).toBe('');
  });
});
