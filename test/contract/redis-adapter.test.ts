import { expect } from 'chai';
import type { Redis } from 'ioredis';
import type { Adapter } from 'oidc-provider';
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

  it('sets the TTL from expiresIn on the key and its indexes', async () => {
    const a = new AdapterClass('DeviceCode');
    await a.upsert('dc-ttl', { jti: 'dc-ttl', grantId: 'g-ttl', userCode: 'UC-TTL' }, 1);
    expect(await redis.ttl(`${prefix}DeviceCode:dc-ttl`)).to.equal(1);
    expect(await redis.ttl(`${prefix}userCode:UC-TTL`)).to.equal(1);
    expect(await redis.ttl(`${prefix}grant:g-ttl`)).to.equal(1);
  });

  it('extends but never shortens the grant index TTL', async () => {
    const at = new AdapterClass('AccessToken');
    const rt = new AdapterClass('RefreshToken');
    await at.upsert('at-g', { jti: 'at-g', grantId: 'g-ext' }, 100);
    await rt.upsert('rt-g', { jti: 'rt-g', grantId: 'g-ext' }, 1000);
    expect(await redis.ttl(`${prefix}grant:g-ext`)).to.be.within(998, 1000);
    await at.upsert('at-g2', { jti: 'at-g2', grantId: 'g-ext' }, 50);
    expect(await redis.ttl(`${prefix}grant:g-ext`)).to.be.within(998, 1000);
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

  it('revokeByGrantId removes every token of the grant and nothing else', async () => {
    const at = new AdapterClass('AccessToken');
    const rt = new AdapterClass('RefreshToken');
    const code = new AdapterClass('AuthorizationCode');
    await at.upsert('rv-at', { jti: 'rv-at', grantId: 'g-revoke' }, 60);
    await rt.upsert('rv-rt', { jti: 'rv-rt', grantId: 'g-revoke' }, 600);
    await code.upsert('rv-code', { jti: 'rv-code', grantId: 'g-revoke' }, 60);
    await at.upsert('other-at', { jti: 'other-at', grantId: 'g-other' }, 60);

    await at.revokeByGrantId('g-revoke');

    expect(await at.find('rv-at')).to.equal(undefined);
    expect(await rt.find('rv-rt')).to.equal(undefined);
    expect(await code.find('rv-code')).to.equal(undefined);
    expect(await redis.exists(`${prefix}grant:g-revoke`)).to.equal(0);
    expect((await at.find('other-at'))?.jti).to.equal('other-at');
  });

  it('revokeByGrantId also revokes a token the grant gets while the revocation runs', async () => {
    // A client whose first DEL lets a new token of the grant land in between (the race).
    let raced = false;
    const racing = new Proxy(redis, {
      get(target, prop, receiver) {
        if (prop === 'del') {
          return async (...keys: string[]) => {
            if (!raced) {
              raced = true;
              await new AdapterClass('AccessToken').upsert('late-at', { jti: 'late-at', grantId: 'g-race' }, 60);
            }
            return target.del(...keys);
          };
        }
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const at = new AdapterClass('AccessToken');
    await at.upsert('early-at', { jti: 'early-at', grantId: 'g-race' }, 60);
    await new (createRedisAdapterClass(racing, prefix))('AccessToken').revokeByGrantId('g-race');
    expect(raced).to.equal(true);
    expect(await at.find('early-at')).to.equal(undefined);
    expect(await at.find('late-at')).to.equal(undefined);
    expect(await redis.exists(`${prefix}grant:g-race`)).to.equal(0);
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
