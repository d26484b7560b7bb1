import type { Redis } from 'ioredis';
import { BUSY_RETRY_MS, type AttemptLimiter, type AttemptSlot, type LimiterRule } from '../../ports/attempt-limiter.ts';
import { redisCall } from './connection.ts';
import { defineScripts } from './scripts.ts';

const HOUR_MS = 3_600_000;
/** A reservation that is never reported (crash between reserve and fail) is forgotten after this. */
export const IN_FLIGHT_TTL_MS = 60_000;
/** Kept this much longer than the state needs (caller clocks of instances may differ a little). */
const MARGIN_MS = 60_000;

/*
 * Keys of one limiter key share the hash tag {key}, so they live in one Cluster slot:
 *   KEYS[1] state, one string "failures lock inFlight inFlightUntil lastFailure seq" (ms times)
 *   KEYS[2] hourly sorted set of failure timestamps (score = ms), touched only after a failure
 * One GET and one SET per call on the common path (no failure within the hour): a sign-in's
 * reserve and succeed are 3 commands each, EVALSHA included. Time always comes from ARGV (the
 * caller's clock), never from Redis TIME; in-flight reservations expire on that clock too.
 * A state written by an earlier version (a hash) is read once and replaced.
 */
const COMMON = `
local HOUR = ${HOUR_MS}
local function fmt(v) return string.format('%d', v) end
local function load(key)
  local raw = redis.pcall('GET', key)
  if type(raw) == 'table' and raw.err then
    local old = redis.call('HMGET', key, 'failures', 'lock')
    redis.call('DEL', key)
    return {tonumber(old[1]) or 0, tonumber(old[2]) or 0, 0, 0, 0, 0}
  end
  local s = {0, 0, 0, 0, 0, 0}
  if raw then
    local i = 1
    for v in string.gmatch(raw, '%S+') do s[i] = tonumber(v); i = i + 1 end
  end
  return s
end
-- Keeps the state as long as any part of it matters: the lock, a reservation, the hour after the
-- last failure (the hourly set is consulted only then) or lockMs after it (the failure count).
local function save(key, s, now, lockMs)
  local keep = math.max(s[2], s[4], s[5] + math.max(HOUR, lockMs))
  if s[1] == 0 and s[3] == 0 and s[2] <= now and s[5] + HOUR <= now then
    redis.call('DEL', key)
    return
  end
  redis.call('SET', key, fmt(s[1]) .. ' ' .. fmt(s[2]) .. ' ' .. fmt(s[3]) .. ' ' .. fmt(s[4]) .. ' ' .. fmt(s[5]) .. ' ' .. fmt(s[6]), 'PX', fmt(math.max(keep - now, 0) + ${MARGIN_MS}))
end
`;

/** ARGV: now, maxFailures, lockMs, maxPerHour, inFlightTtlMs. Returns {1, attempt} or {0, lockedUntil}. */
const RESERVE = `${COMMON}
local now = tonumber(ARGV[1])
local maxFailures = tonumber(ARGV[2])
local lockMs = tonumber(ARGV[3])
local maxPerHour = tonumber(ARGV[4])
local s = load(KEYS[1])
if s[2] > now then
  return {0, s[2]}
end
if s[3] > 0 and s[4] <= now then s[3] = 0 end
if s[1] + s[3] >= maxFailures then
  -- Only attempts still in flight fill the budget: they may yet succeed, so ask to retry shortly.
  return {0, now + ${BUSY_RETRY_MS}}
end
if s[5] > now - HOUR then
  local hourly = redis.call('ZCOUNT', KEYS[2], '(' .. fmt(now - HOUR), '+inf')
  if hourly + s[3] >= maxPerHour then
    local oldest = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. fmt(now - HOUR), '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
    local untilMs = now + HOUR
    if oldest[2] then untilMs = tonumber(oldest[2]) + HOUR end
    return {0, untilMs}
  end
end
s[3] = s[3] + 1
s[4] = now + tonumber(ARGV[5])
save(KEYS[1], s, now, lockMs)
return {1, s[1] + s[3]}
`;

