import type { CategoricalCode, ContinuousCode, NoiseSpec, Pack } from '../pack/pack-types.js';

/** The latent layout of a pack in the form the optimisers use. */
export interface LatentLayout {
  size: number;
  /** The noise slice (offset, size, range). */
  noise: NoiseSpec;
  /** Box bounds per dim (categorical dims: [0, 1]). */
  lower: Float64Array;
  upper: Float64Array;
  /** 1 where a dim is optimised (noise, continuous codes), 0 on categorical one-hot slices (held fixed). */
  free: Uint8Array;
  /** Indices of the free dims, ascending. */
  freeIndices: Int32Array;
  categorical: CategoricalCode[];
  continuous: ContinuousCode[];
}

export function latentLayout(pack: Pack): LatentLayout {
  const { size, noise, codes } = pack.latent;
  const lower = new Float64Array(size), upper = new Float64Array(size), free = new Uint8Array(size);
  for (let i = noise.offset; i < noise.offset + noise.size; i++) {
    lower[i] = noise.range[0]; upper[i] = noise.range[1]; free[i] = 1;
  }
  const categorical: CategoricalCode[] = [], continuous: ContinuousCode[] = [];
  for (const c of codes) {
    if (c.kind === 'categorical') {
      categorical.push(c);
      for (let i = c.offset; i < c.offset + c.size; i++) { lower[i] = 0; upper[i] = 1; }
    } else {
      continuous.push(c);
      lower[c.offset] = c.range[0]; upper[c.offset] = c.range[1]; free[c.offset] = 1;
    }
  }
  const freeIndices = Int32Array.from([...free.keys()].filter((i) => free[i] === 1));
  return { size, noise, lower, upper, free, freeIndices, categorical, continuous };
}

/** Clips every latent of a batch `z` [B, L] (in place) to the box. */
export function clipToBox(z: Float32Array, layout: LatentLayout): Float32Array {
  const L = layout.size;
  for (let k = 0; k < z.length; k++) {
    const i = k % L;
    const v = z[k]!;
    z[k] = v < layout.lower[i]! ? layout.lower[i]! : v > layout.upper[i]! ? layout.upper[i]! : v;
  }
  return z;
}

/** Index of the chosen category of `code` in latent `b` of batch `z` (argmax of its slice). */
export function categoryOf(z: Float32Array, code: CategoricalCode, b = 0, L = z.length): number {
  let best = 0;
  for (let j = 1; j < code.size; j++) if (z[b * L + code.offset + j]! > z[b * L + code.offset + best]!) best = j;
  return best;
}

/** Sets categorical slice `code` of latent `b` to one-hot at `category` (in place). */
export function setCategory(z: Float32Array, code: CategoricalCode, category: number, b = 0, L = z.length): void {
  for (let j = 0; j < code.size; j++) z[b * L + code.offset + j] = j === category ? 1 : 0;
}

/** Snaps every categorical slice of every latent in `z` [B, L] to one-hot at its argmax (in place). */
export function snapCategorical(z: Float32Array, layout: LatentLayout): Float32Array {
  const B = z.length / layout.size;
  for (let b = 0; b < B; b++) {
    for (const c of layout.categorical) setCategory(z, c, categoryOf(z, c, b, layout.size), b, layout.size);
  }
  return z;
}

/** The `k` most probable categories of `code` in latent `z` (a single latent), best first. */
export function topCategories(z: Float32Array, code: CategoricalCode, k: number): number[] {
  const idx = Array.from({ length: code.size }, (_, j) => j);
  idx.sort((a, b) => z[code.offset + b]! - z[code.offset + a]! || a - b);
  return idx.slice(0, Math.max(1, Math.min(k, code.size)));
}
