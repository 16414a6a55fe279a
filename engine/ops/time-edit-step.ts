import type { PackModel } from '../runtime/pack-model.js';
import { rasterizeStrokes } from '../brushes/rasterize.js';
import { clipToBox } from '../latent/latent-layout.js';
import { createRng } from '../latent/prng.js';

export interface StepTiming {
  /** Median wall time of one edit step (loss + gradient for `candidates` latents), ms. */
  ms: number;
  candidates: number;
  executionProvider: string;
}

/**
 * Times the edit step on the model's current execution provider, as a live edit runs it: a colour
 * stroke across the frame, `candidates` latents jittered around the box's centre, one warm-up run
 * (WebGPU compiles its shaders on the first) and then the median of `repeats` runs. Leaves the
 * edit session alone; used to pick the faster of WebGPU and wasm where both are there.
 */
export async function timeEditStepAsync(model: PackModel, options: { candidates?: number; repeats?: number } = {}): Promise<StepTiming> {
  const B = options.candidates ?? 8, repeats = options.repeats ?? 3;
  if (!Number.isInteger(repeats) || repeats < 1 || repeats > 20) throw new Error(`time-step: repeats must be an integer in [1, 20], got ${repeats}`);
  const step = editStepProbe(model, B);
  const executionProvider = model.executionProvider;
  await step();
  const times: number[] = [];
  for (let k = 0; k < repeats; k++) times.push(await step());
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, candidates: B, executionProvider };
}

/** One edit step of `B` candidates on a fixed colour stroke, as a function that runs it and says how long it took (ms). */
export function editStepProbe(model: PackModel, B: number): () => Promise<number> {
  if (!Number.isInteger(B) || B < 1 || B > 64) throw new Error(`time-step: candidates must be an integer in [1, 64], got ${B}`);
  const { R, L, layout } = model;
  const c = rasterizeStrokes([{ kind: 'color', points: [[R * 0.2, R * 0.3], [R * 0.8, R * 0.6]], width: R / 8, color: [200, 40, 40] }], R, { pixelRange: model.pack.pixelRange });
  const rng = createRng(1);
  const z0 = new Float32Array(L);
  const zb = new Float32Array(B * L);
  for (let b = 0; b < B; b++) for (let i = 0; i < L; i++) zb[b * L + i] = rng.uniform(-0.5, 0.5);
  const z = clipToBox(zb, layout);
  const d = model.pack.defaults.edit;
  const inputs = model.editInputs(c, clipToBox(z0, layout), [d.colorWeight, d.edgeWeight, d.smoothWeight]);
  return async () => {
    const t0 = performance.now();
    await model.editStepAsync(z, inputs);
    return performance.now() - t0;
  };
}
