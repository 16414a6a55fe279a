import type { LatentLayout } from '../latent/latent-layout.js';
import { categoryOf, setCategory } from '../latent/latent-layout.js';

export type InterpolationMode = 'linear' | 'slerp';
/** How categorical codes travel: `switch` jumps to the target category at the midpoint (the latent stays one-hot, as the generator was trained); `blend` mixes the one-hot slices linearly. */
export type CategoricalMode = 'switch' | 'blend';

/**
 * K latents from `from` to `to` (both single latents [L]), first = from, last = to, as [K, L].
 * Free dims (noise, continuous codes) are interpolated linearly or by slerp (spherical, on the free
 * dims as one vector — falls back to linear when the vectors are nearly parallel or one is ~0),
 * clipped to the box; categorical slices switch at the midpoint or blend.
 */
export function interpolateLatents(
  from: Float32Array, to: Float32Array, K: number, layout: LatentLayout,
  options: { mode?: InterpolationMode; categorical?: CategoricalMode } = {},
): Float32Array {
  const { mode = 'linear', categorical = 'switch' } = options;
  const L = layout.size;
  if (from.length !== L || to.length !== L) throw new Error(`interpolate: latents must have length ${L}, got ${from.length}/${to.length}`);
  if (!Number.isInteger(K) || K < 2 || K > 1024) throw new Error(`interpolate: frames must be an integer in [2, 1024], got ${K}`);
  const free = layout.freeIndices;
  let dot = 0, na = 0, nb = 0;
  for (const i of free) { dot += from[i]! * to[i]!; na += from[i]! * from[i]!; nb += to[i]! * to[i]!; }
  const cos = dot / Math.sqrt(na * nb || 1);
  const omega = Math.acos(Math.max(-1, Math.min(1, cos)));
  const useSlerp = mode === 'slerp' && na > 1e-12 && nb > 1e-12 && Math.sin(omega) > 1e-6;
  const out = new Float32Array(K * L);
  for (let k = 0; k < K; k++) {
    const t = k / (K - 1);
    let wa = 1 - t, wb = t;
    if (useSlerp) { wa = Math.sin((1 - t) * omega) / Math.sin(omega); wb = Math.sin(t * omega) / Math.sin(omega); }
    const row = k * L;
    for (const i of free) {
      const v = wa * from[i]! + wb * to[i]!;
      out[row + i] = Math.min(layout.upper[i]!, Math.max(layout.lower[i]!, v));
    }
    for (const c of layout.categorical) {
      if (categorical === 'blend') {
        for (let j = c.offset; j < c.offset + c.size; j++) out[row + j] = (1 - t) * from[j]! + t * to[j]!;
      } else {
        const src = t < 0.5 ? from : to;
        setCategory(out, c, categoryOf(src, c, 0, L), k, L);
      }
    }
  }
  // The ends are exactly the inputs.
  out.set(from, 0);
  out.set(to, (K - 1) * L);
  return out;
}
