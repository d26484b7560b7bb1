import type { Redis } from 'ioredis';
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import { redisCall } from '../infra/redis/connection.ts';
import { defineScripts } from '../infra/redis/scripts.ts';
import { deferWrite } from '../infra/deferred-writes.ts';

/**
 * oidc-provider storage adapter on Redis, modelled on node-oidc-provider's example/adapters/redis.js
 * and cut to the commands a sign-in needs (issue 15: Redis is the one piece a fleet shares).
 *
 * Every model is one string key `<prefix><Model>:<id>` holding its JSON, written with one
 * `SET … EX` and read with one `GET`. `consume` appends `"consumed":<epoch seconds>` to the JSON
 * in a script (one key, so it works on Redis Cluster) that never creates a key that expired, and
 * tells a second consumer it came too late (a parallel replay). Upserts and destroys are awaited
 * with the request's other deferred writes, just before its response (infra/deferred-writes.ts);
 * a consume is awaited at once, since its answer decides the exchange.
 * Indexes: `<prefix>sessionUid:<uid>` and `<prefix>userCode:<userCode>` (id of the model, same TTL).
 *
 * No grant index is written. oidc-provider checks a token's Grant on every use (code and refresh
 * token exchanges, userinfo, introspection: `grant not found`), so revoking a grant is destroying
 * its Grant: every token of it stops working at once, in every instance, and expires by its TTL.
 *
 * Records written by earlier versions (a hash `{ payload, consumed }`, a set `grant:<grantId>` of
 * its tokens) are still read, consumed and revoked, so an upgrade keeps sessions and tokens.
 */

/**
 * Marks a record consumed. Returns 1 when this call consumed it, 0 when there is no record, and the
 * record's grantId (or '') when it was consumed already: two exchanges of one code can both pass
 * oidc-provider's own check (it reads the record, then consumes it), and only this answer tells
 * the second one it is a replay.
 */
const CONSUME = `
local v = redis.pcall('GET', KEYS[1])
if type(v) == 'table' and v.err then
  if redis.call('HEXISTS', KEYS[1], 'consumed') == 1 then
    local legacy = cjson.decode(redis.call('HGET', KEYS[1], 'payload') or '{}')
    return tostring(legacy.grantId or '')
  end
  redis.call('HSET', KEYS[1], 'consumed', ARGV[1])
  return 1
end
if not v then return 0 end
local payload = cjson.decode(v)
if payload.consumed ~= nil then return tostring(payload.grantId or '') end
local sep = ','
if string.len(v) <= 2 then sep = '' end
redis.call('SET', KEYS[1], string.sub(v, 1, -2) .. sep .. '"consumed":' .. ARGV[1] .. '}', 'KEEPTTL')
return 1
`;

/** What oidc-provider calls each single-use model in its "already consumed" errors. */
const LABELS: Record<string, string> = { AuthorizationCode: 'authorization code', RefreshToken: 'refresh token', DeviceCode: 'device code' };

type AdapterRedis = Redis & { oidcConsume(key: string, now: string): Promise<number | string> };

function isWrongType(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('WRONGTYPE');
}

export function createRedisAdapterClass(redis: Redis, prefix: string): new (name: string) => Adapter {
  const r = defineScripts(redis, { oidcConsume: { keys: 1, lua: CONSUME } }) as AdapterRedis;
  const legacyGrantKeyFor = (grantId: string): string => `${prefix}grant:${grantId}`;
  const userCodeKeyFor = (userCode: string): string => `${prefix}userCode:${userCode}`;
  const uidKeyFor = (uid: string): string => `${prefix}sessionUid:${uid}`;
  const modelKeyFor = (model: string, id: string): string => `${prefix}${model}:${id}`;

  /** A record of an earlier version: a hash with the JSON in `payload`. */
  async function findLegacy(key: string): Promise<AdapterPayload | undefined> {
    const [raw, consumed] = await r.hmget(key, 'payload', 'consumed');
    if (raw === null || raw === undefined) return undefined;
    const payload = JSON.parse(raw) as AdapterPayload;
    if (consumed !== null && consumed !== undefined) payload.consumed = Number(consumed);
    return payload;
  }

  return class RedisAdapter implements Adapter {
    constructor(private readonly name: string) {}

    private key(id: string): string {
      return modelKeyFor(this.name, id);
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const ttl = expiresIn !== undefined && expiresIn > 0 ? Math.ceil(expiresIn) : 0;
      const set = (k: string, v: string) => (ttl ? r.set(k, v, 'EX', ttl) : r.set(k, v));
      // Deferred to the request's end (http/deferred-writes.ts), sent together (auto-pipelining).
      // An index written without its record points at nothing (find gives undefined), which is
      // what a missing record means anyway.
      await deferWrite(redisCall(async () => {
        const writes: Array<Promise<unknown>> = [set(this.key(id), JSON.stringify(payload))];
        if (typeof payload.userCode === 'string') writes.push(set(userCodeKeyFor(payload.userCode), id));
        if (this.name === 'Session' && typeof payload.uid === 'string') writes.push(set(uidKeyFor(payload.uid), id));
        await Promise.all(writes);
      }));
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const key = this.key(id);
      return redisCall(async () => {
        let raw: string | null;
        try {
          raw = await r.get(key);
        } catch (err) {
          if (isWrongType(err)) return findLegacy(key);
          throw err;
        }
        return raw === null ? undefined : (JSON.parse(raw) as AdapterPayload);
      });
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = await redisCall(() => r.get(uidKeyFor(uid)));
      return id === null ? undefined : this.find(id);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const id = await redisCall(() => r.get(userCodeKeyFor(userCode)));
      return id === null ? undefined : this.find(id);
    }

    /**
     * Awaited, not deferred: the answer decides the exchange. A record consumed already is a replay
     * that raced the first exchange: its grant is revoked (every token of it stops working, as
     * oidc-provider does for a replay it sees itself) and the exchange is refused.
     */
    async consume(id: string): Promise<void> {
      const now = Math.floor(Date.now() / 1000);
      const answer = await redisCall(() => r.oidcConsume(this.key(id), String(now)));
      if (typeof answer !== 'string') return;
      if (answer) await this.revokeByGrantId(answer);
      throw new errors.InvalidGrant(`${LABELS[this.name] ?? 'grant'} already consumed`);
    }

    async destroy(id: string): Promise<void> {
      await deferWrite(redisCall(() => r.del(this.key(id))));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await redisCall(async () => {
        await r.del(modelKeyFor('Grant', grantId));
        // Tokens an earlier version indexed: remove them too (an emptied set disappears by itself).
        const legacy = legacyGrantKeyFor(grantId);
        const keys = await r.smembers(legacy);
        if (keys.length === 0) return;
        // One DEL per key: the tokens of a grant may live in different Cluster slots.
        await Promise.all(keys.map((k) => r.del(k)));
        await r.srem(legacy, ...keys);
      });
    }
  };
}
