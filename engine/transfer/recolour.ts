/**
 * A colour-stroke edit rendered as what it means: the part painted over takes the painted colour.
 *
 * The generator decides WHICH pixels the edit covers (the edit region: the change connected to the
 * paint, keeping to the layer's colours under it); it cannot decide the exact colour (a 64² model
 * meets a colour only halfway, and its affine colour model applied to the layer's colours drifts
 * to murky blends). Inside the region every pixel of the part is shifted by the same amount, the
 * painted colour minus the part's own main colour (so the part's shading stays, and a flat part
 * comes out exactly the painted colour); every other pixel is left alone. Edge pixels — a blend of
 * the part's colour and a neighbour's (antialiasing) — are shifted by their share of the part, the
 * matte α found by projecting the pixel onto the line between the two colours:
 *
 *   out = c + α·(t − c_ref)   where the region selects     c: layer colour, t: painted colour, c_ref: part colour
 *
 * so a pixel is either the old content or the new one, never a haze of both, and nothing spills
 * past the part's own edge. Alpha is untouched (a recolour changes no shape).
 *
 * Which pixels the region selects is recolour-parts.ts's; how each tone of the part follows the paint, shades.ts's.
 */
import type { FrameMapping } from './frame-mapping.js';
import type { RgbaImage } from './types.js';
import { sampleClamped } from './sample.js';
import { spans } from './area-downscale.js';
import { dist } from './colour-clusters.js';
import { shadeChannel, type Shade } from './shades.js';

export interface RecolourOptions {
  /** A layer colour within this distance (0–255 RGB, Euclidean) of a part colour is the part, fully. */
  near: number;
  /** Half-size of the window searched for an edge pixel's other colour, layer px. */
  window: number;
  /** Share of the samples under the paint a colour needs to count as one of the part's colours. */
  minShare: number;
  /**
   * A piece of the part the fill from the paint cannot reach joins when the generator changed it
   * alike: by at least this fraction of the painted pieces' change, the same way (piecesChangedAlike).
   * Infinity: never.
   */
  joinAlike: number;
  /**
   * Other flat colours of the layer, closer to the part's than `near` was (separatingNear): a pixel
   * within `near` of one is that colour, never an edge blend of the part (set by the transfer).
   */
  others?: number[][];
}

/** Region value (bilinear at the pixel) from which a pixel is selected. */
const SELECTED = 0.5;

export const DEFAULT_RECOLOUR_OPTIONS: Readonly<RecolourOptions> = { near: 12, window: 2, minShare: 0.04, joinAlike: 0.3 };

export interface RecolourPlan {
  region: Float32Array;
  /** [3, R, R] the painted colour each cell takes, 0–255. */
  target: Float32Array;
  /** The part's colours (0–255), the main one first. */
  palette: number[][];
  /** How each colour follows the main one to the painted colour (shadeOf); absent: all 'shift'. */
  shades?: Shade[];
  options: RecolourOptions;
}

/**
 * Renders rows [y0, y1) of the recoloured layer at fraction `amount` of the edit (1: the whole
 * edit; a sequence frame k of K uses k/K). Pixels outside the region are copied byte for byte.
 */
export function recolourRows(original: RgbaImage, mapping: FrameMapping, plan: RecolourPlan, amount: number, out: Uint8ClampedArray, y0: number, y1: number): void {
  const { width: W, height: H, data } = original, R = mapping.resolution, N = R * R;
  const { region, target, palette, options: o } = plan;
  const main = palette[0], ref = { k: 0 };
  for (let y = y0; y < y1; y++) {
    const fy = (y + 0.5) * mapping.scale + mapping.offsetY;
    const v = Math.min(R - 1, Math.max(0, Math.floor(fy)));
    for (let x = 0; x < W; x++) {
      const p = (y * W + x) * 4;
      const fx = (x + 0.5) * mapping.scale + mapping.offsetX;
      out[p] = data[p]!; out[p + 1] = data[p + 1]!; out[p + 2] = data[p + 2]!; out[p + 3] = data[p + 3]!;
      // the region selects (connected to the paint or not); the matte alone makes the soft edges,
      // so a pixel of the part is never half recoloured by a frame-resolution rim
      if (!main || data[p + 3] === 0 || sampleClamped(region, R, R, fx - 0.5, fy - 0.5) < SELECTED) continue;
      const a = matte(data, W, H, x, y, palette, o, ref);
      if (a <= 0) continue;
      const q = v * R + Math.min(R - 1, Math.max(0, Math.floor(fx))), k = amount * a, tone = palette[ref.k]!, shade = plan.shades?.[ref.k] ?? 'shift';
      for (let c = 0; c < 3; c++) out[p + c] = data[p + c]! + k * (shadeChannel(shade, tone[c]!, main![c]!, target[c * N + q]!) - tone[c]!);
    }
  }
}

