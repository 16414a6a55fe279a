/**
 * Where the edit step's time goes in onnxruntime-web (wasm, 1 thread): ORT's own per-node
 * profile of the editStep graph at batch B, after warm-up, summed by op type and by the part of
 * the graph a node belongs to (generator forward, backward convolutions, HOG, the rest).
 * ORT's wasm build prints the profile on stdout, so the session runs in a child process:
 *   profileEditStep(pack, B)              (bench/run.ts)
 *   npx tsx bench/profile-step.ts --child <pack> <batch>
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { halfToFloatBytes } from '../engine/pack/half-float.js';

interface KernelEvent { cat: string; name: string; ts: number; dur: number; args: { op_name?: string } }
export interface StepProfile { batch: number; runs: number; kernelMs: number; byOp: Record<string, number>; byPart: Record<string, number> }

const WARM = 5, RUNS = 20;

/** The part of the graph a node belongs to, from the name scopes the exporter writes. */
function partOf(name: string): string {
  if (name.startsWith('/G/')) return 'generator forward (ConvTranspose)';
  if (name.startsWith('/hog/')) return 'HOG edge features';
  if (/^\/(Conv|ConvTranspose)(_\d+)?_kernel_time$/.test(name)) return 'backward convolutions (generator and HOG adjoints)';
  return 'elementwise ops, masks, shapes';
}

export function profileEditStep(pack: string, batch: number): StepProfile {
  const out = execFileSync(join('node_modules', '.bin', 'tsx'), ['bench/profile-step.ts', '--child', pack, String(batch)], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20, stdio: ['ignore', 'pipe', 'ignore'] });
  const events = (JSON.parse(out.slice(out.indexOf('['), out.lastIndexOf(']') + 1)) as KernelEvent[])
    .filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'))
    .sort((a, b) => a.ts - b.ts);
  // every run starts with the same node: skip the warm-up runs
  const first = events[0]!.name;
  const from = events.filter((e) => e.name === first).map((e) => e.ts)[WARM]!;
  const byOp: Record<string, number> = {}, byPart: Record<string, number> = {};
  let kernelMs = 0;
  for (const e of events) {
    if (e.ts < from) continue;
    const ms = e.dur / 1000 / RUNS, op = e.args.op_name ?? '?', part = partOf(e.name);
    byOp[op] = (byOp[op] ?? 0) + ms;
    byPart[part] = (byPart[part] ?? 0) + ms;
    kernelMs += ms;
  }
  return { batch, runs: RUNS, kernelMs, byOp, byPart };
}

async function childAsync(packDir: string, B: number): Promise<void> {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  const pack = JSON.parse(readFileSync(join(packDir, 'pack.json'), 'utf8'));
  const session = await ort.InferenceSession.create(readFileSync(join(packDir, pack.graphs.editStep.file)), {
    executionProviders: ['wasm'], graphOptimizationLevel: 'all', enableProfiling: true,
    externalData: [{ path: pack.weights.file, data: pack.weights.storage === 'float16' ? halfToFloatBytes(readFileSync(join(packDir, pack.weights.file))) : readFileSync(join(packDir, pack.weights.file)) }],
  });
  const L = pack.latent.size, R = pack.resolution;
  const T = (d: Float32Array, dims: number[]) => new ort.Tensor('float32', d, dims);
  const wave = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(1.7 * i) * 0.5);
  const mask = () => Float32Array.from({ length: R * R }, (_, i) => (Math.sin(0.37 * i) > 0.6 ? 1 : 0));
  const feeds = {
    z: T(wave(B * L), [B, L]), z0: T(wave(L), [1, L]), color_target: T(wave(3 * R * R), [1, 3, R, R]), color_mask: T(mask(), [1, 1, R, R]),
    edge_target: T(wave(3 * R * R), [1, 3, R, R]), edge_mask: T(mask(), [1, 1, R, R]), weights: T(Float32Array.from([1, 0.2, 0.05]), [3]),
  };
  for (let i = 0; i < WARM + RUNS; i++) await session.run(feeds);
  session.endProfiling();
  await session.release();
}

if (process.argv[2] === '--child') void childAsync(process.argv[3]!, Number(process.argv[4]));
