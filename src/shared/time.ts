/**
 * Formatting instants in a configured IANA zone, the same on every storage engine.
 * `formatIso` → `2026-01-03T16:14:38+08:00` (events, JSON); `formatPlain` → `2026-01-03 16:14:38` (CSV, pages).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(date: Date, zone: string): WallClock {
  const out: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(zone).formatToParts(date)) {
    if (part.type in out) out[part.type as keyof WallClock] = Number(part.value);
  }
  return out;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function plain(w: WallClock, separator: string): string {
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}${separator}${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/*
 * Every message carries a timestamp, so formatting is on the hot path. Zone offsets change only at
 * transitions, which fall on quarter hours everywhere; the offset is computed once per zone and quarter
 * hour with Intl, and each timestamp is then plain arithmetic.
 */
const QUARTER_HOUR_MS = 15 * 60_000;
const offsetCache = new Map<string, number>();

function offsetMinutes(date: Date, zone: string): number {
  const key = `${zone}|${Math.floor(date.getTime() / QUARTER_HOUR_MS)}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    const w = wallClock(date, zone);
    const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
    offset = Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
    if (offsetCache.size > 10_000) offsetCache.clear();
    offsetCache.set(key, offset);
  }
  return offset;
}

function shiftedWallClock(date: Date, offset: number): WallClock {
  const shifted = new Date(date.getTime() + offset * 60_000);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
  };
}

/** The last timestamp formatted: messages arrive thousands a second, and all of one second read the same. */
let lastIso = { zone: '', second: NaN, text: '' };

/** ISO 8601 with the zone's UTC offset at that instant, to the second. */
export function formatIso(date: Date, zone: string): string {
  const second = Math.floor(date.getTime() / 1000);
  if (second === lastIso.second && zone === lastIso.zone) return lastIso.text;
  const offset = offsetMinutes(date, zone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const text = `${plain(shiftedWallClock(date, offset), 'T')}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  lastIso = { zone, second, text };
  return text;
}

/** `YYYY-MM-DD HH:mm:ss` in the zone. */
export function formatPlain(date: Date, zone: string): string {
  return plain(shiftedWallClock(date, offsetMinutes(date, zone)), ' ');
}
