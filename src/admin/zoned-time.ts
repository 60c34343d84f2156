/**
 * Reading times typed by an operator: ISO 8601 with an offset is an exact instant; a wall-clock time
 * without one (`2026-11-24 14:30`, `2026-11-24T14:30`, `2026-11-24`) is read in the configured zone.
 */
import { formatIso, formatPlain } from '../shared/time.js';

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** The instant a time string names, or undefined when it is not one of the accepted forms. */
export function parseZonedTime(input: string, zone: string): Date | undefined {
  const text = input.trim();
  if (WITH_OFFSET.test(text)) {
    const date = new Date(text);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  const match = WALL_CLOCK.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const wallAsUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Two passes settle the offset, including on the days a zone changes it.
  let instant = wallAsUtc - offsetMs(new Date(wallAsUtc), zone);
  instant = wallAsUtc - offsetMs(new Date(instant), zone);
  const date = new Date(instant);
  // Rejects dates that don't exist (2026-02-30) instead of rolling them over.
  return formatPlain(date, zone).startsWith(`${match[1]}-${match[2]}-${match[3]}`) ? date : undefined;
}

/** The zone's UTC offset at an instant, in milliseconds (east positive). */
export function offsetMs(date: Date, zone: string): number {
  const iso = formatIso(date, zone);
  const sign = iso.at(-6) === '-' ? -1 : 1;
  const hours = Number(iso.slice(-5, -3));
  const minutes = Number(iso.slice(-2));
  return sign * (hours * 60 + minutes) * 60_000;
}

/** Start of the zone's clock hour containing `date`, as an instant. */
export function startOfZonedHour(date: Date, zone: string): Date {
  const plain = formatPlain(date, zone);
  const minutes = Number(plain.slice(14, 16));
  const seconds = Number(plain.slice(17, 19));
  return new Date(Math.floor(date.getTime() / 1000) * 1000 - (minutes * 60 + seconds) * 1000);
}

/** `YYYY-MM-DD` of `date` in the zone (export file names). */
export function zonedDate(date: Date, zone: string): string {
  return formatPlain(date, zone).slice(0, 10);
}
