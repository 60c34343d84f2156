/**
 * Reading Socket.IO event frames as a browser's WebSocket carries them (`42["name",…]`, with an ack id
 * `42<id>[…]`), for tests that route a page's WebSocket through Playwright.
 */

/** The event name and arguments of an event frame, or undefined for any other frame (ack, ping, binary). */
export function eventFrame(frame: string | Buffer): { event: string; args: unknown[] } | undefined {
  if (typeof frame !== 'string') return undefined;
  const match = /^42\d*(\[.*\])$/s.exec(frame);
  if (!match?.[1]) return undefined;
  const [event, ...args] = JSON.parse(match[1]) as unknown[];
  return typeof event === 'string' ? { event, args } : undefined;
}
