/**
 * The two-factor authentication card of "My account": turned on by scanning a QR code (or typing the
 * secret) and confirming a code with the admin's password, which shows the recovery codes once
 * (recovery-codes-panel.ts); turned off, or new recovery codes made, with a code (the app's or a recovery
 * code) and the password. A wrong password is said next to its field, anything else on the form's line.
 */
import { ApiError, sendJson } from './api.js';
import { groupedSecret } from './account-fields.js';
import { byTestId, element } from './dom.js';
import type { FormErrors } from './form-errors.js';
import { t } from './i18n.js';
import type { Me } from './me.js';
import { qrDataUrl } from './qr-image.js';
import { createRecoveryCodesPanel, RECOVERY_CODES_LOW, recoveryLeftText } from './recovery-codes-panel.js';
import { sendTotpChange, totpFailure } from './totp-change.js';
import { totpFieldsOf, type TotpFields } from './totp-fields.js';

export interface TotpCard {
  /** Shows the card as `me` and the form open (if any) have it; the view re-says the errors. */
  render(): void;
  /** Recovery codes are on screen, not yet marked saved. */
  codesShown(): boolean;
  /** Takes them off the page (a logout the admin confirmed). */
  forgetCodes(): void;
}

interface Enrolment {
  secret: string;
  uri: string;
}

