import type { Context } from 'koa';
import { z } from 'zod';
import { applyPolicyChange, previewPolicyChange } from '../auth/policy-change.ts';
import { currentPolicy } from '../auth/policy.ts';
import { DomainError } from '../domain/errors.ts';
import type { PolicyChange } from '../domain/policy-change.ts';
import type { Deps } from '../ports/deps.ts';
import { field, parseForm } from '../http/body.ts';
import { accountState } from '../account/session.ts';
import { redirectWithNotice, takeFlash } from '../http/flash.ts';
import { previewLines } from './policy-preview.ts';
import { markedToHtml, markMoment } from '../http/format.ts';
import { people, plural, shownDate, shownDateTime } from './words.ts';

const policyFields = {
  csrf: field(100),
  mandatory: z.literal('on').optional(),
  graceDays: z.string().regex(/^\d{1,3}$/).transform(Number).pipe(z.number().int().min(1).max(365)),
  sendCodeToNotifications: z.literal('on').optional(),
};
const previewForm = z.object(policyFields);
/** The confirmation: the same fields, what to do with existing deadlines, and the policy version the preview showed. */
const saveForm = z.object({
  ...policyFields,
  deadlines: z.enum(['keep', 'move']).optional(),
  individual: z.literal('on').optional(),
  version: z.string().regex(/^(none|\d{1,15})$/).optional(),
});

const toChange = (form: z.infer<typeof previewForm>): PolicyChange => ({
  mandatory: form.mandatory === 'on', graceDays: form.graceDays, sendCodeToNotifications: form.sendCodeToNotifications === 'on',
});

const version = (updatedAt: Date | null) => (updatedAt ? String(updatedAt.getTime()) : 'none');

export function policyRoutes(deps: Deps) {
  async function showSettings(ctx: Context, notice: string | null = null, error: string | null = null, status = 200) {
    const policy = await currentPolicy(deps);
    const [enrolled, total] = await Promise.all([deps.users.count({ enrolled: true }), deps.users.count()]);
    const updater = policy.updatedBy ? await deps.users.findById(policy.updatedBy) : null;
    await ctx.render('admin/settings', {
      title: 'Two-step sign-in', policy, notice, error, enrolled, total,
      enforcedSince: policy.enforcedSince ? shownDate(policy.enforcedSince) : null,
      updatedAt: policy.updatedAt ? shownDateTime(policy.updatedAt) : null, updatedBy: updater?.login ?? policy.updatedBy ?? '',
    });
    ctx.status = status;
  }

  /** A form that did not parse: say whether it was the days (the one field people type). */
  function formError(ctx: Context): string {
    const days = (ctx.request as unknown as { body?: Record<string, unknown> }).body?.graceDays;
    return policyFields.graceDays.safeParse(days).success ? 'This form was not understood. Reload the page and try again.' : 'The set time must be a whole number of days from 1 to 365.';
  }

  return {
    showSettings: (ctx: Context) => showSettings(ctx, takeFlash(ctx)),

    /** POST /admin/policy/preview: what the change would do, with the choices; nothing is saved. */
    previewPolicy: async (ctx: Context) => {
      const form = parseForm(ctx, previewForm);
      if (!form) return showSettings(ctx, null, formError(ctx), 400);
      try {
        const preview = await previewPolicyChange(deps, accountState(ctx).user, toChange(form));
        // Sentences as HTML, each moment a <time> (shown in the viewer's zone).
        const { lines: marked, newDeadline } = previewLines(preview, deps.clock.now(), markMoment);
        const html = (t: string | undefined) => (t === undefined ? undefined : markedToHtml(t));
        const lines = marked.map((l) => ({ ...l, text: html(l.text)!, keep: html(l.keep), move: html(l.move), warning: html(l.warning) }));
        await ctx.render('admin/policy-preview', {
          title: 'Check the change', lines, newDeadline, change: preview.change, version: version(preview.before.updatedAt),
        });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        await showSettings(ctx, null, err.message, err.status);
      }
    },

    /** POST /admin/policy: save, moving the deadlines the admin chose to move. */
    savePolicy: async (ctx: Context) => {
      const form = parseForm(ctx, saveForm);
      if (!form) return showSettings(ctx, null, formError(ctx), 400);
      try {
        const expected = form.version === undefined ? undefined : form.version === 'none' ? null : Number(form.version);
        const choice = { moveStandard: form.deadlines === 'move', moveIndividual: form.individual === 'on' };
        const done = await applyPolicyChange(deps, accountState(ctx).user, toChange(form), { choice, expectedUpdatedAt: expected });
        const moved = done.deadlinesSet + done.individualMoved;
        const p = done.policy;
        const status = p.mandatory ? `Two-step sign-in is mandatory; the set time is ${plural(p.graceDays, 'day')}.` : 'Two-step sign-in is optional.';
        const deadlines = moved ? ` Deadlines set for ${people(moved)}.` : '';
        redirectWithNotice(ctx, '/admin', `Saved. ${status}${deadlines}`);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        await showSettings(ctx, null, err.message, err.status);
      }
    },
  };
}
