/** DOM helpers. Text is only ever set with `textContent`: conversation content must never become markup. */
export function byTestId<T extends Element>(testId: string, type: abstract new () => T, root: ParentNode = document): T {
  const el = root.querySelector(`[data-testid="${testId}"]`);
  if (!(el instanceof type)) throw new Error(`missing element [data-testid="${testId}"]`);
  return el;
}

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svgElement<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, String(value));
  return el;
}

/** `2026-01-03T16:14:38+08:00` → `2026-01-03 16:14:38`: the server already wrote the configured zone's clock. */
export function plainTime(iso: string | null): string {
  return iso ? iso.slice(0, 19).replace('T', ' ') : '—';
}

/**
 * Whether the focus is on nothing: it fell to the page's body (a focused control was disabled or hidden, a
 * dialog closed over a disabled opener). Callers then give it back where the admin was.
 */
export function focusLost(): boolean {
  return document.activeElement === document.body || document.activeElement === null;
}

/** A short message at the bottom of the page. */
export function showToast(toast: HTMLElement, text: string): void {
  toast.textContent = text;
  toast.hidden = false;
  window.clearTimeout(Number(toast.dataset['timer'] ?? 0));
  toast.dataset['timer'] = String(window.setTimeout(() => (toast.hidden = true), 4_000));
}
