/**
 * The 2FA cell of a Team row: on or off, and while on, how many recovery codes the admin has left — so an
 * owner sees a colleague one lost phone away from needing a 2FA reset. Few or none left is said in words
 * ("only 2", "none") as well as in the warning colour, at the threshold My account warns at — for an
 * admin who can log in: a disabled one's count is said plainly (no login, nothing to run out of yet).
 */
import { element } from './dom.js';
import { t } from './i18n.js';
import { RECOVERY_CODES_LOW } from './recovery-codes-panel.js';

/** What the Team list says of one admin's 2FA (a subset of the server's `teamAccountSchema`). */
export interface TotpState {
  totp_enabled: boolean;
  /** Unused recovery codes; null while 2FA is off (and from an older server, which did not send it). */
  recovery_codes_left?: number | null;
  /** Disabled: cannot log in, so few codes left is no warning. */
  disabled?: boolean;
}

/** The recovery codes left, in words; the warning wording at or below RECOVERY_CODES_LOW unless `plain`. */
export function codesLeftText(left: number, plain = false): string {
  if (left === 0) return t('teamCodesLeftNone');
  if (left === 1) return t(plain ? 'teamCodesLeftOnePlain' : 'teamCodesLeftOne');
  return t(left <= RECOVERY_CODES_LOW && !plain ? 'teamCodesLeftFew' : 'teamCodesLeft', { n: left });
}

/** The row's 2FA cell (test id `team-totp`), the count in its own part (`team-codes-left`). Drawn anew by every render, so it follows the language. */
export function totpCell(admin: TotpState): HTMLTableCellElement {
  const cell = element('td', 'totp-cell', t(admin.totp_enabled ? 'teamTotpOn' : 'teamTotpOff'));
  cell.dataset['testid'] = 'team-totp';
  const left = admin.recovery_codes_left;
  if (!admin.totp_enabled || typeof left !== 'number') return cell;
  const warn = left <= RECOVERY_CODES_LOW && admin.disabled !== true;
  const codes = element('span', warn ? 'codes-left warning-text' : 'codes-left', codesLeftText(left, !warn));
  codes.dataset['testid'] = 'team-codes-left';
  // The dot only separates for the eye ("middle dot", read out, says nothing); the spaces stay outside
  // it, so that the words on both sides are not read as one.
  const dot = element('span', '', '·');
  dot.setAttribute('aria-hidden', 'true');
  cell.append(' ', dot, ' ', codes);
  return cell;
}
