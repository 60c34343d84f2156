/**
 * Copies a code or key the page shows: with the Clipboard API, or (plain HTTP, older browsers) by
 * selecting the element's text for the legacy command. Either way the text ends up selected or copied.
 */
export async function copyText(text: string, source: HTMLElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const selection = window.getSelection();
    const range = document.createRange();
    range.selectNodeContents(source);
    selection?.removeAllRanges();
    selection?.addRange(range);
    // Deprecated, but the only way left where the Clipboard API is not offered; the text stays selected either way.
    return document.execCommand('copy');
  }
}
