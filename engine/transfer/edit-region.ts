/**
 * Where a stroke edit is allowed to change the layer.
 *
 * A 64² generator cannot change one part of an image alone: moving the latent to turn the hair red
 * also nudges the face, the shirt and the background by a few levels (the codes are entangled).
 * Carried to full resolution, that drift would repaint the whole layer. The designer painted the
 * hair, so the transfer is confined to the part of the change that is connected to what was
 * painted and near it: starting from the strokes, a flood fill over pixels whose change is at
 * least a fraction of the change under the strokes (the edit's own strength), no farther than a
 * brush's reach from the paint (entangled changes elsewhere — a shirt that changed colour with the
 * hair — are often just as strong, so strength alone cannot tell them apart), then a feathered rim.
 * A recolouring edit (colour strokes only) also keeps to the layer's colours under the paint
 * (colourAffinity): the shirt, not the background the generator drew it over. Outside the
 * region the layer is left exactly as it was. Edits without strokes (code sliders) are global by
 * intent and are not confined (no region).
 */
import type { ChangeField } from './types.js';
import { mean3 } from './cell-groups.js';

export interface RegionOptions {
  /** A pixel joins when its change reaches this fraction of the median change under the strokes. */
  relative: number;
  /** …and at least this much (max over channels, colours in [0, 1]). */
  floor: number;
  /** Painted coverage that counts as a seed of the fill. */
  seed: number;
  /** How far from the paint the region may grow, as a fraction of the frame side. */
  reach: number;
  /** Width of the rim over which the region fades to no change, frame px. */
  feather: number;
  /**
   * Recolouring (colour strokes only): colour distance ([0, 1] RGB, Euclidean) from the layer's
   * colours under the paint within which a cell belongs fully, and beyond which not at all.
   */
  similar: readonly [number, number];
}

export const DEFAULT_REGION_OPTIONS: Readonly<RegionOptions> = { relative: 0.3, floor: 0.04, seed: 0.5, reach: 0.125, feather: 2, similar: [0.1, 0.2] };

/**
 * The region [R·R] in [0, 1] (1: the change applies fully, 0: no change) of the change from
 * `first` to `last` (planar [3, R, R] frames, colours in [0, 1]) grown from `painted` ([R·R]
 * coverage of the strokes). Painted pixels are always inside.
 */
export function editRegion(
  first: Float32Array, last: Float32Array, painted: Float32Array, R: number, options: Partial<RegionOptions> = {},
  /** For a recolouring edit: how much each cell looks like what was painted over (colourAffinity); the region keeps to it. */
  affinity: Float32Array | null = null,
  /**
   * Cells that join the fill when connected to the paint whether or not the generator changed them
   * (a recolour with its colour known: cells holding the part painted over, which the 64²
   * generator often changes only near the stroke).
   */
  sure: Float32Array | null = null,
): Float32Array {
  const o = { ...DEFAULT_REGION_OPTIONS, ...options };
  const N = R * R;
  if (first.length !== 3 * N || last.length !== 3 * N) throw new RangeError(`editRegion: frames must be [3, ${R}, ${R}]`);
  if (painted.length !== N) throw new RangeError(`editRegion: painted must be [${R}, ${R}], got ${painted.length} values`);
  // per-pixel change, max over channels, smoothed over 3×3 so single noisy pixels neither bridge nor break the fill
  const raw = new Float32Array(N);
  for (let p = 0; p < N; p++) {
    let d = 0;
    for (let c = 0; c < 3; c++) d = Math.max(d, Math.abs(last[c * N + p]! - first[c * N + p]!));
    raw[p] = d;
  }
  const change = mean3(raw, R);
  const seeds: number[] = [];
  for (let p = 0; p < N; p++) if (painted[p]! >= o.seed) seeds.push(p);
  const region = new Uint8Array(N);
  if (seeds.length === 0) return new Float32Array(N);
  const under = seeds.map((p) => change[p]!).sort((a, b) => a - b);
  const threshold = Math.max(o.floor, o.relative * under[under.length >> 1]!);
  // flood fill, 8-connected, from the seeds over pixels that changed enough and are within reach
  const seedMask = new Uint8Array(N);
  for (const p of seeds) seedMask[p] = 1;
  const fromPaint = chamferDistance(seedMask, R), reach = o.reach * R;
  const stack = [...seeds];
  for (const p of seeds) region[p] = 1;
  while (stack.length) {
    const p = stack.pop()!, x = p % R, y = (p - x) / R;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const u = x + dx, v = y + dy, q = v * R + u;
      if (u < 0 || v < 0 || u >= R || v >= R || region[q]) continue;
      if (!(sure && sure[q]! >= 0.5) && (change[q]! < threshold || fromPaint[q]! > reach)) continue;
      if (affinity && affinity[q]! < 0.5) continue;
      region[q] = 1;
      stack.push(q);
    }
  }
  // feathered rim: 1 inside, falling linearly with the (chamfer) distance to 0 at feather + 1 px
  const dist = chamferDistance(region, R);
  const out = new Float32Array(N), f = o.feather + 1;
  for (let p = 0; p < N; p++) out[p] = Math.max(0, 1 - dist[p]! / f);
  for (let p = 0; p < N; p++) if (painted[p]! > 0) out[p] = Math.max(out[p]!, Math.min(1, painted[p]! / o.seed));
  if (affinity) for (let p = 0; p < N; p++) out[p] = out[p]! * affinity[p]!;
  return out;
}