export function createTotpCard(
  root: HTMLElement,
  deps: {
    me: () => Me | undefined;
    reloadMe: () => Promise<void>;
    toast: (text: string) => void;
    onError: (error: unknown) => void;
    errors: FormErrors;
    /** Renders the whole account view: a change here may come with a new name or role read from the server. */
    renderView: () => void;
  },
): TotpCard {
  const totpStatus = byTestId('totp-status', HTMLElement, root);
  const start = byTestId('totp-start', HTMLButtonElement, root);
  const stop = byTestId('totp-stop', HTMLButtonElement, root);
  const enrolForm = byTestId('totp-enrol-form', HTMLFormElement, root);
  const qr = byTestId('totp-qr', HTMLImageElement, root);
  const secret = byTestId('totp-secret', HTMLElement, root);
  // On a phone the authenticator app is on the same screen as the QR code, which it cannot scan: the
  // otpauth:// link hands it the secret instead (the app that registered the scheme opens). On its own
  // line under the QR code; without an href (no set-up under way) it is no link and no Tab stop.
  const appLink = element('a', 'btn btn-ghost btn-small totp-app-link');
  appLink.dataset['testid'] = 'totp-app-link';
  // In a tab of its own: a browser with no app for otpauth: shows an error page there, not over the set-up.
  appLink.target = '_blank';
  appLink.rel = 'noopener';
  qr.after(element('p', 'totp-app-row'));
  qr.nextElementSibling?.append(appLink);
  const secretCopy = byTestId('totp-secret-copy', HTMLButtonElement, root);
  const enrolFields = totpFieldsOf(root, 'enrol', deps.errors);
  const { code: enrolCode } = enrolFields;
  const enrolCancel = byTestId('totp-enrol-cancel', HTMLButtonElement, root);
  const offForm = byTestId('totp-off-form', HTMLFormElement, root);
  const offFields = totpFieldsOf(root, 'off', deps.errors);
  const { code: offCode } = offFields;
  const offCancel = byTestId('totp-off-cancel', HTMLButtonElement, root);
  const recoveryLeft = byTestId('recovery-left', HTMLElement, root);
  const recoveryNew = byTestId('recovery-new', HTMLButtonElement, root);
  const codesForm = byTestId('totp-codes-form', HTMLFormElement, root);
  const codesFields = totpFieldsOf(root, 'codes', deps.errors);
  const codesCancel = byTestId('totp-codes-cancel', HTMLButtonElement, root);
  const panel = createRecoveryCodesPanel(root, {
    toast: deps.toast,
    onClose: () => {
      deps.renderView();
      (stop.hidden ? start : stop).focus();
    },
  });

  let enrolment: Enrolment | undefined;
  let offOpen = false;
  let codesOpen = false;

  function renderCard(): void {
    const me = deps.me();
    const on = me?.totp_enabled === true;
    totpStatus.textContent = me ? t(on ? 'totpOn' : 'totpOff') : '';
    // One thing at a time: a form open, or the new codes shown, hides the buttons that open the others.
    const busy = offOpen || codesOpen || panel.open;
    start.hidden = !me || on || enrolment !== undefined;
    stop.hidden = !me || !on || busy;
    recoveryNew.hidden = !me || !on || busy;
    enrolForm.hidden = enrolment === undefined;
    offForm.hidden = !offOpen;
    codesForm.hidden = !codesOpen;
    const left = on ? me?.recovery_codes_left : undefined;
    recoveryLeft.hidden = typeof left !== 'number';
    recoveryLeft.textContent = recoveryLeftText(left);
    recoveryLeft.classList.toggle('warning-text', typeof left === 'number' && left <= RECOVERY_CODES_LOW);
    qr.alt = t('totpQrAlt');
    secret.textContent = enrolment ? groupedSecret(enrolment.secret) : '';
    appLink.textContent = t('totpOpenApp');
    if (enrolment) appLink.href = enrolment.uri;
    else appLink.removeAttribute('href');
  }

  start.addEventListener('click', () => {
    void (async () => {
      start.disabled = true;
      try {
        enrolment = await sendJson<Enrolment>('POST', '/admin/api/me/totp', {});
        qr.src = qrDataUrl(enrolment.uri);
        enrolForm.reset();
        enrolFields.say();
        deps.renderView();
        // The QR code in view (on a narrow screen the code field below it would scroll it under the top bar).
        enrolCode.focus({ preventScroll: true });
        // Stops below the sticky top bar, whose height depends on the width (its tabs wrap on a phone).
        const bar = document.querySelector<HTMLElement>('.topbar');
        qr.style.scrollMarginTop = `${(bar?.getBoundingClientRect().height ?? 0) + 12}px`;
        qr.scrollIntoView({ block: 'start', behavior: 'instant' });
      } catch (error) {
        if (error instanceof ApiError && error.code === 'CONFLICT') {
          deps.toast(t('totpAlreadyOn'));
          await deps.reloadMe().catch(deps.onError);
          deps.renderView();
        } else deps.onError(error);
      } finally {
        start.disabled = false;
      }
    })();
  });

  function endEnrolment(): void {
    enrolment = undefined;
    qr.removeAttribute('src');
    // The password typed stays in no hidden field.
    enrolForm.reset();
    enrolFields.say();
    deps.renderView();
  }

  enrolCancel.addEventListener('click', () => {
    endEnrolment();
    start.focus();
  });

  /**
   * A 2FA form's submit: what was typed is checked first (a missing code or password is said there), then
   * `send` runs with its submit button disabled until it settles.
   */
  function onSubmit(form: HTMLFormElement, fields: TotpFields, button: string, send: (change: { code: string; password: string }) => Promise<void>): void {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const change = fields.typed();
      if (change === undefined) return;
      void (async () => {
        const submit = byTestId(button, HTMLButtonElement, root);
        submit.disabled = true;
        try {
          await send(change);
        } finally {
          submit.disabled = false;
        }
      })();
    });
  }

  /** 2FA was off already (an owner reset it meanwhile): the form closed, the card as it now is, and said so. */
  async function alreadyOff(closeForm: () => void): Promise<void> {
    closeForm();
    await deps.reloadMe().catch(deps.onError);
    deps.renderView();
    deps.toast(t('totpAlreadyOff'));
    start.focus();
  }

  onSubmit(enrolForm, enrolFields, 'totp-confirm', async (change) => {
    try {
      const answer = await sendTotpChange('POST', '/admin/api/me/totp/confirm', change);
      // 2FA is on and the codes are in the answer: shown even if reading the account again fails.
      await deps.reloadMe().catch(deps.onError);
      endEnrolment();
      deps.toast(t('totpEnabled'));
      showCodes(answer);
    } catch (error) {
      enrolFields.refused(error, error instanceof ApiError && error.code === 'CONFLICT' ? () => t('totpNotStarted') : totpFailure(error));
    }
  });

  /** The recovery codes of an answer, shown once; an answer without them (an older server) shows none. */
  function showCodes(answer: unknown): void {
    const codes = (answer as { recovery_codes?: unknown } | undefined)?.recovery_codes;
    if (Array.isArray(codes) && codes.length > 0) panel.show(codes.map(String), deps.me()?.name ?? '');
    deps.renderView();
    if (!panel.open) stop.focus();
  }

  recoveryNew.addEventListener('click', () => {
    codesOpen = true;
    codesForm.reset();
    codesFields.say();
    deps.renderView();
    codesFields.code.focus();
  });

  function closeCodesForm(): void {
    codesOpen = false;
    codesForm.reset();
    codesFields.say();
  }

  codesCancel.addEventListener('click', () => {
    closeCodesForm();
    deps.renderView();
    recoveryNew.focus();
  });

  onSubmit(codesForm, codesFields, 'totp-codes-submit', async (change) => {
    try {
      const answer = await sendTotpChange('POST', '/admin/api/me/totp/recovery-codes', change);
      closeCodesForm();
      await deps.reloadMe().catch(deps.onError);
      deps.toast(t('recoveryMade'));
      showCodes(answer);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'CONFLICT') await alreadyOff(closeCodesForm);
      else codesFields.refused(error, totpFailure(error, change.code));
    }
  });

  stop.addEventListener('click', () => {
    offOpen = true;
    offForm.reset();
    offFields.say();
    deps.renderView();
    offCode.focus();
  });

  function closeOffForm(): void {
    offOpen = false;
    offForm.reset();
    offFields.say();
  }

  offCancel.addEventListener('click', () => {
    closeOffForm();
    deps.renderView();
    stop.focus();
  });

  onSubmit(offForm, offFields, 'totp-off-submit', async (change) => {
    try {
      await sendTotpChange('DELETE', '/admin/api/me/totp', change);
      closeOffForm();
      await deps.reloadMe();
      deps.renderView();
      deps.toast(t('totpDisabled'));
      start.focus();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'CONFLICT') await alreadyOff(closeOffForm);
      else offFields.refused(error, totpFailure(error, change.code));
    }
  });

  secretCopy.addEventListener('click', () => {
    if (!enrolment) return;
    void navigator.clipboard.writeText(enrolment.secret).then(
      () => deps.toast(t('totpSecretCopied')),
      () => {
        window.getSelection()?.selectAllChildren(secret);
        deps.toast(t('inviteCopyFailed'));
      },
    );
  });

  return {
    render: renderCard,
    codesShown: () => panel.open,
    forgetCodes: () => panel.close(),
  };
}
