/** One non-blocking notice at the top of the page; a new notice replaces the current one. */
const SHOW_MS = 4000;

export interface Toast {
  show(text: string): void;
}

export function createToast(el: HTMLElement): Toast {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hide = (): void => {
    el.hidden = true;
  };
  el.addEventListener('click', hide);
  return {
    show(text) {
      el.textContent = text;
      el.hidden = false;
      clearTimeout(timer);
      timer = setTimeout(hide, SHOW_MS);
    },
  };
}
