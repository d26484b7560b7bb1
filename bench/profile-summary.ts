/**
 * Summarise a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by package.
 * Usage: tsx bench/profile-summary.ts <file.cpuprofile> [top=25]
 */
import fs from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const file = process.argv[2];
if (!file) { console.error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]'); process.exit(2); }
const top = Number(process.argv[3] ?? 25);
const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const pkg = (url: string) => {
  if (!url) return '(native/v8)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith('node:')) return 'node core';
  if (url.includes('/src/')) return 'app src/';
  if (url.includes('/test/') || url.includes('/bench/')) return 'bench client (test helpers)';
  return url;
};
const fn = new Map<string, number>();
const pk = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  const name = n.callFrame.functionName || '(anonymous)';
  const key = `${name}  ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/main\//, '')}:${n.callFrame.lineNumber + 1}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
  pk.set(pkg(n.callFrame.url), (pk.get(pkg(n.callFrame.url)) ?? 0) + us);
}
const pctOf = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
console.log(`profile: ${(total / 1e6).toFixed(2)} s sampled on the main thread`);
console.log('\nself time by package:');
for (const [k, us] of [...pk].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${pctOf(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
console.log(`\ntop ${top} functions by self time:`);
for (const [k, us] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pctOf(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
