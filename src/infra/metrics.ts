import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Metrics, SignInOutcome, SignInStep } from '../ports/metrics.ts';

/** Prometheus metrics, one registry per runtime (several instances may share a test process). */
export class PromMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly signIns = new Counter({ name: 'idp_sign_ins_total', help: 'Sign-in steps by outcome', labelNames: ['outcome'], registers: [this.registry] });
  private readonly steps = new Histogram({
    name: 'idp_sign_in_step_seconds', help: 'Server time per sign-in step', labelNames: ['step'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry],
  });
  private readonly hashing = new Histogram({
    name: 'idp_password_hash_seconds', help: 'argon2id verify time', buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1], registers: [this.registry],
  });
  private readonly storeErrors = new Counter({ name: 'idp_store_errors_total', help: 'Requests a store outage stopped (answered 503), by store (Redis, MongoDB)', labelNames: ['store'], registers: [this.registry] });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  signIn(outcome: SignInOutcome): void { this.signIns.inc({ outcome }); }
  stepDuration(step: SignInStep, seconds: number): void { this.steps.observe({ step }, seconds); }
  passwordHashDuration(seconds: number): void { this.hashing.observe(seconds); }
  storeError(store: string): void { this.storeErrors.inc({ store }); }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
