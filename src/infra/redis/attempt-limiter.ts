import type { Redis } from 'ioredis';
import { BUSY_RETRY_MS, type AttemptLimiter, type AttemptSlot, type LimiterRule } from '../../ports/attempt-limiter.ts';
import { redisCall } from './connection.ts';

const HOUR_MS = 3_600_000;
/** A reservation that is never reported (crash between reserve and fail) is forgotten after this. */
export const IN_FLIGHT_TTL_MS = 60_000;

/*
 * Keys of one limiter key share the hash tag {key}, so they live in one Cluster slot:
 *   KEYS[1] state hash: failures, lock (epoch ms), seq (member counter for the hourly set)
 *   KEYS[2] in-flight reservation counter
 *   KEYS[3] hourly sorted set of failure timestamps (score = ms)
 * Time always comes from ARGV (the caller's clock), never from Redis TIME.
 */

const COMMON = `
local function num(v) if v then return tonumber(v) end return 0 end
local function fmt(v) return string.format('%d', v) end
`;

/** ARGV: now, maxFailures, lockMs, maxPerHour, inFlightTtlMs. Returns {1, attempt} or {0, lockedUntil}. */
const RESERVE = `${COMMON}
local now = tonumber(ARGV[1])
local maxFailures = tonumber(ARGV[2])
local lockMs = tonumber(ARGV[3])
local maxPerHour = tonumber(ARGV[4])
local lock = num(redis.call('HGET', KEYS[1], 'lock'))
if lock > now then
  return {0, lock}
end
local failures = num(redis.call('HGET', KEYS[1], 'failures'))
local inflight = num(redis.call('GET', KEYS[2]))
if failures + inflight >= maxFailures then
  -- Only attempts still in flight fill the budget: they may yet succeed, so ask to retry shortly.
  return {0, now + ${BUSY_RETRY_MS}}
end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', fmt(now - ${HOUR_MS}))
local hourly = redis.call('ZCARD', KEYS[3])
if hourly + inflight >= maxPerHour then
  local oldest = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
  local untilMs = now + ${HOUR_MS}
  if oldest[2] then untilMs = tonumber(oldest[2]) + ${HOUR_MS} end
  return {0, untilMs}
end
inflight = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return {1, failures + inflight}
`;

/** ARGV: now, maxFailures, lockMs, maxPerHour. Returns lockedUntil or -1. */
const FAIL = `${COMMON}
local now = tonumber(ARGV[1])
local maxFailures = tonumber(ARGV[2])
local lockMs = tonumber(ARGV[3])
local maxPerHour = tonumber(ARGV[4])
if num(redis.call('GET', KEYS[2])) > 0 then
  redis.call('DECR', KEYS[2])
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('ZADD', KEYS[3], fmt(now), fmt(now) .. ':' .. seq)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', fmt(now - ${HOUR_MS}))
redis.call('PEXPIRE', KEYS[3], ${HOUR_MS})
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local lock = -1
if failures >= maxFailures then
  lock = now + lockMs
end
if redis.call('ZCARD', KEYS[3]) >= maxPerHour then
  local oldest = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
  local capUntil = tonumber(oldest[2]) + ${HOUR_MS}
  if capUntil > lock then lock = capUntil end
end
if lock > now then
  redis.call('HSET', KEYS[1], 'lock', fmt(lock), 'failures', '0')
end
local ttl = lockMs
if ttl < ${HOUR_MS} then ttl = ${HOUR_MS} end
redis.call('PEXPIRE', KEYS[1], fmt(ttl + 60000))
return lock
`;

const SUCCEED = `${COMMON}
if num(redis.call('GET', KEYS[2])) > 0 then
  redis.call('DECR', KEYS[2])
end
redis.call('HDEL', KEYS[1], 'failures')
return 1
`;

export class RedisAttemptLimiter implements AttemptLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private keys(key: string): [string, string, string] {
    const base = `${this.prefix}limiter:{${key}}`;
    return [`${base}:state`, `${base}:inflight`, `${base}:hourly`];
  }

  async reserve(key: string, rule: LimiterRule, nowMs: number): Promise<AttemptSlot> {
    const res = (await redisCall(() =>
      this.redis.eval(
        RESERVE,
        3,
        ...this.keys(key),
        String(Math.floor(nowMs)),
        String(rule.maxFailures),
        String(rule.lockMs),
        String(rule.maxPerHour),
        String(IN_FLIGHT_TTL_MS),
      ),
    )) as [number, number];
    return res[0] === 1 ? { allowed: true, attempt: Number(res[1]) } : { allowed: false, lockedUntil: Number(res[1]) };
  }

  async fail(key: string, rule: LimiterRule, nowMs: number): Promise<{ lockedUntil: number | null }> {
    const res = await redisCall(() =>
      this.redis.eval(
        FAIL,
        3,
        ...this.keys(key),
        String(Math.floor(nowMs)),
        String(rule.maxFailures),
        String(rule.lockMs),
        String(rule.maxPerHour),
      ),
    );
    const lock = Number(res);
    return { lockedUntil: lock > nowMs ? lock : null };
  }

  async succeed(key: string): Promise<void> {
    await redisCall(() => this.redis.eval(SUCCEED, 3, ...this.keys(key)));
  }

  async lockedUntil(key: string, nowMs: number): Promise<number | null> {
    const [state] = this.keys(key);
    const raw = await redisCall(() => this.redis.hget(state, 'lock'));
    if (raw === null) return null;
    const lock = Number(raw);
    return lock > nowMs ? lock : null;
  }

  async reset(key: string): Promise<void> {
    await redisCall(() => this.redis.del(...this.keys(key)));
  }
}
