/**
 * Insertion (issue 15 §2): brings the generator's NEW content into the layer where the motion +
 * colour flow cannot explain the change — hair grown on a bald head, a bun that was not there.
 *
 * The flow carries the layer's own pixels, so it can move and recolour them but never draw a shape
 * the layer does not have. Where G(z0) warped and recoloured by the change field (its prediction
 * of G(z1)) misses G(z1) by a large part of the change, the change is new content. There (a group
 * of such cells, grown over the strongly changed cells near it, plus a cell all round) the layer
 * takes G(z1)'s content instead, made crisp for flat-colour art:
 *  - palette: G(z1)'s colours in those cells, clustered; a cluster near one of the layer's own
 *    colours takes that colour exactly (new hair takes the layer's hair colour), and one near the
 *    colour G paints for a transparent layer's background is "clear" (alpha 0);
 *  - labels: each cell's nearest palette entry, or "old content" where the flow explains G(z1)
 *    there (the face around new glasses: the carried layer, its own pixels, is kept); each
 *    label's share of each cell (smoothed) is upsampled bilinearly and the largest wins per
 *    sample, so edges are smooth curves at full resolution, not 64² steps;
 *  - 2×2 samples a pixel, averaged premultiplied: a 1-px antialiased edge, and no 50 % blends of
 *    old and new anywhere else (the insertion mask is hard too, at sample level).
 * Alpha: inside the insertion, 1 for content and 0 for "clear"; everywhere else the carried layer's.
 */
import { applyColourModel } from './colour-model.js';
import { layerFrame } from './layer-frame.js';
import type { FrameMapping } from './frame-mapping.js';
import { sampleClamped, warpPlanes } from './sample.js';
import type { ChangeField, RgbaImage } from './types.js';
import type { GeneratorMatte } from './generator-matte.js';

export interface InsertOptions {
  /** A cell is a seed when the prediction misses G(z1) by this much (max over channels, 3×3 mean, [0, 1] colours)… */
  residual: number;
  /** …and by at least this fraction of its change (a recolour the model explains stays below it). */
  unexplained: number;
  /** Seeds with fewer seed neighbours (of 8) are noise… */
  minNeighbours: number;
  /** …and so are groups (8-connected) of fewer seeds than this: a new shape leaves a long unexplained edge. */
  minSeeds: number;
  /** The insertion grows from the seeds over cells whose change reaches `grow[0]`, at most `grow[1]` cells away. */
  grow: readonly [number, number];
  /** Enclosed holes in the insertion up to this many cells are filled whatever their change. */
  maxHole: number;
  /** Most palette entries taken from G(z1). */
  maxColours: number;
  /** A cluster with less than this share of the cells merges into its nearest neighbour. */
  minShare: number;
  /** A cluster within this distance (RGB, [0, 1], Euclidean) of a layer colour takes the layer colour. */
  near: number;
  /** A cluster within this distance of G's background colour (transparent layers) is clear. */
  clearNear: number;
  /** Clusters of G(z1) closer than this are one colour (the generator's shading noise). */
  merge: number;
  /**
   * A cell the flow explains (its prediction misses by less than this, 3×3 mean) is old content:
   * its samples keep the carried layer, its own crisp pixels moved and recoloured by the flow…
   */
  keepBelow: number;
  /**
   * …unless it changed by more than this: the inside of a new shape, which a window-wide colour
   * model explains as a recolour of what was there only roughly (its colour drifts near the edges).
   */
  keepChange: number;
}

export const DEFAULT_INSERT_OPTIONS: Readonly<InsertOptions> = {
  residual: 0.2, unexplained: 0.5, minNeighbours: 2, minSeeds: 8, grow: [0.15, 3], maxHole: 4, maxColours: 6, minShare: 0.04, near: 0.15, clearNear: 0.12, merge: 0.1, keepBelow: 0.1, keepChange: 0.3,
};

/** What the full-resolution pass needs. */
export interface InsertionPlan {
  R: number;
  /** [R·R] 1 where content is inserted (before smoothing). */
  cells: Float32Array;
  /**
   * [R·R] 1 on the cells of old content at least a cell inside the insertion: there the flow's
   * field is carried (for the samples the labels give to old content); elsewhere in and around the
   * insertion it is bent by the new shape, and the layer is not moved.
   */
  carried: Float32Array;
  /** [R·R] the mask smoothed for bilinear sampling (≥ 0.5: inserted). */
  mask: Float32Array;
  /** Palette, straight RGBA 0–255 (alpha 0: clear). */
  palette: [number, number, number, number][];
  /** [K + 1, R, R] each palette entry's smoothed share of each cell, then that of old content (the carried layer is kept). */
  labels: Float32Array;
}

/** G(z1)'s own matte for an insertion on a transparent layer, and whether the edit may cut into the layer (a shape code's change; a recolour may not). */
export interface MattedInsert { matte: GeneratorMatte; cuts: boolean }

/**
 * Cells [R·R] (0/1) where the change first → last is new content, or null when there are none.
 * first, last: [3, R, R] in [0, 1]; change: the total change first → last.
 */