/**
 * For a recolouring edit (colour strokes only): how much each frame cell of the layer looks like
 * what the strokes were painted over, 1 within `similar[0]` of one of the layer's colours under
 * the paint, falling to 0 at `similar[1]`. A designer who paints the shirt blue means the shirt:
 * this keeps the change off the background and the neck next to it even where the generator
 * redrew those too (a shirt it draws wider than the layer's would otherwise leave a coloured rim).
 * Cells the layer does not cover (letterbox bands, clear pixels) get 0.
 */
export function colourAffinity(
  layer: { colour: Float32Array; coverage: Float32Array }, painted: Float32Array, R: number, options: Partial<RegionOptions> = {},
): Float32Array {
  const o = { ...DEFAULT_REGION_OPTIONS, ...options };
  const N = R * R, [near, far] = o.similar;
  if (layer.colour.length !== 3 * N || layer.coverage.length !== N || painted.length !== N) throw new RangeError(`colourAffinity: inputs must be [3, ${R}, ${R}] and [${R}, ${R}]`);
  const palette: number[] = [];
  for (let p = 0; p < N; p++) {
    if (painted[p]! < o.seed || layer.coverage[p]! < 0.5) continue;
    palette.push(layer.colour[p]!, layer.colour[N + p]!, layer.colour[2 * N + p]!);
  }
  const out = new Float32Array(N);
  if (palette.length === 0) return out.fill(1); // painted only over nothing: no colour to keep to
  for (let p = 0; p < N; p++) {
    if (layer.coverage[p]! <= 0) continue;
    const r = layer.colour[p]!, g = layer.colour[N + p]!, b = layer.colour[2 * N + p]!;
    let best = Infinity;
    for (let k = 0; k < palette.length && best > near * near; k += 3) {
      const d = (r - palette[k]!) ** 2 + (g - palette[k + 1]!) ** 2 + (b - palette[k + 2]!) ** 2;
      if (d < best) best = d;
    }
    const d = Math.sqrt(best);
    out[p] = d <= near ? 1 : d >= far ? 0 : (far - d) / (far - near);
  }
  return out;
}

/** Distance (3-4 chamfer, in px) from each pixel to the nearest set pixel of `mask`. */
function chamferDistance(mask: Uint8Array, R: number): Float32Array {
  const INF = 1e9, d = new Float32Array(R * R);
  for (let p = 0; p < R * R; p++) d[p] = mask[p] ? 0 : INF;
  const relax = (p: number, q: number, w: number): void => { if (d[q]! + w < d[p]!) d[p] = d[q]! + w; };
  for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
    const p = y * R + x;
    if (x > 0) relax(p, p - 1, 3);
    if (y > 0) {
      relax(p, p - R, 3);
      if (x > 0) relax(p, p - R - 1, 4);
      if (x < R - 1) relax(p, p - R + 1, 4);
    }
  }
  for (let y = R - 1; y >= 0; y--) for (let x = R - 1; x >= 0; x--) {
    const p = y * R + x;
    if (x < R - 1) relax(p, p + 1, 3);
    if (y < R - 1) {
      relax(p, p + R, 3);
      if (x < R - 1) relax(p, p + R + 1, 4);
      if (x > 0) relax(p, p + R - 1, 4);
    }
  }
  for (let p = 0; p < R * R; p++) d[p] = d[p]! / 3;
  return d;
}

