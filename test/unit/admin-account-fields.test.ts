/**
 * The pure parts of the admin team pages: what the account and invitation forms refuse before sending
 * (web/admin/src/account-fields.ts), which controls a role sees (web/admin/src/me.ts), and the 2FA QR
 * code's image (web/admin/src/qr-image.ts).
 */
import { describe, expect, it } from 'vitest';
import { encode } from 'uqr';
import { errorTextKey, groupedSecret, nameProblem, passwordProblem, tokenOfHash, totpCode } from '../../web/admin/src/account-fields.js';
import { permissionAttributes } from '../../web/admin/src/me.js';
import { qrDataUrl } from '../../web/admin/src/qr-image.js';

describe('the account forms', () => {
  it('take a new password of 12 to 1024 characters, counted as characters, repeated alike', () => {
    expect(passwordProblem('a'.repeat(11), 'a'.repeat(11))).toBe('passwordTooShort');
    expect(passwordProblem('a'.repeat(12), 'a'.repeat(12))).toBeUndefined();
    // Twelve characters outside the BMP are 24 UTF-16 units, still twelve characters.
    expect(passwordProblem('😀'.repeat(11), '😀'.repeat(11))).toBe('passwordTooShort');
    expect(passwordProblem('a'.repeat(1024), 'a'.repeat(1024))).toBeUndefined();
    expect(passwordProblem('a'.repeat(1025), 'a'.repeat(1025))).toBe('passwordTooLong');
    expect(passwordProblem('correct horse battery', 'correct horse batterY')).toBe('passwordMismatch');
  });

  it('take a name of 1 to 32 letters (Chinese too), digits, _ . or -', () => {
    expect(nameProblem('')).toBe('inviteNameRequired');
    for (const name of ['mod_1', 'li.wei', 'a-b', '王小明', 'x'.repeat(32)]) expect(nameProblem(name), name).toBeUndefined();
    for (const name of ['x'.repeat(33), 'two words', 'a/b', 'a@b', '<b>']) expect(nameProblem(name), name).toBe('inviteNameInvalid');
  });

  it('refuse the reserved names admin, automatic and system, in any case, before sending', () => {
    for (const name of ['admin', 'ADMIN', 'Automatic', 'system', 'SyStEm']) expect(nameProblem(name), name).toBe('inviteNameReserved');
    for (const name of ['admin2', 'sysadmin', 'systems', 'auto']) expect(nameProblem(name), name).toBeUndefined();
  });

  it('say a refused change by its error code, never by the server’s English message', () => {
    expect(errorTextKey('FORBIDDEN')).toBe('forbidden');
    expect(errorTextKey('CONFLICT')).toBe('errConflict');
    expect(errorTextKey('NOT_FOUND')).toBe('teamNotFound');
    expect(errorTextKey('NAME_TAKEN')).toBe('inviteNameTaken');
    expect(errorTextKey('LAST_OWNER')).toBe('teamLastOwner');
    expect(errorTextKey('INVALID_TOTP')).toBe('invalidTotp');
    expect(errorTextKey('CURRENT_PASSWORD_WRONG')).toBe('passwordCurrentWrong');
    expect(errorTextKey('RATE_LIMITED')).toBe('tooManyAttempts');
    expect(errorTextKey('INVALID_PAYLOAD')).toBe('errInvalidPayload');
    expect(errorTextKey('TOTP_REQUIRED')).toBe('totpRequired');
    expect(errorTextKey('ACCOUNT_DISABLED')).toBe('accountDisabled');
    for (const code of [undefined, 'INTERNAL_ERROR', 'toString', '__proto__']) expect(errorTextKey(code), String(code)).toBe('errFailed');
  });

  it('show a TOTP secret in groups of four', () => {
    expect(groupedSecret('JBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP');
    expect(groupedSecret('JBSWY3DPEHPK3PXPAB')).toBe('JBSW Y3DP EHPK 3PXP AB');
    expect(groupedSecret('ABC')).toBe('ABC');
    expect(groupedSecret('')).toBe('');
  });

  it('read a TOTP code typed with spaces, and nothing but six digits', () => {
    expect(totpCode('123456')).toBe('123456');
    expect(totpCode(' 123 456 ')).toBe('123456');
    expect(totpCode('12345')).toBeUndefined();
    expect(totpCode('12345a')).toBeUndefined();
    expect(totpCode('1234567')).toBeUndefined();
  });

  it("find the invitation's token in the address's fragment", () => {
    expect(tokenOfHash('#abc-DEF_123')).toBe('abc-DEF_123');
    expect(tokenOfHash('')).toBeUndefined();
    expect(tokenOfHash('#%E0%A4%A')).toBeUndefined();
    expect(tokenOfHash('#')).toBeUndefined();
  });
});

describe("the page for an admin's role", () => {
  it('shows a viewer neither moderation nor management, a moderator moderation only, an owner both', () => {
    expect(permissionAttributes(['read'])).toEqual({ 'data-can-moderate': false, 'data-can-manage': false, 'data-cannot-manage': true });
    expect(permissionAttributes(['read', 'moderate'])).toEqual({ 'data-can-moderate': true, 'data-can-manage': false, 'data-cannot-manage': true });
    expect(permissionAttributes(['read', 'moderate', 'manage'])).toEqual({ 'data-can-moderate': true, 'data-can-manage': true, 'data-cannot-manage': false });
  });

  it('shows everything when the role could not be read (the server still refuses what is not allowed)', () => {
    expect(permissionAttributes(undefined)).toEqual({ 'data-can-moderate': true, 'data-can-manage': true, 'data-cannot-manage': false });
  });
});

describe('the 2FA QR code', () => {
  it('is an SVG image in a data: URL (the CSP allows data: images) that holds the otpauth URI', () => {
    const uri = 'otpauth://totp/Chat%20admin:mod_1?secret=JBSWY3DPEHPK3PXP&issuer=Chat%20admin';
    const url = qrDataUrl(uri);
    expect(url.startsWith('data:image/svg+xml;charset=utf-8,')).toBe(true);
    const svg = decodeURIComponent(url.slice(url.indexOf(',') + 1));
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).not.toMatch(/<script|on\w+=/i);
    // The same modules as the URI's own QR code: what the phone scans is the URI.
    const { size } = encode(uri, { border: 2 });
    expect(svg).toContain(`viewBox="0 0 ${size * 10} ${size * 10}"`);
  });
});
