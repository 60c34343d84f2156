/**
 * The team (#team, owners: `manage`): every admin with their role (changeable), 2FA (with the recovery
 * codes left, team-totp-cell.ts), state and last login, with Disable/Enable and Reset 2FA behind the
 * confirm dialog; the open invitations, each revocable; and "Invite", which shows the new link
 * (`location.origin + path`) once, with a copy button.
 * A refusal (the last owner, a 403) is said in the view's own alert line. Changes whose session has not
 * proved the password recently ask for it first (password-confirm.ts).
 */
import { ApiError, getJson, sendJson } from './api.js';
import type { Confirm } from './confirm-dialog.js';
import { PasswordNotConfirmed, type PasswordConfirm } from './password-confirm.js';
import { byTestId, element, plainTime } from './dom.js';
import { t, type TextKey } from './i18n.js';
import { ROLES, isRole, type Me, type Role } from './me.js';
import { showFormError } from './sanction-fields.js';
import { errorTextKey } from './account-fields.js';
import { totpCell } from './team-totp-cell.js';

export interface TeamAdmin {
  id: number;
  name: string;
  role: Role;
  totp_enabled: boolean;
  /** Unused 2FA recovery codes; null while 2FA is off. */
  recovery_codes_left: number | null;
  disabled: boolean;
  bootstrap: boolean;
  created_at: string;
  last_login_at: string | null;
}

export interface TeamInvitation {
  id: number;
  role: Role;
  created_by: string;
  created_at: string;
  expires_at: string;
}

interface Team {
  admins: TeamAdmin[];
  invitations: TeamInvitation[];
}

interface NewInvitation {
  id: number;
  role: Role;
  token: string;
  path: string;
  expires_at: string;
}

export interface TeamView {
  show(): void;
  render(): void;
}

const roleName = (role: Role) => t(`role_${role}` as TextKey);

/** The text of a refused team change, by its code (the server's English message is not shown). */
function teamFailure(error: unknown): () => string {
  const key = errorTextKey(error instanceof ApiError ? (error.code as string) : undefined);
  return () => t(key, { n: '60' });
}

