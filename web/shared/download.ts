/**
 * A file made in the page, downloaded straight from it (a conversation's transcript, an admin's recovery
 * codes): nothing goes to the server and back.
 */

/** How long the download's object URL is kept before it is released. */
const REVOKE_MS = 60_000;

export function downloadFile(name: string, type: string, content: string): void {
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
