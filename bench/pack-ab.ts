/**
 * Two packs' graphs side by side (onnxruntime-web wasm, 1 thread, one process): the same random
 * inputs through each graph of both (max |difference| per output), then the edit step at batch B
 * timed interleaved, median wall and process-CPU ms. CPU time is what the step costs when the
 * machine is shared (wall time then mostly measures waiting for a core).
 *   npx tsx bench/pack-ab.ts <packA> <packB> [--batch 8] [--reps 40]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { halfToFloatBytes } from '../engine/pack/half-float.js';
import { median } from './peer.js';

interface Spec { shape: (number | string)[] }
interface Pack { weights: { file: string; storage?: string }; graphs: Record<string, { file: string; inputs: Record<string, Spec> }> }

const argv = process.argv.slice(2);
const opt = (name: string, dflt: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt);
const [dirA, dirB] = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
const B = opt('--batch', 8), REPS = opt('--reps', 40);
ort.env.wasm.numThreads = 1;

let seed = 3;
const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;

async function sessionAsync(dir: string, key: string): Promise<[Pack, ort.InferenceSession]> {
  const pack = JSON.parse(readFileSync(join(dir, 'pack.json'), 'utf8')) as Pack;
  const raw = readFileSync(join(dir, pack.weights.file));
  const data = pack.weights.storage === 'float16' ? halfToFloatBytes(raw) : raw;   // as engine/pack/load-pack.ts
  return [pack, await ort.InferenceSession.create(readFileSync(join(dir, pack.graphs[key]!.file)), { executionProviders: ['wasm'], externalData: [{ path: pack.weights.file, data }] })];
}

function feedsFor(pack: Pack, key: string): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, spec] of Object.entries(pack.graphs[key]!.inputs)) {
    const dims = spec.shape.map((d) => (d === 'B' ? B : Number(d)));
    const n = dims.reduce((x, y) => x * y, 1);
    const value = name.includes('mask') ? () => (rand() > 0.6 ? 1 : 0) : name === 'weights' ? () => Math.abs(rand()) : rand;
    feeds[name] = new ort.Tensor('float32', Float32Array.from({ length: n }, value), dims);
  }
  return feeds;
}

async function mainAsync(): Promise<void> {
  if (!dirA || !dirB) throw new Error('usage: npx tsx bench/pack-ab.ts <packA> <packB> [--batch 8] [--reps 40]');
  const step: ort.InferenceSession[] = [];
  let stepFeeds: Record<string, ort.Tensor> = {};
  for (const key of ['generator', 'encoder', 'editStep', 'projectStep']) {
    const [pack, a] = await sessionAsync(dirA, key), [, b] = await sessionAsync(dirB, key);
    const feeds = feedsFor(pack, key);
    const [oa, ob] = [await a.run(feeds), await b.run(feeds)];
    const diffs = Object.keys(oa).map((o) => {
      const x = oa[o]!.data as Float32Array, y = ob[o]!.data as Float32Array;
      let d = 0, m = 0;
      for (let i = 0; i < x.length; i++) { d = Math.max(d, Math.abs(x[i]! - y[i]!)); m = Math.max(m, Math.abs(x[i]!)); }
      return `${o} ${d.toExponential(1)} (of ${m.toExponential(1)})`;
    });
    console.log(`${key}: max |A − B| ${diffs.join(', ')}`);
    if (key === 'editStep') { step.push(a, b); stepFeeds = feeds; } else { await a.release(); await b.release(); }
  }
  const wall: number[][] = [[], []], cpu: number[][] = [[], []];
  for (let w = 0; w < 3; w++) for (const s of step) await s.run(stepFeeds);
  for (let r = 0; r < REPS; r++) {
    for (let k = 0; k < 2; k++) {
      const c0 = process.cpuUsage(), t0 = performance.now();
      await step[k]!.run(stepFeeds);
      const c = process.cpuUsage(c0);
      wall[k]!.push(performance.now() - t0);
      cpu[k]!.push((c.user + c.system) / 1000);
    }
  }
  const [wa, wb, ca, cb] = [median(wall[0]!), median(wall[1]!), median(cpu[0]!), median(cpu[1]!)];
  console.log(`edit step, B = ${B}, median of ${REPS} interleaved: A ${wa.toFixed(1)} ms wall / ${ca.toFixed(1)} ms CPU; B ${wb.toFixed(1)} ms wall / ${cb.toFixed(1)} ms CPU; A/B ${(wa / wb).toFixed(2)}× wall, ${(ca / cb).toFixed(2)}× CPU`);
}

void mainAsync();
