/**
 * Speed of the edit transfer on this machine (not a test: times are never asserted).
 *   npx tsx test/transfer/bench.ts [sizes…]      e.g. 512 1024 2048 4096
 * Reports the estimation of K = 16 steps at 64² and the full-resolution render of the final
 * image (mid grid + guided refinement + the per-pixel pass), median of a few runs.
 */
import { composeChange, estimateStep, fitMapping, identityChange, renderChange, transferEditAsync } from '../../engine/transfer/index.js';
import { bulge, constantColour, renderFrame, sinusoidTexture } from './synthetic.js';

const R = 64, K = 16;
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const tex = sinusoidTexture(7);
const frames: Float32Array[] = [];
for (let k = 0; k <= K; k++) {
  const t = k / K;
  frames.push(renderFrame(tex, R, bulge(30, 34, 10, 3 * t), constantColour([1 + 0.2 * t, 0, 0, -0.05 * t, 0, 1, 0.1 * t, 0, 0, 0, 1 - 0.1 * t, 0.05 * t])));
}
let t0 = performance.now();
const e0 = process.cpuUsage();
let total = identityChange(R);
for (let k = 0; k < K; k++) total = composeChange(total, estimateStep(frames[k]!, frames[k + 1]!, R));
const e1 = process.cpuUsage(e0);
console.log(`estimate + compose, K=${K} at ${R}²: wall ${(performance.now() - t0).toFixed(0)} ms, CPU ${((e1.user + e1.system) / 1000).toFixed(0)} ms`);

function original(W: number, H: number): { width: number; height: number; data: Uint8ClampedArray } {
  const data = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = (y * W + x) * 4;
      data[p] = 128 + 100 * Math.sin(x * 0.01 + y * 0.003);
      data[p + 1] = 128 + 100 * Math.sin(y * 0.013);
      data[p + 2] = (x ^ y) & 255;
      data[p + 3] = 255;
    }
  }
  return { width: W, height: H, data };
}

for (const N of sizes.length ? sizes : [512, 1024, 2048, 4096]) {
  const img = original(N, N), m = fitMapping(N, N, R);
  const times: number[] = [], cpu: number[] = [];
  for (let rep = 0; rep < (N >= 4096 ? 3 : 5); rep++) {
    t0 = performance.now();
    const c0 = process.cpuUsage();
    renderChange(img, total, m);
    const c1 = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    cpu.push((c1.user + c1.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  t0 = performance.now();
  await transferEditAsync({ frames: frames.map((f) => f.map((v) => 2 * v - 1)), original: img, mapping: m });
  const whole = performance.now() - t0;
  console.log(`${N}²: render final wall ${times[times.length >> 1]!.toFixed(0)} ms (min ${times[0]!.toFixed(0)}), CPU ${cpu[cpu.length >> 1]!.toFixed(0)} ms (min ${cpu[0]!.toFixed(0)}); whole transferEditAsync (estimate+render) ${whole.toFixed(0)} ms`);
}
