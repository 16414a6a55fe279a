/**
 * The data-parallel CPU engine: an engine with shards (other copies of the pack's sessions, here
 * reached over MessageChannels as the panel's helper workers are) splits every batched run —
 * the candidates of an edit step, the starts of a projection, the frames of a render — and gets
 * the same numbers as the engine alone, within float tolerance (the per-candidate math does not
 * change; only the batch size each convolution sees does).
 */
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../engine/engine.js';
import { memoryPackSource } from '../../engine/pack/pack-source.js';
import { concatRows, sliceRows, splitCounts } from '../../engine/runtime/split-batch.js';
import { installShardHost } from '../../engine/worker/shard-host.js';
import { PortShard } from '../../engine/worker/shard-client.js';
import type { GraphShard } from '../../engine/runtime/graph-shard.js';
import type { PortLike } from '../../engine/worker/shard-protocol.js';
import { testPackSource } from './pack-dir.js';
import { fitMapping, transferEditAsync } from '../../engine/transfer/index.js';
import { estimateStepsInParallel } from '../../engine/transfer/estimate-steps-parallel.js';

const FILES = ['pack.json', 'weights.bin', 'generator.onnx', 'encoder.onnx', 'edit_step.onnx', 'project_step.onnx'];
let files: Record<string, Uint8Array>;
let alone: Engine, parallel: Engine;
let shard: PortShard;
const runs: string[] = [];
/** What each 'run' sent the shard: the inputs it carried, kept and took from what the shard holds. */
const sentRuns: Array<{ feeds: string[]; keep: string[]; held: string[] }> = [];

/** A shard at the other end of a MessageChannel (its host in this thread, as a helper worker would run it). */
async function channelShard(): Promise<PortShard> {
  const { port1, port2 } = new MessageChannel();
  const asPort = (p: typeof port1): PortLike => ({ postMessage: (m, t) => p.postMessage(m, t as never), addEventListener: (_t, l) => p.on('message', (data) => l({ data })) });
  const hostSide = asPort(port2);
  installShardHost({ ...hostSide, addEventListener: (t, l) => hostSide.addEventListener(t, (e) => {
    const m = e.data as { type: string; feeds?: Record<string, unknown>; keep?: string[]; held?: string[] };
    runs.push(m.type);
    if (m.type === 'run') sentRuns.push({ feeds: Object.keys(m.feeds ?? {}), keep: m.keep ?? [], held: m.held ?? [] });
    l(e);
  }) });
  return PortShard.startAsync(asPort(port1), structuredClone(files), undefined, () => { port1.close(); port2.close(); });
}

beforeAll(async () => {
  const src = testPackSource();
  files = Object.fromEntries(await Promise.all(FILES.map(async (f) => [f, await src(f)] as const)));
  alone = await Engine.createAsync(memoryPackSource(files), { executionProvider: 'wasm' });
  shard = await channelShard();
  parallel = await Engine.createAsync(memoryPackSource(files), { executionProvider: 'wasm', shards: [shard] });
}, 60_000);
afterAll(async () => {
  await alone?.releaseAsync();
  await parallel?.releaseAsync();
});

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('splitting a batch', () => {
  it('splits rows evenly, never into empty parts, and joins them back in order', () => {
    expect(splitCounts(8, 2)).toEqual([4, 4]);
    expect(splitCounts(5, 2)).toEqual([3, 2]);
    expect(splitCounts(1, 4)).toEqual([1]);
    expect(splitCounts(3, 4)).toEqual([1, 1, 1]);
    expect(() => splitCounts(0, 2)).toThrow('split: rows must be a positive integer, got 0');
    const t = { data: Float32Array.from({ length: 5 * 3 }, (_, i) => i), dims: [5, 3] };
    const parts = [sliceRows(t, 0, 3), sliceRows(t, 3, 2)];
    expect(parts[1]!.dims).toEqual([2, 3]);
    expect(Array.from(parts[1]!.data)).toEqual([9, 10, 11, 12, 13, 14]);
    expect(concatRows(parts.map((p) => ({ x: p.data })))).toEqual({ x: t.data });
  });
});

