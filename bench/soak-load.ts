/**
 * The soak's virtual users: full 2FA sign-ins back to back, each in a fresh cookie jar, every
 * response's status counted (redirects and the token endpoint included), failures sorted into
 * refused (nothing was sent: the instance is down), cut (sent, then the connection closed with no
 * answer) and the rest. A balancer stand-in polls /readyz and stops sending new sign-ins to an
 * instance that is draining or down; during a store outage it keeps sending, so the answers
 * clients get then are what the soak checks.
 */
import { performance } from 'node:perf_hooks';
import * as oidc from 'openid-client';
import { Browser } from '../test/helpers/browser.ts';
import { RP } from '../test/helpers/config.ts';
import { fullSignIn, STEPS, UserPicker } from './sign-in.ts';
import type { BenchUser } from './protocol.ts';

export interface Bucket {
  signIns: number;
  failed: number;
  latencies: number[];
  statuses: Record<string, number>;
  cut: number;
  refused: number;
  firstErrors: string[];
}

const emptyBucket = (): Bucket => ({ signIns: 0, failed: 0, latencies: [], statuses: {}, cut: 0, refused: 0, firstErrors: [] });
const GATE_POLL_MS = 200;

function socketErrorCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED)$/.test(code)) return code;
  }
  return undefined;
}

export class SoakLoad {
  bucket = emptyBucket();
  /** Since the start: requests cut (sent, then the connection closed unanswered). */
  cutTotal = 0;
  /** performance.now() of the last sign-in that went through. */
  lastSuccessAt = 0;
  /** What the balancer stand-in last saw at /readyz: 'ready', 'not ready' (a store outage), 'draining', 'down'. */
  readiness = 'down';
  private readonly picker = new UserPicker();
  private config: oidc.Configuration | null = null;
  private stopping = false;

  constructor(private readonly url: string, private users: BenchUser[]) {}

  /** A restarted provider: same URL, same users (stable secrets), new process. */
  setUsers(users: BenchUser[]): void { this.users = users; }

  /** The bucket so far, and a fresh one from now on (one per minute). */
  rotate(): Bucket {
    const done = this.bucket;
    this.bucket = emptyBucket();
    return done;
  }

  count(status: number | string): void {
    this.bucket.statuses[status] = (this.bucket.statuses[status] ?? 0) + 1;
  }

  private async discovery(): Promise<oidc.Configuration> {
    if (!this.config) {
      const config = await oidc.discovery(new URL(this.url), RP.clientId, RP.clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
      // The token endpoint's answers are counted like the pages'.
      config[oidc.customFetch] = async (input, init) => {
        const res = await fetch(input, init as RequestInit);
        this.count(res.status);
        return res;
      };
      this.config = config;
    }
    return this.config;
  }

  private async watchReadiness(until: number): Promise<void> {
    while (!this.stopping && performance.now() < until) {
      try {
        const res = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2000) });
        const body = await res.json() as { status?: string };
        this.readiness = body.status ?? 'down';
      } catch {
        this.readiness = 'down';
      }
      await new Promise((r) => setTimeout(r, GATE_POLL_MS));
    }
  }

  private async once(): Promise<void> {
    const t0 = performance.now();
    const u = await this.picker.next(this.users, true);
    try {
      const config = await this.discovery();
      const t = await fullSignIn(config, this.url, u, true, { picker: this.picker, browser: new Browser([RP.redirectUri], (status) => this.count(status)) });
      this.bucket.signIns++;
      this.bucket.latencies.push(STEPS.reduce((a, s) => a + (t[s] ?? 0), 0));
      this.lastSuccessAt = performance.now();
    } catch (err) {
      const code = socketErrorCode(err);
      if (code === 'ECONNREFUSED') this.bucket.refused++;
      else if (code) { this.bucket.cut++; this.cutTotal++; }
      else this.bucket.failed++;
      if (this.bucket.firstErrors.length < 3) this.bucket.firstErrors.push(`${code ?? ''} ${(err as Error).message}`.trim().slice(0, 160));
      // A failed sign-in is retried by a person after a moment, not in a tight loop.
      await new Promise((r) => setTimeout(r, Math.max(0, 250 - (performance.now() - t0))));
    }
  }

  /** Runs `vus` virtual users until `until` (performance.now() ms). */
  async run(vus: number, until: number): Promise<void> {
    const watcher = this.watchReadiness(until);
    await Promise.all(Array.from({ length: vus }, async () => {
      while (!this.stopping && performance.now() < until) {
        if (this.readiness === 'draining' || this.readiness === 'down') { await new Promise((r) => setTimeout(r, 50)); continue; }
        await this.once();
      }
    }));
    this.stopping = true;
    await watcher;
  }
}
