import { DomainError } from '../domain/errors.ts';
import type { RelyingParty, RpSession } from '../oidc/relying-party.ts';
import { carriedOverChange, mergeProofs, provedStrongFactorRecently, type Proofs } from '../domain/session-validity.ts';
import type { Context } from 'koa';
import { codeError } from './code-error.ts';
import { answeringPost } from '../http/page-url.ts';
import { CODES_SAVED_REQUIRED, recoveryCodesText } from '../domain/recovery-codes.ts';
import QRCode from 'qrcode';
import { z } from 'zod';
import { codeFromOldPhone, confirmEnrollment, hasOwnPending, pendingEnrollment, regenerateRecoveryCodes } from '../auth/enrollment.ts';
import { disableOwnTwoFactor, otherAdminsWithTwoFactor } from '../auth/disable.ts';
import { verifyCurrentFactor } from '../auth/step-up.ts';
import { canDisableTwoFactor } from '../domain/mfa-policy.ts';
import { setupDueBy } from '../domain/deadline.ts';
import type { Deps } from '../ports/deps.ts';
import { field, parseForm } from '../http/body.ts';
import { formatTimeLeft } from '../http/format.ts';
import { accountProofs, accountState } from './session.ts';

const OLD_PHONE_HINT = 'That code is from your old phone. Open the authenticator app on your new phone, scan the QR code on this page, and enter the code the new phone shows.';
const codeForm = z.object({ code: field(40).trim().min(1), csrf: field(100) });
const maybeCodeForm = z.object({ code: field(40).trim().default(''), csrf: field(100) });

export async function showSecurity(deps: Deps, ctx: Context, notice: string | null = null, error: string | null = null) {
  const { user, policy } = accountState(ctx);
  const now = deps.clock.now();
  const dueBy = !user.twoFactor.enabled ? setupDueBy(user, policy) : null;
  // The view writes the banner: "N days left to set it up (until <time>)" or "ended on <time>".
  const banner = dueBy ? { dueBy, overdue: dueBy <= now, leftText: formatTimeLeft(dueBy, now) } : null;
  const allowed = canDisableTwoFactor({ user, policy, otherAdminsWithTwoFactor: await otherAdminsWithTwoFactor(deps, user.id) });
  answeringPost(ctx, '/account'); // a reload after a change shows Security, never sends the form again
  await ctx.render('account/security', {
    title: 'Security', notice, error, banner,
    enabledAt: user.twoFactor.enabledAt ?? null,
    codesLeft: user.twoFactor.recoveryCodes.filter((c) => !c.usedAt).length,
    disableReason: allowed.ok ? null : allowed.reason,
  });
}

async function renderEnroll(deps: Deps, rp: RelyingParty, ctx: Context, action: string, restart: boolean, error: string | null, status = 200) {
  const { user, session, policy } = accountState(ctx);
  const account = { user, policy, now: deps.clock.now() };
  if (user.twoFactor.enabled && !restart && !hasOwnPending(account, session.enrollmentRef ?? null)) {
    // A new phone's secret is only ever made by startDeviceChange, which asks for a recent factor.
    ctx.status = 303;
    ctx.redirect('/account/security/device');
    return;
  }
  const view = await pendingEnrollment(deps, user, session.enrollmentRef ?? null, restart);
  if (view.ref !== session.enrollmentRef) rp.update(ctx, { enrollmentRef: view.ref });
  const device = action.includes('/device/');
  await ctx.render('interaction/enroll', {
    title: device ? 'Scan with your new phone' : 'Set up two-step sign-in', error, required: null, mode: device ? 'device' : 'first',
    qrDataUrl: await QRCode.toDataURL(view.uri, { margin: 1, width: 220 }), otpauthUri: view.uri,
    secretGroups: view.secretGroups, action, cancelAction: '/account',
  });
  ctx.status = status;
}

async function renderCodes(deps: Deps, ctx: Context, codes: string[], heading: string, notice: string | null, error: string | null = null) {
  answeringPost(ctx, '/account'); // the codes are shown once: a reload goes to Security, it does not send the form again
  await ctx.render('interaction/recovery-codes', {
    title: 'Recovery codes', heading, notice, codes, error,
    codesText: recoveryCodesText(deps.config.productName, accountState(ctx).user.login, codes),
    continueAction: '/account/security/recovery-codes/done', csrf: accountState(ctx).session.csrf,
  });
}

