/**
 * Getting attention while the page is in the background (another tab, a minimised window): the title
 * counts what arrived meanwhile — "(3) 匿名聊天室" — and alternates with "(3) 新消息" every second (not with
 * reduced motion: then it only counts), and the optional chime plays. All of it stops when the page is
 * looked at again.
 */
import { t } from './i18n.js';
import type { SoundCue } from './sound-cue.js';

/** How often the flashing title alternates. */
const FLASH_MS = 1_000;

export interface Attention {
  /** Something for the person arrived (a message, a match): counted and signalled if the page is hidden. */
  arrived(): void;
  /** The title in the current language (after a language switch). */
  refresh(): void;
}

export function createAttention(sound: SoundCue): Attention {
  const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)');
  let unread = 0;
  let flashOn = false;
  let timer: ReturnType<typeof setInterval> | undefined;

  const render = (): void => {
    const name = flashOn ? t('newMessageTitle') : t('appTitle');
    document.title = unread > 0 ? `(${unread}) ${name}` : t('appTitle');
  };
  const stopFlashing = (): void => {
    clearInterval(timer);
    timer = undefined;
    flashOn = false;
  };
  const startFlashing = (): void => {
    if (timer !== undefined || reducedMotion.matches) return;
    timer = setInterval(() => {
      // Reduced motion asked for meanwhile: the count stays, the flashing stops.
      flashOn = reducedMotion.matches ? false : !flashOn;
      if (reducedMotion.matches) stopFlashing();
      render();
    }, FLASH_MS);
  };

  document.addEventListener('visibilitychange', () => {
    if (document.hidden) return;
    unread = 0;
    stopFlashing();
    render();
  });

  return {
    arrived() {
      if (!document.hidden) return;
      unread += 1;
      render();
      startFlashing();
      sound.play();
    },
    refresh: render,
  };
}
