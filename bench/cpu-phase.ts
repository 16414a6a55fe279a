/**
 * CPU seconds Chromium spent in each phase of the designer's timeline, per thread group (the wasm
 * workers, V8's thread pool, the page and compositing), per build, interleaved: less sensitive to
 * a loaded machine than wall time. Read from /proc/<pid>/task/<tid>/stat of every process under
 * this one (a fresh Chromium per run). Profiling aid for BENCHMARKS.md (Linux only).
 *
 *   npx tsx bench/cpu-phase.ts --builds B=/tmp/before,A=dist --order BAAB
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startServer } from '../playground/serve.js';
import { launchChromium } from '../test/browser/chromium.js';
import { timelineAsync, type Phase } from './cold-start.js';
import { median } from './peer.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const builds = new Map(arg('builds', 'B=/tmp/before,A=dist').split(',').map((b) => b.split('=') as [string, string]));
const TICK = 100; // USER_HZ

/** Every process under `root`, from /proc's parent links. */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone */ }
  }
  const out: number[] = [];
  const walk = (p: number) => { for (const [c, pp] of parent) if (pp === p) { out.push(c); walk(c); } };
  walk(root);
  return out;
}

const group = (name: string) => (name.startsWith('DedicatedWorker') ? 'workers' : name.startsWith('ThreadPool') || name.startsWith('V8 ') ? 'thread pool' : 'page + rest');

/** CPU seconds by thread group, summed over Chromium's processes now. */
function sample(): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of descendants(process.pid)) {
    let tids: string[] = [];
    try { tids = readdirSync(`/proc/${pid}/task`); } catch { continue; }
    for (const tid of tids) {
      try {
        const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const cpu = (Number(f[11]) + Number(f[12])) / TICK;
        out.set(group(comm), (out.get(group(comm)) ?? 0) + cpu);
      } catch { /* gone */ }
    }
  }
  return out;
}

const PHASES: Array<[string, Phase, Phase]> = [['Project → settled', 'project', 'projected'], ['stroke → final candidates', 'stroke', 'final-candidates']];
const GROUPS = ['workers', 'thread pool', 'page + rest'];
const results = new Map<string, Array<Record<string, Record<string, number>>>>();
for (const which of arg('order', 'BA').split('')) {
  const { url, server } = await startServer(0, '127.0.0.1', resolve(builds.get(which)!));
  const browser = await launchChromium({ webgpu: false });
  const at = new Map<Phase, Map<string, number>>();
  try {
    await timelineAsync(url, browser, 'data', async (phase) => { at.set(phase, sample()); });
  } finally {
    await browser.close();
    await new Promise((r) => server.close(r));
  }
  const run: Record<string, Record<string, number>> = {};
  for (const [label, from, to] of PHASES) run[label] = Object.fromEntries(GROUPS.map((g) => [g, (at.get(to)!.get(g) ?? 0) - (at.get(from)!.get(g) ?? 0)]));
  results.set(which, [...(results.get(which) ?? []), run]);
  console.log(`${which} ${PHASES.map(([l]) => `${l}: ${GROUPS.map((g) => `${g} ${run[l]![g]!.toFixed(2)}`).join(', ')}`).join(' | ')}`);
}
const [base] = [...builds.keys()];
console.log(`| CPU s (median) | ${[...builds.keys()].join(' | ')} |\n|---|${[...builds.keys()].map(() => '---|').join('')}`);
for (const [label] of PHASES) {
  for (const g of GROUPS) {
    const cells = [...builds.keys()].map((b) => {
      const m = median((results.get(b) ?? []).map((r) => r[label]![g]!));
      const ref = median((results.get(base!) ?? []).map((r) => r[label]![g]!));
      return b === base ? `${m.toFixed(2)}` : `${m.toFixed(2)} (${(m / ref).toFixed(2)}×)`;
    });
    console.log(`| ${label}: ${g} | ${cells.join(' | ')} |`);
  }
}
