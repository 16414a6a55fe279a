/**
 * The data-parallel CPU engine: the edit step at B = 8 on one worker (onnxruntime-web wasm, 1
 * thread: the plugin in Figma without a GPU) against the same engine sharing every batch with
 * N − 1 more workers (here Node worker threads, each with its own single-threaded wasm session,
 * as the panel's helper workers), and against PyTorch eager + autograd with 1 and 2 threads —
 * interleaved in one run, medians after warm-up. Also an edit settling (40 steps at B = 8) on
 * each, and the memory each extra worker takes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { Engine } from '../engine/engine.js';
import { memoryPackSource } from '../engine/pack/pack-source.js';
import { startThreadShardsAsync } from '../engine/node/thread-shards.js';
import { editStepProbe } from '../engine/ops/time-edit-step.js';
import { Peer, median } from './peer.js';
import { build } from 'esbuild';
import { pathToFileURL } from 'node:url';

const FILES = ['pack.json', 'weights.bin', 'generator.onnx', 'encoder.onnx', 'edit_step.onnx', 'project_step.onnx'];
/** As many workers as the panel starts: navigator.hardwareConcurrency, at most 4 (ui/worker/helpers.ts). */
export const MAX_WORKERS = 4;

export async function benchWorkersAsync(pack: string, quick: boolean, torch: boolean, say: (s: string) => void): Promise<Record<string, unknown>> {
  const packJson = JSON.parse(readFileSync(join(pack, 'pack.json'), 'utf8')) as { weights: { file: string }; graphs: Record<string, { file: string }> };
  const names = [...new Set(['pack.json', packJson.weights.file, ...Object.values(packJson.graphs).map((g) => g.file)])];
  const files = Object.fromEntries(names.map((f) => [f, new Uint8Array(readFileSync(join(pack, f)))]));
  const N = Math.max(2, Math.min(os.cpus().length, MAX_WORKERS));
  const alone = await Engine.createAsync(memoryPackSource(files), { executionProvider: 'wasm', numThreads: 1 });
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  // A bundled thread (onnxruntime-web left to node_modules), so no TypeScript loader counts in its memory.
  const script = join(process.cwd(), 'node_modules', '.cache', 'manifold-bench', 'shard-thread.mjs');
  await build({ entryPoints: ['engine/node/shard-thread.ts'], bundle: true, platform: 'node', format: 'esm', outfile: script, external: ['onnxruntime-web'], logLevel: 'silent' });
  const shards = await startThreadShardsAsync(N - 1, files, { script: pathToFileURL(script) });
  const parallel = await Engine.createAsync(memoryPackSource(files), { executionProvider: 'wasm', numThreads: 1, shards });
  const stepAlone = editStepProbe(alone.model, 8), stepParallel = editStepProbe(parallel.model, 8);
  for (let w = 0; w < 3; w++) { await stepAlone(); await stepParallel(); }
  global.gc?.();
  // The second engine in this process holds its own sessions too: what the shards add is the rest.
  const perWorkerMiB = (process.memoryUsage().rss - rss0) / 2 ** 20 / (N - 1);

  const peers: { key: string; peer: Peer }[] = [];
  if (torch) {
    for (const threads of [1, 2]) {
      const peer = Peer.start(`torch${threads}`, '/usr/bin/python3', ['bench/torch_peer.py']);
      await peer.ask({ cmd: 'init', pack, threads, batches: [8] });
      peers.push({ key: `torch-autograd-${threads}t`, peer });
    }
  }
  const times: Record<string, number[]> = { alone: [], parallel: [] };
  const torchStep = (p: Peer) => p.ask<{ ms: number }>({ cmd: 'step', mode: 'autograd', batch: 8 }).then((r) => r.ms);
  for (const p of peers) for (let w = 0; w < 3; w++) await torchStep(p.peer);
  const reps = quick ? 5 : 15;
  for (let r = 0; r < reps; r++) {
    times.alone!.push(await stepAlone());
    times.parallel!.push(await stepParallel());
    for (const p of peers) (times[p.key] ??= []).push(await torchStep(p.peer));
  }
  for (const p of peers) p.peer.stop();
  const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));

  // An edit settling: 40 Adam steps at B = 8 on a colour stroke, from the same z0, on each engine.
  const settle: Record<string, number[]> = { alone: [], parallel: [] };
  const z0 = new Float32Array(alone.model.L);
  const stroke = { kind: 'color' as const, points: [[20, 12], [44, 12]] as [number, number][], width: 6, color: [220, 40, 40] as [number, number, number] };
  for (let r = 0; r < (quick ? 1 : 3); r++) {
    for (const [key, e] of [['alone', alone], ['parallel', parallel]] as const) {
      await e.startEditingAsync(z0, { candidates: 8, steps: 40, streamIntervalMs: 1e9 });
      const t0 = performance.now();
      await e.edit.setStrokesAsync([stroke]);
      settle[key]!.push((performance.now() - t0) / 1000);
    }
  }
  await alone.releaseAsync();
  await parallel.releaseAsync();
  const settleMed = { alone: median(settle.alone!), parallel: median(settle.parallel!) };

  say(`\n## The data-parallel CPU engine: ${N} workers (wasm, 1 thread each) against 1, edit step at B = 8`);
  say(`${N} = this machine's ${os.cpus().length} cores, at most ${MAX_WORKERS}; the extra workers are Node worker threads here (the panel's are classic Blob workers); interleaved, median of ${reps} after 3 warm-up steps.`);
  say('| runtime | B=8 ms | ×1 worker | ×PyTorch 1 thread | ×PyTorch 2 threads | 40 steps settle |');
  say('|---|---|---|---|---|---|');
  const t1 = med['torch-autograd-1t'], t2 = med['torch-autograd-2t'];
  const x = (ref: number | undefined, v: number) => (ref ? `${(ref / v).toFixed(2)}×` : '—');
  say(`| onnxruntime-web wasm, 1 worker | ${med.alone!.toFixed(1)} | 1.00× | ${x(t1, med.alone!)} | ${x(t2, med.alone!)} | ${settleMed.alone.toFixed(2)} s |`);
  say(`| onnxruntime-web wasm, ${N} workers | ${med.parallel!.toFixed(1)} | ${(med.alone! / med.parallel!).toFixed(2)}× | ${x(t1, med.parallel!)} | ${x(t2, med.parallel!)} | ${settleMed.parallel.toFixed(2)} s |`);
  if (t1) say(`| PyTorch eager + autograd, 1 thread | ${t1.toFixed(1)} | | 1.00× | | |`);
  if (t2) say(`| PyTorch eager + autograd, 2 threads | ${t2.toFixed(1)} | | | 1.00× | |`);
  say(`Memory: each extra worker adds ${perWorkerMiB.toFixed(0)} MiB resident (its own JS heap and onnxruntime-web's wasm heap with its copy of the pack's weights and the four sessions).`);
  return {
    workers: N, msB8: med, settleSeconds: settleMed, perWorkerMiB,
    speedupB8: med.alone! / med.parallel!,
    vsTorch1t: t1 ? t1 / med.parallel! : null, vsTorch2t: t2 ? t2 / med.parallel! : null,
  };
}
