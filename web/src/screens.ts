/** The three screens of the page; exactly one is visible. */
export type ScreenName = 'start' | 'waiting' | 'chat';

export interface Screens {
  show(name: ScreenName): void;
}

export function createScreens(elements: Record<ScreenName, HTMLElement>): Screens {
  return {
    show(name) {
      for (const [key, el] of Object.entries(elements)) el.hidden = key !== name;
      document.body.dataset['screen'] = name;
    },
  };
}