export function insertionCells(first: Float32Array, last: Float32Array, change: ChangeField, options: Partial<InsertOptions> = {}): Float32Array | null {
  const o = { ...DEFAULT_INSERT_OPTIONS, ...options };
  const R = change.size, N = R * R;
  if (first.length !== 3 * N || last.length !== 3 * N) throw new RangeError(`insertionCells: frames must be [3, ${R}, ${R}]`);
  const { r3, d3 } = misses(first, last, change);
  const seed = new Uint8Array(N);
  for (let p = 0; p < N; p++) if (r3[p]! >= o.residual && r3[p]! >= o.unexplained * d3[p]! && d3[p]! >= o.grow[0]) seed[p] = 1;
  // isolated seeds are the generator's noise, not a shape
  const kept: number[] = [];
  for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
    const p = y * R + x;
    if (!seed[p]) continue;
    let k = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const u = x + dx, v = y + dy;
      if ((dx || dy) && u >= 0 && v >= 0 && u < R && v < R && seed[v * R + u]) k++;
    }
    if (k >= o.minNeighbours) kept.push(p);
  }
  const big = largeGroups(kept, R, o.minSeeds);
  if (!big.length) return null;
  // grow (hysteresis) over strongly changed cells the model still explains badly, near the seeds:
  // the inside of a new shape, which a window-wide colour model half explains as a recolour
  const dist = new Int32Array(N).fill(-1), queue = big.slice();
  for (const p of big) dist[p] = 0;
  for (let i = 0; i < queue.length; i++) {
    const p = queue[i]!, x = p % R, y = (p - x) / R;
    if (dist[p]! >= o.grow[1]) continue;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const u = x + dx, v = y + dy, q = v * R + u;
      if (u < 0 || v < 0 || u >= R || v >= R || dist[q]! >= 0 || d3[q]! < o.grow[0] || r3[q]! < o.residual / 2) continue;
      dist[q] = dist[p]! + 1;
      queue.push(q);
    }
  }
  const cells = new Float32Array(N);
  for (const p of queue) cells[p] = 1;
  // one cell more all round: the new shape's edge must lie inside the insertion, where the labels draw it
  return dilate1(fillHoles(cells, d3, R, o.maxHole, o.grow[0]), R);
}

/** Per cell, 3×3 means of: how much the flow's prediction of `last` misses it (r3), and how much `last` differs from `first` (d3); max over channels. */
function misses(first: Float32Array, last: Float32Array, change: ChangeField): { r3: Float32Array; d3: Float32Array } {
  const R = change.size, N = R * R;
  const warped = new Float32Array(3 * N), pred = new Float32Array(3 * N);
  warpPlanes(first, 3, R, R, change.flowX, change.flowY, warped);
  applyColourModel(change.colour, warped, N, pred);
  const res = new Float32Array(N), diff = new Float32Array(N);
  for (let p = 0; p < N; p++) {
    for (let c = 0; c < 3; c++) {
      res[p] = Math.max(res[p]!, Math.abs(last[c * N + p]! - pred[c * N + p]!));
      diff[p] = Math.max(diff[p]!, Math.abs(last[c * N + p]! - first[c * N + p]!));
    }
  }
  return { r3: mean3(res, R), d3: mean3(diff, R) };
}

/**
 * The palette and labels of the content to insert in `cells`: first, last = G(z0), G(z1) [3, R, R]
 * in [0, 1], change = the flow's total change between them.
 * fine: [R·R] the cells of small new shapes (small-insertions.ts), drawn wholly from G(z1): no
 * old content there (the old eye must go even where the colour model explains its change at 64²).
 * drawn: [R·R] the cells of large new content (large-insertions.ts), also drawn wholly from G(z1),
 * smoothed as the rest, and only in G's pure colours: a cluster that is a blend of two others
 * (G's soft edge between new hair and skin) would be a ghost of both. 2: a cell only grown onto a
 * reshaped group (`reshapeGrow`), drawn only where G(z1) is within `near` of its colour, else old
 * content (an eye's blurred dot, which no palette colour is, came out in the hair's pink).
 * keep: [R·R] cells where G(z1) shows what the layer shows (large-insertions.ts `keptCells`): old
 * content there, the layer unmoved (opaque layers, the plain path).
 * Returns null when the cells hold no content to insert.
 */
