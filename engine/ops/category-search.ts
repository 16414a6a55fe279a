import type { PackModel, EditInputs } from '../runtime/pack-model.js';
import { categoryOf, setCategory, type LatentLayout } from '../latent/latent-layout.js';

/**
 * Every latent one categorical switch away from `z` [L]: each code moved to each of its other
 * categories, the rest unchanged. [S, L] with S = Σ (size − 1).
 */
export function singleSwitches(z: Float32Array, layout: LatentLayout): Float32Array {
  const L = layout.size;
  const S = layout.categorical.reduce((n, c) => n + c.size - 1, 0);
  const out = new Float32Array(S * L);
  let s = 0;
  for (const c of layout.categorical) {
    const current = categoryOf(z, c);
    for (let j = 0; j < c.size; j++) {
      if (j === current) continue;
      out.set(z, s * L);
      setCategory(out, c, j, s, L);
      s++;
    }
  }
  return out;
}

export interface SwitchSeed {
  /** [L] the switched latent. */
  z: Float32Array;
  /** Its cost under the constraints, at the point it was found. */
  loss: number;
}

/**
 * The categorical switches of `base` that satisfy the constraints better than `base` itself, best
 * first (at most `limit`). Adam only moves the continuous dims, so without this a stroke can never
 * reach what a code decides: with codes tied to attributes (the v2 pack: hair colour, glasses, …)
 * a red stroke on the hair is met by switching "Hair colour" to red, not by bending the noise.
 * Costs S / B edit steps (one batched evaluation per `batch` switches).
 */
export async function findCategorySwitchesAsync(
  model: PackModel, base: Float32Array, inputs: EditInputs, limit: number, batch: number, signal?: AbortSignal,
): Promise<SwitchSeed[]> {
  const { L, layout } = model;
  if (layout.categorical.length === 0 || limit <= 0) return [];
  const switches = singleSwitches(base, layout);
  const S = switches.length / L;
  // The base's own cost rides along in the first chunk, so both are measured by the same run.
  const all = new Float32Array((S + 1) * L);
  all.set(base, 0);
  all.set(switches, L);
  const losses = new Float32Array(S + 1);
  const B = Math.max(1, batch);
  for (let i = 0; i <= S; i += B) {
    signal?.throwIfAborted();
    const n = Math.min(B, S + 1 - i);
    const r = await model.editStepAsync(all.slice(i * L, (i + n) * L), inputs);
    losses.set(r.loss.subarray(0, n), i);
  }
  signal?.throwIfAborted();
  const baseLoss = losses[0]!;
  const better: SwitchSeed[] = [];
  for (let s = 1; s <= S; s++) {
    const loss = losses[s]!;
    if (Number.isFinite(loss) && loss < baseLoss) better.push({ z: all.slice(s * L, (s + 1) * L), loss });
  }
  better.sort((a, b) => a.loss - b.loss);
  return better.slice(0, limit);
}
