import Koa from 'koa';
import Router from '@koa/router';
import { RelyingParty } from '../oidc/relying-party.ts';

export const DEMO_CLIENT_ID = 'demo-app';
export const DEMO_CLIENT_SECRET = 'demo-app-secret-for-development-only';

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo app</title><style>body{font:16px system-ui,sans-serif;max-width:720px;margin:40px auto;padding:0 16px}
pre{background:#f6f8fa;padding:12px;border-radius:6px;overflow:auto}a.button{display:inline-block;padding:10px 16px;background:#0b5cad;color:#fff;border-radius:6px;text-decoration:none;margin-right:8px}</style></head>
<body><h1>Demo app (relying party)</h1>${body}</body></html>`;
}

/** A tiny third-party app that signs users in through the provider and shows the ID token claims. */
export function demoApp(issuer: string, demoUrl: string, keys: string[]): Koa {
  const rp = new RelyingParty({
    issuer, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET,
    redirectUri: `${demoUrl}/callback`, postLogoutRedirectUri: `${demoUrl}/`,
    scope: 'openid email profile', cookieName: 'demo.session', sessionTtlSeconds: 3600,
  });
  const app = new Koa();
  app.keys = keys;
  const router = new Router();
  router.get('/', (ctx) => {
    const session = rp.session(ctx);
    ctx.body = session
      ? page(`<p>Signed in as <strong id="who">${esc(session.claims.email)}</strong>.</p>
<p>amr: <code id="amr">${esc(JSON.stringify(session.claims.amr))}</code> · acr: <code id="acr">${esc(session.claims.acr)}</code></p>
<h2>ID token claims</h2><pre id="claims">${esc(JSON.stringify(session.claims, null, 2))}</pre><a class="button" href="/logout">Sign out</a>`)
      : page(`<p>This app trusts the company's sign-in. Nobody gets in without a password <em>and</em> a code.</p>
<a class="button" id="sign-in" href="/login">Sign in</a> <a class="button" href="/login?mfa=1">Sign in (app requires two-step sign-in)</a>`);
  });
  router.get('/login', async (ctx) => {
    ctx.redirect(await rp.startLogin(ctx, '/', ctx.query.mfa ? { acr_values: 'mfa' } : {}));
  });
  router.get('/callback', async (ctx) => {
    if (ctx.query.error) {
      ctx.status = 403;
      ctx.body = page(`<p id="error">Sign-in did not complete: <strong>${esc(ctx.query.error)}</strong> — ${esc(ctx.query.error_description ?? '')}</p><a class="button" href="/">Back</a>`);
      return;
    }
    try {
      ctx.redirect(await rp.finishLogin(ctx));
    } catch (err) {
      ctx.status = 400;
      ctx.body = page(`<p id="error">Sign-in failed: ${esc((err as Error).message)}</p><a class="button" href="/">Back</a>`);
    }
  });
  router.get('/logout', async (ctx) => { ctx.redirect(await rp.logout(ctx)); });
  app.use(router.routes());
  return app;
}
