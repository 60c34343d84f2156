/**
 * A private room's key as a link to the chat page: `https://host/#key=ABCD-EFGH-JKMN-PQRS`. The key rides
 * in the fragment, which browsers never send to the server (nor keep in its access log); the page that
 * opens it reads the key into "join with a key" and takes it out of the address bar, so a reload or a
 * shared screenshot of the address does not carry it on. Opening the link joins nothing by itself: the
 * person presses Join (after the rules, if asked).
 */

const PREFIX = '#key=';
/** Longer than any key typed by hand can be (the key field's maxlength). */
const MAX_KEY_CHARS = 64;

/** The link that opens the chat page at `pageUrl` with `key` to join. */
export function linkForKey(key: string, pageUrl: string): string {
  const url = new URL(pageUrl);
  url.search = '';
  url.hash = `key=${encodeURIComponent(key)}`;
  return url.href;
}

/** The key a link's fragment carries (null: none, or not a key). */
export function keyFromHash(hash: string): string | null {
  if (!hash.startsWith(PREFIX)) return null;
  let key: string;
  try {
    key = decodeURIComponent(hash.slice(PREFIX.length)).trim();
  } catch {
    return null;
  }
  return key !== '' && key.length <= MAX_KEY_CHARS ? key : null;
}
