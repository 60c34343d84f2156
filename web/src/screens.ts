/**
 * The three screens of the page; exactly one is visible. The focus follows a switch: when it was in the
 * screen that goes (or nowhere), it moves to the new screen's heading (screen-focus.ts).
 */
import { focusIsLost, screenFocusTarget } from './screen-focus.js';

export type ScreenName = 'start' | 'waiting' | 'chat';

export interface Screens {
  show(name: ScreenName): void;
}

export function createScreens(elements: Record<ScreenName, HTMLElement>): Screens {
  return {
    show(name) {
      const shown = elements[name];
      const active = document.activeElement;
      // Focus elsewhere (the top bar, an open dialog, the screen that stays) is left where it is.
      const follow = focusIsLost() || Object.values(elements).some((el) => el !== shown && el.contains(active));
      for (const [key, el] of Object.entries(elements)) el.hidden = key !== name;
      document.body.dataset['screen'] = name;
      if (follow) screenFocusTarget(shown)?.focus();
    },
  };
}
