/**
 * The interests tag input on the start screen: up to 10 interests as removable chips. Enter, or a comma
 * (，、; too: typed, or in pasted text), turns the text typed into chips — normalised as the server will
 * match them (src/shared/interests.ts), so "喜欢看电影和打篮球" becomes 电影 and 篮球. Backspace in the empty
 * field removes the last chip (← reaches the chips too); each chip's × is a button, and Backspace or
 * Delete on it removes it as well, the focus moving on to its neighbour. What happened is said in a polite
 * live region. Past ten, what did not fit stays in the field, and a note under it says so (cleared, an 11th
 * was gone with only a screen reader told). An interest longer than the server takes (32 characters) is shortened, and a note under
 * the field says so until the next change — rather than a `maxlength`, which would cut the whole field,
 * though one entry may hold several interests ("电影，篮球，…") or Chinese free text that becomes shorter
 * words. The list is remembered on this device (localStorage "interests") and every join uses it — New
 * too — with whatever is still typed in the field.
 */
import { MAX_INTEREST_INPUT_CHARS, MAX_INTERESTS, normalizeInterests, splitInterestList } from '../../src/shared/interests.js';
import { byTestId, element } from './dom.js';
import { showInterestText } from './interest-texts.js';

const STORAGE_KEY = 'interests';
/** Typed or pasted, these end an interest (besides Enter). */
const SEPARATOR = /[,，、;；]/;

export interface InterestInput {
  /** The interests to join with: the chips, and what is still typed (made a chip now). Empty: anyone. */
  values(): string[];
}

function load(): string[] {
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(saved) ? normalizeInterests(saved.filter((v): v is string => typeof v === 'string')) : [];
  } catch {
    return [];
  }
}

function save(interests: readonly string[]): void {
  try {
    if (interests.length === 0) localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, JSON.stringify(interests));
  } catch {
    // Not remembered; the page still uses them.
  }
}

export function createInterestInput(root: HTMLElement): InterestInput {
  const field = byTestId('interest-input', HTMLInputElement, root);
  const chips = byTestId('interest-chips', HTMLElement, root);
  const status = byTestId('interests-status', HTMLElement, root);
  const shortenedNote = byTestId('interests-note', HTMLElement, root);
  /** Shown while what did not fit past ten is kept in the field (an 11th was cleared away, said only to screen readers). */
  const fullNote = byTestId('interests-full', HTMLElement, root);
  let interests = load();

  const say = (key: Parameters<typeof showInterestText>[1], n?: readonly string[]): void => {
    // Emptied first, so the same sentence twice is spoken twice.
    status.textContent = '';
    setTimeout(() => showInterestText(status, key, n), 50);
  };

  const removeButtons = (): HTMLButtonElement[] => [...chips.querySelectorAll<HTMLButtonElement>('button')];

  const render = (): void => {
    chips.replaceChildren(
      ...interests.map((interest, index) => {
        const chip = element('li', 'tag');
        chip.dataset['testid'] = 'interest-chip';
        const label = element('span', 'tag-text', interest);
        const remove = element('button', 'tag-remove');
        remove.type = 'button';
        remove.dataset['testid'] = 'interest-remove';
        const name = element('span', 'visually-hidden');
        showInterestText(name, 'interestRemove', [interest]);
        const cross = element('span', 'tag-cross', '×');
        cross.setAttribute('aria-hidden', 'true');
        remove.append(cross, name);
        remove.addEventListener('click', () => removeAt(index));
        remove.addEventListener('keydown', (event) => {
          if (event.key === 'Backspace' || event.key === 'Delete') {
            event.preventDefault();
            removeAt(index);
          } else if (event.key === 'ArrowLeft') {
            removeButtons()[index - 1]?.focus();
          } else if (event.key === 'ArrowRight') {
            (removeButtons()[index + 1] ?? field).focus();
          }
        });
        chip.append(label, remove);
        return chip;
      }),
    );
    chips.hidden = interests.length === 0;
    field.disabled = false;
    field.setAttribute('aria-invalid', 'false');
    save(interests);
  };

  function removeAt(index: number): void {
    const removed = interests[index];
    if (removed === undefined) return;
    shortenedNote.hidden = true;
    fullNote.hidden = true;
    interests = interests.filter((_, i) => i !== index);
    render();
    // The focus goes to the chip that took its place, the one before, or the field.
    (removeButtons()[index] ?? removeButtons()[index - 1] ?? field).focus();
    say('interestRemoved', [removed]);
  }

  /** Turns text into chips; says what was added, or why nothing was. Returns the interests that did not fit. */
  const add = (text: string): string[] => {
    if (text.trim() === '') return [];
    // Cut where the interests will be cut (every list separator, not only the ones that make a chip as typed),
    // each without the spaces around it, which were never part of the interest: what is shortened is said.
    const whole = splitInterestList(text).map((part) => part.trim());
    const parts = whole.map((part) => part.slice(0, MAX_INTEREST_INPUT_CHARS));
    const found = normalizeInterests(parts);
    const shortened = whole.some((part) => part.length > MAX_INTEREST_INPUT_CHARS);
    shortenedNote.hidden = !shortened;
    if (found.length === 0) {
      say('interestsNothing');
      return [];
    }
    const wanted = new Set([...interests, ...found]);
    const next = normalizeInterests([...wanted]);
    const added = next.filter((interest) => !interests.includes(interest));
    const left = found.filter((interest) => !next.includes(interest));
    interests = next;
    render();
    fullNote.hidden = left.length === 0;
    // Past ten, the first ones stay; the rest goes back into the field, and that is said instead of what was added.
    if (wanted.size > MAX_INTERESTS) say('interestsFull');
    else if (added.length > 0) say(shortened ? 'interestsAddedShortened' : 'interestsAdded', added);
    return left;
  };

  /** What did not fit goes back into the field, before whatever is still being typed. */
  const keep = (left: readonly string[]): void => {
    if (left.length > 0) field.value = [left.join('，'), field.value].filter((part) => part !== '').join('，');
  };

  const commit = (): void => {
    const text = field.value;
    field.value = '';
    keep(add(text));
  };

  field.addEventListener('keydown', (event) => {
    if (event.isComposing || event.keyCode === 229) return;
    if (event.key === 'Enter') {
      event.preventDefault();
      commit();
    } else if (event.key === 'Backspace' && field.value === '' && interests.length > 0) {
      event.preventDefault();
      removeAt(interests.length - 1);
      field.focus();
    } else if (event.key === 'ArrowLeft' && field.selectionStart === 0 && field.selectionEnd === 0) {
      removeButtons().at(-1)?.focus();
    }
  });
  // A separator typed (an IME's full-width comma too) or pasted: everything before the last one is done.
  field.addEventListener('input', () => {
    if (!SEPARATOR.test(field.value)) return;
    const cut = Math.max(...[...field.value.matchAll(new RegExp(SEPARATOR, 'g'))].map((m) => m.index));
    const done = field.value.slice(0, cut);
    field.value = field.value.slice(cut + 1).trimStart();
    keep(add(done));
  });

  render();

  return {
    values() {
      commit();
      // What the server takes: at most 10, each at most 32 UTF-16 units (normalising counts code points).
      return interests.filter((interest) => interest.length <= MAX_INTEREST_INPUT_CHARS).slice(0, MAX_INTERESTS);
    },
  };
}