const savedForm = z.object({ csrf: field(100), saved: z.literal('yes') });

/** POST /account/security/recovery-codes/done: Done only once the person says the codes are saved. */
export async function codesSaved(deps: Deps, ctx: Context): Promise<void> {
  if (parseForm(ctx, savedForm)) {
    ctx.status = 303;
    return ctx.redirect('/account');
  }
  await renderCodes(deps, ctx, [], 'Have you saved your recovery codes?', null, CODES_SAVED_REQUIRED);
  ctx.status = 400;
}


/** This session proved the authenticator itself (app or recovery code, not a notification code) in the last ten minutes. */
function recentFactor(deps: Deps, session: RpSession): boolean {
  return provedStrongFactorRecently(accountProofs(session), deps.clock.now().getTime());
}

/** This session made a security change (proving `proved` for it): its factors count from the change, other sessions' do not. */
export function carryOver(rp: RelyingParty, ctx: Context, changedAt: number, proved: Proofs = {}): void {
  rp.update(ctx, { proofs: carriedOverChange(mergeProofs(accountProofs(accountState(ctx).session), proved), changedAt) });
}

async function renderDevicePage(deps: Deps, ctx: Context, error: string | null, status = 200) {
  await ctx.render('account/device', { title: 'My mobile device has changed', error, needsCode: !recentFactor(deps, accountState(ctx).session) });
  ctx.status = status;
}

/** Enable (first enrolment) and device change share one confirm step. */
export function enrollRoutes(deps: Deps, rp: RelyingParty) {
  return {
    showEnable: async (ctx: Context) => {
      if (accountState(ctx).user.twoFactor.enabled) return ctx.redirect('/account');
      await renderEnroll(deps, rp, ctx, '/account/security/enable', false, null);
    },
    showDeviceConfirm: async (ctx: Context) => {
      if (!accountState(ctx).user.twoFactor.enabled) return ctx.redirect('/account');
      await renderEnroll(deps, rp, ctx, '/account/security/device/confirm', false, null);
    },
    showDeviceChange: async (ctx: Context) => {
      if (!accountState(ctx).user.twoFactor.enabled) return ctx.redirect('/account');
      await renderDevicePage(deps, ctx, null);
    },
    startDeviceChange: async (ctx: Context) => {
      const { user, session } = accountState(ctx);
      if (!user.twoFactor.enabled) return ctx.redirect('/account');
      if (!recentFactor(deps, session)) {
        // An older (or copied) session, or one signed in with a notification code, replaces
        // nobody's authenticator without a current code from the app or a recovery code.
        const form = parseForm(ctx, maybeCodeForm);
        // No code at all: the page was opened while the sign-in was recent, and it no longer is.
        if (form?.code === '') {
          return renderDevicePage(deps, ctx, 'It has been a while since you signed in: enter a current code from your old phone, or a recovery code, first.', 400);
        }
        const verified = form ? await verifyCurrentFactor(deps, user, form.code, ctx.ip) : { kind: 'malformed' as const };
        if (verified.kind !== 'ok') {
          return renderDevicePage(deps, ctx, codeError(verified), verified.kind === 'locked' ? 429 : 400);
        }
        rp.update(ctx, { proofs: mergeProofs(session.proofs ?? {}, { [verified.method]: deps.clock.now().getTime() }) });
      }
      const { ref } = await pendingEnrollment(deps, user, session.enrollmentRef ?? null, true);
      rp.update(ctx, { enrollmentRef: ref });
      ctx.status = 303;
      ctx.redirect('/account/security/device/confirm');
    },
    confirm: (action: string) => async (ctx: Context) => {
      // Enable is for users without 2FA, device change for users with it; nothing else starts a secret.
      if (accountState(ctx).user.twoFactor.enabled !== action.includes('/device/')) {
        throw accountState(ctx).user.twoFactor.enabled
          ? new DomainError('two_factor_already_on', 'Two-step sign-in is already on. To use a new phone, choose "My mobile device has changed" under Security.', 409)
          : new DomainError('two_factor_not_on', 'Two-step sign-in is not on yet. Choose "Set up two-step sign-in" under Security.', 409);
      }
      const form = parseForm(ctx, codeForm);
      const { user, session } = accountState(ctx);
      const outcome = form ? await confirmEnrollment(deps, user.id, form.code, session.enrollmentRef ?? null) : { kind: 'malformed' as const };
      if (outcome.kind === 'ok') {
        // Password at sign-in plus the authenticator just confirmed: this session now has both
        // factors, and they count from the change it made.
        carryOver(rp, ctx, outcome.changedAt, { otp: outcome.changedAt });
        if (outcome.recoveryCodes) return renderCodes(deps, ctx, outcome.recoveryCodes, 'Two-step sign-in is on', 'Your authenticator app is set up.');
        return showSecurity(deps, ctx, 'Your new device is confirmed. Codes from the old phone no longer work.');
      }
      const status = outcome.kind === 'locked' ? 429 : outcome.kind === 'malformed' ? 400 : outcome.kind === 'no-pending' ? 409 : 401;
      const fromOldPhone = outcome.kind === 'wrong' && form !== null && codeFromOldPhone(deps, user, form.code);
      await renderEnroll(deps, rp, ctx, action, false, fromOldPhone ? OLD_PHONE_HINT : codeError(outcome), status);
    },
  };
}