export function createTeamView(root: HTMLElement, deps: { me: () => Me | undefined; confirm: Confirm; passwordConfirm: PasswordConfirm; toast: (text: string) => void; onError: (error: unknown) => void }): TeamView {
  const error = byTestId('team-error', HTMLElement, root);
  const body = byTestId('team-body', HTMLTableSectionElement, root);
  const inviteForm = byTestId('invite-form', HTMLFormElement, root);
  const inviteRole = byTestId('invite-role', HTMLSelectElement, root);
  const inviteSubmit = byTestId('invite-submit', HTMLButtonElement, root);
  const result = byTestId('invite-result', HTMLElement, root);
  const link = byTestId('invite-link', HTMLInputElement, root);
  const copy = byTestId('invite-copy', HTMLButtonElement, root);
  const invitationsBody = byTestId('invitations-body', HTMLTableSectionElement, root);
  const invitationsEmpty = byTestId('invitations-empty', HTMLElement, root);
  const inviteForRole = byTestId('invite-for-role', HTMLElement, root);
  const title = byTestId('team-title', HTMLElement, root);
  /** The role of the invitation whose link is shown. */
  let shownRole: Role | undefined;

  let team: Team | undefined;
  let shownError: (() => string) | undefined;
  /** Bumped by every read: only the latest answer is shown. */
  let loads = 0;

  function sayError(text: (() => string) | undefined): void {
    shownError = text;
    showFormError(error, text?.());
  }

  async function load(): Promise<void> {
    const mine = ++loads;
    try {
      const answer = await getJson<Team>('/admin/api/team');
      if (mine !== loads) return;
      team = answer;
      render();
    } catch (failure) {
      if (mine !== loads) return;
      if (failure instanceof ApiError && failure.code === 'FORBIDDEN') sayError(() => t('forbiddenView'));
      else deps.onError(failure);
    }
  }

  /**
   * A change through the API (the password asked again first when it is not recent), then the list read
   * again; a refusal is said and the list re-read too. The password dialog closed: nothing is said.
   */
  async function change(request: () => Promise<unknown>, done: () => string): Promise<boolean> {
    try {
      await deps.passwordConfirm.run(request);
      sayError(undefined);
      deps.toast(done());
      return true;
    } catch (failure) {
      sayError(failure instanceof PasswordNotConfirmed ? undefined : teamFailure(failure));
      return false;
    } finally {
      await load();
    }
  }

  /** The role chosen in a row's list: nothing happens until its "Change role" button (arrow keys only choose). */
  function roleSelect(admin: TeamAdmin): HTMLSelectElement {
    const select = element('select');
    select.dataset['testid'] = 'team-role';
    select.setAttribute('aria-label', t('teamRoleOf', { n: admin.name }));
    for (const role of ROLES) {
      const option = element('option', '', roleName(role));
      option.value = role;
      select.append(option);
    }
    select.value = admin.role;
    return select;
  }

  /** True when the row is the logged-in admin's own account. */
  const isSelf = (admin: TeamAdmin) => deps.me()?.id === admin.id;

  function roleButton(admin: TeamAdmin, select: HTMLSelectElement): HTMLButtonElement {
    const button = actionButton(t('teamRoleApply'), 'team-role-apply', () => {
      const role = select.value;
      if (!isRole(role)) return;
      if (role === admin.role) {
        sayError(() => t('teamRoleUnchanged'));
        select.focus();
        return;
      }
      void (async () => {
        // Demoting oneself: the Team and Audit views go with the owner's role.
        const warning = isSelf(admin) && admin.role === 'owner' ? ` ${t('confirmSelfText')}` : '';
        const sure = await deps.confirm({ title: t('confirmRoleTitle'), text: t('confirmRoleText', { n: admin.name, role: roleName(role) }) + warning, ok: t('confirmRole') });
        if (!sure) {
          select.value = admin.role;
          return;
        }
        await change(() => sendJson('PATCH', `/admin/api/team/${admin.id}`, { role }), () => t('teamUpdated', { n: admin.name }));
      })();
    });
    button.setAttribute('aria-label', `${button.textContent ?? ''} ${admin.name}`);
    return button;
  }

  function actionButton(label: string, testId: string, onClick: (button: HTMLButtonElement) => void): HTMLButtonElement {
    const button = element('button', 'btn btn-ghost btn-small', label);
    button.type = 'button';
    button.dataset['testid'] = testId;
    button.addEventListener('click', () => onClick(button));
    return button;
  }

  function adminRow(admin: TeamAdmin): HTMLTableRowElement {
    const tr = element('tr');
    tr.dataset['testid'] = 'team-row';
    tr.dataset['name'] = admin.name;
    tr.dataset['key'] = `admin-${admin.id}`;
    const self = isSelf(admin);
    const nameCell = element('td', '', self ? t('teamYou', { n: admin.name }) : admin.name);
    nameCell.dataset['testid'] = 'team-name';
    const state = element('td', '', t(admin.disabled ? 'teamDisabledState' : 'teamEnabled'));
    state.dataset['testid'] = 'team-state';
    const totp = totpCell(admin);
    const actionCell = element('td');
    const actions = element('div', 'row-actions');
    actionCell.append(actions);
    const toggle = actionButton(t(admin.disabled ? 'teamEnable' : 'teamDisable'), admin.disabled ? 'team-enable' : 'team-disable', () => {
      void (async () => {
        const disable = !admin.disabled;
        const sure = await deps.confirm(
          disable
            ? { title: t('confirmDisableTitle'), text: t('confirmDisableText', { n: admin.name }) + (self ? ` ${t('confirmSelfDisableText')}` : ''), ok: t('confirmDisable') }
            : { title: t('confirmEnableTitle'), text: t('confirmEnableText', { n: admin.name }), ok: t('confirmEnable') },
        );
        if (sure) await change(() => sendJson('PATCH', `/admin/api/team/${admin.id}`, { disabled: disable }), () => t('teamUpdated', { n: admin.name }));
      })();
    });
    toggle.setAttribute('aria-label', `${toggle.textContent ?? ''} ${admin.name}`);
    actions.append(toggle);
    // One's own 2FA is turned off on the Account page, with a code and the password (the server refuses it here).
    if (admin.totp_enabled && !self) {
      const reset = actionButton(t('teamResetTotp'), 'team-reset-totp', () => {
        void (async () => {
          const sure = await deps.confirm({ title: t('confirmResetTotpTitle'), text: t('confirmResetTotpText', { n: admin.name }), ok: t('confirmResetTotp') });
          if (sure) await change(() => sendJson('DELETE', `/admin/api/team/${admin.id}/totp`), () => t('teamTotpReset', { n: admin.name }));
        })();
      });
      reset.setAttribute('aria-label', `${reset.textContent ?? ''} ${admin.name}`);
      actions.append(reset);
    }
    const roleCell = element('td');
    const select = roleSelect(admin);
    roleCell.append(select);
    actions.prepend(roleButton(admin, select));
    tr.append(nameCell, roleCell, totp, state, element('td', '', admin.last_login_at ? plainTime(admin.last_login_at) : t('teamNever')), actionCell);
    return tr;
  }

  function invitationRow(invitation: TeamInvitation): HTMLTableRowElement {
    const tr = element('tr');
    tr.dataset['testid'] = 'invitation-row';
    tr.dataset['key'] = `invitation-${invitation.id}`;
    const revoke = actionButton(t('invitationRevoke'), 'invitation-revoke', () => {
      void (async () => {
        const sure = await deps.confirm({ title: t('confirmRevokeTitle'), text: t('confirmRevokeText', { n: roleName(invitation.role) }), ok: t('confirmRevoke') });
        if (sure) await change(() => sendJson('DELETE', `/admin/api/team/invitations/${invitation.id}`), () => t('invitationRevoked'));
      })();
    });
    revoke.setAttribute('aria-label', t('invitationRevokeOf', { n: roleName(invitation.role), by: invitation.created_by }));
    const actions = element('td');
    actions.append(revoke);
    tr.append(
      element('td', '', roleName(invitation.role)),
      element('td', '', invitation.created_by),
      element('td', '', plainTime(invitation.created_at)),
      element('td', '', plainTime(invitation.expires_at)),
      actions,
    );
    return tr;
  }

  /** Where the focus was in a table about to be drawn again: the row, the control, the row's place. */
  function focusSpot(tbody: HTMLTableSectionElement): { key: string; testId: string; index: number } | undefined {
    const active = document.activeElement;
    if (!(active instanceof HTMLElement) || !tbody.contains(active)) return undefined;
    const row = active.closest('tr');
    if (!row) return undefined;
    return { key: row.dataset['key'] ?? '', testId: active.dataset['testid'] ?? '', index: [...tbody.rows].indexOf(row) };
  }

  /**
   * The focus back where it was after a table was drawn again: the same control of the same row, else the
   * row's first control, else its neighbour's (the row is gone), else `fallback` — never the page's body.
   */
  function restoreFocus(tbody: HTMLTableSectionElement, spot: ReturnType<typeof focusSpot>, fallback: HTMLElement): void {
    if (!spot) return;
    const row = [...tbody.rows].find((tr) => tr.dataset['key'] === spot.key);
    const controls = (tr: HTMLTableRowElement | undefined) => (tr ? [...tr.querySelectorAll<HTMLElement>('button, select')] : []);
    const target =
      row?.querySelector<HTMLElement>(`[data-testid="${spot.testId}"]`) ??
      controls(row)[0] ??
      controls(tbody.rows[Math.min(spot.index, tbody.rows.length - 1)])[0] ??
      fallback;
    target.focus();
  }

  function render(): void {
    showFormError(error, shownError?.());
    for (const option of inviteRole.options) if (isRole(option.value)) option.textContent = roleName(option.value);
    const adminSpot = focusSpot(body);
    const invitationSpot = focusSpot(invitationsBody);
    body.replaceChildren(...(team?.admins ?? []).map(adminRow));
    invitationsBody.replaceChildren(...(team?.invitations ?? []).map(invitationRow));
    invitationsEmpty.hidden = (team?.invitations.length ?? 0) > 0 || team === undefined;
    inviteForRole.textContent = shownRole ? t('inviteForRole', { n: roleName(shownRole) }) : '';
    if (!title.hasAttribute('tabindex')) title.tabIndex = -1;
    restoreFocus(body, adminSpot, title);
    restoreFocus(invitationsBody, invitationSpot, inviteSubmit);
  }

  inviteForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const role = inviteRole.value;
    if (!isRole(role)) return;
    void (async () => {
      inviteSubmit.disabled = true;
      let made = false;
      try {
        const invitation = await deps.passwordConfirm.run(() => sendJson<NewInvitation>('POST', '/admin/api/team/invitations', { role }));
        sayError(undefined);
        link.value = `${window.location.origin}${invitation.path}`;
        shownRole = invitation.role;
        inviteForRole.textContent = t('inviteForRole', { n: roleName(invitation.role) });
        result.hidden = false;
        copy.textContent = t('inviteCopy');
        made = true;
        link.focus();
        link.select();
      } catch (failure) {
        sayError(failure instanceof PasswordNotConfirmed ? undefined : teamFailure(failure));
      } finally {
        inviteSubmit.disabled = false;
        // Disabled while it was sent, the button lost the focus (to the page's body, where the password
        // dialog closed gives it back too): no invitation made, it is back on Invite. While another change's
        // password dialog is open the page is inert, and this moves nothing.
        if (!made) inviteSubmit.focus();
        await load();
      }
    })();
  });

  copy.addEventListener('click', () => {
    void navigator.clipboard.writeText(link.value).then(
      () => deps.toast(t('inviteCopied')),
      () => {
        link.select();
        deps.toast(t('inviteCopyFailed'));
      },
    );
  });

  return {
    show() {
      // The link of an earlier invitation is not shown again: it was for that moment only.
      result.hidden = true;
      link.value = '';
      shownRole = undefined;
      sayError(undefined);
      void load();
    },
    render,
  };
}
