import type { Context, Next } from 'koa';
import type { Interaction, StepDeps } from './context.ts';
import { showInteractionPage } from './login.ts';
import { setNoStore } from '../http/no-store.ts';

/** Provider routes that start an interaction in the browser (the device flow's have pages of their own). */
const ROUTES_STARTING_INTERACTIONS = new Set(['authorization', 'resume']);

/**
 * The provider answers an authorization request that needs the user with a redirect to
 * /interaction/<uid>. This answers with that page itself, as Keycloak does: the browser is spared
 * a request and the Interaction just saved a read (issue 15). The page names /interaction/<uid> as
 * its address (app.js puts it in the address bar), so a reload shows the same sign-in again.
 */
export function interactionPageInPlace(step: StepDeps) {
  return async (ctx: Context, next: Next): Promise<void> => {
    await next();
    if (ctx.status !== 303) return;
    const oidc = (ctx as { oidc?: { route?: string; entities?: { Interaction?: Interaction } } }).oidc;
    const interaction = oidc?.entities?.Interaction;
    if (!interaction || !ROUTES_STARTING_INTERACTIONS.has(oidc?.route ?? '') || ctx.response.get('Location') !== `/interaction/${interaction.uid}`) return;
    ctx.remove('Location');
    ctx.status = 200;
    ctx.params = { ...ctx.params, uid: interaction.uid };
    ctx.state.interactionDetails = interaction; // what loadInteraction would read back
    ctx.state.pageUrl = `/interaction/${interaction.uid}`;
    setNoStore(ctx);
    // The authorization request's own query is not the chooser's "Use another account".
    await showInteractionPage(ctx, step, interaction, false);
  };
}