/** ARGV: now, maxFailures, lockMs, maxPerHour. Returns lockedUntil or -1. */
const FAIL = `${COMMON}
local now = tonumber(ARGV[1])
local maxFailures = tonumber(ARGV[2])
local lockMs = tonumber(ARGV[3])
local maxPerHour = tonumber(ARGV[4])
local s = load(KEYS[1])
if s[3] > 0 then s[3] = s[3] - 1 end
s[6] = s[6] + 1
redis.call('ZADD', KEYS[2], fmt(now), fmt(now) .. ':' .. fmt(s[6]))
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', fmt(now - HOUR))
redis.call('PEXPIRE', KEYS[2], HOUR + ${MARGIN_MS})
s[1] = s[1] + 1
s[5] = math.max(s[5], now)
local lock = -1
if s[1] >= maxFailures then
  lock = now + lockMs
end
if redis.call('ZCARD', KEYS[2]) >= maxPerHour then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  local capUntil = tonumber(oldest[2]) + HOUR
  if capUntil > lock then lock = capUntil end
end
if lock > now then
  s[2] = lock
  s[1] = 0
end
save(KEYS[1], s, now, lockMs)
return lock
`;

/** No clock here: whatever else the state holds keeps the TTL it was given. */
const SUCCEED = `
local raw = redis.pcall('GET', KEYS[1])
if type(raw) == 'table' and raw.err then
  redis.call('HDEL', KEYS[1], 'failures')
  return 1
end
if not raw then return 1 end
local s = {}
for v in string.gmatch(raw, '%S+') do s[#s + 1] = tonumber(v) end
if s[3] > 0 then s[3] = s[3] - 1 end
if s[3] == 0 and s[2] == 0 and s[5] == 0 then
  redis.call('DEL', KEYS[1])
  return 1
end
redis.call('SET', KEYS[1], string.format('0 %d %d %d %d %d', s[2], s[3], s[4], s[5], s[6]), 'KEEPTTL')
return 1
`;

type LimiterRedis = Redis & {
  limiterReserve(state: string, hourly: string, ...argv: string[]): Promise<[number, number]>;
  limiterFail(state: string, hourly: string, ...argv: string[]): Promise<number>;
  limiterSucceed(state: string, hourly: string): Promise<number>;
};

export class RedisAttemptLimiter implements AttemptLimiter {
  private readonly redis: LimiterRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    this.redis = defineScripts(redis, {
      limiterReserve: { keys: 2, lua: RESERVE },
      limiterFail: { keys: 2, lua: FAIL },
      limiterSucceed: { keys: 2, lua: SUCCEED },
    }) as LimiterRedis;
  }

  private keys(key: string): [string, string] {
    const base = `${this.prefix}limiter:{${key}}`;
    return [`${base}:state`, `${base}:hourly`];
  }

  async reserve(key: string, rule: LimiterRule, nowMs: number): Promise<AttemptSlot> {
    const res = await redisCall(() => this.redis.limiterReserve(
      ...this.keys(key), String(Math.floor(nowMs)), String(rule.maxFailures), String(rule.lockMs), String(rule.maxPerHour), String(IN_FLIGHT_TTL_MS),
    ));
    return res[0] === 1 ? { allowed: true, attempt: Number(res[1]) } : { allowed: false, lockedUntil: Number(res[1]) };
  }

  async fail(key: string, rule: LimiterRule, nowMs: number): Promise<{ lockedUntil: number | null }> {
    const res = await redisCall(() => this.redis.limiterFail(
      ...this.keys(key), String(Math.floor(nowMs)), String(rule.maxFailures), String(rule.lockMs), String(rule.maxPerHour),
    ));
    const lock = Number(res);
    return { lockedUntil: lock > nowMs ? lock : null };
  }

  async succeed(key: string): Promise<void> {
    await redisCall(() => this.redis.limiterSucceed(...this.keys(key)));
  }

  async lockedUntil(key: string, nowMs: number): Promise<number | null> {
    const [state] = this.keys(key);
    const lock = await redisCall(async () => {
      try {
        const raw = await this.redis.get(state);
        return raw === null ? 0 : Number(raw.split(' ')[1]);
      } catch (err) {
        if (!(err instanceof Error && err.message.startsWith('WRONGTYPE'))) throw err;
        return Number((await this.redis.hget(state, 'lock')) ?? 0);
      }
    });
    return lock > nowMs ? lock : null;
  }

  async reset(key: string): Promise<void> {
    // The third key is an earlier version's in-flight counter.
    await redisCall(() => this.redis.del(...this.keys(key), `${this.prefix}limiter:{${key}}:inflight`));
  }
}
