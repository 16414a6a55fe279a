/**
 * Large new content (issue 15: hair grown on a bald head, a long cut turned into a bob, a bun):
 * where the carried edit, as it actually comes out on the layer, misses a large part of the
 * generator's change.
 *
 * insert-content.ts finds new content by how badly the flow's prediction misses G(z1) at 64²; but
 * the window-wide affine colour model "explains" much of a new silhouette there (skin → hair is an
 * affine map of the window's colours), while on the crisp layer the same field cannot draw a shape
 * the layer does not have: the new hair never appears, or the old hair's ends stay. small-insertions.ts
 * judges the outcome instead, but only for small shapes in the layer's own tones and only where
 * the layer covers the cell. Here the outcome is judged for large groups, in any colour, and on a
 * transparent layer too: the layer is seen composited over the colour G paints where the layer is
 * clear, so hair that G draws outside the old silhouette (the layer clear there) and hair G removes
 * from over a clear background both count as missed. The cells found are drawn wholly from G(z1)
 * (insert-content.ts `insertionPlan` with `drawn`): flat colours snapped to the layer's, G's
 * background colour clear (alpha 0), no blends of two colours.
 *
 * The outcome can also look right cell by cell and still be the wrong shape: the flow shrinks a
 * curly outline into the bob's place. `movedShapeCells` finds where G moved the layer's own tones
 * (hair became background beside hair, background became hair) and those cells are drawn from G(z1) too.
 *
 * After a shape code's change the flow also bends what G kept (glasses pulled up into hair G removed,
 * the face's edge dragged beside new hair): `keptCells` finds where the layer already shows what
 * G(z1) shows, and there the layer stays exactly as it is.
 */
import { forEachFrameSample, type LayerFrame } from './layer-frame.js';
import type { FrameMapping } from './frame-mapping.js';
import type { RgbaImage } from './types.js';
import { fillHoles } from './cell-groups.js';
import { cellGroups, growOver } from './cell-groups.js';

export interface LargeInsertOptions {
  /**
   * A cell is a seed when the outcome misses the generator's change by at least this (max over
   * channels, [0, 1])… (0.2 caught a crisp edge a quarter cell from G's blurred one, on a disc
   * the carried edit had drawn right; bench:edits hair style opaque 33.9 → 32.9 with it and link 2)
   */
  miss: number;
  /** …by at least this fraction of the generator's change… */
  unexplained: number;
  /** …and the generator changed it by at least this (new content: not our own drift). */
  minChange: number;
  /** A change we made the generator's way at least this fraction of its length is ours, not a miss. */
  made: number;
  /** Seeds at most this many cells apart are one group (1: 8-connected; a new edge blurred at 64² leaves gaps)… */
  link: number;
  /** …and groups of fewer seeds are left to small-insertions.ts. */
  minSeeds: number;
  /** The groups grow over cells the generator changed by `grow[0]` that we also missed by half `miss`, at most `grow[1]` cells away. */
  grow: readonly [number, number];
  /** Cells the layer covers less than this are composited over G's background colour (null: left out, an opaque layer's letterbox). */
  minCoverage: number;
  /** movedShapes: a colour within this of a tone ([0, 1], Euclidean) is that tone… */
  toneNear: number;
  /** …G(z1) gives a cell a tone the layer shows at most this many cells away… */
  reach: number;
  /** …in a group of at least this many such cells: a shape of the layer moved, redrawn whole. */
  minMoved: number;
  /**
   * After a shape code's change (TransferInput `reshaped`), on an opaque layer: the cells the
   * generator changed by at least this are drawn (0.1 ≈ 25 levels, the strong-change threshold;
   * bench:edits on the 1976 kimg frames, opaque shape rows: 0.07 came out about the same — hair style
   * 21.0 both, mouth 37.7 vs 38.5, facial hair 33.8 vs 36.9, eyes 35.4 vs 34.5 — with more leakage,
   * hair style 2.46 vs 2.06 %).
   */
  reshape: number;
  /**
   * …in groups with a cell it changed by `reshapeCore[0]` or of `reshapeCore[1]` cells or more: a
   * small group of faint change is the generator unsure of a shape it cannot draw at 64² (a nose's
   * wrinkles: no nose edit has a cell changed by 0.2, or more than 19 changed by 0.1), and drawn
   * from G(z1) it came out as fragments of the old shape and of the glasses beside it. A large faint
   * group is a faint shape drawn whole (a checked shirt, a fade).
   */
  reshapeCore: readonly [number, number];
  /**
   * …and groups of at least `minCells` (a hair style's, not an eye's) grown over the cells next to
   * them, at most `steps` away, that G changed by `change`, that the carried edit still misses by
   * `miss` and where G(z1) is one of the layer's flat colours (`toneNear`; a blend would be drawn as
   * a third colour: an eye's blurred dot in the hair's pink): the old shape's pieces G(z0) had
   * already half drawn away (a curly fringe the projection drew as skin; G's change there is faint,
   * but the layer's hair stays). steps 0: off, the default. Session 27, bench:edits code rows rescored on
   * the 3700 kimg frames: steps 4 removed bench-0's curls left on a bald head (BENCHMARKS.md) and took
   * the opaque bald-head row 22.0 → 20.2 in the part, but opaque hair style fell 6 → 5 of 12 beating
   * both baselines (21.8 → 21.8 in the part); not kept on. Without its tone, grown-palette and hole
   * rules it had drawn an eye's blurred dot in the hair's pink.
   */
  reshapeGrow: Readonly<{ change: number; miss: number; steps: number; minCells: number }>;
  /**
   * …and a flat shape of the layer (a 4-connected patch of one tone) of which G changed at least this
   * fraction of the cells is drawn whole, with its blended rim: an old mouth of which G kept a few
   * cells (a dark oval where the new frown's arc also is dark) otherwise shows its old outline there,
   * bent by the flow (0: off)…
   */
  partShare: number;
  /** …when it has at most this many cells (the face or the background, a fraction of which any edit changes, stays). */
  partMax: number;
  /**
   * After a shape code's change, a cell where G(z1) is within this of the layer (max over channels,
   * [0, 1])… (keptCells; 0: off)
   */
  keepNear: number;
  /** …in at least this share of the layer's pixels there keeps them, unmoved (unless in a shape drawn whole)… */
  keepShare: number;
  /** …where G changed the cell by at most this (G(z0) → G(z1), max over channels). */
  keepChanged: number;
}

