/**
 * What an admin's name looks like, for telling names apart as people read them: `аdmin` with a Cyrillic
 * `а` is `admin` in the audit log, and a name that reads as another admin's (or as `admin`, `automatic`,
 * `system`) could put words in their mouth there.
 *
 * A name's skeletons are those of Unicode's confusable detection (UTS #39: every character replaced by
 * the one it is confusable with, `m` by `rn`), after NFKC (full-width forms are the ASCII ones): one of
 * the name as written, where a capital `I` reads as `l`, and one of its lower case, where `ADMIN` is
 * `admin`. Two names sharing either skeleton look alike. The table is Unicode's `confusables.txt`, through
 * [unhomoglyph](https://github.com/nodeca/unhomoglyph): data to keep current, not code to write here.
 * Other scripts are mapped only where Unicode lists a real look-alike: 丁一 and 下一 stay apart.
 */
import unhomoglyph from 'unhomoglyph';

/** The name as written, and in lower case, each as it reads (not meant to be shown). */
export function nameSkeletons(name: string): readonly [string, string] {
  const normal = name.normalize('NFKC');
  return [unhomoglyph(normal), unhomoglyph(normal.toLowerCase()).toLowerCase()];
}

/** Whether two names read the same. */
export function looksAlike(a: string, b: string): boolean {
  const [ax, al] = nameSkeletons(a);
  const [bx, bl] = nameSkeletons(b);
  return ax === bx || al === bl;
}