export function insertionPlan(first: Float32Array, last: Float32Array, change: ChangeField, cells: Float32Array, original: RgbaImage, mapping: FrameMapping, options: Partial<InsertOptions> = {}, fine?: Uint8Array | null, drawn?: Uint8Array | null, matted?: MattedInsert | null, keep?: Uint8Array | null): InsertionPlan | null {
  const o = { ...DEFAULT_INSERT_OPTIONS, ...options };
  const R = mapping.resolution, N = R * R;
  const inside: number[] = [];
  for (let p = 0; p < N; p++) if (cells[p]! > 0) inside.push(p);
  if (!inside.length) return null;
  // the palette comes from the content itself, not from the cells grown onto it (mostly the colour
  // around it, which would push a small colour of the content, an eye's dark, below minShare)
  const content = inside.filter((p) => drawn?.[p] !== 2), clustered = content.length ? content : inside;
  const { colours: layerColours, clearCells } = layerPalette(original, mapping);
  // the colour G paints where the layer is clear (its idea of a transparent layer's background)
  const bgCells: number[] = [];
  for (let p = 0; p < N; p++) if (clearCells[p] && !cells[p]) bgCells.push(p);
  const bg = bgCells.length >= 8 ? medianColour(last, N, bgCells) : null;
  // on a transparent layer with G's own matte (generator-matte.ts), clear is where G's avatar is not,
  // and the content's colours are the avatar's own, not blended with the background colour
  if (bg && matted) return mattedPlan(first, last, change, cells, clustered, layerColours, clearCells, matted, o, R, fine, drawn);
  const centres = mergeClose(kMeans(last, N, clustered, o.maxColours, o.minShare), o.merge);
  // drawn cells take only colours that are no blend of two others, among G's centres, the layer's
  // own colours and its background (G's soft edge of new hair over the shirt clusters to a lavender
  // that is neither: a ghost); the ends of such a blend join the palette
  const pureDrawn = drawn ? pureEnds(centres, shares(last, N, clustered, centres), [...layerColours.slice(0, 8), ...(bg ? [bg] : [])], (c) => layerColours.some((l) => dist3(c, l) <= o.near), liesBetween(last, N, R, clustered, centres)) : [];
  const palette: [number, number, number, number][] = centres.map((c) => {
    if (bg && dist3(c, bg) <= o.clearNear) return [0, 0, 0, 0];
    let best: number[] | null = null, bd = o.near;
    for (const l of layerColours) { const d = dist3(c, l); if (d <= bd) { bd = d; best = l; } }
    const v = best ?? c;
    return [Math.round(255 * v[0]!), Math.round(255 * v[1]!), Math.round(255 * v[2]!), 255];
  });
  // where G paints its background colour over content that cannot have been removed, the clear
  // colour is drawn opaque (white new content: a white beard, hair turned white)
  const clearAt = palette.findIndex((c) => c[3] === 0);
  const kept = bg && clearAt >= 0 ? keptOpaque(original, mapping, layerColours, last, bg, o) : null;
  if (kept) { centres.push(centres[clearAt]!.slice()); palette.push([...centres[clearAt]!.map((v) => Math.round(255 * v)), 255] as [number, number, number, number]); }
  // each cell's nearest centre, or old content where the flow explains G(z1) there (the face around
  // new glasses, recoloured by the edit), as K + 1 indicator planes, smoothed so the upsampled
  // boundaries are curves
  const { r3, d3 } = misses(first, last, change);
  const K = centres.length, onehot = new Float32Array((K + 1) * N), label = new Int32Array(N);
  const nearest = (p: number, ks: Iterable<number>, skip = -1): number => {
    let best = K, bd = Infinity;
    for (const k of ks) {
      if (k === skip || (kept && k === K - 1)) continue;
      const d = (last[p]! - centres[k]![0]!) ** 2 + (last[N + p]! - centres[k]![1]!) ** 2 + (last[2 * N + p]! - centres[k]![2]!) ** 2;
      if (d < bd) { bd = d; best = k; }
    }
    return best;
  };
  const candidates = (p: number): Iterable<number> => (drawn?.[p] && !fine?.[p] && pureDrawn.length ? pureDrawn : centres.keys());
  const far = (p: number, k: number): boolean => k < K && dist3([last[p]!, last[N + p]!, last[2 * N + p]!], centres[k]!) > o.near;
  for (let p = 0; p < N; p++) {
    const drawnHere = !keep?.[p] && (fine?.[p] || drawn?.[p] || r3[p]! >= o.keepBelow || d3[p]! >= o.keepChange);
    const k = drawnHere ? nearest(p, candidates(p)) : K;
    label[p] = drawn?.[p] === 2 && !fine?.[p] && far(p, k) ? K : k;
  }
  const open = new Uint8Array(N);
  if (kept) {
    // clear only where it opens onto the layer's clear surroundings (a shorter cut); clear cells
    // enclosed by content (eye whites, a pale cheek G blurred toward white) are content: white
    // where G painted its background colour, else the nearest other colour
    const queue: number[] = [];
    for (let p = 0; p < N; p++) if (label[p] === clearAt && kept.clear[p]) { open[p] = 1; queue.push(p); }
    for (let i = 0; i < queue.length; i++) {
      const p = queue[i]!, x = p % R, y = (p - x) / R;
      for (const q of [x > 0 ? p - 1 : -1, x < R - 1 ? p + 1 : -1, y > 0 ? p - R : -1, y < R - 1 ? p + R : -1]) {
        if (q >= 0 && label[q] === clearAt && !open[q]) { open[q] = 1; queue.push(q); }
      }
    }
    for (let p = 0; p < N; p++) {
      if (label[p] !== clearAt || (open[p] && !kept.recoloured[p])) continue;
      label[p] = dist3([last[p]!, last[N + p]!, last[2 * N + p]!], bg!) <= o.clearNear ? K - 1 : nearest(p, candidates(p), clearAt);
    }
  }
  for (let p = 0; p < N; p++) onehot[label[p]! * N + p] = 1;
  const labels = new Float32Array((K + 1) * N);
  for (let k = 0; k <= K; k++) labels.set(mean3(onehot.subarray(k * N, (k + 1) * N), R), k * N);
  // a small shape's cells are not smoothed — a 1-cell eye would vanish in a 3×3
  // mean — but split between the two palette colours G(z1) blends there, by how far along it is:
  // G's antialiased edge says where within the cell the edge lies, and upsampled, the larger share
  // draws it there
  // (never clear where the clear label would be enclosed, as above: a small shape's white, e.g. teeth)
  const pure = fine ? pureCentres(centres, shares(last, N, clustered, centres)) : [], pureOpaque = pure.filter((k) => k !== clearAt);
  if (fine) for (let p = 0; p < N; p++) if (fine[p]) softLabel(last, N, p, centres, kept && pureOpaque.length && (kept.recoloured[p] || !(open[p] || kept.clear[p])) ? pureOpaque : pure, labels);
  // kept cells show the layer unmoved: G kept its content there, so the flow's bend is no part of the edit
  const carried = carriedCells(onehot, K, cells, R);
  if (keep) for (let p = 0; p < N; p++) if (keep[p]) carried[p] = 0;
  return { R, cells, carried, mask: mean3(cells, R), palette, labels };
}

