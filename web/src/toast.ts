/**
 * One non-blocking notice at the top of the page; a new notice replaces the current one. A tap dismisses
 * it, so it must not lie over anything else to tap: it is placed under what the page says to keep clear
 * (the chat's header with Report and Block, a warning) — a tap meant for those would only close the toast.
 */
const SHOW_MS = 4000;
/** Between the toast and what it keeps clear of. */
const GAP_PX = 8;

export interface Toast {
  show(text: string): void;
}

/** `keepClear`: the elements the toast goes under when they are shown (their lowest bottom edge). */
export function createToast(el: HTMLElement, keepClear: readonly HTMLElement[] = []): Toast {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hide = (): void => {
    el.hidden = true;
  };
  el.addEventListener('click', hide);
  return {
    show(text) {
      el.textContent = text;
      // Under the lowest of them on screen now (the CSS's place when none is lower).
      const bottoms = keepClear.map((clear) => clear.getBoundingClientRect()).filter((r) => r.height > 0 && r.bottom > 0).map((r) => r.bottom);
      el.style.top = bottoms.length > 0 ? `${Math.max(...bottoms) + GAP_PX}px` : '';
      el.hidden = false;
      clearTimeout(timer);
      timer = setTimeout(hide, SHOW_MS);
    },
  };
}
