import type { Context } from 'koa';
import { z } from 'zod';
import { changeOwnPassword } from '../auth/change-password.ts';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../domain/password-strength.ts';
import type { RelyingParty } from '../oidc/relying-party.ts';
import type { Deps } from '../ports/deps.ts';
import { field, parseForm } from '../http/body.ts';
import { formatSoon } from '../http/format.ts';
import { accountState } from './session.ts';
import { carryOver, showSecurity } from './routes.ts';
import { codeError } from './code-error.ts';

/** Longer than any allowed password so an over-long one gets the length message, not a form error. */
const passwordForm = z.object({
  current: field(1024),
  next: field(PASSWORD_MAX_LENGTH * 4),
  code: field(40).trim().optional().default(''),
  csrf: field(100),
});

type FieldName = 'current' | 'next' | 'code';
interface FieldError { field: FieldName; message: string }

async function renderForm(ctx: Context, error: FieldError | null, status = 200) {
  await ctx.render('account/password', {
    title: 'Change password', error,
    needsCode: accountState(ctx).user.twoFactor.enabled,
    minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH,
  });
  ctx.status = status;
}

/** /account/security/password: current password, the new one, and a current code when the account has two-step sign-in. */
export function passwordRoutes(deps: Deps, rp: RelyingParty) {
  return {
    show: (ctx: Context) => renderForm(ctx, null),
    change: async (ctx: Context) => {
      const form = parseForm(ctx, passwordForm);
      if (!form || !form.current) return renderForm(ctx, { field: 'current', message: 'Enter your current password.' }, 400);
      if (accountState(ctx).user.twoFactor.enabled && !form.code) return renderForm(ctx, { field: 'code', message: 'Enter the current code from your authenticator app, or a recovery code.' }, 400);
      const outcome = await changeOwnPassword(deps, accountState(ctx).user, { current: form.current, next: form.next, code: form.code, ip: ctx.ip });
      switch (outcome.kind) {
        case 'weak': return renderForm(ctx, { field: 'next', message: outcome.reason }, 400);
        case 'wrong-current': return renderForm(ctx, { field: 'current', message: 'That is not your current password.' }, 401);
        case 'locked': return renderForm(ctx, { field: 'current', message: `Too many wrong passwords. Try again ${formatSoon(outcome.until, deps.clock.now())}.` }, 429);
        case 'code-refused': return renderForm(ctx, { field: 'code', message: codeError(outcome.outcome) }, outcome.outcome.kind === 'locked' ? 429 : 400);
        case 'ok':
          carryOver(rp, ctx, outcome.changedAt, outcome.proved); // this session made the change; every other one ends
          ctx.state.account.user = (await deps.users.findById(accountState(ctx).user.id))!;
          return showSecurity(deps, ctx, 'Your password is changed. You were signed out everywhere else.');
      }
    },
  };
}
