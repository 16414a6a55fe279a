/**
 * `npm run bench`: the engine against PyTorch and native ONNX Runtime on this machine, and
 * against the compute floor. Prints a table and writes bench/results.json.
 *   npm run bench [-- --quick] [-- --pack models/personas64-v2] [-- --only edit-step,workers,profile,projection,transfer,memory,panel,bundle [--merge]]
 * `--only` writes bench/results.partial.*; with `--merge` its sections also replace theirs in bench/results.json.
 * results.json's `targets` lists the issue's targets that the measured sections cover.
 * Every comparison is measured in the same run, interleaved (one step of each runtime in
 * turn), medians over repeated runs after warm-up. Peers that are not installed are
 * skipped with a line saying so.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import os from 'node:os';
import { Peer, median } from './peer.js';
import { benchProjectionAsync } from './projection.js';
import { benchTransferAsync } from './transfer.js';
import { benchMemory } from './memory.js';
import { benchColdStartAsync } from './cold-start.js';
import { profileEditStep } from './profile-step.js';
import { benchWorkersAsync } from './workers.js';
import { targetsFrom } from './targets.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const packArg = argv.indexOf('--pack');
const pack = packArg >= 0 ? argv[packArg + 1]! : existsSync('models/personas64-v2/pack.json') ? 'models/personas64-v2' : 'test/fixtures/packs/tiny';
const BATCHES = [1, 8, 16, 64];
const onlyArg = argv.indexOf('--only');
const only = onlyArg >= 0 ? new Set(argv[onlyArg + 1]!.split(',')) : null;   // e.g. --only cold-start,bundle
const want = (section: string) => !only || only.has(section);
const results: Record<string, unknown> = { date: new Date().toISOString(), pack, quick };
const lines: string[] = [];
const say = (s: string) => { console.log(s); lines.push(s); };

function machine(): Record<string, unknown> {
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  return { cpu, cores: os.cpus().length, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` };
}

function hasTorch(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch, onnx'], { stdio: 'ignore' });
    return true;
  } catch { return false; }
}

function hasOrtNode(): boolean {
  try { execFileSync(process.execPath, ['-e', "require('onnxruntime-node')"], { stdio: 'ignore' }); return true; } catch { return false; }
}

/** Where the plugin's CPU edit step spends its time: ORT's profiler, by part of the graph and by op. */
function profileSection(): void {
  const p = profileEditStep(pack, 8);
  say(`\n## Where the edit step's time goes (B = 8, onnxruntime-web wasm, 1 thread; ORT's profiler, ${p.runs} runs after warm-up)`);
  say(`Kernel time ${p.kernelMs.toFixed(1)} ms a step (the profiler's own overhead included).`);
  say('| part of the graph | ms a step | share |');
  say('|---|---|---|');
  for (const [k, v] of Object.entries(p.byPart).sort((a, b) => b[1] - a[1])) say(`| ${k} | ${v.toFixed(1)} | ${((100 * v) / p.kernelMs).toFixed(0)}% |`);
  const ops = Object.entries(p.byOp).sort((a, b) => b[1] - a[1]).slice(0, 6);
  say(`Top ops: ${ops.map(([k, v]) => `${k} ${((100 * v) / p.kernelMs).toFixed(0)}%`).join(', ')}.`);
  results.profile = p;
}

