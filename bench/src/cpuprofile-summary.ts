/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`): self time by function and by
 * package, so a hot adapter function can be named with its share of the client's CPU.
 *
 *   node dist/cpuprofile-summary.js <file.cpuprofile> [top=30]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, topArg = '30'] = process.argv.slice(2);
if (!file) throw new Error('usage: cpuprofile-summary <file.cpuprofile> [top]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => {
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
let total = 0;
for (const v of self.values()) total += v;

/** Where a function lives: a workspace package, a dependency, node internals or V8. */
function area(url: string): string {
  const pkg = /packages\/([^/]+)\//.exec(url);
  if (pkg) return `@wxpay/${pkg[1]}`;
  const dep = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dep) return dep[1] as string;
  if (url.startsWith('node:')) return 'node';
  if (url.includes('/bench/')) return 'bench';
  return url === '' ? '(native/V8)' : url;
}

const fnTotals = new Map<string, number>();
const areaTotals = new Map<string, number>();
for (const [id, t] of self) {
  const n = byId.get(id);
  if (!n) continue;
  const { functionName, url, lineNumber } = n.callFrame;
  const where = url
    ? `${url.replace(/^.*\/(packages|node_modules)\//, '$1/')}:${lineNumber + 1}`
    : '';
  const key = `${functionName || '(anonymous)'} ${where}`;
  fnTotals.set(key, (fnTotals.get(key) ?? 0) + t);
  const a = area(url);
  areaTotals.set(a, (areaTotals.get(a) ?? 0) + t);
}
const pct = (v: number) => `${((v / total) * 100).toFixed(1).padStart(5)}%`;
process.stdout.write(`total sampled ${(total / 1000).toFixed(0)} ms\n\nby area:\n`);
for (const [k, v] of [...areaTotals].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
  process.stdout.write(`${pct(v)}  ${k}\n`);
}
process.stdout.write('\nby function (self):\n');
for (const [k, v] of [...fnTotals].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg))) {
  process.stdout.write(`${pct(v)}  ${k}\n`);
}
