/** Hybrid projection: wall time to its stopping point, and reconstruction error against time (bench/projection.png). */
import { readFileSync, writeFileSync } from 'node:fs';
import { encode } from 'fast-png';
import { Engine } from '../engine/engine.js';
import { fsPackSource } from '../engine/node/fs-pack-source.js';
import { decodeImage } from '../cli/image-io.js';

export async function benchProjectionAsync(pack: string, quick: boolean, say: (s: string) => void): Promise<Record<string, unknown>> {
  const engine = await Engine.createAsync(fsPackSource(pack), { numThreads: 1 });
  const samples = ['playground/samples/avatar-ada.png', 'playground/samples/avatar-grace.png', 'playground/samples/avatar-linus.png'];
  const runs: { file: string; ms: number; encoderError: number; hybridError: number; trace: [number, number][] }[] = [];
  for (const file of quick ? samples.slice(0, 1) : samples) {
    const img = decodeImage(readFileSync(file), file);
    const trace: [number, number][] = [];
    const t0 = performance.now();
    const r = await engine.projectAsync(img, { onProgress: (p) => trace.push([performance.now() - t0, p.pixelError]) });
    const ms = performance.now() - t0;
    runs.push({ file, ms, encoderError: r.encoderTerms[0], hybridError: r.terms[0], trace });
  }
  await engine.releaseAsync();
  say('\n## Projection (hybrid: encoder start + L-BFGS-B, the pack defaults), onnxruntime-web wasm, 1 thread');
  say('| image | wall time | encoder-only error | hybrid error | hybrid / encoder |');
  say('|---|---|---|---|---|');
  for (const r of runs) {
    say(`| ${r.file.split('/').pop()} | ${(r.ms / 1000).toFixed(2)} s | ${r.encoderError.toFixed(4)} | ${r.hybridError.toFixed(4)} | ${(r.hybridError / r.encoderError).toFixed(2)} |`);
  }
  say('error = masked mean squared error in [-1, 1] pixel units at 64×64; error against time: bench/projection.png');
  writeFileSync('bench/projection.png', plot(runs.map((r) => r.trace)));
  return { runs: runs.map(({ trace, ...rest }) => ({ ...rest, points: trace.length })) };
}

/** A small line plot (error against time, one line per image) drawn into pixels by hand. */
function plot(traces: [number, number][][]): Uint8Array {
  const W = 480, H = 240, pad = 30;
  const px = new Uint8Array(W * H * 4).fill(255);
  const tMax = Math.max(...traces.flat().map((p) => p[0]), 1);
  const eMax = Math.max(...traces.flat().map((p) => p[1]), 1e-6);
  const set = (x: number, y: number, c: number[]) => {
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    const i = (Math.round(y) * W + Math.round(x)) * 4;
    px[i] = c[0]!; px[i + 1] = c[1]!; px[i + 2] = c[2]!;
  };
  for (let x = pad; x < W - 10; x++) set(x, H - pad, [0, 0, 0]);
  for (let y = 10; y < H - pad; y++) set(pad, y, [0, 0, 0]);
  const colours = [[220, 50, 47], [38, 139, 210], [133, 153, 0]];
  traces.forEach((tr, k) => {
    for (let i = 1; i < tr.length; i++) {
      const [t0, e0] = tr[i - 1]!, [t1, e1] = tr[i]!;
      for (let s = 0; s <= 20; s++) {
        const t = t0 + ((t1 - t0) * s) / 20, e = e0 + ((e1 - e0) * s) / 20;
        set(pad + (t / tMax) * (W - pad - 10), H - pad - (e / eMax) * (H - pad - 10), colours[k % 3]!);
      }
    }
  });
  return encode({ width: W, height: H, data: px, channels: 4 });
}