/**
 * Gives each of `cells` the label of the nearest cell (4-connected, through `cells`) labelled one of
 * 0 … opaqueCount − 1; cells no such label reaches are old content (`old`).
 */
function fillFromNeighbours(label: Int32Array, cells: readonly number[], opaqueCount: number, old: number, R: number): void {
  const N = R * R, open = new Uint8Array(N), queue: number[] = [];
  for (const p of cells) { open[p] = 1; label[p] = old; }
  for (let p = 0; p < N; p++) if (!open[p] && label[p]! < opaqueCount) queue.push(p);
  for (let i = 0; i < queue.length; i++) {
    const p = queue[i]!, x = p % R, y = (p - x) / R;
    for (const q of [x > 0 ? p - 1 : -1, x < R - 1 ? p + 1 : -1, y > 0 ? p - R : -1, y < R - 1 ? p + R : -1]) {
      if (q >= 0 && open[q]) { open[q] = 0; label[q] = label[p]!; queue.push(q); }
    }
  }
}

/** [R·R] 1 on the cells labelled old content (`onehot` plane K) whose 3×3 neighbourhood lies inside the insertion. */
function carriedCells(onehot: Float32Array, K: number, cells: Float32Array, R: number): Float32Array {
  const N = R * R, carried = new Float32Array(N);
  for (let y = 1; y < R - 1; y++) for (let x = 1; x < R - 1; x++) {
    const p = y * R + x;
    if (!onehot[K * N + p]) continue;
    let all = true;
    for (let dy = -1; dy <= 1 && all; dy++) for (let dx = -1; dx <= 1 && all; dx++) if (!cells[p + dy * R + dx]) all = false;
    if (all) carried[p] = 1;
  }
  return carried;
}

/**
 * insertionPlan on a transparent layer with G's own matte (generator-matte.ts): clear wherever G's
 * avatar covers less than half the cell, and elsewhere the avatar's colours, clustered from its
 * unblended colour (the matte's), snapped to the layer's. White content stays opaque white and a cut
 * is clear, with no guessing from the colour alone (the `keptOpaque` rules of the plain path).
 */
function mattedPlan(first: Float32Array, last: Float32Array, change: ChangeField, cells: Float32Array, inside: number[], layerColours: number[][], layerClear: Uint8Array, matted: MattedInsert, o: InsertOptions, R: number, fine?: Uint8Array | null, drawn?: Uint8Array | null): InsertionPlan | null {
  const N = R * R, { alpha, colour: src } = matted.matte;
  const covered = inside.filter((p) => alpha[p]! >= 0.5);
  const centres = covered.length ? mergeClose(kMeans(src, N, covered, o.maxColours, o.minShare), o.merge) : [];
  const own = (c: readonly number[]): boolean => layerColours.some((l) => dist3(c, l) <= o.near);
  const pureDrawn = drawn && centres.length ? pureEnds(centres, shares(src, N, covered, centres), layerColours.slice(0, 8), own) : [];
  const palette: [number, number, number, number][] = centres.map((c) => {
    let best: number[] | null = null, bd = o.near;
    for (const l of layerColours) { const d = dist3(c, l); if (d <= bd) { bd = d; best = l; } }
    const v = best ?? c;
    return [Math.round(255 * v[0]!), Math.round(255 * v[1]!), Math.round(255 * v[2]!), 255];
  });
  const opaque = centres.map((_, k) => k), clearAt = centres.length;
  centres.push([1, 1, 1]); palette.push([0, 0, 0, 0]);
  const { r3, d3 } = misses(first, last, change);
  const K = centres.length, onehot = new Float32Array((K + 1) * N);
  const nearest = (p: number, ks: readonly number[]): number => {
    let best = K, bd = Infinity;
    for (const k of ks) {
      const d = (src[p]! - centres[k]![0]!) ** 2 + (src[N + p]! - centres[k]![1]!) ** 2 + (src[2 * N + p]! - centres[k]![2]!) ** 2;
      if (d < bd) { bd = d; best = k; }
    }
    return best;
  };
  const label = new Int32Array(N), pending: number[] = [];
  for (let p = 0; p < N; p++) {
    const drawnHere = fine?.[p] || drawn?.[p] || r3[p]! >= o.keepBelow || d3[p]! >= o.keepChange, cut = alpha[p]! < 0.5;
    // a recolour cuts nothing: where G dropped content the layer has (its entanglement: white hair
    // asked for, pigtails gone), the content G drew next to it goes on (below)
    if (drawnHere && cut && !matted.cuts && !layerClear[p]) pending.push(p);
    label[p] = !drawnHere ? K : cut ? clearAt : nearest(p, drawn?.[p] && !fine?.[p] && pureDrawn.length ? pureDrawn : opaque);
  }
  fillFromNeighbours(label, pending, clearAt, K, R);
  for (let p = 0; p < N; p++) onehot[label[p]! * N + p] = 1;
  const labels = new Float32Array((K + 1) * N);
  for (let k = 0; k <= K; k++) labels.set(mean3(onehot.subarray(k * N, (k + 1) * N), R), k * N);
  // a small shape's cells split between the two pure colours G blends there (as in insertionPlan)
  const drawable = centres.slice(0, clearAt);
  const pure = fine ? pureCentres(drawable, shares(src, N, covered, drawable)) : [];
  if (fine) for (let p = 0; p < N; p++) if (fine[p] && alpha[p]! >= 0.5 && pure.length) softLabel(src, N, p, centres, pure, labels);
  return { R, cells, carried: carriedCells(onehot, K, cells, R), mask: mean3(cells, R), palette, labels };
}

