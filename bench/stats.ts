/** Small statistics and table helpers for the benchmark's report. */
export interface StepStats { n: number; mean: number; p50: number; p95: number; p99: number }

export const r1 = (x: number) => Math.round(x * 10) / 10;
export const r2 = (x: number) => Math.round(x * 100) / 100;
export const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function stats(xs: number[]): StepStats {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, mean: r2(mean(s)), p50: r2(pct(s, 50)), p95: r2(pct(s, 95)), p99: r2(pct(s, 99)) };
}

export function table(rows: (string | number)[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  ')).join('\n');
}
