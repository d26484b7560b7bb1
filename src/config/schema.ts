import { z } from 'zod';
import { pkceSettingAllowed } from '../domain/request-protection.ts';
import { refreshSettingAllowed } from '../domain/refresh-request.ts';

const clientSchema = z.object({
  client_id: z.string().min(1),
  client_secret: z.string().min(1).optional(),
  client_name: z.string().optional(),
  redirect_uris: z.array(z.string().url()).min(1),
  post_logout_redirect_uris: z.array(z.string().url()).optional(),
  grant_types: z.array(z.string()).default(['authorization_code', 'refresh_token']),
  response_types: z.array(z.string()).default(['code']),
  token_endpoint_auth_method: z.string().default('client_secret_basic'),
  /** First-party apps skip the consent page. */
  first_party: z.boolean().default(false),
  /** `optional` lets a confidential client sign in without PKCE; it must then send a nonce. */
  pkce: z.enum(['required', 'optional']).default('required'),
  /**
   * `consent`: offline_access gives a refresh token only with prompt=consent, after the user
   * approved it (OIDC Core 11). `offline_access` (first-party apps): it always does, no page.
   */
  refresh: z.enum(['consent', 'offline_access']).default('consent'),
}).passthrough().refine((c) => pkceSettingAllowed(c.pkce, c.token_endpoint_auth_method), {
  message: 'pkce "optional" is only for confidential clients (token_endpoint_auth_method other than none)',
  path: ['pkce'],
}).refine((c) => refreshSettingAllowed(c.refresh, c.first_party, c.grant_types), {
  message: 'refresh "offline_access" is only for first-party apps (first_party: true) whose grant_types include refresh_token',
  path: ['refresh'],
});

export type ClientConfig = z.infer<typeof clientSchema>;

const storeKind = z.enum(['memory', 'mongo']);
const stateKind = z.enum(['memory', 'redis']);

export const configSchema = z.object({
  productName: z.string().min(1).max(100),
  adminContact: z.string().min(1).max(200),
  /** Where blocked or locked-out employees reach the admins: a mailto: address or an https:// page ('' = none, name only). */
  support: z.object({
    contact: z.union([
      z.literal(''),
      z.string().max(500).regex(/^mailto:[^\s@]+@[^\s@]+$/i, 'a mailto: address'),
      z.string().max(500).url().regex(/^https:\/\//i, 'an https:// URL'),
    ]),
  }).default({ contact: '' }),
  issuer: z.string().url(),
  host: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
  proxy: z.coerce.boolean(),
  stores: z.object({ users: storeKind, state: stateKind, provider: stateKind }),
  redis: z.object({
    url: z.string().min(1),
    prefix: z.string(),
    /** standalone: `url`; sentinel: `nodes` are the sentinels, `sentinelName` the master; cluster: `nodes` seed the cluster. */
    mode: z.enum(['standalone', 'sentinel', 'cluster']).default('standalone'),
    nodes: z.array(z.string().regex(/^[^:\s]+:\d+$/, 'host:port')).default([]),
    sentinelName: z.string().default('mymaster'),
  }),
  mongo: z.object({ uri: z.string() }),
  cookieKeys: z.array(z.string().min(1)),
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1) }).nullable(),
  secretBoxKeys: z.array(z.object({ id: z.string().min(1).max(32), key: z.string().min(1) })),
  recoveryCodePepper: z.string(),
  password: z.object({
    memoryCost: z.number().int().min(1024),
    timeCost: z.number().int().min(1),
    parallelism: z.number().int().min(1),
    maxFailures: z.number().int().min(1),
    lockMinutes: z.number().positive(),
    maxPerHour: z.number().int().min(1).max(100),
  }),
  secondFactor: z.object({
    maxFailures: z.number().int().min(1).max(20),
    lockMinutes: z.number().positive(),
    maxPerHour: z.number().int().min(1).max(100),
    challengeMinutes: z.number().positive().max(60),
    notificationCodeMinutes: z.number().positive().max(30),
  }),
  policyDefaults: z.object({
    mandatory: z.boolean(),
    graceDays: z.number().int().min(1).max(365),
    sendCodeToNotifications: z.boolean(),
  }),
  clients: z.array(clientSchema),
  demo: z.object({
    enabled: z.coerce.boolean(), port: z.coerce.number().int().min(0).max(65535), seedUsers: z.coerce.boolean(),
    /** Development: seed this many employees at start (see demo/seed-employees.ts). */
    seedEmployees: z.coerce.number().int().min(0).max(1_000_000).default(0),
  }),
  /** After SIGTERM, /readyz fails this long before the server stops accepting (load balancer drain). */
  shutdownDelaySeconds: z.coerce.number().min(0).max(120).default(0),
  metrics: z.object({ token: z.string() }),
  webhook: z.object({ url: z.union([z.literal(''), z.string().url()]), secret: z.string(), includeCodes: z.coerce.boolean() }),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
});

export type RawConfig = z.infer<typeof configSchema>;
