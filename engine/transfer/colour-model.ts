/**
 * Fits the locally affine colour model target ≈ A·[source; 1] (A: 3×4 per pixel).
 *
 * Why a guided filter and not a global solve of σ_c‖∇A‖²: the windowed ridge regression is the
 * closed-form minimiser of the data term over each (2r+1)² window with A constant inside it, and
 * averaging the window solutions is a smoothness prior on A of the same kind — so it stands in for
 * σ_c‖∇A‖² at O(1) per pixel, with no iterations to converge and a well-conditioned 3×3 solve per
 * pixel (the ridge ε keeps flat windows from being singular). The ridge pulls toward the identity
 * (not toward zero, as the classic filter does): with no evidence, a window keeps its colours and
 * only shifts them by the change of its mean. The window must be wide enough that colour cannot
 * stand in for motion: over a small window a smooth texture is nearly affine in position, and then
 * an affine colour map could fake a small shift; r ≈ 4 at 64² is several texture features wide.
 */
import { fitGuidedChannel, guideStats } from './guided-filter.js';

export interface ColourModelOptions {
  /** Window radius of the local fit, frame pixels. */
  radius: number;
  /** Radius over which window solutions are averaged (the smoothness of A). */
  smoothRadius: number;
  /** Ridge ε toward the identity, in colour variance units ([0, 1] colours). */
  ridge: number;
}

const UNIT = [[1, 0, 0], [0, 1, 0], [0, 0, 1]] as const;

/** source, target: [3, H, W] in [0, 1]; returns / fills out: [12, H, W] (see ChangeField.colour). */
export function fitColourModel(
  source: Float32Array, target: Float32Array, w: number, h: number, o: ColourModelOptions, out?: Float32Array,
): Float32Array {
  const n = w * h;
  const A = out ?? new Float32Array(12 * n);
  const stats = guideStats(source, w, h, o.radius, o.ridge);
  const work = new Float32Array(5 * n);
  for (let c = 0; c < 3; c++) {
    fitGuidedChannel(stats, target.subarray(c * n, (c + 1) * n), o.ridge, UNIT[c], o.smoothRadius, A.subarray(4 * c * n, 4 * (c + 1) * n), work);
  }
  return A;
}

/** out = A·[src; 1] per pixel (src, out: [3, H, W]; may not alias). */
export function applyColourModel(A: Float32Array, src: Float32Array, n: number, out: Float32Array): Float32Array {
  for (let i = 0; i < n; i++) {
    const r = src[i], g = src[n + i], b = src[2 * n + i];
    for (let c = 0; c < 3; c++) {
      const o = 4 * c * n;
      out[c * n + i] = A[o + i] * r + A[o + n + i] * g + A[o + 2 * n + i] * b + A[o + 3 * n + i];
    }
  }
  return out;
}

/** The identity model for n pixels. */
export function identityColour(n: number): Float32Array {
  const A = new Float32Array(12 * n);
  A.fill(1, 0, n);
  A.fill(1, 5 * n, 6 * n);
  A.fill(1, 10 * n, 11 * n);
  return A;
}