describe('an engine with a shard gives the numbers of the engine alone', () => {
  it('reports its parallelism', () => {
    expect(alone.model.parallelism).toBe(1);
    expect(parallel.model.parallelism).toBe(2);
  });

  it('render: 16 frames, half on the shard', async () => {
    const L = alone.model.L;
    const z = Float32Array.from({ length: 16 * L }, (_, i) => Math.sin(i * 0.37) * 0.8);
    const before = runs.filter((r) => r === 'run').length;
    const [a, b] = [await alone.renderAsync(z), await parallel.renderAsync(z)];
    expect(runs.filter((r) => r === 'run').length).toBe(before + 1); // the shard ran its half
    expect(b.length).toBe(a.length);
    expect(maxDiff(a, b)).toBeLessThan(1e-5);
  });

  it('an edit at B = 8: every step split 4 + 4; the final candidates, losses and ranking agree', async () => {
    const L = alone.model.L;
    const z0 = Float32Array.from({ length: L }, (_, i) => Math.cos(i) * 0.3);
    const stroke = { kind: 'color' as const, points: [[10, 12], [40, 44]] as [number, number][], width: 8, color: [220, 40, 40] as [number, number, number] };
    const results = [];
    const before = runs.filter((r) => r === 'run').length;
    for (const e of [alone, parallel]) {
      // No category search: its extra batched evaluation would change the count of split runs pinned below.
      await e.startEditingAsync(z0, { candidates: 8, steps: 10, seed: 3, categorySearch: false });
      results.push(await e.edit.setStrokesAsync([stroke]));
    }
    const [a, b] = results;
    expect(runs.filter((r) => r === 'run').length - before).toBe(11); // steps 0 … 10, each half on the shard
    expect(maxDiff(a!.loss, b!.loss)).toBeLessThan(1e-4 * Math.max(...a!.loss));
    expect(maxDiff(a!.z, b!.z)).toBeLessThan(1e-4);
    expect(maxDiff(a!.images, b!.images)).toBeLessThan(1e-3);
    expect(b!.order).toEqual(a!.order);
  });

  it('a projection with 4 starts (2 + 2 per evaluation): the same latent and error', async () => {
    const R = alone.model.R;
    const data = new Uint8ClampedArray(R * R * 4);
    for (let i = 0; i < R * R; i++) data.set([(i * 7) % 256, (i * 3) % 200, 120, 255], i * 4);
    const image = { width: R, height: R, data };
    const a = await alone.projectAsync(image, { starts: 4, iterations: 8 });
    const b = await parallel.projectAsync(image, { starts: 4, iterations: 8 });
    expect(b.bestStart).toBe(a.bestStart);
    expect(Math.abs(b.loss - a.loss)).toBeLessThan(1e-4 * a.loss + 1e-6);
    expect(maxDiff(a.z, b.z)).toBeLessThan(1e-3);
  });

  it("a stroke's masks and targets go to the shard once; a new stroke sends its own, and the numbers stay the engine alone's", async () => {
    const L = alone.model.L;
    const z0 = Float32Array.from({ length: L }, (_, i) => Math.sin(i * 0.7) * 0.4);
    const first = { kind: 'color' as const, points: [[8, 30], [50, 30]] as [number, number][], width: 10, color: [30, 160, 60] as [number, number, number] };
    const second = { kind: 'color' as const, points: [[20, 6], [20, 50]] as [number, number][], width: 6, color: [240, 220, 20] as [number, number, number] };
    const constants = ['z0', 'color_target', 'color_mask', 'edge_target', 'edge_mask', 'weights'];
    const results = [];
    let perStroke: Array<typeof sentRuns> = [];
    for (const e of [alone, parallel]) {
      await e.startEditingAsync(z0, { candidates: 8, steps: 4, seed: 11, categorySearch: false });
      const mark = sentRuns.length;
      const a = await e.edit.setStrokesAsync([first]);
      const mid = sentRuns.length;
      const b = await e.edit.setStrokesAsync([first, second]);
      results.push([a, b]);
      if (e === parallel) perStroke = [sentRuns.slice(mark, mid), sentRuns.slice(mid)];
    }
    for (const runsOfStroke of perStroke) {
      expect(runsOfStroke.length).toBe(5); // steps 0 … 4, each half on the shard
      // The first run of a change carries the stroke's inputs (the colour ones changed); the others only z.
      expect(runsOfStroke[0]!.keep).toEqual(expect.arrayContaining(['color_target', 'color_mask']));
      for (const r of runsOfStroke.slice(1)) {
        expect(r.feeds).toEqual(['z']);
        expect([...r.held].sort()).toEqual([...constants].sort());
      }
    }
    for (const k of [0, 1]) {
      const [a, b] = [results[0]![k]!, results[1]![k]!];
      expect(maxDiff(a.loss, b.loss)).toBeLessThan(1e-4 * Math.max(...a.loss));
      expect(maxDiff(a.z, b.z)).toBeLessThan(1e-4);
      expect(b.order).toEqual(a.order);
    }
  });

  it('a shard that fails is dropped and the batch runs on the engine alone', async () => {
    const broken: GraphShard = { runAsync: async () => { throw new Error('the helper worker stopped'); }, releaseAsync: async () => undefined };
    const e = await Engine.createAsync(memoryPackSource(files), { executionProvider: 'wasm', shards: [broken] });
    const warn = console.warn;
    const said: string[] = [];
    console.warn = (m: string) => said.push(m);
    try {
      const z = new Float32Array(4 * e.model.L).fill(0.2);
      const img = await e.renderAsync(z);
      expect(maxDiff(img, await alone.renderAsync(z))).toBeLessThan(1e-5);
      expect(e.model.parallelism).toBe(1);
      expect(said.join()).toContain('the helper worker stopped');
    } finally {
      console.warn = warn;
      await e.releaseAsync();
    }
  });
});

describe('the edit transfer with its frame pairs split across workers', () => {
  it('gives the very same layer as estimating them one after the other', async () => {
    const { L, R } = alone.model;
    const K = 6;
    const z = Float32Array.from({ length: (K + 1) * L }, (_, i) => Math.sin(i * 0.11 + Math.floor(i / L)) * 0.6);
    const images = await alone.renderAsync(z);
    const n = 3 * R * R;
    const frames = Array.from({ length: K + 1 }, (_, k) => images.slice(k * n, (k + 1) * n));
    const W = 96, H = 80;
    const data = new Uint8ClampedArray(W * H * 4);
    for (let i = 0; i < W * H; i++) data.set([(i * 5) % 256, (i >> 3) % 256, 90, 255], i * 4);
    const input = () => ({ frames: frames.map((f) => f.slice()), original: { width: W, height: H, data: data.slice() }, mapping: fitMapping(W, H, R) });
    const before = runs.filter((r) => r === 'estimate').length;
    const one = await transferEditAsync(input());
    const split = await transferEditAsync(input(), { estimateStepsAsync: estimateStepsInParallel([shard]) });
    expect(runs.filter((r) => r === 'estimate').length).toBe(before + 1); // 3 of the 6 pairs went to the shard
    expect(split.final.data).toEqual(one.final.data);
    split.changes.forEach((c, k) => expect(c.flowX).toEqual(one.changes[k]!.flowX));
  });
});