/**
 * For a transparent layer whose background G paints in `bg`: `clear`, the cells [R·R] that are
 * clear in the layer or next to one (4-connected); `recoloured`, the cells of a layer colour G
 * paints in its background colour in ≥ 70 % of its opaque cells (≥ 8 of them): a cut removes part
 * of the hair (the rest stays hair), a recolour to white all of it, and it stays opaque.
 */
function keptOpaque(original: RgbaImage, mapping: FrameMapping, colours: number[][], last: Float32Array, bg: readonly number[], o: InsertOptions): { clear: Uint8Array; recoloured: Uint8Array } {
  const R = mapping.resolution, N = R * R, lf = layerFrame(original, mapping), tone = new Int32Array(N).fill(-1);
  const count = new Float64Array(colours.length), toBg = new Float64Array(colours.length);
  const clear = new Uint8Array(N), recoloured = new Uint8Array(N);
  for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
    const p = y * R + x;
    for (const q of [p, x > 0 ? p - 1 : -1, x < R - 1 ? p + 1 : -1, y > 0 ? p - R : -1, y < R - 1 ? p + R : -1]) if (q >= 0 && lf.coverage[q]! < 0.5) clear[p] = 1;
    if (lf.coverage[p]! < 0.9) continue;
    const c = [lf.colour[p]!, lf.colour[N + p]!, lf.colour[2 * N + p]!];
    let best = -1, bd = o.near;
    colours.forEach((l, k) => { const d = dist3(c, l); if (d <= bd) { bd = d; best = k; } });
    if (best < 0) continue;
    tone[p] = best; count[best]++;
    if (dist3([last[p]!, last[N + p]!, last[2 * N + p]!], bg) <= o.clearNear) toBg[best]++;
  }
  for (let p = 0; p < N; p++) { const k = tone[p]!; if (k >= 0 && count[k]! >= 8 && toBg[k]! >= 0.7 * count[k]!) recoloured[p] = 1; }
  return { clear, recoloured };
}

/**
 * Overwrites rows [y0, y1) of `out` (the carried layer, straight RGBA) with the inserted content
 * where the plan's mask holds, 2×2 samples a pixel.
 */
export function insertRows(plan: InsertionPlan, mapping: FrameMapping, out: Uint8ClampedArray, W: number, y0: number, y1: number): void {
  const { R, mask, palette, labels } = plan, K = palette.length, N = R * R;
  const s = mapping.scale, SUB = [0.25, 0.75];
  for (let y = y0; y < y1; y++) {
    const Yc = (y + 0.5) * s + mapping.offsetY - 0.5;
    // rows whose frame cells hold no insertion are skipped whole
    const v = Math.floor(Yc);
    if (!rowTouched(mask, R, v)) continue;
    for (let x = 0; x < W; x++) {
      const Xc = (x + 0.5) * s + mapping.offsetX - 0.5;
      // the smoothed mask changes by < 1/2 a cell: below 0.3 at the centre, no sample reaches 0.5
      if (sampleClamped(mask, R, R, Xc, Yc) < 0.3) continue;
      let n = 0, pr = 0, pg = 0, pb = 0, pa = 0;
      for (const sy of SUB) for (const sx of SUB) {
        const X = (x + sx) * s + mapping.offsetX - 0.5, Y = (y + sy) * s + mapping.offsetY - 0.5;
        if (sampleClamped(mask, R, R, X, Y) < 0.5) continue;
        let best = 0, bv = -1;
        for (let k = 0; k <= K; k++) {
          const l = sampleClamped(labels.subarray(k * N, (k + 1) * N), R, R, X, Y);
          if (l > bv) { bv = l; best = k; }
        }
        if (best === K) continue; // old content: the carried pixel
        const c = palette[best]!, a = c[3] / 255;
        pr += a * c[0]; pg += a * c[1]; pb += a * c[2]; pa += a; n++;
      }
      if (n === 0) continue;
      // the samples outside the mask keep the carried pixel (premultiplied average of both)
      const p = (y * W + x) * 4, ca = out[p + 3]! / 255, rest = 4 - n;
      const A = pa + rest * ca;
      if (A <= 0) { out[p] = out[p + 1] = out[p + 2] = out[p + 3] = 0; continue; }
      out[p] = (pr + rest * ca * out[p]!) / A;
      out[p + 1] = (pg + rest * ca * out[p + 1]!) / A;
      out[p + 2] = (pb + rest * ca * out[p + 2]!) / A;
      out[p + 3] = (255 * A) / 4;
    }
  }
}

