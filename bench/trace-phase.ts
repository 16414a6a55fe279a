/**
 * A Chrome trace of one phase of the designer's timeline (stroke → first candidates), per build:
 * the time each renderer thread spent in top-level tasks and in V8's wasm compilation over the
 * phase. Profiling aid for BENCHMARKS.md, not part of `npm run bench`.
 *
 *   npx tsx bench/trace-phase.ts --builds B=/tmp/before,A=dist --order BAAB
 */
import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { startServer } from '../playground/serve.js';
import { launchChromium } from '../test/browser/chromium.js';
import { timelineAsync } from './cold-start.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const builds = new Map(arg('builds', 'B=/tmp/before,A=dist').split(',').map((b) => b.split('=') as [string, string]));
const CATEGORIES = ['toplevel', 'v8', 'v8.wasm', 'disabled-by-default-v8.compile', 'devtools.timeline', '__metadata'];

interface TraceEvent { name: string; ph: string; ts: number; dur?: number; pid: number; tid: number; args?: { name?: string } }

for (const which of arg('order', 'BA').split('')) {
  const { url, server } = await startServer(0, '127.0.0.1', resolve(builds.get(which)!));
  const browser = await launchChromium({ webgpu: false });
  const path = `/tmp/trace-${which}-${Date.now()}.json`;
  try {
    const t = await timelineAsync(url, browser, 'data', async (phase, page) => {
      if (phase === 'stroke') await browser.startTracing(page, { path, categories: CATEGORIES });
      else await browser.stopTracing();
    });
    const events = (JSON.parse(readFileSync(path, 'utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
    const names = new Map<string, string>();
    for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?');
    const busy = new Map<string, number>(), wasm = new Map<string, number>(), inWorkers = new Map<string, number>();
    for (const e of events) {
      if (e.ph !== 'X' || !e.dur) continue;
      const thread = names.get(`${e.pid}:${e.tid}`) ?? `tid ${e.tid}`;
      if (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') busy.set(`${thread} ${e.tid}`, (busy.get(`${thread} ${e.tid}`) ?? 0) + e.dur / 1000);
      else if (thread.startsWith('DedicatedWorker')) inWorkers.set(`${e.tid} ${e.name}`, (inWorkers.get(`${e.tid} ${e.name}`) ?? 0) + e.dur / 1000);
      if (e.name.startsWith('wasm.')) wasm.set(`${thread} ${e.name}`, (wasm.get(`${thread} ${e.name}`) ?? 0) + e.dur / 1000);
    }
    const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join('; ');
    console.log(`${which}: stroke → first candidates ${t.firstCandidates} ms (final ${t.finalCandidates} ms)\n  tasks: ${top(busy)}\n  wasm: ${top(wasm)}\n  in the workers: ${[...inWorkers].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join('; ')}`);
  } finally {
    await browser.close();
    await new Promise((r) => server.close(r));
    rmSync(path, { force: true });
  }
}