/**
 * The recolour at a smaller size (the panel's preview): each output pixel is `scaled` (the layer
 * area-averaged, areaDownscale) plus the mean change recolourRows makes over the layer pixels it
 * covers, alpha-weighted as the area average is — so it is the applied layer scaled down. Pixels
 * whose footprint is outside the region are copied; inside, at most `maxSamples`² layer pixels a
 * footprint are read (evenly spread: exact up to that footprint, sampled beyond).
 */
export function recolourScaledRows(original: RgbaImage, mapping: FrameMapping, plan: RecolourPlan, amount: number, scaled: RgbaImage, out: Uint8ClampedArray, j0: number, j1: number, maxSamples = 4): void {
  const { width: W, height: H, data } = original, { width: w } = scaled, R = mapping.resolution, N = R * R;
  const { region, target, palette, options: o } = plan;
  const main = palette[0], ref = { k: 0 };
  const xs = sampleSpans(W, w, maxSamples), ys = sampleSpans(H, scaled.height, maxSamples);
  const cellMax = regionCellMax(region, R);
  for (let j = j0; j < j1; j++) {
    const fy0 = Math.floor(ys.lo[j]! * mapping.scale + mapping.offsetY), fy1 = Math.floor(ys.hi[j]! * mapping.scale + mapping.offsetY);
    for (let i = 0; i < w; i++) {
      const q = (j * w + i) * 4;
      out[q] = scaled.data[q]!; out[q + 1] = scaled.data[q + 1]!; out[q + 2] = scaled.data[q + 2]!; out[q + 3] = scaled.data[q + 3]!;
      if (!main || scaled.data[q + 3] === 0) continue;
      const fx0 = Math.floor(xs.lo[i]! * mapping.scale + mapping.offsetX), fx1 = Math.floor(xs.hi[i]! * mapping.scale + mapping.offsetX);
      if (cellMax(fx0, fy0, fx1, fy1) < SELECTED) continue; // no layer pixel under it can be selected
      let dr = 0, dg = 0, db = 0, wa = 0;
      for (let b = ys.start[j]!; b < ys.start[j + 1]!; b++) {
        const y = ys.index[b]!, fy = (y + 0.5) * mapping.scale + mapping.offsetY, v = Math.min(R - 1, Math.max(0, Math.floor(fy)));
        for (let a = xs.start[i]!; a < xs.start[i + 1]!; a++) {
          const x = xs.index[a]!, p = (y * W + x) * 4, wt = xs.weight[a]! * ys.weight[b]! * data[p + 3]!;
          if (wt === 0) continue;
          wa += wt;
          const fx = (x + 0.5) * mapping.scale + mapping.offsetX;
          if (sampleClamped(region, R, R, fx - 0.5, fy - 0.5) < SELECTED) continue;
          const m = matte(data, W, H, x, y, palette, o, ref);
          if (m <= 0) continue;
          const c = v * R + Math.min(R - 1, Math.max(0, Math.floor(fx))), k = amount * m, tone = palette[ref.k]!, shade = plan.shades?.[ref.k] ?? 'shift';
          // the applied pixel (rounded and clamped as recolourRows stores it) minus the layer's
          dr += wt * (byte(data[p]! + k * (shadeChannel(shade, tone[0]!, main[0]!, target[c]!) - tone[0]!)) - data[p]!);
          dg += wt * (byte(data[p + 1]! + k * (shadeChannel(shade, tone[1]!, main[1]!, target[N + c]!) - tone[1]!)) - data[p + 1]!);
          db += wt * (byte(data[p + 2]! + k * (shadeChannel(shade, tone[2]!, main[2]!, target[2 * N + c]!) - tone[2]!)) - data[p + 2]!);
        }
      }
      if (wa > 0) { out[q] = scaled.data[q]! + dr / wa; out[q + 1] = scaled.data[q + 1]! + dg / wa; out[q + 2] = scaled.data[q + 2]! + db / wa; }
    }
  }
}