function rowTouched(mask: Float32Array, R: number, v: number): boolean {
  for (let j = Math.max(0, v - 1); j <= Math.min(R - 1, v + 2); j++) for (let i = 0; i < R; i++) if (mask[j * R + i]! > 0) return true;
  return false;
}

/**
 * The indices of the centres that are no blend of two other centres or `also` colours (the layer's,
 * its background), or are `own` colours; `centres` is extended in place by the `also` colours such
 * blends are of. `share`: each centre's share of the cells (a blend's ends are larger than it).
 */
export function pureEnds(centres: number[][], share: readonly number[], also: readonly number[][], own: (c: readonly number[]) => boolean, between?: Between): number[] {
  const K = centres.length, ends = [...centres, ...also.filter((c) => centres.every((k) => dist3(k, c) > 0.08))];
  const pure: number[] = [], used = new Set<number>();
  for (let k = 0; k < K; k++) {
    // a blend in colour that also lies between its two ends in the image is a soft edge, whatever
    // its size or however near a layer colour: G's soft soul patch is a dark core in a brown ring
    // larger than the core, near the layer's ear brown; kept, the ring was drawn as a brown halo
    if (between && ringOf(k, centres, between)) continue;
    // one of the layer's own colours is no blend, wherever it lies (flat palettes are often nearly collinear: skin between brown and white)
    if (own(centres[k]!)) { pure.push(k); continue; }
    let blend = -1;
    for (let a = 0; a < ends.length && blend < 0; a++) for (let b = a + 1; b < ends.length && blend < 0; b++) {
      // an antialiased edge covers fewer cells than the flat colours it separates: a centre is no
      // blend of a smaller one (new brown hair, G's bulk of it, lies between its own darker rim and
      // the sunglasses' violet; taken for a blend, the hair was drawn violet)
      if (a === k || b === k || (a < K && share[a]! <= share[k]!) || (b < K && share[b]! <= share[k]!)) continue;
      const { t, d } = toSegment(centres[k]!, ends[a]!, ends[b]!);
      if (t > 0.15 && t < 0.85 && d < 0.06 * 0.06) { blend = a; if (a >= K) used.add(a); if (b >= K) used.add(b); }
    }
    if (blend < 0) pure.push(k);
  }
  for (const e of [...used].sort((a, b) => a - b)) { pure.push(centres.length); centres.push(ends[e]!.slice()); }
  return pure;
}

/** Whether centre k's cells lie between a's and b's in the image (see liesBetween). */
export type Between = (k: number, a: number, b: number) => boolean;

/** Whether centre k is, in colour, a blend of two other centres and, in the image, between them. */
function ringOf(k: number, centres: number[][], between: Between): boolean {
  for (let a = 0; a < centres.length; a++) for (let b = a + 1; b < centres.length; b++) {
    if (a === k || b === k) continue;
    const { t, d } = toSegment(centres[k]!, centres[a]!, centres[b]!);
    if (t > 0.15 && t < 0.85 && d < 0.06 * 0.06 && between(k, a, b)) return true;
  }
  return false;
}

/**
 * For the cells (each labelled with its nearest centre in `f`): whether ≥ 80 % of centre k's cells
 * have a cell of a and one of b within 2 cells — a ring or an edge between the two, not a fill
 * of its own (a flat colour between two others in the palette, skin between hair and shirt, is
 * mostly far from one of them).
 */
export function liesBetween(f: Float32Array, N: number, R: number, cells: number[], centres: number[][]): Between {
  const label = new Int32Array(N).fill(-1);
  const a = assignNearest(cells.map((p) => [f[p]!, f[N + p]!, f[2 * N + p]!]), centres);
  cells.forEach((p, i) => { label[p] = a[i]!; });
  const near = (p: number, c: number): boolean => {
    const x = p % R, y = (p - x) / R;
    for (let v = Math.max(0, y - 2); v <= Math.min(R - 1, y + 2); v++) for (let u = Math.max(0, x - 2); u <= Math.min(R - 1, x + 2); u++) if (label[v * R + u] === c) return true;
    return false;
  };
  return (k, ca, cb) => {
    let n = 0, both = 0;
    for (const p of cells) if (label[p] === k) { n++; if (near(p, ca) && near(p, cb)) both++; }
    return n > 0 && both >= 0.8 * n;
  };
}

/**
 * The centres that are not a blend of two others (G's antialiased edge, clustered: a muddy colour no
 * flat art has). With `share` (each centre's share of the cells), a centre that covers more cells
 * than the two together is no blend of them: an edge covers fewer cells than the flat colours it
 * separates. New brown hair, the bulk of G's cells, lies between its darker rim and a mid-tone
 * toward the skin; taken for their blend, its cells were split between the skin and the sunglasses'
 * violet (bench:edits, heldout-69's fade on the 3700 kimg generator drawn near black: 19.8 → 67.3
 * in the part). A thin line's edge is as large as its core, and stays a blend (a wink).
 */
