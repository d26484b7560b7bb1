/** The soak's tables (one row per minute, one per fault) and its closing JSON object. */
import { r1, stats, table } from './stats.ts';
import type { Bucket } from './soak-load.ts';
import type { FaultResult } from './soak-faults.ts';

export interface MinuteRow {
  minute: number;
  bucket: Bucket;
  rssMiB: number | null;
  heapUsedMiB: number | null;
  redisMiB: number | null;
  redisKeys: number | null;
  keysWithoutTtl: number | null;
  faults: string[];
}

const n = (x: number | null | undefined) => (x === null || x === undefined ? '-' : String(x));
const ofClass = (statuses: Record<string, number>, test: (s: number) => boolean) =>
  Object.entries(statuses).reduce((a, [s, c]) => a + (test(Number(s)) ? c : 0), 0);

export function minuteTable(rows: MinuteRow[]): string {
  const head = ['min', 'sign-ins', 'failed', 'p50 ms', 'p95 ms', 'p99 ms', 'RSS MiB', 'heap MiB (after GC)', 'Redis MiB', 'keys', 'no TTL', '2xx/3xx', '4xx', '503', '5xx other', 'cut', 'refused', 'fault'];
  return table([head, ...rows.map((r) => {
    const s = stats(r.bucket.latencies);
    const st = r.bucket.statuses;
    return [r.minute, r.bucket.signIns, r.bucket.failed, n(Math.round(s.p50) || null), n(Math.round(s.p95) || null), n(Math.round(s.p99) || null),
      n(r.rssMiB), n(r.heapUsedMiB), n(r.redisMiB), n(r.redisKeys), n(r.keysWithoutTtl),
      ofClass(st, (x) => x < 400), ofClass(st, (x) => x >= 400 && x < 500), st['503'] ?? 0, ofClass(st, (x) => x >= 500 && x !== 503),
      r.bucket.cut, r.bucket.refused, r.faults.join(',') || '-'];
  })]);
}

export function faultTable(faults: FaultResult[]): string {
  const head = ['fault', 'at s', 'lasted ms', '→ readyz 503 ms', '→ ready ms', '→ first sign-in ms', 'probes (token/userinfo/revocation/jwks)', 'server cut', 'client cut', 'exit'];
  return table([head, ...faults.map((f) => [
    f.fault, f.startedAtS, f.lastedMs, n(f.notReadyAfterMs), n(f.readyAfterMs), n(f.firstSignInAfterMs),
    f.probes ? [f.probes.token, f.probes.userinfo, f.probes.revocation, f.probes.jwks].join('/') : '-',
    n(f.drain?.cut), n(f.drain?.clientCut), f.drain ? `${f.drain.exitCode}${f.drain.forced ? ' forced' : ''}` : '-',
  ])]);
}

export function summary(rows: MinuteRow[], faults: FaultResult[], storeErrorsCounted: number) {
  const all = rows.map((r) => r.bucket);
  const sum = (f: (b: Bucket) => number) => all.reduce((a, b) => a + f(b), 0);
  const statuses: Record<string, number> = {};
  for (const b of all) for (const [s, c] of Object.entries(b.statuses)) statuses[s] = (statuses[s] ?? 0) + c;
  const rss = rows.map((r) => r.rssMiB).filter((x): x is number => x !== null);
  const redis = rows.map((r) => r.redisMiB).filter((x): x is number => x !== null);
  const status5xxOther = ofClass(statuses, (x) => x >= 500 && x !== 503);
  return {
    signIns: sum((b) => b.signIns), failed: sum((b) => b.failed), cut: sum((b) => b.cut), refused: sum((b) => b.refused),
    statuses, status503: statuses['503'] ?? 0, status5xxOther, storeErrorsCounted,
    keysWithoutTtlMax: Math.max(0, ...rows.map((r) => r.keysWithoutTtl ?? 0)),
    rssMiB: { first: rss[0] ?? null, last: rss.at(-1) ?? null, max: rss.length ? r1(Math.max(...rss)) : null },
    redisMiB: { first: redis[0] ?? null, last: redis.at(-1) ?? null },
    serverCut: faults.reduce((a, f) => a + Math.max(0, f.drain?.cut ?? 0), 0),
    p99PerMinuteMs: rows.map((r) => Math.round(stats(r.bucket.latencies).p99) || null),
  };
}
