/**
 * Builds against each other on the designer's timeline, interleaved: each build (a dist folder)
 * served side by side, a fresh headless Chromium per run (V8 caches compiled wasm per browser), in
 * the order given, `data` hosting, CPU path. Prints each run, then the medians with the first
 * build as the baseline. `--cli N`: then the same projection through the engine in Node (as the
 * CLI runs it, warm), median of N, for panel-projection-vs-cli under the same load.
 *
 *   npx tsx bench/ab-panel.ts --builds B=/tmp/before,A=dist --order BAABBA
 */
import { resolve } from 'node:path';
import { startServer } from '../playground/serve.js';
import { launchChromium } from '../test/browser/chromium.js';
import { cliProjectionMsAsync, STEPS, timelineAsync, type Timeline } from './cold-start.js';
import { median } from './peer.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const builds = arg('builds', 'B=/tmp/before,A=dist').split(',').map((b) => b.split('=') as [string, string]);
const order = arg('order', 'BAAB').split('');
const servers = new Map<string, string>();
const closers: Array<() => Promise<unknown>> = [];
for (const [name, dir] of builds) {
  const { url, server } = await startServer(0, '127.0.0.1', resolve(dir));
  servers.set(name, url);
  closers.push(() => new Promise((r) => server.close(r)));
}
const runs = new Map<string, Timeline[]>(builds.map(([name]) => [name, []]));
const s = (ms: number) => (ms / 1000).toFixed(2);
try {
  for (const which of order) {
    const url = servers.get(which);
    if (!url) throw new Error(`--order names ${which}, which is not among --builds`);
    const browser = await launchChromium({ webgpu: false });
    try {
      const t = await timelineAsync(url, browser, 'data');
      runs.get(which)!.push(t);
      console.log(`${which} ${STEPS.map((k) => `${k} ${s(t[k])}`).join(' | ')} | ${t.backend} (${t.workers})`);
    } finally {
      await browser.close();
    }
  }
} finally {
  for (const close of closers) await close();
}
const [base, ...others] = builds.map(([name]) => name);
console.log(`| step (data hosting) | ${builds.map(([n]) => n).join(' | ')} | ${others.map((o) => `${o} / ${base}`).join(' | ')} |`);
console.log(`|---|${builds.map(() => '---|').join('')}${others.map(() => '---|').join('')}`);
for (const k of STEPS) {
  const med = (n: string) => median(runs.get(n)!.map((r) => r[k]));
  const cells = builds.map(([n]) => `${s(med(n))} s (${runs.get(n)!.map((r) => s(r[k])).join(', ')})`);
  console.log(`| ${k} | ${cells.join(' | ')} | ${others.map((o) => (med(o) / med(base!)).toFixed(2)).join(' | ')} |`);
}
const cliRuns = Number(arg('cli', '0'));
if (cliRuns > 0) {
  const cli = await cliProjectionMsAsync('models/personas64-v2', cliRuns);
  console.log(`CLI projection (Node, warm, median of ${cliRuns}): ${s(cli)} s; Project → settled over it: ${builds.map(([n]) => `${n} ${(median(runs.get(n)!.map((r) => r.projected)) / cli).toFixed(2)}×`).join(', ')}`);
}
