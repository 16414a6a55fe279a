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
 *  - traced: where G(z1) draws the new shape itself, each sample takes the colour G(z1) shows
 *    there, upsampled bicubically, among the colours the labels chose around it: the edge lies
 *    where G draws it half-way, not where a 64² cell's majority put it (a smile's curve, a lens);
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
import { cellGroups, dilate1, fillHoles, growOver, mean3 } from './cell-groups.js';
import { dist as dist3 } from './colour-clusters.js';
import { kMeans, medianColour, mergeClose, shares, type SmallRule, type SplitRule } from './frame-colours.js';
import { besideInImage, liesBetween, pureCentres, pureEnds, toSegment } from './pure-colours.js';
import { tracedCells, tracedLabel, type Traced } from './traced-samples.js';

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
  /** …unless it has this many cells, lies within `sure` of a layer colour, farther than `near` from the other clusters, and G changed its cells (`ownSmall`; 0: off). */
  smallCells: number;
  /**
   * A cluster whose colours lie on average farther than this from its centre (RGB, [0, 1]), whose
   * centre is none of the layer's colours and whose 2-means halves are two different ones, is those
   * two fills sharing a centre, and is split (frame-colours.ts kMeans; 0: off). bench-1's pigtails:
   * G's outlying colours took k-means' starts, the skin and the shirt's green fell into one
   * grey-olive cluster, drawn over the shoulders where the long hair had been.
   */
  split: number;
  /** A cluster within this distance (RGB, [0, 1], Euclidean) of a layer colour takes the layer colour… */
  near: number;
  /**
   * …but beyond `sure`, only when that layer colour is this much nearer than the next (nearest ≤
   * distinct × next; 1: always): a colour G draws between two of the layer's is a new colour of G's
   * own (bench-4's bob, in about the truth's pink, was drawn in the layer's shaved-side pink).
   */
  distinct: number;
  /** Within this distance of a layer colour a cluster takes it whatever lies next (G's own noise). */
  sure: number;
  /**
   * Beyond `sure`, a cluster covering more than this many times a layer colour's own area (frame
   * cells) does not take that colour: bench-5's new grey beard, 261 cells, was drawn in a violet
   * shade of the hair that covers 13 (22 levels from the truth's grey; G's own colour is 17). At 3,
   * heldout-69's new bangs (transparent) were no longer drawn in the glasses' violet (4 times their
   * area), but bench-0's bob lost the layer's hair colour (5 times its area).
   */
  outgrow: number;
  /**
   * Beyond `sure`, a cluster does not take a layer colour whose hue (the direction of its chroma)
   * lies more than this many degrees from its own (180: off): heldout-69's new bangs, transparent,
   * kept G's darker brown streaks in the glasses' violet, 37 levels away and 75° round.
   */
  hue: number;
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
  /**
   * The cells drawn from G(z1) (a reshaped or missed new shape, a small new shape) are traced:
   * each sample takes the colour G(z1) shows there, upsampled bicubically, not its cell's label, so
   * a shape's edge lies where G draws it half-way (InsertionPlan.traced). false: labels only (as
   * before session 31; bench:edits measured the opaque eyes 33.4 → 24.6 RMSE in the part).
   */
  trace: boolean;
}

