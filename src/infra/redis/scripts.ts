import type { Redis } from 'ioredis';

export interface ScriptDef { keys: number; lua: string }

/**
 * Registers Lua scripts on a client once (ioredis `defineCommand`): each call is then one EVALSHA
 * (the script text crosses the network only if Redis does not know it yet, e.g. after a restart).
 * Several stores share one client; a name already defined is left as it is.
 */
export function defineScripts<T extends Redis>(redis: T, scripts: Record<string, ScriptDef>): T {
  for (const [name, { keys, lua }] of Object.entries(scripts)) {
    if (typeof (redis as unknown as Record<string, unknown>)[name] !== 'function') redis.defineCommand(name, { numberOfKeys: keys, lua });
  }
  return redis;
}