export function pureCentres(centres: number[][], share?: readonly number[]): number[] {
  const K = centres.length, out: number[] = [];
  for (let k = 0; k < K; k++) {
    let blend = false;
    for (let a = 0; a < K && !blend; a++) for (let b = a + 1; b < K && !blend; b++) {
      if (a === k || b === k || (share && share[k]! > share[a]! + share[b]!)) continue;
      const { t, d } = toSegment(centres[k]!, centres[a]!, centres[b]!);
      if (t > 0.15 && t < 0.85 && d < 0.06 * 0.06) blend = true;
    }
    if (!blend) out.push(k);
  }
  return out;
}

/** Where c projects on the segment A→B (t, clamped to [0, 1]) and its squared distance from it. */
function toSegment(c: readonly number[], A: readonly number[], B: readonly number[]): { t: number; d: number } {
  const ab = [B[0]! - A[0]!, B[1]! - A[1]!, B[2]! - A[2]!];
  const L = ab[0]! ** 2 + ab[1]! ** 2 + ab[2]! ** 2;
  const t = L > 0 ? Math.min(1, Math.max(0, ((c[0]! - A[0]!) * ab[0]! + (c[1]! - A[1]!) * ab[1]! + (c[2]! - A[2]!) * ab[2]!) / L)) : 0;
  return { t, d: [0, 1, 2].reduce((s, i) => s + (c[i]! - A[i]! - t * ab[i]!) ** 2, 0) };
}

/** labels[·, p] = the shares of the two pure centres whose segment passes nearest G(z1)'s colour at p. */
function softLabel(last: Float32Array, N: number, p: number, centres: number[][], pure: number[], labels: Float32Array): void {
  const c = [last[p]!, last[N + p]!, last[2 * N + p]!], K = centres.length;
  let best = [0, 0, 0], bd = Infinity; // a, b, t
  for (const a of pure) for (const b of pure) {
    if (b < a) continue;
    const { t, d } = toSegment(c, centres[a]!, centres[b]!);
    if (d < bd) { bd = d; best = [a, b, t]; }
  }
  for (let k = 0; k <= K; k++) labels[k * N + p] = 0;
  labels[best[0]! * N + p] += 1 - best[2]!;
  labels[best[1]! * N + p] += best[2]!;
}

export function dilate1(cells: Float32Array, R: number): Float32Array {
  const out = new Float32Array(R * R);
  for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
    if (!cells[y * R + x]) continue;
    for (let v = Math.max(0, y - 1); v <= Math.min(R - 1, y + 1); v++) out.fill(1, v * R + Math.max(0, x - 1), v * R + Math.min(R - 1, x + 1) + 1);
  }
  return out;
}

/** The cells of the 8-connected groups of `cells` with at least `min` members. */
function largeGroups(cells: number[], R: number, min: number): number[] {
  const set = new Uint8Array(R * R), seen = new Uint8Array(R * R), out: number[] = [];
  for (const p of cells) set[p] = 1;
  for (const s of cells) {
    if (seen[s]) continue;
    const comp = [s];
    seen[s] = 1;
    for (let i = 0; i < comp.length; i++) {
      const p = comp[i]!, x = p % R, y = (p - x) / R;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const u = x + dx, v = y + dy, q = v * R + u;
        if (u >= 0 && v >= 0 && u < R && v < R && set[q] && !seen[q]) { seen[q] = 1; comp.push(q); }
      }
    }
    if (comp.length >= min) out.push(...comp);
  }
  return out;
}

/**
 * Fills the enclosed holes (4-connected empty cells not touching the border) that changed strongly
 * on average — the middle of a new shape, which the colour model explains as a recolour of what
 * was there — and any of ≤ maxHole cells; an unchanged hole (a face framed by new hair) stays.
 */
export function fillHoles(cells: Float32Array, change: Float32Array, R: number, maxHole: number, strong: number): Float32Array {
  const N = R * R, seen = new Uint8Array(N);
  for (let s = 0; s < N; s++) {
    if (cells[s] || seen[s]) continue;
    const comp = [s];
    seen[s] = 1;
    let border = false;
    for (let i = 0; i < comp.length; i++) {
      const p = comp[i]!, x = p % R, y = (p - x) / R;
      if (x === 0 || y === 0 || x === R - 1 || y === R - 1) border = true;
      for (const q of [x > 0 ? p - 1 : -1, x < R - 1 ? p + 1 : -1, y > 0 ? p - R : -1, y < R - 1 ? p + R : -1]) {
        if (q >= 0 && !cells[q] && !seen[q]) { seen[q] = 1; comp.push(q); }
      }
    }
    const mean = comp.reduce((a, p) => a + change[p]!, 0) / comp.length;
    if (!border && (comp.length <= maxHole || mean >= strong)) for (const p of comp) cells[p] = 1;
  }
  return cells;
}

/** 3×3 mean (borders: the cells that exist). */
function mean3(a: Float32Array, R: number): Float32Array {
  const out = new Float32Array(R * R);
  for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
    let s = 0, n = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const u = x + dx, v = y + dy;
      if (u >= 0 && v >= 0 && u < R && v < R) { s += a[v * R + u]!; n++; }
    }
    out[y * R + x] = s / n;
  }
  return out;
}

function dist3(a: readonly number[], b: readonly number[]): number {
  return Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
}