async function benchEditStepAsync(): Promise<void> {
  const tsx = join('node_modules', '.bin', 'tsx');
  const peers: { peer: Peer; key: string; label: string; threads: number; mode?: string }[] = [];
  const addOrt = (flavour: 'web' | 'node', threads: number, label: string) => {
    const peer = Peer.start(`${flavour}${threads}`, tsx, ['bench/ort-peer.ts', flavour, String(threads)]);
    peers.push({ peer, key: `ort-${flavour}-${threads}t`, label, threads });
  };
  addOrt('web', 1, 'onnxruntime-web wasm, 1 thread (the plugin in Figma, no GPU)');
  addOrt('web', 2, 'onnxruntime-web wasm, 2 threads');
  if (hasOrtNode()) {
    addOrt('node', 1, 'onnxruntime-node (native), 1 thread');
    addOrt('node', 2, 'onnxruntime-node (native), 2 threads');
  } else say('skipped: onnxruntime-node is not installed (npm i -D onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=skip)');
  let torch: Peer | undefined;
  let flops: Record<string, number> = {};
  const peak: Record<string, number> = {};
  if (hasTorch()) {
    torch = Peer.start('torch', '/usr/bin/python3', ['bench/torch_peer.py']);
    const init = await torch.ask<{ flops: Record<string, number>; torch: string }>({ cmd: 'init', pack, threads: 1, batches: BATCHES });
    flops = init.flops;
    results.torch = init.torch;
    peers.push({ peer: torch, key: 'torch-autograd-1t', label: 'PyTorch eager + autograd, 1 thread (the reference)', threads: 1, mode: 'autograd' });
    peers.push({ peer: torch, key: 'torch-explicit-1t', label: 'PyTorch, our explicit backward, 1 thread', threads: 1, mode: 'explicit' });
    // The compute floor: this machine's single-precision matrix multiply (OpenBLAS via torch).
    for (const t of [1, 2]) peak[`${t}t`] = (await torch.ask<{ gflops: number }>({ cmd: 'matmul', n: 1024, threads: t, reps: 7 })).gflops;
  } else say('skipped: PyTorch peer (needs Debian python3-torch and python3-onnx at /usr/bin/python3)');
  for (const p of peers) if (!p.mode) await p.peer.ask({ cmd: 'init', pack });

  const table: Record<string, Record<string, number>> = {};
  for (const B of BATCHES) {
    const reps = quick ? 3 : B >= 64 ? 7 : 15;
    const times: Record<string, number[]> = {};
    const step = (p: (typeof peers)[number]) => p.peer.ask<{ ms: number }>(p.mode ? { cmd: 'step', mode: p.mode, batch: B } : { cmd: 'step', batch: B });
    for (const p of peers) for (let w = 0; w < 3; w++) await step(p); // warm-up
    for (let r = 0; r < reps; r++) {
      for (const p of peers) (times[p.key] ??= []).push((await step(p)).ms);
    }
    table[B] = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  }
  for (const p of peers) if (p.peer !== torch) p.peer.stop();
  torch?.stop();

  const ref = 'torch-autograd-1t';
  say('\n## Edit step (loss + gradient w.r.t. the latent), median ms per step');
  say(`pack ${pack}; FLOPs of every convolution in one step, counted by running the same graph in PyTorch; peak = sgemm 1024² via OpenBLAS in the same run: ` +
    (peak['1t'] ? `${peak['1t'].toFixed(1)} GFLOP/s (1 thread), ${peak['2t']!.toFixed(1)} GFLOP/s (2 threads)` : 'not measured'));
  say('| runtime | ' + BATCHES.map((b) => `B=${b} ms (steps/s)`).join(' | ') + ' | ×PyTorch at B=8 | % of peak at B=8 |');
  say('|---|' + BATCHES.map(() => '---').join('|') + '|---|---|');
  const rows: Record<string, unknown>[] = [];
  for (const p of peers) {
    const cells = BATCHES.map((b) => `${table[b]![p.key]!.toFixed(1)} (${(1000 / table[b]![p.key]!).toFixed(1)})`);
    const ratio = table[8]![ref] ? table[8]![ref]! / table[8]![p.key]! : NaN;
    const gflops = flops['8'] ? flops['8'] / 1e6 / table[8]![p.key]! : NaN;
    const pk = peak[`${p.threads}t`];
    say(`| ${p.label} | ${cells.join(' | ')} | ${Number.isNaN(ratio) ? '—' : ratio.toFixed(2) + '×'} | ${pk ? ((100 * gflops) / pk).toFixed(0) + '% (' + gflops.toFixed(1) + ' GFLOP/s)' : '—'} |`);
    rows.push({ key: p.key, label: p.label, threads: p.threads, msByBatch: Object.fromEntries(BATCHES.map((b) => [b, table[b]![p.key]])), ratioToPyTorchB8: ratio, gflopsB8: gflops });
  }
  if (flops['8']) say(`One step at B=8 is ${(flops['8'] / 1e9).toFixed(3)} GFLOP; 40 steps (an edit settling) on the plugin's CPU path: ${((40 * table[8]!['ort-web-1t']!) / 1000).toFixed(2)} s (target < 2 s).`);
  results.editStep = { flops, peakGflops: peak, rows };
}

