/** argon2id verify alone, sequentially and C in parallel: the bound every sign-in pays once. */
import { performance } from 'node:perf_hooks';
import argon2 from 'argon2';
import { r1, r2, stats, type StepStats } from './stats.ts';

export interface Argon2Run { parallel: number; verifies: number; perSecond: number; cpuMsPerVerify: number; latencyMs: StepStats }
export interface Argon2Result { sequential: Argon2Run; parallel: Argon2Run; perCoreBound: number }

async function run(hash: string, password: string, parallel: number, seconds: number): Promise<Argon2Run> {
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      if (!(await argon2.verify(hash, password))) throw new Error('argon2 verify failed');
      latencies.push(performance.now() - t0);
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    parallel, verifies: latencies.length, perSecond: r2(latencies.length / elapsed),
    cpuMsPerVerify: r2((cpu.user + cpu.system) / 1000 / latencies.length), latencyMs: stats(latencies),
  };
}

export async function argon2Alone(params: Record<string, number>, parallel: number, seconds: number): Promise<Argon2Result> {
  const password = 'argon2-alone';
  const hash = await argon2.hash(password, { type: argon2.argon2id, memoryCost: params.memoryCost!, timeCost: params.timeCost!, parallelism: params.parallelism! });
  const sequential = await run(hash, password, 1, seconds);
  const inParallel = await run(hash, password, parallel, seconds);
  // CPU per verify from the parallel run (the machine busy, as in the sign-in phases).
  return { sequential, parallel: inParallel, perCoreBound: r1(1000 / inParallel.cpuMsPerVerify) };
}
