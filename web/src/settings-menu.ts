/**
 * The ⚙ menu in the top bar: the theme (system / light / dark) and the background chime, both remembered.
 * A `<details>` disclosure, so it opens with Enter or Space; Escape or a click elsewhere closes it (focus
 * back on its button after Escape).
 */
import { byTestId } from './dom.js';
import type { SoundCue } from './sound-cue.js';
import { loadTheme, setTheme, type ThemeChoice } from './theme.js';

export function attachSettingsMenu(menu: HTMLDetailsElement, sound: SoundCue): void {
  const summary = menu.querySelector('summary');
  const choices = menu.querySelectorAll<HTMLInputElement>('input[name="theme"]');
  const current = loadTheme();
  for (const choice of choices) {
    choice.checked = choice.value === current;
    choice.addEventListener('change', () => {
      if (choice.checked) setTheme(choice.value as ThemeChoice);
    });
  }
  const chime = byTestId('sound-toggle', HTMLInputElement, menu);
  chime.checked = sound.enabled;
  chime.addEventListener('change', () => sound.setEnabled(chime.checked));

  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !menu.open || event.defaultPrevented) return;
    event.preventDefault();
    menu.open = false;
    summary?.focus();
  });
  document.addEventListener('click', (event) => {
    if (menu.open && event.target instanceof Node && !menu.contains(event.target)) menu.open = false;
  });
}
