/** Lookup of the page's fixed elements by their `data-testid`, typed, failing loudly if the markup changed. */
export function byTestId<T extends HTMLElement>(testId: string, type: new () => T, root: ParentNode = document): T {
  const el = root.querySelector(`[data-testid="${testId}"]`);
  if (!(el instanceof type)) throw new Error(`missing element [data-testid="${testId}"]`);
  return el;
}

/** Creates an element with a class and, optionally, text (always as text, never as HTML). */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}
