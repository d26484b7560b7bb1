import { createHmac } from 'node:crypto';
import type { Notification } from '../domain/types.ts';
import { describe as describeNotification } from '../account/notification-text.ts';
import type { Logger } from '../ports/deps.ts';
import type { NotificationSink } from '../ports/notification-sink.ts';

export interface WebhookOptions {
  url: string;
  secret: string;
  /** Forward the one-time sign-in code too (e.g. to e-mail). Off by default: chat rooms are not private. */
  includeCodes: boolean;
  logger: Logger;
  maxAttempts?: number;
  /** Delay before attempt n (1-based) is retried; injectable for tests. */
  backoffMs?: (attempt: number) => number;
  timeoutMs?: number;
}

/** "t=<unix seconds>,v1=<hex HMAC-SHA256 of `${t}.${body}`>", as Stripe-style receivers expect. */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * POSTs each notification as JSON to the company's endpoint, signed, retried with backoff,
 * in the background: a slow or broken receiver never delays or fails a sign-in.
 */
export class WebhookSink implements NotificationSink {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxAttempts: number;
  private readonly backoffMs: (attempt: number) => number;

  constructor(private readonly options: WebhookOptions) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.backoffMs = options.backoffMs ?? ((n) => 1000 * 4 ** (n - 1));
  }

  deliver(notification: Notification): void {
    const job = this.send(notification).finally(() => this.inFlight.delete(job));
    this.inFlight.add(job);
  }

  /** Wait for deliveries under way (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private payload(n: Notification): string {
    const { code: _code, codeExpiresAt: _exp, ...rest } = n.data;
    const data = this.options.includeCodes ? n.data : rest;
    const { title, text } = describeNotification({ ...n, data });
    return JSON.stringify({ id: n.id, userId: n.userId, kind: n.kind, createdAt: n.createdAt.toISOString(), title, text, data });
  }

  private async send(n: Notification): Promise<void> {
    const body = this.payload(n);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      try {
        const res = await fetch(this.options.url, {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            'x-webhook-signature': signWebhook(this.options.secret, body, Math.floor(Date.now() / 1000)),
            'x-webhook-id': n.id,
          },
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
          // A redirect would re-send the signed body (codes too, with includeCodes) to another host.
          redirect: 'error',
        });
        await res.body?.cancel(); // the answer's body is not needed, however large
        if (res.ok) return;
        if (res.status < 500 && res.status !== 429) break; // the receiver refuses it: retrying will not help
      } catch {
        // network error or timeout: retry
      }
      if (attempt < this.maxAttempts) await new Promise((r) => setTimeout(r, this.backoffMs(attempt)));
    }
    this.options.logger.warn({ notificationId: n.id, kind: n.kind }, 'webhook delivery gave up');
  }
}
