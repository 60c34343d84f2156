/**
 * A file the page holds, saved from it: one made in the page (a conversation's transcript, an admin's
 * recovery codes: nothing goes to the server and back), or one the page fetched itself to tell why it could
 * not be had (a receipt's transcript, /my) — a Blob as it came, byte for byte (a text file's BOM too).
 */

/** How long the download's object URL is kept before it is released. */
const REVOKE_MS = 60_000;

export function downloadFile(name: string, type: string, content: string | Blob): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_MS);
}
