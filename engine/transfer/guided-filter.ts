/**
 * Guided filter with a colour guide (He, Sun & Tang 2013), split so one guide serves many inputs.
 *
 * In each (2r+1)² window k the input p is modelled as p ≈ a_k·g + b_k (g: the RGB guide) with a
 * ridge ε‖a_k − a₀‖²; the closed form is a_k = (Σ_k + εI)⁻¹(cov_k(g, p) + ε·a₀),
 * b_k = mean_k(p) − a_k·mean_k(g). Averaging a_k, b_k over the windows that contain a pixel is
 * the smoothness prior on the coefficients. Every step is a box mean: O(1) per pixel.
 */
import { boxMean, boxScratch, type BoxScratch } from './box-mean.js';

/** Per-pixel window statistics of a 3-channel guide. */
export interface GuideStats {
  w: number;
  h: number;
  r: number;
  /** [3, H, W] the guide itself. */
  guide: Float32Array;
  /** [3, H, W] window means of the guide. */
  mean: Float32Array;
  /** [6, H, W] (Σ + εI)⁻¹ per window: entries 00, 01, 02, 11, 12, 22. */
  inv: Float32Array;
  scratch: BoxScratch;
}

export function guideStats(guide: Float32Array, w: number, h: number, r: number, eps: number): GuideStats {
  const n = w * h;
  const scratch = boxScratch(w, h);
  const mean = new Float32Array(3 * n);
  for (let c = 0; c < 3; c++) {
    boxMean(guide.subarray(c * n, (c + 1) * n), w, h, r, mean.subarray(c * n, (c + 1) * n), scratch.tmp, scratch.acc);
  }
  const prod = new Float32Array(n), m = new Float32Array(6 * n);
  const pairs = [[0, 0], [0, 1], [0, 2], [1, 1], [1, 2], [2, 2]] as const;
  for (let k = 0; k < 6; k++) {
    const [a, b] = pairs[k];
    const ga = guide.subarray(a * n, (a + 1) * n), gb = guide.subarray(b * n, (b + 1) * n);
    for (let i = 0; i < n; i++) prod[i] = ga[i] * gb[i];
    boxMean(prod, w, h, r, m.subarray(k * n, (k + 1) * n), scratch.tmp, scratch.acc);
  }
  const inv = new Float32Array(6 * n);
  for (let i = 0; i < n; i++) {
    const mr = mean[i], mg = mean[n + i], mb = mean[2 * n + i];
    // covariance + εI (in double precision: E[gg] − μμ loses digits in float32)
    const s00 = m[i] - mr * mr + eps, s01 = m[n + i] - mr * mg, s02 = m[2 * n + i] - mr * mb;
    const s11 = m[3 * n + i] - mg * mg + eps, s12 = m[4 * n + i] - mg * mb, s22 = m[5 * n + i] - mb * mb + eps;
    const c00 = s11 * s22 - s12 * s12, c01 = s02 * s12 - s01 * s22, c02 = s01 * s12 - s02 * s11;
    const det = s00 * c00 + s01 * c01 + s02 * c02;
    const id = det > 1e-30 ? 1 / det : 0;
    inv[i] = c00 * id;
    inv[n + i] = c01 * id;
    inv[2 * n + i] = c02 * id;
    inv[3 * n + i] = (s00 * s22 - s02 * s02) * id;
    inv[4 * n + i] = (s01 * s02 - s00 * s12) * id;
    inv[5 * n + i] = (s00 * s11 - s01 * s01) * id;
  }
  return { w, h, r, guide, mean, inv, scratch };
}

/**
 * Per-window coefficients for one input channel `p`, averaged over the windows containing each
 * pixel with radius `smoothR` (the guided filter's second step; r for the classic filter).
 * `prior` = (a₀, ε) pulls a toward a₀ (zero for the classic filter); ε must match the one the
 * stats were built with. Writes a into out[0..2] planes and b into out[3].
 */
export function fitGuidedChannel(
  s: GuideStats, p: Float32Array, eps: number, prior: readonly [number, number, number] | null, smoothR: number,
  out: Float32Array, work: Float32Array,
): void {
  const { w, h, r, guide, mean, inv, scratch } = s;
  const n = w * h;
  // work: [5, H, W] → mean p, mean g_r p, mean g_g p, mean g_b p, product scratch
  const mp = work.subarray(0, n), prod = work.subarray(4 * n, 5 * n);
  boxMean(p, w, h, r, mp, scratch.tmp, scratch.acc);
  for (let c = 0; c < 3; c++) {
    const g = guide.subarray(c * n, (c + 1) * n);
    for (let i = 0; i < n; i++) prod[i] = g[i] * p[i];
    boxMean(prod, w, h, r, work.subarray((c + 1) * n, (c + 2) * n), scratch.tmp, scratch.acc);
  }
  const p0 = prior ? eps * prior[0] : 0, p1 = prior ? eps * prior[1] : 0, p2 = prior ? eps * prior[2] : 0;
  for (let i = 0; i < n; i++) {
    const mr = mean[i], mg = mean[n + i], mb = mean[2 * n + i], m = mp[i];
    const c0 = work[n + i] - mr * m + p0, c1 = work[2 * n + i] - mg * m + p1, c2 = work[3 * n + i] - mb * m + p2;
    const i00 = inv[i], i01 = inv[n + i], i02 = inv[2 * n + i], i11 = inv[3 * n + i], i12 = inv[4 * n + i], i22 = inv[5 * n + i];
    const a0 = i00 * c0 + i01 * c1 + i02 * c2;
    const a1 = i01 * c0 + i11 * c1 + i12 * c2;
    const a2 = i02 * c0 + i12 * c1 + i22 * c2;
    out[i] = a0;
    out[n + i] = a1;
    out[2 * n + i] = a2;
    out[3 * n + i] = m - a0 * mr - a1 * mg - a2 * mb;
  }
  if (smoothR > 0) {
    for (let c = 0; c < 4; c++) {
      const plane = out.subarray(c * n, (c + 1) * n);
      prod.set(plane);
      boxMean(prod, w, h, smoothR, plane, scratch.tmp, scratch.acc);
    }
  }
}
