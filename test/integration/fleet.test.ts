import { expect } from 'chai';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { startLoadBalancer, type LoadBalancer } from '../helpers/load-balancer.ts';
import { interactionUrl, redeem, startSignIn, submitPassword } from '../helpers/flow.ts';
import { codeAt, createUser } from '../helpers/users.ts';

describe('a fleet: three instances behind a round-robin load balancer, sharing Redis', () => {
  let lb: LoadBalancer;
  const fleet: TestInstance[] = [];

  before(async () => {
    lb = await startLoadBalancer();
    const first = await startInstance({ overrides: { issuer: lb.url } });
    fleet.push(first);
    for (let i = 0; i < 2; i++) fleet.push(await startInstance({ shareWith: first, overrides: { issuer: lb.url } }));
    lb.setBackends(fleet.map((i) => i.config.port));
  });
  after(async () => { await lb.close(); for (const i of fleet) await i.close(); });

  it('completes password + TOTP sign-ins with every request landing on the next instance', async () => {
    const idp = fleet[0]!;
    for (let round = 0; round < 6; round++) {
      const u = await createUser(idp.deps, { enrolled: true });
      const s = await startSignIn(idp);
      const codePage = await submitPassword(idp, s, u.login, u.password);
      expect(codePage.url).to.match(/\/two-factor$/);
      const done = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: codeAt(u.secret!, idp.clock.now().getTime()) });
      const tokens = await redeem(s, done);
      expect(tokens.claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
    }
    for (const instance of fleet) expect(lb.served.get(instance.config.port) ?? 0).to.be.above(10);
  });

  it('a used code stays used on the whole fleet', async () => {
    const idp = fleet[0]!;
    const u = await createUser(idp.deps, { enrolled: true });
    const code = codeAt(u.secret!, idp.clock.now().getTime());
    const outcomes = [];
    for (let i = 0; i < 3; i++) {
      const s = await startSignIn(idp);
      await submitPassword(idp, s, u.login, u.password);
      outcomes.push(await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code }));
    }
    expect(outcomes.filter((p) => p.stoppedAt).length).to.equal(1);
  });

  it('readiness: every instance is ready; a draining one says so while the others stay ready', async () => {
    for (const i of fleet) expect((await fetch(`http://127.0.0.1:${i.config.port}/readyz`)).status).to.equal(200);
    fleet[2]!.readiness.drain();
    const draining = await fetch(`http://127.0.0.1:${fleet[2]!.config.port}/readyz`);
    expect(draining.status).to.equal(503);
    expect(await draining.json()).to.deep.include({ status: 'draining' });
    expect((await fetch(`http://127.0.0.1:${fleet[0]!.config.port}/readyz`)).status).to.equal(200);
    expect((await fetch(`http://127.0.0.1:${fleet[2]!.config.port}/healthz`)).status).to.equal(200);
  });

  it('metrics: counts sign-ins by outcome, only with the token', async () => {
    expect((await fetch(`http://127.0.0.1:${fleet[0]!.config.port}/metrics`)).status).to.equal(401);
    // Round robin decides which instances checked passwords: each counts its own.
    const texts = await Promise.all(fleet.map(async (i) => {
      const res = await fetch(`http://127.0.0.1:${i.config.port}/metrics`, { headers: { authorization: 'Bearer test-metrics-token' } });
      expect(res.status).to.equal(200);
      return res.text();
    }));
    const counted = texts.filter((t) => /idp_sign_ins_total\{outcome="password_ok"\} \d+/.test(t));
    expect(counted.length).to.be.above(0);
    expect(counted[0]).to.include('idp_sign_in_step_seconds_bucket');
    expect(counted[0]).to.include('idp_password_hash_seconds_count');
  });
});

describe('client IP behind a proxy', () => {
  async function ipSeen(trustProxy: boolean): Promise<unknown> {
    const idp = await startInstance({ overrides: { proxy: trustProxy } });
    try {
      const u = await createUser(idp.deps);
      const s = await startSignIn(idp);
      await s.browser.request(interactionUrl(idp, s.page, 'login'), {
        form: { login: u.login, password: u.password }, headers: { 'x-forwarded-for': '203.0.113.7' },
      });
      const [note] = await idp.deps.notifications.list(u.user.id, 1);
      return note?.data.ip;
    } finally {
      await idp.close();
    }
  }
  it('uses X-Forwarded-For only when the proxy is trusted', async () => {
    expect(await ipSeen(true)).to.equal('203.0.113.7');
    expect(await ipSeen(false)).to.not.equal('203.0.113.7');
  });
});