export const DEFAULT_LARGE_INSERT_OPTIONS: Readonly<LargeInsertOptions> = {
  miss: 0.25, unexplained: 0.5, minChange: 0.2, made: 0.5, link: 1, minSeeds: 16, grow: [0.15, 2], minCoverage: 0.5,
  toneNear: 0.1, reach: 3, minMoved: 48, reshape: 0.1, reshapeCore: [0.2, 24], reshapeGrow: { change: 0.04, miss: 0.06, steps: 0, minCells: 64 }, partShare: 0.3, partMax: 400, keepNear: 0.1, keepShare: 0.9, keepChanged: 0.1,
};

/**
 * The colour ([0, 1] RGB) G(z0) paints where the layer is clear (its idea of a transparent
 * layer's background: the median over the clear cells), or null when fewer than `min` cells are
 * clear (an opaque layer).
 */
export function clearColour(before: LayerFrame, first: Float32Array, min = 16): number[] | null {
  const N = before.coverage.length, cells: number[] = [];
  for (let p = 0; p < N; p++) if (before.coverage[p]! < 0.05) cells.push(p);
  if (cells.length < min) return null;
  return [0, 1, 2].map((c) => {
    const v = cells.map((p) => first[c * N + p]!).sort((a, b) => a - b);
    return v[v.length >> 1]!;
  });
}

/**
 * Per cell [R·R]: how far our change (`before` → `after`, the layer before and after the carried
 * edit at frame resolution, each composited over `bg`) misses the generator's (first → last,
 * [3, R, R] in [0, 1]), max over channels; and the generator's change. Without `bg` (an opaque
 * layer), cells the layer does not cover are no miss.
 */
export function compositedMisses(before: LayerFrame, after: LayerFrame, first: Float32Array, last: Float32Array, bg: readonly number[] | null, options: Partial<LargeInsertOptions> = {}): { miss: Float32Array; change: Float32Array } {
  const o = { ...DEFAULT_LARGE_INSERT_OPTIONS, ...options }, N = before.coverage.length;
  const miss = new Float32Array(N), change = new Float32Array(N);
  const seen = (f: LayerFrame, c: number, p: number): number => {
    const a = f.coverage[p]!;
    return bg ? a * f.colour[c * N + p]! + (1 - a) * bg[c]! : f.colour[c * N + p]!;
  };
  for (let p = 0; p < N; p++) {
    for (let c = 0; c < 3; c++) change[p] = Math.max(change[p]!, Math.abs(last[c * N + p]! - first[c * N + p]!));
    if (!bg && (before.coverage[p]! < o.minCoverage || after.coverage[p]! < o.minCoverage)) continue;
    let m = 0, ot = 0, tt = 0;
    for (let c = 0; c < 3; c++) {
      const ours = seen(after, c, p) - seen(before, c, p), theirs = last[c * N + p]! - first[c * N + p]!;
      m = Math.max(m, Math.abs(ours - theirs));
      ot += ours * theirs; tt += theirs * theirs;
    }
    // made the generator's way and most of its length (snap-tones.ts takes a tone all the way): ours
    if (tt > 0 && ot >= o.made * tt && m < o.miss * 2) continue;
    miss[p] = m;
  }
  return { miss, change };
}

