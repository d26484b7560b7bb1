import type { AppConfig } from '../config/load.ts';
import type { ClientConfig } from '../config/schema.ts';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from '../demo/app.ts';

export function demoUrl(config: AppConfig): string {
  const issuer = new URL(config.issuer);
  return `${issuer.protocol}//${issuer.hostname}:${config.demo.port}`;
}

/** Configured apps, plus the demo app when it runs (never in production). */
export function withBuiltInClients(config: AppConfig): AppConfig {
  const clients: ClientConfig[] = [...config.clients];
  if (config.demo.enabled && !clients.some((c) => c.client_id === DEMO_CLIENT_ID)) {
    const url = demoUrl(config);
    clients.push({
      client_id: DEMO_CLIENT_ID,
      client_secret: DEMO_CLIENT_SECRET,
      client_name: 'Demo app',
      redirect_uris: [`${url}/callback`],
      post_logout_redirect_uris: [`${url}/`],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      first_party: false,
      pkce: 'required',
      refresh: 'consent',
    });
  }
  return { ...config, clients };
}
