/**
 * Scores of one edit result against its ground truth, at the layer's resolution. Colours are
 * compared premultiplied by alpha (a clear pixel's colour does not count), 0–255 levels.
 *
 * part     pixels where the original and the truth differ by more than 6 levels (the changed part)
 * rmseIn   RMSE to the truth inside the part (RGB, premultiplied); rmseOut outside it; rmse overall
 * leakage  % of the pixels farther than 2 px from the part that changed by more than 6 levels (RGB or alpha)
 * alphaErr mean |alpha − alpha of the truth| over the layer, levels
 * ghost    % of the part's pixels (where old and new differ by > 48 levels) that are a blend of the
 *          old and the new colour, neither one nor the other
 * ghostAway the same blends, counted only where they lie ≥ 2 px from every edge of the truth and of
 *          the original (a diagnostic: a new shape's edge drawn a pixel off is a blend at the edge,
 *          which `ghost` counts too; a half-there fill, the ghost, is a blend away from edges)
 */
import { premult } from './avatars.js';
import type { RgbaImage } from '../../engine/transfer/index.js';

export interface Scores { rmse: number; rmseIn: number | null; rmseOut: number; leakage: number; alphaErr: number; ghost: number | null; ghostAway?: number | null }

export function dilateMask(mask: Uint8Array, W: number, H: number, r: number): Uint8Array {
  const rows = new Uint8Array(W * H), out = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    if (!mask[y * W + x]) continue;
    rows.fill(1, y * W + Math.max(0, x - r), y * W + Math.min(W - 1, x + r) + 1);
  }
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    if (!rows[y * W + x]) continue;
    for (let v = Math.max(0, y - r); v <= Math.min(H - 1, y + r); v++) out[v * W + x] = 1;
  }
  return out;
}

export function scoreEdit(result: RgbaImage, truth: RgbaImage, original: RgbaImage, part: Uint8Array): Scores {
  const W = truth.width, H = truth.height, n = W * H;
  const band = dilateMask(part, W, H, 2);
  let sIn = 0, nIn = 0, sOut = 0, nOut = 0, leak = 0, nFar = 0, aErr = 0, ghost = 0, nGhost = 0, away = 0;
  const r = result.data, t = truth.data, o = original.data;
  const edges = dilateMask(edgeMask(truth, original), W, H, 1);
  for (let p = 0; p < n; p++) {
    let e = 0;
    for (let c = 0; c < 3; c++) {
      const d = premult(r, p, c) - premult(t, p, c);
      e += d * d;
    }
    const moved = offBy(r, t, p);
    aErr += Math.abs(r[4 * p + 3]! - t[4 * p + 3]!);
    if (part[p]) { sIn += e; nIn++; } else { sOut += e; nOut++; }
    if (!band[p]) { nFar++; if (moved > 6) leak++; }
    if (part[p]) {
      const g = blendAt(o, t, r, p);
      if (g >= 0) { nGhost++; if (g) { ghost++; if (!edges[p]) away++; } }
    }
  }
  return {
    rmse: Math.sqrt((sIn + sOut) / (3 * n)),
    rmseIn: nIn ? Math.sqrt(sIn / (3 * nIn)) : null,
    rmseOut: Math.sqrt(sOut / (3 * Math.max(1, nOut))),
    leakage: (100 * leak) / Math.max(1, nFar),
    alphaErr: aErr / n,
    ghost: nGhost ? (100 * ghost) / nGhost : null,
    ghostAway: nGhost ? (100 * away) / nGhost : null,
  };
}

/**
 * Whether pixel p of the result x is a blend of the original's colour a and the truth's b
 * (premultiplied): on the segment a→b, 0.2–0.8 of the way, within a quarter of |ab| of it. −1 where a
 * and b are within 48 levels (nothing there to ghost), 1 for a blend, 0 otherwise.
 */
function blendAt(o: ArrayLike<number>, t: ArrayLike<number>, r: ArrayLike<number>, p: number): -1 | 0 | 1 {
  let ab2 = 0, ax_ab = 0;
  const a = [0, 0, 0, 0], b = [0, 0, 0, 0], x = [0, 0, 0, 0];
  for (let c = 0; c < 4; c++) { a[c] = premult(o, p, c); b[c] = premult(t, p, c); x[c] = premult(r, p, c); ab2 += (b[c]! - a[c]!) ** 2; ax_ab += (x[c]! - a[c]!) * (b[c]! - a[c]!); }
  if (ab2 <= 48 * 48) return -1;
  const s = ax_ab / ab2;
  let off = 0;
  for (let c = 0; c < 4; c++) off += (x[c]! - a[c]! - s * (b[c]! - a[c]!)) ** 2;
  return s > 0.2 && s < 0.8 && off < 0.0625 * ab2 ? 1 : 0;
}

/** Per pixel of the part: 1 where the result is a blend at an edge, 2 where it is a blend ≥ 2 px from every edge (what `ghost` and `ghostAway` count). */
export function ghostMap(result: RgbaImage, truth: RgbaImage, original: RgbaImage, part: Uint8Array): Uint8Array {
  const n = truth.width * truth.height, out = new Uint8Array(n);
  const edges = dilateMask(edgeMask(truth, original), truth.width, truth.height, 1);
  for (let p = 0; p < n; p++) if (part[p] && blendAt(original.data, truth.data, result.data, p) === 1) out[p] = edges[p] ? 1 : 2;
  return out;
}

/** Per pixel: 1 where the result leaks (what `leakage` counts: > 2 px from the part and > 6 levels off the truth). */
export function leakMap(result: RgbaImage, truth: RgbaImage, part: Uint8Array): Uint8Array {
  const n = truth.width * truth.height, out = new Uint8Array(n);
  const band = dilateMask(part, truth.width, truth.height, 2);
  for (let p = 0; p < n; p++) if (!band[p] && offBy(result.data, truth.data, p) > 6) out[p] = 1;
  return out;
}

/** The largest difference of a channel (premultiplied, alpha included) between two images at pixel p. */
function offBy(a: ArrayLike<number>, b: ArrayLike<number>, p: number): number {
  let m = 0;
  for (let c = 0; c < 4; c++) m = Math.max(m, Math.abs(premult(a, p, c) - premult(b, p, c)));
  return m;
}

/** Pixels where the truth or the original differs from a 4-neighbour by more than 24 levels (premultiplied RGBA): their edges. */
function edgeMask(...ims: RgbaImage[]): Uint8Array {
  const W = ims[0]!.width, H = ims[0]!.height, out = new Uint8Array(W * H);
  for (const im of ims) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const p = y * W + x;
    for (const q of [x + 1 < W ? p + 1 : -1, y + 1 < H ? p + W : -1]) {
      if (q < 0) continue;
      let d = 0;
      for (let c = 0; c < 4; c++) d = Math.max(d, Math.abs(premult(im.data, p, c) - premult(im.data, q, c)));
      if (d > 24) { out[p] = 1; out[q] = 1; }
    }
  }
  return out;
}