async function renderStepUp(ctx: Context, page: { heading: string; explanation: string; action: string; submitLabel: string; danger: boolean; refused?: boolean }, error: string | null, status = 200) {
  await ctx.render('account/step-up', { title: page.heading, refused: false, ...page, error });
  ctx.status = status;
}

export function recoveryAndDisableRoutes(deps: Deps, rp: RelyingParty) {
  const recoveryPage = { heading: 'New recovery codes', explanation: 'Generating new codes revokes all your current recovery codes and signs you out everywhere else: other browsers and apps signed in to your account will ask you to sign in again (a lost code may be in someone else\'s hands). This browser stays signed in. Confirm with a current code.', action: '/account/security/recovery-codes', submitLabel: 'Generate new codes', danger: false };
  const disablePage = { heading: 'Turn off two-step sign-in', explanation: 'Your account will be protected by your password only. Confirm with a current code.', action: '/account/security/disable', submitLabel: 'Turn off', danger: true };
  return {
    showRecovery: (ctx: Context) => renderStepUp(ctx, recoveryPage, null),
    regenerate: async (ctx: Context) => {
      const { user } = accountState(ctx);
      const form = parseForm(ctx, codeForm);
      const verified = form ? await verifyCurrentFactor(deps, user, form.code, ctx.ip) : { kind: 'malformed' as const };
      if (verified.kind !== 'ok') return renderStepUp(ctx, recoveryPage, codeError(verified), verified.kind === 'locked' ? 429 : 400);
      const { codes, changedAt } = await regenerateRecoveryCodes(deps, user.id);
      carryOver(rp, ctx, changedAt); // other sessions end; this one just proved a current code
      await renderCodes(deps, ctx, codes, 'New recovery codes', 'Your old recovery codes no longer work. Other sign-ins to your account have been ended.');
    },
    showDisable: async (ctx: Context) => {
      const { user, policy } = accountState(ctx);
      const allowed = canDisableTwoFactor({ user, policy, otherAdminsWithTwoFactor: await otherAdminsWithTwoFactor(deps, user.id) });
      await renderStepUp(ctx, { ...disablePage, refused: !allowed.ok }, allowed.ok ? null : allowed.reason, allowed.ok ? 200 : 403);
    },
    disable: async (ctx: Context) => {
      const form = parseForm(ctx, codeForm);
      const outcome = form ? await disableOwnTwoFactor(deps, accountState(ctx).user, form.code, ctx.ip) : { kind: 'malformed' as const };
      if (outcome.kind === 'refused') return renderStepUp(ctx, { ...disablePage, refused: true }, outcome.reason, 403);
      if (outcome.kind !== 'ok') return renderStepUp(ctx, disablePage, codeError(outcome), outcome.kind === 'locked' ? 429 : 400);
      carryOver(rp, ctx, outcome.changedAt); // other sessions end; this one just proved a current code
      ctx.state.account.user = (await deps.users.findById(accountState(ctx).user.id))!;
      ctx.state.me = ctx.state.account.user;
      await showSecurity(deps, ctx, 'Two-step sign-in is off.');
    },
  };
}