/** As a Uint8ClampedArray stores a value: rounded (half to even), clamped to 0…255. */
function byte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v) - (v % 1 === 0.5 && Math.round(v) % 2 ? 1 : 0);
}

/** spans() with at most `max` samples an output pixel: all with their coverage, or `max` evenly spread, equally weighted. */
function sampleSpans(N: number, n: number, max: number): { start: Int32Array; index: Int32Array; weight: Float64Array; lo: Float64Array; hi: Float64Array } {
  const full = spans(N, n), s = N / n;
  const start = new Int32Array(n + 1), index: number[] = [], weight: number[] = [], lo = new Float64Array(n), hi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    start[i] = index.length;
    lo[i] = i * s; hi[i] = Math.min(N - 1e-6, (i + 1) * s);
    const a = full.start[i]!, b = full.start[i + 1]!;
    if (b - a <= max) {
      for (let k = a; k < b; k++) { index.push(full.index[k]!); weight.push(full.weight[k]!); }
    } else {
      for (let k = 0; k < max; k++) { index.push(Math.min(N - 1, Math.floor(i * s + ((k + 0.5) * s) / max))); weight.push(1); }
    }
  }
  start[n] = index.length;
  return { start, index: Int32Array.from(index), weight: Float64Array.from(weight), lo, hi };
}

/** The largest region value over the frame cells [x0−1, x1+1]×[y0−1, y1+1] (bilinear sampling never exceeds it). */
function regionCellMax(region: Float32Array, R: number): (x0: number, y0: number, x1: number, y1: number) => number {
  return (x0, y0, x1, y1) => {
    let m = 0;
    for (let v = Math.max(0, y0 - 1); v <= Math.min(R - 1, y1 + 1); v++) for (let u = Math.max(0, x0 - 1); u <= Math.min(R - 1, x1 + 1); u++) m = Math.max(m, region[v * R + u]!);
    return m;
  };
}

/**
 * How much of pixel (x, y) is the part: 1 near one of its colours; for a blend of a part colour
 * and a neighbour colour (an antialiased edge), the blend's share of the part; else 0. `which.k`
 * is set to the index of the part colour nearest to the pixel.
 */
function matte(d: ArrayLike<number>, W: number, H: number, x: number, y: number, palette: number[][], o: RecolourOptions, which: { k: number }): number {
  const p = (y * W + x) * 4, c = [d[p]!, d[p + 1]!, d[p + 2]!];
  let ref = palette[0]!, best = Infinity;
  palette.forEach((k, i) => { const e = dist(c, k); if (e < best) { best = e; ref = k; which.k = i; } });
  if (best <= o.near) return 1;
  if (o.others?.some((t) => dist(c, t) <= o.near)) return 0;
  // the other colour of the blend: the window's pixel farthest from the part colour
  let other: number[] | null = null, far = 0;
  for (let v = Math.max(0, y - o.window); v <= Math.min(H - 1, y + o.window); v++) {
    for (let u = Math.max(0, x - o.window); u <= Math.min(W - 1, x + o.window); u++) {
      const q = (v * W + u) * 4;
      if (d[q + 3]! < 128) continue;
      const e = Math.hypot(d[q]! - ref[0]!, d[q + 1]! - ref[1]!, d[q + 2]! - ref[2]!);
      if (e > far) { far = e; other = [d[q]!, d[q + 1]!, d[q + 2]!]; }
    }
  }
  if (!other || far <= o.near) return 0;
  // project c onto the segment other → ref; a blend lies on it
  let dot = 0, len2 = 0, off = 0;
  for (let i = 0; i < 3; i++) { dot += (c[i]! - other[i]!) * (ref[i]! - other[i]!); len2 += (ref[i]! - other[i]!) ** 2; }
  const a = dot / len2;
  for (let i = 0; i < 3; i++) off += (c[i]! - other[i]! - a * (ref[i]! - other[i]!)) ** 2;
  if (Math.sqrt(off) > o.near) return 0; // not on the line: a third colour, not this part
  return a <= 0 ? 0 : a >= 1 ? 1 : a;
}