/**
 * Cells [R·R] (0/1) of the large groups of missed new content, grown over the missed cells near
 * them that the generator changed, holes filled; null when there are none.
 */
export function largeInsertionCells(miss: Float32Array, change: Float32Array, R: number, options: Partial<LargeInsertOptions> = {}): Float32Array | null {
  const o = { ...DEFAULT_LARGE_INSERT_OPTIONS, ...options }, N = R * R;
  const seed = new Uint8Array(N);
  for (let p = 0; p < N; p++) if (miss[p]! >= o.miss && miss[p]! >= o.unexplained * change[p]! && change[p]! >= o.minChange) seed[p] = 1;
  const cells = cellGroups(seed, R, o.link, (g) => g.length >= o.minSeeds);
  if (!cells) return null;
  // hysteresis: the rest of the new shape, missed less (its edge, blurred at 64²)
  growOver(cells, R, o.grow[1], (q) => change[q]! >= o.grow[0] && miss[q]! >= o.miss / 2);
  // enclosed holes of at most 4 cells filled, whatever their change: a speck G left inside new hair
  return fillHoles(cells, change, R, 4, Infinity);
}

/**
 * Cells [R·R] (0/1) where the generator moved a shape of the layer rather than recoloured it: G(z1)
 * paints the cell in one of the layer's tones (or, on a transparent layer, its background `bg`) that
 * the layer shows within `reach` cells but not in this cell — hair turned background as a curly cut
 * becomes a bob, background turned hair as pigtails grow — in groups of at least `minMoved` cells.
 * The carried edit can bend the old shape toward the new place (a curly outline shrunk, not a bob's
 * straight edge), which the outcome's misses do not see; a recolour (a new colour, in place) and a
 * small shape (a mouth) are left to the other stages. `tones` in [0, 1].
 */
export function movedShapeCells(before: LayerFrame, last: Float32Array, change: Float32Array, tones: readonly (readonly number[])[], bg: readonly number[] | null, R: number, options: Partial<LargeInsertOptions> = {}): Float32Array | null {
  const o = { ...DEFAULT_LARGE_INSERT_OPTIONS, ...options }, N = R * R;
  // on a transparent layer G's background colour is a tone too (old hair's place seen as clear) but
  // never a new one: where G paints it, insert-content.ts cannot tell a cut from hair turned white
  // (both its background colour), and drawn cells turned opaque white (bench:edits, bench-1 mohawk)
  const all = bg ? [...tones, bg] : tones, clear = bg ? tones.length : -1;
  const nearest = (c: readonly number[]): number => nearestTone(c, all, o.toneNear);
  const layerTone = cellTones(before, all, bg, R, o);
  const seed = new Uint8Array(N);
  for (let p = 0; p < N; p++) {
    if (change[p]! < o.minChange || layerTone[p]! < 0) continue;
    const k = nearest([last[p]!, last[N + p]!, last[2 * N + p]!]);
    if (k < 0 || k === layerTone[p] || k === clear) continue;
    const x = p % R, y = (p - x) / R;
    let near = false;
    for (let v = Math.max(0, y - o.reach); v <= Math.min(R - 1, y + o.reach) && !near; v++) for (let u = Math.max(0, x - o.reach); u <= Math.min(R - 1, x + o.reach); u++) if (layerTone[v * R + u] === k) { near = true; break; }
    if (near) seed[p] = 1;
  }
  const cells = cellGroups(seed, R, 1, (g) => g.length >= o.minMoved);
  // the rest of the moved shape: the cells around it that G changed (its edge, blurred at 64²)
  if (cells) growOver(cells, R, o.grow[1], (q) => change[q]! >= o.grow[0]);
  return cells;
}

/**
 * Cells [R·R] (1) the generator changed by at least `reshape` (its new shape whole, and the old
 * one's place), enclosed holes of at most 4 cells filled, and (2) the cells `reshapeGrow` adds when
 * `grow` gives the carried edit's misses and G(z1)'s flat-colour cells; 0 elsewhere; null when there
 * are none. Used only after
 * a shape code's change: there the carried edit's field bends the old shape instead of drawing the
 * new one, while on a recolour (hair colour, a background) every cell also changes and must keep
 * the layer's own crisp shapes.
 */
