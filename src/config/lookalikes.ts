/**
 * Variables set in the environment that are no setting but look like one misspelt (`RETENTION_DAY`,
 * `METRIC_TOKEN`): the setting meant then silently keeps its default — conversations kept forever, metrics
 * off. Found here to be said at start as warnings, not refused: the environment holds other programs'
 * variables too.
 */
import { SETTING_NAMES } from './config.js';

/** A variable that is no setting, and the setting it looks like. */
export interface Lookalike {
  name: string;
  meant: string;
}

/**
 * The lookalikes among `env`'s names: one letter off a setting for a name of 4 or more, two for 6 or more
 * (HOME is not HOST), or a setting in other letter case (`retention_days`).
 */
export function lookalikeVariables(env: Record<string, string | undefined>): Lookalike[] {
  const found: Lookalike[] = [];
  for (const name of Object.keys(env)) {
    if (SETTING_NAMES.includes(name) || name.length < 4) continue;
    const upper = name.toUpperCase();
    const meant = SETTING_NAMES.find((k) => {
      if (upper === k) return true;
      const d = distance(upper, k);
      return d === 1 || (d === 2 && Math.min(upper.length, k.length) >= 6);
    });
    if (meant !== undefined) found.push({ name, meant });
  }
  return found;
}

/** Edit distance (insertions, deletions, substitutions) between two names. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const next = [i];
    for (let j = 1; j <= b.length; j += 1) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}
