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

/** `YYYY-MM-DD HH:mm` of a timestamp as written, e.g. when a sanction ends. */
export function formatDateTime(timestamp: string): string {
  const match = DATE_TIME.exec(timestamp);
  return match ? `${match[1]} ${match[2]}:${match[3]}` : timestamp;
}