function medianColour(f: Float32Array, N: number, cells: number[]): number[] {
  return [0, 1, 2].map((c) => {
    const v = cells.map((p) => f[c * N + p]!).sort((a, b) => a - b);
    return v[v.length >> 1]!;
  });
}

/** Each centre's share of the cells' colours (nearest centre). */
function shares(f: Float32Array, N: number, cells: number[], centres: number[][]): number[] {
  const a = assignNearest(cells.map((p) => [f[p]!, f[N + p]!, f[2 * N + p]!]), centres), out = centres.map(() => 0);
  for (const k of a) out[k]! += 1 / cells.length;
  return out;
}

/** Centres closer than `d` merged (their mean), until none are. */
function mergeClose(centres: number[][], d: number): number[][] {
  const out = centres.map((c) => c.slice());
  for (let merged = true; merged;) {
    merged = false;
    for (let i = 0; i < out.length && !merged; i++) for (let j = i + 1; j < out.length && !merged; j++) {
      if (dist3(out[i]!, out[j]!) >= d) continue;
      out[i] = out[i]!.map((v, c) => (v + out[j]![c]!) / 2);
      out.splice(j, 1);
      merged = true;
    }
  }
  return out;
}

/** k-means of the cells' colours: farthest-point start, a few Lloyd steps, small clusters merged away. */
function kMeans(f: Float32Array, N: number, cells: number[], maxK: number, minShare: number): number[][] {
  const col = (p: number): number[] => [f[p]!, f[N + p]!, f[2 * N + p]!];
  const pts = cells.map(col);
  const centres: number[][] = [medianColour(f, N, cells)];
  while (centres.length < Math.min(maxK, pts.length)) {
    let far = pts[0]!, fd = -1;
    for (const q of pts) { const d = Math.min(...centres.map((c) => dist3(q, c))); if (d > fd) { fd = d; far = q; } }
    if (fd < 0.08) break; // the rest is within noise of a centre
    centres.push(far.slice());
  }
  let assign: Int32Array = new Int32Array(pts.length);
  for (let it = 0; it < 10; it++) {
    assign = assignNearest(pts, centres);
    const sum = centres.map(() => [0, 0, 0, 0]);
    pts.forEach((q, i) => { const s = sum[assign[i]!]!; s[0] += q[0]!; s[1] += q[1]!; s[2] += q[2]!; s[3]++; });
    sum.forEach((s, k) => { if (s[3]! > 0) centres[k] = [s[0]! / s[3]!, s[1]! / s[3]!, s[2]! / s[3]!]; });
    // drop the smallest cluster under the share and go on with the rest
    const counts = sum.map((s) => s[3]!);
    let small = -1;
    for (let k = 0; k < centres.length; k++) if (counts[k]! < minShare * pts.length && (small < 0 || counts[k]! < counts[small]!)) small = k;
    if (small >= 0 && centres.length > 1) { centres.splice(small, 1); it = Math.min(it, 7); }
  }
  return centres;
}

function assignNearest(pts: number[][], centres: number[][]): Int32Array {
  const a = new Int32Array(pts.length);
  pts.forEach((q, i) => {
    let best = 0, bd = Infinity;
    centres.forEach((c, k) => { const d = dist3(q, c); if (d < bd) { bd = d; best = k; } });
    a[i] = best;
  });
  return a;
}

/**
 * The layer's flat colours ([0, 1] RGB; the most common opaque colours, a 5-bit histogram, each
 * bin's mean) and which frame cells it leaves clear (coverage < 1/2, inside the frame).
 */
function layerPalette(original: RgbaImage, mapping: FrameMapping): { colours: number[][]; clearCells: Uint8Array } {
  const R = mapping.resolution, { width: W, height: H, data } = original;
  const stride = Math.max(1, Math.floor(Math.sqrt((W * H) / 262144)));
  const bins = new Map<number, number[]>();
  const alpha = new Float32Array(R * R), count = new Float32Array(R * R);
  let total = 0;
  for (let y = stride >> 1; y < H; y += stride) {
    const v = Math.floor((y + 0.5) * mapping.scale + mapping.offsetY);
    for (let x = stride >> 1; x < W; x += stride) {
      const p = (y * W + x) * 4, a = data[p + 3]!;
      const u = Math.floor((x + 0.5) * mapping.scale + mapping.offsetX);
      if (u >= 0 && v >= 0 && u < R && v < R) { alpha[v * R + u] += a / 255; count[v * R + u]++; }
      if (a < 250) continue;
      const key = ((data[p]! >> 3) << 10) | ((data[p + 1]! >> 3) << 5) | (data[p + 2]! >> 3);
      const b = bins.get(key) ?? [0, 0, 0, 0];
      b[0] += data[p]!; b[1] += data[p + 1]!; b[2] += data[p + 2]!; b[3]++;
      bins.set(key, b);
      total++;
    }
  }
  const colours = [...bins.values()].filter((b) => b[3]! >= 0.002 * total).sort((a, b) => b[3]! - a[3]!).map((b) => [b[0]! / b[3]! / 255, b[1]! / b[3]! / 255, b[2]! / b[3]! / 255]);
  const clearCells = new Uint8Array(R * R);
  for (let q = 0; q < R * R; q++) if (count[q]! > 0 && alpha[q]! / count[q]! < 0.5) clearCells[q] = 1;
  return { colours, clearCells };
}