export const DEFAULT_INSERT_OPTIONS: Readonly<InsertOptions> = {
  residual: 0.2, unexplained: 0.5, minNeighbours: 2, minSeeds: 8, grow: [0.15, 3], maxHole: 4, maxColours: 6, minShare: 0.04, smallCells: 4, split: 0.1, near: 0.15, distinct: 0.6, sure: 0.09, outgrow: 8, hue: 45, clearNear: 0.12, merge: 0.1, keepBelow: 0.1, keepChange: 0.3, trace: true,
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
  /** The colour (0–255 RGB) each palette entry was clustered from in G(z1), before it took a layer colour (relandPalette). */
  seen: number[][];
  /** [K + 1, R, R] each palette entry's smoothed share of each cell, then that of old content (the carried layer is kept). */
  labels: Float32Array;
  /** Cells drawn from G(z1)'s colour at each sample, not from `labels` (InsertOptions.trace). */
  traced?: Traced;
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
  const kept = new Uint8Array(N);
  for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
    const p = y * R + x;
    if (!seed[p]) continue;
    let k = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const u = x + dx, v = y + dy;
      if ((dx || dy) && u >= 0 && v >= 0 && u < R && v < R && seed[v * R + u]) k++;
    }
    if (k >= o.minNeighbours) kept[p] = 1;
  }
  const cells = cellGroups(kept, R, 1, (g) => g.length >= o.minSeeds);
  if (!cells) return null;
  // grow (hysteresis) over strongly changed cells the model still explains badly, near the seeds:
  // the inside of a new shape, which a window-wide colour model half explains as a recolour
  growOver(cells, R, o.grow[1], (q) => d3[q]! >= o.grow[0] && r3[q]! >= o.residual / 2);
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
  const { colours: layerColours, areas, clearCells } = layerPalette(original, mapping);
  // the colour G paints where the layer is clear (its idea of a transparent layer's background)
  const bgCells: number[] = [];
  for (let p = 0; p < N; p++) if (clearCells[p] && !cells[p]) bgCells.push(p);
  const bg = bgCells.length >= 8 ? medianColour(last, N, bgCells) : null;
  // on a transparent layer with G's own matte (generator-matte.ts), clear is where G's avatar is not,
  // and the content's colours are the avatar's own, not blended with the background colour
  const toLayer = layerColourOf(layerColours, o.near, o.distinct, o.sure, areas, o.outgrow, o.hue);
  if (bg && matted) return mattedPlan(first, last, change, cells, clustered, layerColours, toLayer, clearCells, matted, o, R, fine, drawn);
  const centres = mergeClose(kMeans(last, N, clustered, o.maxColours, o.minShare, twoFills(toLayer, layerColours, o.near, o.split), ownSmall(first, last, N, layerColours, o)), o.merge);
  // drawn cells take only colours that are no blend of two others, among G's centres, the layer's
  // own colours and its background (G's soft edge of new hair over the shirt clusters to a lavender
  // that is neither: a ghost); the ends of such a blend join the palette
  const ends = [...layerColours.slice(0, 8), ...(bg ? [bg] : [])];
  const pureDrawn = drawn ? pureEnds(centres, shares(last, N, clustered, centres), ends, nearAny(layerColours, o.near), liesBetween(last, N, R, clustered, centres), besideInImage(last, N, R, clustered, centres, ends, o.near)) : [];
  const area = shares(last, N, clustered, centres).map((sh) => sh * clustered.length);
  const palette: [number, number, number, number][] = centres.map((c, k) => {
    if (bg && dist3(c, bg) <= o.clearNear) return [0, 0, 0, 0];
    const v = toLayer(c, area[k]);
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
  // (the fill the shape sits on, a layer colour, is pure: pure-colours.ts)
  const surely = nearAny(layerColours, o.sure);
  const pure = fine ? pureCentres(centres, shares(last, N, clustered, centres), surely, liesBetween(last, N, R, clustered, centres, 0.5)) : [], pureOpaque = pure.filter((k) => k !== clearAt);
  const opaqueOnly = (p: number): boolean => !!kept && pureOpaque.length > 0 && (!!kept.recoloured[p] || !(open[p] || kept.clear[p]));
  if (fine) for (let p = 0; p < N; p++) if (fine[p]) softLabel(last, N, p, centres, opaqueOnly(p) ? pureOpaque : pure, labels);
  // cells drawn from G(z1) are traced at each sample (InsertionPlan.traced); old content, a clear cut
  // and a cell only grown onto a reshaped group keep their labels
  let traced: Traced | undefined;
  if (o.trace) {
    const lists: number[][] = [pureDrawn.length ? pureDrawn : fine ? pure : pureCentres(centres, shares(last, N, clustered, centres), surely)];
    if (fine) lists.push(pure, pureOpaque);
    const at = new Uint8Array(N);
    for (let p = 0; p < N; p++) {
      if (label[p]! >= K || (kept && label[p] === clearAt)) continue;
      if (fine?.[p]) at[p] = opaqueOnly(p) ? 3 : 2;   // softLabel's choice above
      else if (drawn?.[p] === 1) at[p] = 1;
    }
    if (at.some((v) => v > 0)) traced = tracedCells(at, lists, last, centres, R, labels);
  }
  // kept cells show the layer unmoved: G kept its content there, so the flow's bend is no part of the edit
  const carried = carriedCells(onehot, K, cells, R);
  if (keep) for (let p = 0; p < N; p++) if (keep[p]) carried[p] = 0;
  return { R, cells, carried, mask: mean3(cells, R), palette, seen: to255(centres), labels, traced };
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
function mattedPlan(first: Float32Array, last: Float32Array, change: ChangeField, cells: Float32Array, inside: number[], layerColours: number[][], toLayer: ToLayer, layerClear: Uint8Array, matted: MattedInsert, o: InsertOptions, R: number, fine?: Uint8Array | null, drawn?: Uint8Array | null): InsertionPlan | null {
  const N = R * R, { alpha, colour: src } = matted.matte;
  const covered = inside.filter((p) => alpha[p]! >= 0.5);
  const centres = covered.length ? mergeClose(kMeans(src, N, covered, o.maxColours, o.minShare, twoFills(toLayer, layerColours, o.near, o.split), ownSmall(first, last, N, layerColours, o)), o.merge) : [];
  const own = nearAny(layerColours, o.near);
  // as on an opaque layer, a colour between two others in the image is G's soft edge (bench-1's soul patch was a brown halo)
  const pureDrawn = drawn && centres.length ? pureEnds(centres, shares(src, N, covered, centres), layerColours.slice(0, 8), own, liesBetween(src, N, R, covered, centres), besideInImage(src, N, R, covered, centres, layerColours.slice(0, 8), o.near)) : [];
  const area = covered.length ? shares(src, N, covered, centres).map((sh) => sh * covered.length) : [];
  const palette: [number, number, number, number][] = centres.map((c, k) => {
    const v = toLayer(c, area[k]);
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
  const pure = fine ? pureCentres(drawable, shares(src, N, covered, drawable), nearAny(layerColours, o.sure)) : [];
  if (fine) for (let p = 0; p < N; p++) if (fine[p] && alpha[p]! >= 0.5 && pure.length) softLabel(src, N, p, centres, pure, labels);
  // cells drawn from G(z1) traced at each sample, as on an opaque layer, G's matte saying where it is clear
  let traced: Traced | undefined;
  if (o.trace) {
    const lists = [pureDrawn.length ? pureDrawn : opaque, pure.length ? pure : opaque], at = new Uint8Array(N);
    const isPending = new Uint8Array(N);
    for (const p of pending) isPending[p] = 1;
    for (let p = 0; p < N; p++) {
      if (label[p]! >= K || isPending[p] || (label[p] === clearAt && !matted.cuts)) continue;
      if (fine?.[p]) at[p] = 2;
      else if (drawn?.[p] === 1) at[p] = 1;
    }
    if (at.some((v) => v > 0)) {
      const pre = new Float32Array(3 * N);   // the matte's colour premultiplied: read bicubically near its edge
      for (let c = 0; c < 3; c++) for (let p = 0; p < N; p++) pre[c * N + p] = src[c * N + p]! * alpha[p]!;
      traced = tracedCells(at, lists, pre, centres, R, labels, matted.cuts ? { alpha, clear: clearAt } : { alpha });
    }
  }
  return { R, cells, carried: carriedCells(onehot, K, cells, R), mask: mean3(cells, R), palette, seen: to255(centres), labels, traced };
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

const to255 = (cs: number[][]): number[][] => cs.map((c) => c.map((v) => 255 * v));

/**
 * The plan with each palette entry that took a layer colour re-landed on one of `landings` (new
 * colours the edit's carried tones agree on, snap-tones.ts) when G(z1)'s own colour for it lies
 * within `within` (0–255; render-transfer.ts passes `sure`, G's own noise) of that landing and
 * nearer it than the layer colour. Two estimates of a new colour agreeing outweigh a layer colour
 * nearby: bench-4's checked shirt turned plain was drawn in the old light check's blue, 20 levels
 * off, where G and the carried checks both said the new blue. The plan itself is not changed.
 */
export function relandPalette(plan: InsertionPlan, landings: readonly (readonly number[])[], within: number): InsertionPlan {
  if (!landings.length) return plan;
  let palette: InsertionPlan['palette'] | null = null;
  plan.palette.forEach((c, k) => {
    const g = plan.seen[k];
    if (!g || c[3] === 0) return;
    const own = dist3(g, c);
    let best: readonly number[] | null = null, bd = within;
    for (const X of landings) { const d = dist3(g, X); if (d <= bd && d < own) { bd = d; best = X; } }
    if (!best) return;
    palette ??= plan.palette.slice();
    palette[k] = [Math.round(best[0]!), Math.round(best[1]!), Math.round(best[2]!), 255];
  });
  return palette ? { ...plan, palette } : plan;
}

/**
 * Overwrites rows [y0, y1) of `out` (the carried layer, straight RGBA) with the inserted content
 * where the plan's mask holds, 2×2 samples a pixel.
 */
export function insertRows(plan: InsertionPlan, mapping: FrameMapping, out: Uint8ClampedArray, W: number, y0: number, y1: number): void {
  const { R, mask, palette, labels, traced } = plan, K = palette.length, N = R * R;
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
        const cell = traced ? Math.min(R - 1, Math.max(0, Math.round(Y))) * R + Math.min(R - 1, Math.max(0, Math.round(X))) : -1;
        if (traced && traced.cells[cell] && sampleClamped(traced.share, R, R, X, Y) >= 0.5) best = tracedLabel(traced, R, cell, X, Y);
        else for (let k = 0; k <= K; k++) {
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

/**
 * kMeans' split rule (InsertOptions.split): a centre that is no layer colour (`toLayer` leaves it
 * G's own: it returns its argument itself), whose halves each lie within `near` of a layer colour,
 * two different ones (more than `near` apart).
 */
function twoFills(toLayer: ToLayer, layerColours: readonly number[][], near: number, spread: number): SplitRule | null {
  if (!(spread > 0) || !layerColours.length) return null;
  const nearest = (c: readonly number[]): number => {
    let best = -1, bd = near;
    layerColours.forEach((l, i) => { const d = dist3(c, l); if (d <= bd) { bd = d; best = i; } });
    return best;
  };
  return {
    spread, extra: 2,
    when: (c, a, b) => {
      const la = nearest(a), lb = nearest(b);
      // (two different fills: not one colour the 5-bit histogram split over two bins)
      return toLayer(c) === c && la >= 0 && lb >= 0 && dist3(layerColours[la]!, layerColours[lb]!) > near;
    },
  };
}

/** A colour of G(z1)'s new content (covering `cells` frame cells, if known) → the colour it is drawn in. */
export type ToLayer = (c: readonly number[], cells?: number) => readonly number[];

/**
 * A colour of G(z1)'s new content → the layer colour it is drawn in: the nearest within `sure`, or
 * within `near` and `distinct` times nearer than the next; else G's own colour. With `areas` (each
 * layer colour's frame cells), beyond `sure` no colour whose area is under 1/`outgrow` of the cells
 * the content covers, nor one whose hue is more than `hue` degrees round from its own.
 */
export function layerColourOf(colours: readonly number[][], near: number, distinct = 1, sure = 0, areas: readonly number[] | null = null, outgrow = Infinity, hue = 180): ToLayer {
  return (c, cells = 0) => {
    let best: readonly number[] = c, bd = Infinity, second = Infinity;
    for (let i = 0; i < colours.length; i++) {
      const l = colours[i]!, d = dist3(c, l);
      if (areas && d > sure && cells > outgrow * areas[i]!) continue;
      if (d > sure && !sameHue(c, l, hue)) continue;
      if (d < bd) { second = bd; bd = d; best = l; } else if (d < second) second = d;
    }
    return bd <= sure || (bd <= near && bd <= distinct * second) ? best : c;
  };
}

/**
 * kMeans keeps a cluster under minShare of at least `smallCells` cells whose centre lies within
 * `sure` of a layer colour, farther than `near` from every other centre, and whose cells G changed
 * (by `residual` on average, max over channels): a small new shape in one of the layer's colours
 * inside a larger insertion (bench-5's happy eyes, 9 of 303 cells, in the glasses' near-black;
 * dropped, their cells joined G's blurred arcs, which took the hair's violet). A small cluster G
 * left as it was is old content (heldout-69's glasses beside a new bun).
 */
function ownSmall(first: Float32Array, last: Float32Array, N: number, layerColours: readonly number[][], o: InsertOptions): SmallRule | null {
  if (!(o.smallCells > 0)) return null;
  const changed = (cells: readonly number[]): boolean => {
    let s = 0;
    for (const p of cells) s += Math.max(Math.abs(last[p]! - first[p]!), Math.abs(last[N + p]! - first[N + p]!), Math.abs(last[2 * N + p]! - first[2 * N + p]!));
    return s >= o.residual * cells.length;
  };
  const sure = nearAny(layerColours, o.sure);
  return { cells: o.smallCells, keep: (c, all, cells) => sure(c) && all.every((a) => a === c || dist3(a, c) > o.near) && changed(cells) };
}

/** Whether a colour lies within `d` (RGB, [0, 1]) of one of `colours`. */
const nearAny = (colours: readonly (readonly number[])[], d: number) => (c: readonly number[]): boolean => colours.some((l) => dist3(c, l) <= d);

/** Whether two colours' chroma (their difference from their own grey) points the same way, within `degrees`, when both have some (10 levels). */
function sameHue(a: readonly number[], b: readonly number[], degrees: number): boolean {
  const ga = (a[0]! + a[1]! + a[2]!) / 3, gb = (b[0]! + b[1]! + b[2]!) / 3;
  const ca = [a[0]! - ga, a[1]! - ga, a[2]! - ga], cb = [b[0]! - gb, b[1]! - gb, b[2]! - gb];
  const la = Math.hypot(ca[0]!, ca[1]!, ca[2]!), lb = Math.hypot(cb[0]!, cb[1]!, cb[2]!);
  if (la < 10 / 255 || lb < 10 / 255) return true;
  return (ca[0]! * cb[0]! + ca[1]! * cb[1]! + ca[2]! * cb[2]!) / (la * lb) >= Math.cos((degrees * Math.PI) / 180);
}

/**
 * The layer's flat colours ([0, 1] RGB; the most common opaque colours, a 5-bit histogram, each
 * bin's mean), the frame cells each covers, and which frame cells it leaves clear (coverage < 1/2,
 * inside the frame).
 */
function layerPalette(original: RgbaImage, mapping: FrameMapping): { colours: number[][]; areas: number[]; clearCells: Uint8Array } {
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
  const kept = [...bins.values()].filter((b) => b[3]! >= 0.002 * total).sort((a, b) => b[3]! - a[3]!);
  const colours = kept.map((b) => [b[0]! / b[3]! / 255, b[1]! / b[3]! / 255, b[2]! / b[3]! / 255]);
  // a sample stands for stride² pixels, a pixel for scale² frame cells
  const areas = kept.map((b) => b[3]! * (stride * mapping.scale) ** 2);
  const clearCells = new Uint8Array(R * R);
  for (let q = 0; q < R * R; q++) if (count[q]! > 0 && alpha[q]! / count[q]! < 0.5) clearCells[q] = 1;
  return { colours, areas, clearCells };
}
