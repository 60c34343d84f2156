/**
 * `HH:mm` (or `YYYY-MM-DD HH:mm`) of an ISO 8601 timestamp as written. The server writes times in the
 * chat's zone (Beijing time, `2026-01-03T16:14:38+08:00`), and everyone should see that clock, whatever
 * the browser's own zone is, so the digits are read from the string rather than converted through `Date`.
 */
const CLOCK = /T(\d{2}):(\d{2})/;

export function formatClock(timestamp: string): string {
  const match = CLOCK.exec(timestamp);
  return match ? `${match[1]}:${match[2]}` : '';
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})/;
const OFFSET = /(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** The zone a timestamp is written in: minutes east of UTC, and `UTC+08:00` (or `UTC`); none when it says none. */
export function zoneOffset(timestamp: string): { minutes: number; label: string } | undefined {
  const offset = OFFSET.exec(timestamp);
  if (!offset) return undefined;
  const [, sign, hours, mins] = offset;
  const minutes = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(mins));
  return { minutes, label: minutes === 0 ? 'UTC' : `UTC${sign}${hours}:${mins}` };
}

/**
 * `YYYY-MM-DD HH:mm` of a timestamp as written, e.g. when a sanction ends — followed by its zone,
 * `(UTC+08:00)`, when the browser's clock is in another one at that moment (`browserOffsetMin`, minutes east
 * of UTC): a date to act on, read as local time, would be hours off.
 */
export function formatDateTime(timestamp: string, browserOffsetMin = -new Date(timestamp).getTimezoneOffset()): string {
  const match = DATE_TIME.exec(timestamp);
  if (!match) return timestamp;
  const plain = `${match[1]} ${match[2]}:${match[3]}`;
  const zone = zoneOffset(timestamp);
  if (!zone || Number.isNaN(browserOffsetMin) || zone.minutes === browserOffsetMin) return plain;
  return `${plain} (${zone.label})`;
}
