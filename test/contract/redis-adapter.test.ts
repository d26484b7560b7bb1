import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { errors, type Adapter } from 'oidc-provider';
import { createRedisAdapterClass } from '../../src/oidc/redis-adapter.ts';
import { StoreUnavailableError } from '../../src/domain/errors.ts';
import { connectRedis, uniquePrefix } from '../helpers/redis.ts';
import { deleteByPrefix } from './implementations.ts';

describe('Redis oidc-provider adapter', () => {
  let redis: Redis;
  let prefix: string;
  let AdapterClass: new (name: string) => Adapter;

  before(async () => {
    redis = connectRedis();
    await redis.ping();
    prefix = uniquePrefix('oidc-adapter');
    AdapterClass = createRedisAdapterClass(redis, prefix);
  });

  after(async () => {
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });

  it('upserts and finds a payload; unknown ids give undefined', async () => {
    const a = new AdapterClass('AccessToken');
    const payload = { jti: 'at-1', accountId: 'acc', grantId: 'g-find', scope: 'openid', amr: [] as string[] };
    await a.upsert('at-1', payload, 60);
    expect(await a.find('at-1')).to.deep.equal(payload);
    expect(await a.find('missing')).to.equal(undefined);
  });

  it('keeps models apart', async () => {
    await new AdapterClass('AccessToken').upsert('same-id', { jti: 'same-id', kind: 'AccessToken' } as never, 60);
    expect(await new AdapterClass('RefreshToken').find('same-id')).to.equal(undefined);
  });

  it('upsert replaces the previous payload', async () => {
    const a = new AdapterClass('Session');
    await a.upsert('s-1', { jti: 's-1', uid: 'uid-1', accountId: 'x' }, 60);
    await a.upsert('s-1', { jti: 's-1', uid: 'uid-1', accountId: 'y' }, 60);
    expect((await a.find('s-1'))?.accountId).to.equal('y');
  });

  it('sets the TTL from expiresIn on the key and its index, and writes no grant index', async () => {
    const a = new AdapterClass('DeviceCode');
    await a.upsert('dc-ttl', { jti: 'dc-ttl', grantId: 'g-ttl', userCode: 'UC-TTL' }, 1);
    expect(await redis.ttl(`${prefix}DeviceCode:dc-ttl`)).to.equal(1);
    expect(await redis.ttl(`${prefix}userCode:UC-TTL`)).to.equal(1);
    expect(await redis.exists(`${prefix}grant:g-ttl`)).to.equal(0);
  });

  it('one upsert is one command per key written: SET with its TTL', async () => {
    const a = new AdapterClass('AccessToken');
    await a.upsert('at-str', { jti: 'at-str', grantId: 'g-str' }, 100);
    expect(await redis.type(`${prefix}AccessToken:at-str`)).to.equal('string');
    expect(await redis.ttl(`${prefix}AccessToken:at-str`)).to.be.within(99, 100);
  });

  it('keeps a key without expiresIn forever', async () => {
    const c = new AdapterClass('Client');
    await c.upsert('client-1', { client_id: 'client-1' });
    expect(await redis.ttl(`${prefix}Client:client-1`)).to.equal(-1);
    expect(await c.find('client-1')).to.deep.equal({ client_id: 'client-1' });
  });

  it('consume marks the payload consumed with epoch seconds and keeps the TTL', async () => {
    const a = new AdapterClass('AuthorizationCode');
    await a.upsert('code-1', { jti: 'code-1', grantId: 'g-c' }, 600);
    expect((await a.find('code-1'))?.consumed).to.equal(undefined);
    const before = Math.floor(Date.now() / 1000);
    await a.consume('code-1');
    const found = await a.find('code-1');
    expect(found?.consumed).to.be.a('number').within(before, before + 2);
    expect(found?.jti).to.equal('code-1');
    expect(await redis.ttl(`${prefix}AuthorizationCode:code-1`)).to.be.within(598, 600);
  });

  it('a second consume is a replay that raced the first: refused with invalid_grant, and the grant is revoked', async () => {
    const grants = new AdapterClass('Grant');
    await grants.upsert('g-raced', { jti: 'g-raced', accountId: 'acc', clientId: 'c' }, 600);
    const code = new AdapterClass('AuthorizationCode');
    // A nested "consumed" (a claims request can carry any key) is not the record's own mark.
    await code.upsert('code-raced', { jti: 'code-raced', grantId: 'g-raced', claims: { id_token: { consumed: null } } } as never, 600);
    const answers = await Promise.allSettled([code.consume('code-raced'), code.consume('code-raced'), code.consume('code-raced')]);
    expect(answers.filter((a) => a.status === 'fulfilled')).to.have.length(1);
    for (const a of answers.filter((x): x is PromiseRejectedResult => x.status === 'rejected')) {
      expect(a.reason).to.be.instanceOf(errors.InvalidGrant);
      expect((a.reason as Error).message).to.equal('invalid_grant');
      expect((a.reason as { error_detail?: string }).error_detail).to.equal('authorization code already consumed');
    }
    expect(await grants.find('g-raced')).to.equal(undefined);
  });

  it('a consumed record of the earlier version (a hash) is a replay too', async () => {
    const key = `${prefix}RefreshToken:legacy-consumed`;
    await redis.hset(key, 'payload', JSON.stringify({ jti: 'legacy-consumed', grantId: 'g-legacy-consumed' }), 'consumed', '1700000000');
    await new AdapterClass('Grant').upsert('g-legacy-consumed', { jti: 'g-legacy-consumed' }, 600);
    const err = await new AdapterClass('RefreshToken').consume('legacy-consumed').then(() => null, (e: unknown) => e);
    expect((err as { error_detail?: string })?.error_detail).to.equal('refresh token already consumed');
    expect(await new AdapterClass('Grant').find('g-legacy-consumed')).to.equal(undefined);
  });

  it('consume of an unknown id does not create a key', async () => {
    const a = new AdapterClass('AuthorizationCode');
    await a.consume('ghost');
    expect(await redis.exists(`${prefix}AuthorizationCode:ghost`)).to.equal(0);
    expect(await a.find('ghost')).to.equal(undefined);
  });

  it('destroy removes the payload', async () => {
    const a = new AdapterClass('Interaction');
    await a.upsert('i-1', { jti: 'i-1' }, 60);
    await a.destroy('i-1');
    expect(await a.find('i-1')).to.equal(undefined);
  });

  it('findByUid finds a Session by its uid', async () => {
    const a = new AdapterClass('Session');
    await a.upsert('sess-1', { jti: 'sess-1', uid: 'session-uid-1', accountId: 'acc' }, 60);
    expect((await a.findByUid('session-uid-1'))?.jti).to.equal('sess-1');
    expect(await a.findByUid('unknown-uid')).to.equal(undefined);
    expect(await redis.ttl(`${prefix}sessionUid:session-uid-1`)).to.be.within(58, 60);
  });

  it('findByUserCode finds a DeviceCode by its user code', async () => {
    const a = new AdapterClass('DeviceCode');
    await a.upsert('dc-1', { jti: 'dc-1', userCode: 'ABCD-EFGH', grantId: 'g-dc' }, 60);
    expect((await a.findByUserCode('ABCD-EFGH'))?.jti).to.equal('dc-1');
    expect(await a.findByUserCode('ZZZZ-ZZZZ')).to.equal(undefined);
  });

  it('revokeByGrantId destroys the grant, which oidc-provider checks on every use of its tokens, and no other', async () => {
    const grants = new AdapterClass('Grant');
    await grants.upsert('g-revoke', { jti: 'g-revoke', accountId: 'acc', clientId: 'c' }, 600);
    await grants.upsert('g-other', { jti: 'g-other', accountId: 'acc', clientId: 'c' }, 600);
    await new AdapterClass('AccessToken').revokeByGrantId('g-revoke');
    expect(await grants.find('g-revoke')).to.equal(undefined);
    expect((await grants.find('g-other'))?.jti).to.equal('g-other');
  });

  it('reads, consumes and revokes what the earlier version wrote (hash records, grant index sets)', async () => {
    const key = `${prefix}AuthorizationCode:legacy-code`;
    await redis.hset(key, 'payload', JSON.stringify({ jti: 'legacy-code', grantId: 'g-legacy' }));
    await redis.expire(key, 600);
    await redis.sadd(`${prefix}grant:g-legacy`, key);
    const code = new AdapterClass('AuthorizationCode');
    expect(await code.find('legacy-code')).to.deep.equal({ jti: 'legacy-code', grantId: 'g-legacy' });
    await code.consume('legacy-code');
    expect((await code.find('legacy-code'))?.consumed).to.be.a('number');
    await code.revokeByGrantId('g-legacy');
    expect(await code.find('legacy-code')).to.equal(undefined);
    expect(await redis.exists(`${prefix}grant:g-legacy`)).to.equal(0);
  });

  it('an upsert replaces a record of the earlier version', async () => {
    const key = `${prefix}Session:legacy-s`;
    await redis.hset(key, 'payload', JSON.stringify({ jti: 'legacy-s', accountId: 'old' }));
    const a = new AdapterClass('Session');
    await a.upsert('legacy-s', { jti: 'legacy-s', accountId: 'new' }, 60);
    expect((await a.find('legacy-s'))?.accountId).to.equal('new');
  });

  it('wraps Redis failures in StoreUnavailableError', async () => {
    const broken = connectRedis();
    await broken.ping();
    broken.disconnect();
    const Broken = createRedisAdapterClass(broken, prefix);
    let caught: unknown;
    try {
      await new Broken('AccessToken').find('x');
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(StoreUnavailableError);
  });
});