function bundleSizes(): void {
  say('\n## Bundle sizes');
  say('| file | raw | gzip |');
  say('|---|---|---|');
  const files = ['dist/ui.html', 'dist/code.js'];
  const packs = existsSync('models') ? readdirPacks() : [];
  const out: Record<string, { raw: number; gzip: number }> = {};
  for (const f of [...files, ...packs]) {
    if (!existsSync(f)) { say(`| ${f} | missing (run npm run build) | |`); continue; }
    const buf = readFileSync(f);
    out[f] = { raw: statSync(f).size, gzip: gzipSync(buf).length };
    say(`| ${f} | ${(out[f]!.raw / 1e6).toFixed(2)} MB | ${(out[f]!.gzip / 1e6).toFixed(2)} MB |`);
  }
  results.bundle = out;
}

function readdirPacks(): string[] {
  const out: string[] = [];
  for (const id of readdirSafe('models')) {
    const pj = join('models', id, 'pack.json');
    if (!existsSync(pj)) continue;
    const p = JSON.parse(readFileSync(pj, 'utf8')) as { weights: { file: string }; graphs: Record<string, { file: string }> };
    out.push(join('models', id, p.weights.file), ...Object.values(p.graphs).map((g) => join('models', id, g.file)));
  }
  return out;
}

function readdirSafe(d: string): string[] {
  try { return readdirSync(d); } catch { return []; }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  results.machine = machine();
  say(`# Manifold benchmarks — ${results.date}`);
  say(`machine: ${JSON.stringify(results.machine)}`);
  say('GPU: not measured (no GPU machine was lent to this run; WebGPU numbers need one).');
  if (want('edit-step')) await benchEditStepAsync();
  if (want('workers')) results.workers = await benchWorkersAsync(pack, quick, hasTorch(), say);
  if (want('profile')) profileSection();
  if (want('projection')) results.projection = await benchProjectionAsync(pack, quick, say);
  if (want('transfer')) results.transfer = await benchTransferAsync(pack, quick, say);
  if (want('memory')) results.memory = benchMemory(pack, say);
  if (want('cold-start') || want('panel')) results.coldStart = await benchColdStartAsync(quick, say, pack);
  if (want('bundle')) bundleSizes();
  results.seconds = (Date.now() - t0) / 1000;
  say(`\nbench finished in ${results.seconds} s`);
  const targets = targetsFrom(results);
  if (targets.length) {
    say('\n## Targets (this run)');
    say('| id | measured | target | met |');
    say('|---|---|---|---|');
    for (const t of targets) say(`| ${t.id} | ${t.measured} ${t.unit} | ${t.unit.startsWith('×') ? (t.unit.includes('lower') ? '≤' : '≥') : '<'} ${t.target} | ${t.met ? 'yes' : '**no**'} |`);
  }
  const suffix = only ? '.partial' : '';
  results.targets = targetsFrom(results);
  writeFileSync(`bench/results${suffix}.json`, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(`bench/results${suffix}.md`, lines.join('\n') + '\n');
  if (only && argv.includes('--merge') && existsSync('bench/results.json')) {
    // The sections this run measured replace theirs in the full results (each says when it was measured).
    const full = JSON.parse(readFileSync('bench/results.json', 'utf8')) as Record<string, unknown>;
    const keys = { 'edit-step': 'editStep', workers: 'workers', profile: 'profile', projection: 'projection', transfer: 'transfer', memory: 'memory', 'cold-start': 'coldStart', panel: 'coldStart', bundle: 'bundle' } as Record<string, string>;
    const measured = (full.measured ?? {}) as Record<string, string>;
    for (const section of only) {
      const k = keys[section];
      if (k && results[k] !== undefined) { full[k] = results[k]; measured[k] = results.date as string; }
    }
    full.measured = measured;
    full.targets = targetsFrom(full);
    writeFileSync('bench/results.json', JSON.stringify(full, null, 2) + '\n');
  }
}

void main().catch((e) => { console.error(e); process.exit(1); });