export function reshapedCells(change: Float32Array, R: number, options: Partial<LargeInsertOptions> = {}, grow?: { miss: Float32Array; onTone: Uint8Array }): Float32Array | null {
  // every group, however small: a hair style's small pieces (a strand beside the ear) count (bench:edits,
  // opaque hair style 21.0 with them, 22.4 keeping only groups of 24 cells or more, which spared the
  // noses: 22.5 → 21.0)
  const o = { ...DEFAULT_LARGE_INSERT_OPTIONS, ...options }, N = R * R, seed = new Uint8Array(N);
  for (let p = 0; p < N; p++) if (change[p]! >= o.reshape) seed[p] = 1;
  const groups = cellGroups(seed, R, 1, (group) => group.length >= o.reshapeCore[1] || group.some((p) => change[p]! >= o.reshapeCore[0]));
  const cells = groups ? fillHoles(groups, change, R, 4, Infinity) : null;
  // (after the holes are filled: a hole the growth closes, an eye beside glasses G removed, is no part of the new shape)
  const g = o.reshapeGrow;
  if (cells && grow && g.steps > 0) {
    const large = cellGroups(Uint8Array.from(cells), R, 1, (group) => group.length >= g.minCells);
    if (large) {
      growOver(large, R, g.steps, (q) => change[q]! >= g.change && grow.miss[q]! >= g.miss && grow.onTone[q] === 1);
      for (let p = 0; p < N; p++) if (large[p] && !cells[p]) cells[p] = 2;   // grown: insert-content.ts draws it only in a palette colour
    }
  }
  return cells;
}

/**
 * reshapedCells on a transparent layer (with G's own matte): once the edit has a group that is no
 * small faint one, every group, small faint ones too (the matted drawing picks its colours over all
 * the cells drawn: without them heldout-69's fade came out violet instead of brown, bench:edits 19.8 →
 * 65.9 in the part); where every group is small and faint (a nose's wrinkles, faint at 64²), none, as
 * on an opaque layer: drawn, they came out as fragments of the old nose and spikes on the glasses
 * beside it (bench:edits, transparent noses, 2.51 → 1.94 RMSE over the layer).
 */
export function reshapedCellsMatted(change: Float32Array, R: number, options: Partial<LargeInsertOptions> = {}, grow?: { miss: Float32Array; onTone: Uint8Array }): Float32Array | null {
  return reshapedCells(change, R, options) ? reshapedCells(change, R, { ...options, reshapeCore: [0, 0] }, grow) : null;
}

/** Cells [R·R] where `last` ([3, R, R] in [0, 1]) is within `near` of one of `tones` ([0, 1]): a flat colour of the layer, not a blend. */
export function onTones(last: Float32Array, tones: readonly (readonly number[])[], R: number, near: number): Uint8Array {
  const N = R * R, out = new Uint8Array(N);
  for (let p = 0; p < N; p++) if (nearestTone([last[p]!, last[N + p]!, last[2 * N + p]!], tones, near) >= 0) out[p] = 1;
  return out;
}

/** The index of the tone nearest `c` within `near` ([0, 1], Euclidean), or -1. */
function nearestTone(c: readonly number[], tones: readonly (readonly number[])[], near: number): number {
  let best = -1, bd = near;
  tones.forEach((t, k) => { const d = Math.hypot(c[0]! - t[0]!, c[1]! - t[1]!, c[2]! - t[2]!); if (d <= bd) { bd = d; best = k; } });
  return best;
}

/** The layer's tone in each cell [R·R] (composited over G's background `bg` on a transparent layer; -1: an edge, or not covered). */
function cellTones(before: LayerFrame, tones: readonly (readonly number[])[], bg: readonly number[] | null, R: number, o: LargeInsertOptions): Int32Array {
  const N = R * R, tone = new Int32Array(N).fill(-1);
  for (let p = 0; p < N; p++) {
    const a = before.coverage[p]!;
    if (!bg && a < o.minCoverage) continue;
    tone[p] = nearestTone([0, 1, 2].map((c) => (bg ? a * before.colour[c * N + p]! + (1 - a) * bg[c]! : before.colour[c * N + p]!)), tones, o.toneNear);
  }
  return tone;
}