/**
 * The change confined to a region: flow·g and identity + g·(A − identity) per frame pixel. Done at
 * frame resolution, before the guided upsampling, so the region's rim snaps to the original's edges
 * like the rest of the field.
 */
export function confineChange(field: ChangeField, region: Float32Array): ChangeField {
  const R = field.size, n = R * R;
  if (region.length !== n) throw new RangeError(`confineChange: region must be [${R}, ${R}], got ${region.length} values`);
  const flowX = new Float32Array(n), flowY = new Float32Array(n), colour = new Float32Array(12 * n);
  for (let p = 0; p < n; p++) {
    const g = region[p]!;
    flowX[p] = g * field.flowX[p]!;
    flowY[p] = g * field.flowY[p]!;
    for (let c = 0; c < 12; c++) {
      const id = c % 5 === 0 ? 1 : 0; // planes 0, 5, 10 are the diagonal of A
      colour[c * n + p] = id + g * (field.colour[c * n + p]! - id);
    }
  }
  return { size: R, flowX, flowY, colour };
}

/** Frame pixels within `grow` px (Chebyshev) of the region: beyond them the field is forced to exactly the identity. */
export function regionSupport(region: Float32Array, R: number, grow: number): Float32Array {
  const out = new Float32Array(R * R), g = Math.ceil(grow);
  for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
    if (!(region[y * R + x]! > 0)) continue;
    for (let v = Math.max(0, y - g); v <= Math.min(R - 1, y + g); v++) out.fill(1, v * R + Math.max(0, x - g), v * R + Math.min(R - 1, x + g) + 1);
  }
  return out;
}

/**
 * The region of a code-slider edit (no strokes): where the generator's change is strong. A code
 * moves one attribute and, entangled with it, nudges the rest of the image by a few levels; carried
 * whole, that drift repaints the layer everywhere (bench:edits measured 30–90 % of the pixels
 * outside the attribute's part changed). Cells whose change (max over channels, 3×3 mean, colours
 * in [0, 1]) reaches `min` are in, grown by one cell and feathered like a stroke edit's region.
 * Excluded cells are not in (though the feather of cells next to them may reach them).
 */
export function strongChangeRegion(
  first: Float32Array, last: Float32Array, R: number, min: number, feather = DEFAULT_REGION_OPTIONS.feather,
  /** Cells (> 0) that are never inside (e.g. where new content is inserted instead: insert-content.ts). */
  exclude: Float32Array | null = null,
  /**
   * The threshold is also at least this fraction of the edit's own strength (the 98th percentile of
   * the cells' change): a strong edit's entangled drift elsewhere stays out.
   */
  relative = 0,
): Float32Array {
  const N = R * R;
  if (first.length !== 3 * N || last.length !== 3 * N) throw new RangeError(`strongChangeRegion: frames must be [3, ${R}, ${R}]`);
  const raw = new Float32Array(N);
  for (let p = 0; p < N; p++) for (let c = 0; c < 3; c++) raw[p] = Math.max(raw[p]!, Math.abs(last[c * N + p]! - first[c * N + p]!));
  const mean = mean3(raw, R);
  const strength = relative > 0 ? Float32Array.from(mean).sort()[Math.floor(0.98 * (N - 1))]! : 0;
  const threshold = Math.max(min, relative * strength);
  const inside = new Uint8Array(N);
  for (let p = 0; p < N; p++) if (mean[p]! >= threshold && !(exclude && exclude[p]! > 0)) inside[p] = 1;
  const dist = chamferDistance(inside, R), out = new Float32Array(N), f = feather + 1;
  for (let p = 0; p < N; p++) out[p] = dist[p]! <= 1 ? 1 : Math.max(0, 1 - (dist[p]! - 1) / f);
  return out;
}
