import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../src/infra/redis/connection.ts';
import { RedisAttemptLimiter } from '../../src/infra/redis/attempt-limiter.ts';
import { RedisUsedCodeStore } from '../../src/infra/redis/used-code-store.ts';
import { RedisOneTimeCodeStore } from '../../src/infra/redis/one-time-code-store.ts';
import { RedisChallengeStore } from '../../src/infra/redis/challenge-store.ts';
import { createRedisAdapterClass } from '../../src/oidc/redis-adapter.ts';
import { hasRedisBinaries, startCluster, startSentinel, type RedisProcesses } from '../helpers/redis-topology.ts';

const rule = { maxFailures: 3, lockMs: 60_000, maxPerHour: 100 };

/** The same operations every topology must support, including every Lua script and multi-key step. */
function exercise(getRedis: () => Redis) {
  it('limiter: parallel failures stay within the limit, then lock', async () => {
    const limiter = new RedisAttemptLimiter(getRedis(), 'topo:');
    const now = Date.UTC(2026, 5, 1);
    const slots = await Promise.all(Array.from({ length: 20 }, () => limiter.reserve('2fa:u1', rule, now)));
    const granted = slots.filter((s) => s.allowed).length;
    expect(granted).to.equal(3);
    for (let i = 0; i < granted; i++) await limiter.fail('2fa:u1', rule, now);
    expect(await limiter.lockedUntil('2fa:u1', now)).to.equal(now + 60_000);
    await limiter.reset('2fa:u1');
  });
  it('used codes and one-time codes are single use', async () => {
    const used = new RedisUsedCodeStore(getRedis(), 'topo:');
    const step = Math.floor(Date.now() / 30_000);
    const claims = await Promise.all(Array.from({ length: 20 }, () => used.claimStep(`u-${step}`, step, 60)));
    expect(claims.filter(Boolean)).to.have.length(1);
    const codes = new RedisOneTimeCodeStore(getRedis(), 'topo:');
    await codes.put('ncode:x', 'h', 60);
    const consumed = await Promise.all(Array.from({ length: 20 }, () => codes.consume('ncode:x', 'h')));
    expect(consumed.filter(Boolean)).to.have.length(1);
  });
  it('challenges round-trip', async () => {
    const challenges = new RedisChallengeStore(getRedis(), 'topo:');
    await challenges.put({ uid: 'i1', accountId: 'a', proved: { pwd: 1 }, createdAt: 1, expiresAt: 2, ip: '::1', userAgent: 'x' }, 60);
    expect((await challenges.get('i1'))?.accountId).to.equal('a');
  });
  it('provider adapter: records in many slots, session by uid, consume, grant revocation', async () => {
    const Adapter = createRedisAdapterClass(getRedis(), 'topo:oidc:');
    const tokens = new Adapter('AccessToken');
    const ids = Array.from({ length: 12 }, (_, i) => `token-${i}`);
    for (const id of ids) await tokens.upsert(id, { grantId: 'g1', accountId: 'a' }, 60);
    for (const id of ids) expect(await tokens.find(id)).to.deep.include({ grantId: 'g1' });
    await new Adapter('Session').upsert('s1', { uid: 'uid-1', accountId: 'a' }, 60);
    expect(await new Adapter('Session').findByUid('uid-1')).to.deep.include({ accountId: 'a' });
    await tokens.consume(ids[0]!);
    expect((await tokens.find(ids[0]!))?.consumed).to.be.a('number');
    await new Adapter('Grant').upsert('g1', { accountId: 'a', clientId: 'c' }, 60);
    await tokens.revokeByGrantId('g1');
    expect(await new Adapter('Grant').find('g1')).to.equal(undefined);
  });
}

describe('Redis topologies (real servers started for this suite)', function () {
  this.timeout(60_000);

  describe('Redis Cluster (3 masters)', () => {
    let procs: RedisProcesses | null = null;
    let redis: Redis;
    before(async function () {
      if (!hasRedisBinaries()) this.skip();
      procs = await startCluster();
      redis = await connectRedis({ url: 'redis://127.0.0.1', mode: 'cluster', nodes: procs.ports.map((p) => `127.0.0.1:${p}`) });
    });
    after(async () => { redis?.disconnect(); await procs?.stop(); });
    exercise(() => redis);
  });

  describe('Redis Sentinel (master + 1 sentinel)', () => {
    let procs: RedisProcesses | null = null;
    let redis: Redis;
    before(async function () {
      if (!hasRedisBinaries()) this.skip();
      procs = await startSentinel();
      redis = await connectRedis({ url: 'redis://127.0.0.1', mode: 'sentinel', nodes: [`127.0.0.1:${procs.ports[1]}`], sentinelName: 'mymaster' });
    });
    after(async () => { redis?.disconnect(); await procs?.stop(); });
    exercise(() => redis);
  });
});
