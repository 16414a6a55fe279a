/**
 * Brings a frame-resolution ChangeField to the original layer, edge-aware.
 *
 * The fields are resampled (exactly, through the FrameMapping) onto a "mid" grid over the
 * original — one mid pixel = s×s original pixels, about `midPerFramePixel` mid pixels per frame
 * pixel — and then refined there with a colour guided filter whose guide is the ORIGINAL
 * (premultiplied RGB, box-averaged to the mid grid): inside a window the field is refitted as an
 * affine function of the original's colour, so its transitions snap to the original's edges
 * instead of the frame's 1-px-wide blur (fast guided filter, He & Sun 2015). The renderer then
 * interpolates the mid grid bilinearly; the colour model, being affine in the original's own
 * colour at full resolution, keeps full-resolution edges on top of that.
 *
 * Outside the frame (crop): 'clamp' extends the field from the frame's edge (continuous, no
 * seam; the default); 'identity' means no change there.
 */
import { fitGuidedChannel, guideStats } from './guided-filter.js';
import { sampleClamped } from './sample.js';
import type { FrameMapping } from './frame-mapping.js';
import type { ChangeField, RgbaImage } from './types.js';

export type Outside = 'clamp' | 'identity';

export interface FullResOptions {
  /** Field outside the frame's covered area (crop mappings). */
  outside: Outside;
  /** Mid-grid density, mid pixels per frame pixel. */
  midPerFramePixel: number;
  /** Guided refinement window radius, in frame pixels (0: no refinement). */
  guideRadius: number;
  /** Guided refinement ε, in guide colour variance ([0, 1] colours). */
  guideEps: number;
}

export const DEFAULT_FULL_RES_OPTIONS: Readonly<FullResOptions> = {
  outside: 'clamp',
  midPerFramePixel: 4,
  guideRadius: 1.5,
  guideEps: 1e-3,
};

/** The original's mid grid and guide statistics; computed once, reused for every frame. */
export interface MidGrid {
  /** Original pixels per mid pixel (integer ≥ 1). */
  step: number;
  w: number;
  h: number;
  /** Guided-filter radius on the mid grid (0: refinement off). */
  radius: number;
  eps: number;
  stats: ReturnType<typeof guideStats> | null;
}

export function midGrid(original: RgbaImage, mapping: FrameMapping, o: FullResOptions): MidGrid {
  const perFrame = 1 / mapping.scale; // original px per frame px
  const step = Math.max(1, Math.floor(perFrame / o.midPerFramePixel));
  const W = original.width, H = original.height;
  const w = Math.ceil(W / step), h = Math.ceil(H / step), n = w * h;
  // refine only when there is real upsampling to do
  const radius = perFrame >= 2 && o.guideRadius > 0 ? Math.max(1, Math.round((o.guideRadius * perFrame) / step)) : 0;
  if (radius === 0) return { step, w, h, radius, eps: o.guideEps, stats: null };
  // premultiplied RGB averaged over each s×s block, on a sub-grid of ≤ 4×4 samples a block
  // (the guide only places edges; reading every pixel of a 4096² layer here costs more than it buys)
  const guide = new Float32Array(3 * n), d = original.data;
  const k = 1 / (255 * 255), sub = Math.max(1, Math.floor(step / 4)), off = Math.floor((sub - 1) / 2);
  for (let j = 0; j < h; j++) {
    const y0 = j * step, y1 = Math.min(H, y0 + step);
    for (let i = 0; i < w; i++) {
      const x0 = i * step, x1 = Math.min(W, x0 + step);
      let r = 0, g = 0, b = 0, cnt = 0;
      for (let y = Math.min(y0 + off, y1 - 1); y < y1; y += sub) {
        for (let x = Math.min(x0 + off, x1 - 1), p = (y * W + x) * 4; x < x1; x += sub, p += 4 * sub) {
          const a = d[p + 3];
          r += a * d[p];
          g += a * d[p + 1];
          b += a * d[p + 2];
          cnt++;
        }
      }
      const inv = k / cnt, q = j * w + i;
      guide[q] = r * inv;
      guide[n + q] = g * inv;
      guide[2 * n + q] = b * inv;
    }
  }
  return { step, w, h, radius, eps: o.guideEps, stats: guideStats(guide, w, h, radius, o.guideEps) };
}

/**
 * The field on the mid grid as 14 planes: flow x, flow y in ORIGINAL pixels, then the 12
 * colour coefficients with the bias column scaled to 0–255 colours.
 */
export function midField(field: ChangeField, mapping: FrameMapping, grid: MidGrid, outside: Outside, gate?: Float32Array | null): Float32Array {
  const { step, w, h } = grid, n = w * h, R = field.size;
  const planes = new Float32Array(14 * n);
  const src: Float32Array[] = [field.flowX, field.flowY];
  for (let c = 0; c < 12; c++) src.push(field.colour.subarray(c * R * R, (c + 1) * R * R));
  const gain = [1 / mapping.scale, 1 / mapping.scale, 1, 1, 1, 255, 1, 1, 1, 255, 1, 1, 1, 255];
  const ident = [0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0];
  for (let j = 0; j < h; j++) {
    const Y = ((j + 0.5) * step) * mapping.scale + mapping.offsetY; // continuous frame coordinate
    for (let i = 0; i < w; i++) {
      const X = ((i + 0.5) * step) * mapping.scale + mapping.offsetX, q = j * w + i;
      const out = outside === 'identity' && (X < 0 || X > R || Y < 0 || Y > R);
      for (let c = 0; c < 14; c++) {
        planes[c * n + q] = out ? ident[c] : gain[c] * sampleClamped(src[c], R, R, X - 0.5, Y - 0.5);
      }
    }
  }
  if (grid.stats) {
    const coef = new Float32Array(4 * n), work = new Float32Array(5 * n);
    const s = grid.stats, g = s.guide;
    for (let c = 0; c < 14; c++) {
      const p = planes.subarray(c * n, (c + 1) * n);
      fitGuidedChannel(s, p, grid.eps, null, grid.radius, coef, work);
      for (let q = 0; q < n; q++) p[q] = coef[q] * g[q] + coef[n + q] * g[n + q] + coef[2 * n + q] * g[2 * n + q] + coef[3 * n + q];
    }
  }
  if (gate) applyGate(planes, gate, R, mapping, grid, ident);
  return planes;
}

/**
 * Confines the field to an edit region (edit-region.ts): field = identity + g·(field − identity)
 * with g sampled from the frame-resolution gate. Applied after the guided refinement so that where
 * g is 0 the field is exactly the identity and the layer comes out exactly as it was.
 */
function applyGate(planes: Float32Array, gate: Float32Array, R: number, mapping: FrameMapping, grid: MidGrid, ident: number[]): void {
  if (gate.length !== R * R) throw new RangeError(`midField: gate must be [${R}, ${R}], got ${gate.length} values`);
  const { step, w, h } = grid, n = w * h;
  for (let j = 0; j < h; j++) {
    const Y = ((j + 0.5) * step) * mapping.scale + mapping.offsetY;
    for (let i = 0; i < w; i++) {
      const X = ((i + 0.5) * step) * mapping.scale + mapping.offsetX, q = j * w + i;
      const g = Math.min(1, Math.max(0, sampleClamped(gate, R, R, X - 0.5, Y - 0.5)));
      if (g === 1) continue;
      for (let c = 0; c < 14; c++) planes[c * n + q] = g === 0 ? ident[c]! : ident[c]! + g * (planes[c * n + q]! - ident[c]!);
    }
  }
}