/**
 * `cells` (reshapedCells) with every flat shape of the layer that G changed for the most part
 * (`partShare` of its cells, at most `partMax` cells) added whole, with the cells of its blended rim
 * (no tone of their own) around it. A shape redrawn only where G changed it keeps its old outline
 * where G's new shape overlaps it at 64² — bench-5's dark oval mouth set to a frown kept the
 * oval's top, bent by the flow, around the arc. Opaque layers (`reshapedCells`' use). `tones` in [0, 1].
 */
export function reshapedParts(cells: Float32Array, before: LayerFrame, tones: readonly (readonly number[])[], R: number, options: Partial<LargeInsertOptions> = {}): Float32Array {
  const whole = wholeParts(cells, before, tones, R, options), out = cells.slice();
  for (let p = 0; p < R * R; p++) if (whole[p]) out[p] = 1;
  return out;
}

/** The cells [R·R] (0/1) of the shapes `reshapedParts` draws whole, with their rims. */
export function wholeParts(cells: Float32Array, before: LayerFrame, tones: readonly (readonly number[])[], R: number, options: Partial<LargeInsertOptions> = {}): Uint8Array {
  const o = { ...DEFAULT_LARGE_INSERT_OPTIONS, ...options }, N = R * R, out = new Uint8Array(N);
  if (!(o.partShare > 0)) return out;
  const tone = cellTones(before, tones, null, R, o), seen = new Uint8Array(N);
  for (let s = 0; s < N; s++) {
    if (seen[s] || tone[s]! < 0) continue;
    const part = [s];
    seen[s] = 1;
    for (let i = 0; i < part.length; i++) {
      const p = part[i]!, x = p % R, y = (p - x) / R;
      for (const q of [x > 0 ? p - 1 : -1, x < R - 1 ? p + 1 : -1, y > 0 ? p - R : -1, y < R - 1 ? p + R : -1]) {
        if (q >= 0 && !seen[q] && tone[q] === tone[s]) { seen[q] = 1; part.push(q); }
      }
    }
    if (part.length > o.partMax) continue;
    let changed = 0;
    for (const p of part) if (cells[p]! > 0) changed++;
    if (changed < o.partShare * part.length) continue;
    for (const p of part) {
      out[p] = 1;
      const x = p % R, y = (p - x) / R;
      for (let v = Math.max(0, y - 1); v <= Math.min(R - 1, y + 1); v++) for (let u = Math.max(0, x - 1); u <= Math.min(R - 1, x + 1); u++) if (tone[v * R + u]! < 0) out[v * R + u] = 1;
    }
  }
  return out;
}

/**
 * The cells [R·R] (0/1) where G(z1) (`last`, [3, R, R] in [0, 1]) shows what the layer already shows:
 * the layer is right there as it is — the glasses beside hair that was cut — and keeps its own
 * pixels, unmoved: not bent by the flow (which pulls the glasses up into the hair G removed) nor
 * redrawn from G's blur in a few colours (bench-5's glasses lost their lenses' tops). Judged on the
 * layer's own pixels, not the cell's mean: at least `keepShare` of the cell's samples are opaque and
 * within `keepNear` of G(z1) there (max over channels), so a thin piece G removed (an old eye's arc
 * over a tenth of the cell, a pigtail's tip) does not hide in a mean close to the skin around it.
 */
export function keptCells(original: RgbaImage, mapping: FrameMapping, first: Float32Array, last: Float32Array, options: Partial<LargeInsertOptions> = {}): Uint8Array {
  const o = { ...DEFAULT_LARGE_INSERT_OPTIONS, ...options }, R = mapping.resolution, N = R * R, out = new Uint8Array(N);
  if (!(o.keepNear > 0)) return out;
  const { data } = original, near = 255 * o.keepNear, good = new Float64Array(N), count = new Float64Array(N);
  const stride = Math.max(1, Math.floor(1 / mapping.scale / 8));
  forEachFrameSample(original, mapping, stride, (p, q) => {
    count[q]++;
    if (data[p + 3]! < 230) return;
    for (let c = 0; c < 3; c++) if (Math.abs(data[p + c]! - 255 * last[c * N + q]!) > near) return;
    good[q]++;
  });
  for (let q = 0; q < N; q++) {
    if (!(count[q]! > 0 && good[q]! >= o.keepShare * count[q]!)) continue;
    // only where G itself changed the cell little: where it changed it, a G(z1) close to the layer may
    // be a faded piece of the old shape, not a sign that the layer is right (bench:edits: this alone
    // does not save the lower lip under bench-0's frown, BENCHMARKS.md session 19)
    let d = 0;
    for (let c = 0; c < 3; c++) d = Math.max(d, Math.abs(last[c * N + q]! - first[c * N + q]!));
    if (d <= o.keepChanged) out[q] = 1;
  }
  return out;
}
