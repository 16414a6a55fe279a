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
 */
import type { LayerFrame } from './layer-frame.js';
import { fillHoles } from './insert-content.js';

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
}

export const DEFAULT_LARGE_INSERT_OPTIONS: Readonly<LargeInsertOptions> = {
  miss: 0.25, unexplained: 0.5, minChange: 0.2, made: 0.5, link: 1, minSeeds: 16, grow: [0.15, 2], minCoverage: 0.5,
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
  const cells = new Float32Array(N), seen = new Uint8Array(N);
  let any = false;
  for (let s = 0; s < N; s++) {
    if (!seed[s] || seen[s]) continue;
    const comp = [s];
    seen[s] = 1;
    for (let i = 0; i < comp.length; i++) {
      const p = comp[i]!, x = p % R, y = (p - x) / R;
      for (let dy = -o.link; dy <= o.link; dy++) for (let dx = -o.link; dx <= o.link; dx++) {
        const u = x + dx, v = y + dy, q = v * R + u;
        if (u >= 0 && v >= 0 && u < R && v < R && seed[q] && !seen[q]) { seen[q] = 1; comp.push(q); }
      }
    }
    if (comp.length < o.minSeeds) continue;
    for (const p of comp) cells[p] = 1;
    any = true;
  }
  if (!any) return null;
  // hysteresis: the rest of the new shape, missed less (its edge, blurred at 64²)
  const queue: number[] = [], dist = new Int32Array(N).fill(-1);
  for (let p = 0; p < N; p++) if (cells[p]) { queue.push(p); dist[p] = 0; }
  for (let i = 0; i < queue.length; i++) {
    const p = queue[i]!, x = p % R, y = (p - x) / R;
    if (dist[p]! >= o.grow[1]) continue;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const u = x + dx, v = y + dy, q = v * R + u;
      if (u < 0 || v < 0 || u >= R || v >= R || dist[q]! >= 0 || change[q]! < o.grow[0] || miss[q]! < o.miss / 2) continue;
      dist[q] = dist[p]! + 1;
      cells[q] = 1;
      queue.push(q);
    }
  }
  // enclosed holes of at most 4 cells filled, whatever their change: a speck G left inside new hair
  return fillHoles(cells, change, R, 4, Infinity);
}
