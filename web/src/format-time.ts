/**
 * `HH:mm` of an ISO 8601 timestamp as written. The server writes times in the chat's zone (Beijing time,
 * `2026-01-03T16:14:38+08:00`), and everyone should see that clock, whatever the browser's own zone is,
 * so the digits are read from the string rather than converted through `Date`.
 */
const CLOCK = /T(\d{2}):(\d{2})/;

export function formatClock(timestamp: string): string {
  const match = CLOCK.exec(timestamp);
  return match ? `${match[1]}:${match[2]}` : '';
}
