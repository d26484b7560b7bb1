import { expect } from 'chai';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { createUser } from '../helpers/users.ts';
import { accountSignIn, accountSignOut } from '../helpers/account.ts';
import type { Browser } from '../helpers/browser.ts';

const cookieHeader = (browser: Browser) => [...browser.cookies()].map(([k, v]) => `${k}=${v}`).join('; ');

/** Open the unread-count event stream; resolves once the headers are in. */
async function openStream(idp: TestInstance, browser: Browser) {
  const controller = new AbortController();
  const res = await fetch(`${idp.url}/account/notifications/stream`, { headers: { cookie: cookieHeader(browser) }, signal: controller.signal });
  return { res, abort: () => controller.abort() };
}

async function readUntilEnd(res: Response): Promise<string> {
  const reader = res.body!.getReader();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += Buffer.from(value).toString('utf8');
  }
}

describe('integration: the notifications event stream', function () {
  this.timeout(30_000);
  let idp: TestInstance;
  before(async () => { idp = await startInstance(); });
  after(async () => { await idp.close(); });

  it('a stream ends once its session signs out (checked at the next poll, within 5 s)', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const { browser, page } = await accountSignIn(idp, u);
    const stream = await openStream(idp, browser);
    expect(stream.res.status).to.equal(200);
    const ended = readUntilEnd(stream.res);
    await accountSignOut(idp, browser, page);
    const body = await ended; // would hang (and the test time out) if the stream outlived the sign-out
    expect(body).to.match(/^event: unread\ndata: \d+\n\n/);
  });

  it('pushes the unread count; at most 5 streams per user; all end when the server drains, new ones get 503', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const { browser } = await accountSignIn(idp, u);
    const streams = [];
    for (let i = 0; i < 5; i++) {
      const s = await openStream(idp, browser);
      expect(s.res.status).to.equal(200);
      expect(s.res.headers.get('content-type')).to.match(/^text\/event-stream/);
      streams.push(s);
    }
    const sixth = await openStream(idp, browser);
    expect(sixth.res.status).to.equal(429);
    await sixth.res.text();

    // One closed by the client frees a place.
    streams.shift()!.abort();
    await new Promise((r) => setTimeout(r, 100));
    const again = await openStream(idp, browser);
    expect(again.res.status).to.equal(200);
    streams.push(again);

    const ended = streams.map((s) => readUntilEnd(s.res));
    idp.readiness.drain();
    const bodies = await Promise.all(ended); // would hang (and the test time out) if draining left them open
    for (const body of bodies) expect(body).to.match(/^event: unread\ndata: \d+\n\n/);
    const late = await openStream(idp, browser);
    expect(late.res.status).to.equal(503);
    await late.res.text();
  });

});
