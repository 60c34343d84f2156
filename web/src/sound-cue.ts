/**
 * An optional chime for a new message while the page is in the background: off by default, the choice
 * remembered in localStorage ("sound"). The sound is made on the spot with Web Audio (two short sine
 * notes), so there is no audio file to fetch. Browsers start audio only after a gesture on the page: the
 * context is created (or resumed) when the person turns the chime on, or at their first click or key
 * press when it was on from an earlier visit.
 */
const STORAGE_KEY = 'sound';
/** The two notes (Hz), each this long (s), and how loud (0–1). */
const NOTES = [660, 880] as const;
const NOTE_S = 0.12;
const VOLUME = 0.15;

export interface SoundCue {
  readonly enabled: boolean;
  /** Turns the chime on or off (called from a click: audio may start then). Turning it on plays it once. */
  setEnabled(on: boolean): void;
  /** Plays the chime if it is on. */
  play(): void;
}

export function createSoundCue(): SoundCue {
  let enabled = false;
  try {
    enabled = localStorage.getItem(STORAGE_KEY) === 'on';
  } catch {
    // Storage blocked: off.
  }
  let context: AudioContext | undefined;

  /** Made (or woken) during a gesture, so the browser lets it play later, in the background too. */
  const unlock = (): AudioContext | undefined => {
    if (typeof AudioContext === 'undefined') return undefined;
    context ??= new AudioContext();
    if (context.state === 'suspended') void context.resume().catch(() => undefined);
    return context;
  };
  const unlockOnGesture = (): void => {
    if (!enabled) return;
    unlock();
    window.removeEventListener('pointerdown', unlockOnGesture);
    window.removeEventListener('keydown', unlockOnGesture);
  };
  window.addEventListener('pointerdown', unlockOnGesture);
  window.addEventListener('keydown', unlockOnGesture);

  const chime = (): void => {
    const ctx = unlock();
    if (!ctx) return;
    const start = ctx.currentTime + 0.01;
    NOTES.forEach((frequency, i) => {
      const at = start + i * NOTE_S;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = frequency;
      // A soft attack and decay: no click at either end.
      gain.gain.setValueAtTime(0, at);
      gain.gain.linearRampToValueAtTime(VOLUME, at + 0.015);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + NOTE_S);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + NOTE_S + 0.02);
    });
  };

  return {
    get enabled() {
      return enabled;
    },
    setEnabled(on) {
      enabled = on;
      try {
        if (on) localStorage.setItem(STORAGE_KEY, 'on');
        else localStorage.removeItem(STORAGE_KEY);
      } catch {
        // Not remembered; it still applies to this page.
      }
      if (on) chime();
    },
    play() {
      if (enabled) chime();
    },
  };
}
