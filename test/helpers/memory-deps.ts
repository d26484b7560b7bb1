import { buildConfig } from '../../src/config/load.ts';
import { buildRuntime } from '../../src/deps.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import type { Deps } from '../../src/ports/deps.ts';
import { testConfigDefaults } from './config.ts';

export interface MemoryDeps {
  deps: Deps;
  clock: ManualClock;
  /** What the use-cases logged as warnings or errors. */
  logged: string[];
}

/** The use-cases' dependencies with every store in memory and a manual clock: no server, no Redis. */
export async function memoryDeps(overrides: Record<string, unknown> = {}): Promise<MemoryDeps> {
  const config = buildConfig(testConfigDefaults({ stores: { users: 'memory', state: 'memory', provider: 'memory' }, ...overrides }), 'test');
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 12, 0, 0));
  const logged: string[] = [];
  const keep = (o: object | string, m?: string) => { logged.push(`${m ?? ''} ${JSON.stringify(o)}`); };
  const runtime = await buildRuntime(config, { info() {}, warn: keep, error: keep }, { clock });
  return { deps: runtime.deps, clock, logged };
}
