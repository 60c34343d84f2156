/**
 * What an admin's name looks like, for telling names apart as people read them: `аdmin` with a Cyrillic
 * `а` is `admin` in the audit log, and a name that reads as another admin's (or as `admin`, `automatic`,
 * `system`) could put words in their mouth there. The skeleton is the name in NFKC (full-width forms are
 * the ASCII ones), its look-alikes of Latin letters and digits replaced by them, in lower case; two names
 * with one skeleton are one name.
 *
 * The look-alikes come from `confusables` (a maintained table of the characters that pass for English
 * ones, the Unicode confusables among them): tables like it are data to keep current, not code to write
 * here. Names in other scripts (Chinese) are left as they are, and compared as written.
 */
import { remove as removeConfusables } from 'confusables';

export function nameSkeleton(name: string): string {
  return removeConfusables(name.normalize('NFKC')).toLowerCase();
}
