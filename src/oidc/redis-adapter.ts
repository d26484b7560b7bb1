import type { Redis } from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { redisCall } from '../infra/redis/connection.ts';

/**
 * oidc-provider storage adapter on Redis, modelled on node-oidc-provider's example/adapters/redis.js.
 *
 * Every model is stored as a hash `{ payload: <JSON string>, consumed?: <epoch seconds> }` under
 * `<prefix><Model>:<id>`, so `consume` is one atomic HSET (guarded by EXISTS in a script so a
 * consumed-but-expired id never comes back as a key without TTL) and never rewrites the JSON.
 * Indexes: `<prefix>grant:<grantId>` (set of keys of grantable models, TTL = the longest member),
 * `<prefix>userCode:<userCode>` and `<prefix>sessionUid:<uid>` (id of the model, same TTL).
 */

const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'ClientCredentials',
  'Client',
  'InitialAccessToken',
  'RegistrationAccessToken',
  'BackchannelAuthenticationRequest',
]);

/** KEYS[1] grant index; ARGV[1] member key, ARGV[2] expiresIn seconds (0 = none). Extends, never shortens. */
const GRANT_INDEX = `
redis.call('SADD', KEYS[1], ARGV[1])
local expiresIn = tonumber(ARGV[2])
local ttl = redis.call('TTL', KEYS[1])
if expiresIn > 0 and ttl ~= -1 and ttl < expiresIn then
  redis.call('EXPIRE', KEYS[1], expiresIn)
elseif expiresIn > 0 and ttl == -1 and redis.call('SCARD', KEYS[1]) == 1 then
  redis.call('EXPIRE', KEYS[1], expiresIn)
elseif expiresIn == 0 then
  redis.call('PERSIST', KEYS[1])
end
return 1
`;

/** KEYS[1] model key; ARGV[1] epoch seconds. */
const CONSUME = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'consumed', ARGV[1])
  return 1
end
return 0
`;

export function createRedisAdapterClass(redis: Redis, prefix: string): new (name: string) => Adapter {
  const grantKeyFor = (grantId: string): string => `${prefix}grant:${grantId}`;
  const userCodeKeyFor = (userCode: string): string => `${prefix}userCode:${userCode}`;
  const uidKeyFor = (uid: string): string => `${prefix}sessionUid:${uid}`;

  async function exec(multi: ReturnType<Redis['multi']>): Promise<void> {
    const results = await multi.exec();
    if (results === null) throw new Error('Redis transaction aborted');
    for (const [err] of results) if (err) throw err;
  }

  return class RedisAdapter implements Adapter {
    constructor(private readonly name: string) {}

    private key(id: string): string {
      return `${prefix}${this.name}:${id}`;
    }

    /**
     * Indexes are written first, then the record in one transaction on its own key. Every
     * transaction touches one key only, so this also works on Redis Cluster; a failure between
     * the two leaves at most an index entry pointing at nothing, never a token revocation misses.
     */
    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const key = this.key(id);
      const ttl = expiresIn !== undefined && expiresIn > 0 ? Math.ceil(expiresIn) : 0;
      const setIndex = (k: string) => (ttl ? redis.set(k, id, 'EX', ttl) : redis.set(k, id));
      await redisCall(async () => {
        const indexes: Array<Promise<unknown>> = [];
        if (GRANTABLE.has(this.name) && typeof payload.grantId === 'string') {
          indexes.push(redis.eval(GRANT_INDEX, 1, grantKeyFor(payload.grantId), key, String(ttl)));
        }
        if (typeof payload.userCode === 'string') indexes.push(setIndex(userCodeKeyFor(payload.userCode)));
        if (this.name === 'Session' && typeof payload.uid === 'string') indexes.push(setIndex(uidKeyFor(payload.uid)));
        await Promise.all(indexes);
        const multi = redis.multi();
        multi.del(key);
        multi.hset(key, 'payload', JSON.stringify(payload));
        if (ttl) multi.expire(key, ttl);
        await exec(multi);
      });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const [raw, consumed] = await redisCall(() => redis.hmget(this.key(id), 'payload', 'consumed'));
      if (raw === null || raw === undefined) return undefined;
      const payload = JSON.parse(raw) as AdapterPayload;
      if (consumed !== null && consumed !== undefined) payload.consumed = Number(consumed);
      return payload;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = await redisCall(() => redis.get(uidKeyFor(uid)));
      return id === null ? undefined : this.find(id);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const id = await redisCall(() => redis.get(userCodeKeyFor(userCode)));
      return id === null ? undefined : this.find(id);
    }

    async consume(id: string): Promise<void> {
      const now = Math.floor(Date.now() / 1000);
      await redisCall(() => redis.eval(CONSUME, 1, this.key(id), String(now)));
    }

    async destroy(id: string): Promise<void> {
      await redisCall(() => redis.del(this.key(id)));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      const grantKey = grantKeyFor(grantId);
      await redisCall(async () => {
        // Remove exactly the members revoked (an emptied set disappears by itself) rather than
        // the whole index: a token issued while this runs stays indexed, and the next pass revokes it.
        for (let pass = 0; pass < 3; pass++) {
          const keys = await redis.smembers(grantKey);
          if (keys.length === 0) return;
          // One DEL per key: the tokens of a grant may live in different Cluster slots.
          await Promise.all(keys.map((k) => redis.del(k)));
          await redis.srem(grantKey, ...keys);
        }
      });
    }
  };
}
