import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { signWebhook, WebhookSink } from '../../src/infra/webhook.ts';
import type { Notification } from '../../src/domain/types.ts';

interface Received { body: string; signature: string }

async function receiver(statuses: number[]) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push({ body, signature: String(req.headers['x-webhook-signature']) });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, close: () => new Promise((r) => server.close(r)) };
}

const note: Notification = {
  id: 'n1', userId: 'u1', kind: 'password-accepted', readAt: null, createdAt: new Date('2026-06-01T12:00:00Z'),
  data: { at: '2026-06-01T12:00:00Z', ip: '10.0.0.1', userAgent: 'Firefox', code: '12345678', codeExpiresAt: '2026-06-01T12:05:00Z' },
};
const quiet = { info() {}, warn() {}, error() {} };

describe('notification webhook', () => {
  it('posts signed JSON, retries a 500, and never returns a promise to wait on', async () => {
    const hook = await receiver([500, 200]);
    const sink = new WebhookSink({ url: hook.url, secret: 's'.repeat(32), includeCodes: false, logger: quiet, backoffMs: () => 10 });
    expect(sink.deliver(note)).to.equal(undefined); // synchronous: nothing for a sign-in to wait on
    expect(hook.received).to.have.length(0);
    await sink.drain();
    expect(hook.received).to.have.length(2);
    const { body, signature } = hook.received[1]!;
    const t = Number(/t=(\d+)/.exec(signature)![1]);
    expect(signature).to.equal(signWebhook('s'.repeat(32), body, t));
    const json = JSON.parse(body);
    expect(json).to.include({ kind: 'password-accepted', userId: 'u1', title: 'Your password was used to sign in' });
    expect(body).to.not.include('12345678');
    await hook.close();
  });

  it('forwards the sign-in code only when configured', async () => {
    const hook = await receiver([]);
    const sink = new WebhookSink({ url: hook.url, secret: 'x', includeCodes: true, logger: quiet });
    sink.deliver(note);
    await sink.drain();
    expect(JSON.parse(hook.received[0]!.body).data.code).to.equal('12345678');
    await hook.close();
  });

  it('does not follow a redirect: the signed body (and any code) never goes to another address', async () => {
    const elsewhere = await receiver([]);
    const redirecting = http.createServer((_req, res) => { res.writeHead(307, { location: elsewhere.url }); res.end(); });
    await new Promise<void>((r) => redirecting.listen(0, '127.0.0.1', r));
    const warnings: string[] = [];
    const sink = new WebhookSink({
      url: `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/hook`, secret: 'x', includeCodes: true,
      logger: { ...quiet, warn: (_o, m) => warnings.push(String(m)) }, maxAttempts: 2, backoffMs: () => 1,
    });
    sink.deliver(note);
    await sink.drain();
    expect(elsewhere.received).to.have.length(0);
    expect(warnings).to.deep.equal(['webhook delivery gave up']);
    await new Promise((r) => redirecting.close(r));
    await elsewhere.close();
  });

  it('gives up after the last attempt and does not retry a 4xx refusal', async () => {
    const warnings: string[] = [];
    const hook = await receiver([400]);
    const sink = new WebhookSink({ url: hook.url, secret: 'x', includeCodes: false, logger: { ...quiet, warn: (_o, m) => warnings.push(String(m)) }, backoffMs: () => 1 });
    sink.deliver(note);
    await sink.drain();
    expect(hook.received).to.have.length(1);
    expect(warnings).to.deep.equal(['webhook delivery gave up']);
    const down = new WebhookSink({ url: 'http://127.0.0.1:1/none', secret: 'x', includeCodes: false, logger: quiet, maxAttempts: 3, backoffMs: () => 1 });
    down.deliver(note);
    await down.drain();
    await hook.close();
  });
});
