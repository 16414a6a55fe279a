/**
 * Small new shapes (issue 15: a wink, a new mouth, a moustache): where the carried edit, as it
 * actually comes out on the layer, did not make the change the generator made.
 *
 * insert-content.ts finds new content by how badly the flow's prediction (G(z0) warped and
 * recoloured) misses G(z1), over groups of ≥ 8 cells. A feature a few cells wide slips through
 * both: the window-wide affine colour model "explains" a dark dot turning to skin at 64² (it can
 * map dark to skin while skin stays skin), yet on the crisp layer the same field leaves the old
 * eye where it was. So here the outcome is judged instead: the layer with the edit carried
 * (rendered small, seen at frame resolution) against the layer as it was, compared cell by cell
 * with the generator's own change G(z0) → G(z1). Where the generator changed a cell strongly and
 * ours did not follow, the cell is new content. A group counts by its evidence (the misses summed
 * over its cells), not its size: a 2-cell eye missed by 0.5 counts, a lone cell off by 0.2 (an
 * edge a frame pixel off) does not.
 */
import type { LayerFrame } from './layer-frame.js';

export interface SmallInsertOptions {
  /** A cell is a seed when G(z0) → G(z1) changed it by at least this (max over channels, [0, 1])… */
  change: number;
  /** …our change misses the generator's by at least this… */
  miss: number;
  /** …and by at least this fraction of the generator's change (a change we half made is ours). */
  unexplained: number;
  /**
   * Seeds at most this many cells apart are one group: a thin shape (a wink's line, 2–3 layer px)
   * blurs at 64² into seeds with gaps between them.
   */
  link: number;
  /** A group (seeds linked within `link` cells) is new content when its misses sum to this (cells × miss). */
  evidence: number;
  /** The groups grow over cells the generator changed by `grow[0]`, at most `grow[1]` cells away. */
  grow: readonly [number, number];
  /** Cells the layer covers less than this (before or after) are left to insert-content.ts's clear/background logic. */
  minCoverage: number;
}

export const DEFAULT_SMALL_INSERT_OPTIONS: Readonly<SmallInsertOptions> = {
  change: 0.2, miss: 0.2, unexplained: 0.5, link: 2, evidence: 0.8, grow: [0.1, 2], minCoverage: 0.5,
};

/**
 * Per cell [R·R]: how far our change (`before` → `after`, the layer before and after the carried
 * edit at frame resolution) misses the generator's (first → last, [3, R, R] in [0, 1]), max over
 * channels; 0 where the layer is (nearly) clear.
 */
export function outcomeMisses(before: LayerFrame, after: LayerFrame, first: Float32Array, last: Float32Array, o: SmallInsertOptions = DEFAULT_SMALL_INSERT_OPTIONS): { miss: Float32Array; change: Float32Array } {
  const N = before.coverage.length;
  const miss = new Float32Array(N), change = new Float32Array(N);
  for (let p = 0; p < N; p++) {
    for (let c = 0; c < 3; c++) change[p] = Math.max(change[p]!, Math.abs(last[c * N + p]! - first[c * N + p]!));
    if (before.coverage[p]! < o.minCoverage || after.coverage[p]! < o.minCoverage) continue;
    for (let c = 0; c < 3; c++) {
      const ours = after.colour[c * N + p]! - before.colour[c * N + p]!, theirs = last[c * N + p]! - first[c * N + p]!;
      miss[p] = Math.max(miss[p]!, Math.abs(ours - theirs));
    }
  }
  return { miss, change };
}

/** Cells [R·R] (0/1) of the groups of seeds with enough evidence, or null when there are none. */
export function smallInsertionCells(miss: Float32Array, change: Float32Array, R: number, options: Partial<SmallInsertOptions> = {}): Float32Array | null {
  const o = { ...DEFAULT_SMALL_INSERT_OPTIONS, ...options }, N = R * R;
  const seed = new Uint8Array(N);
  for (let p = 0; p < N; p++) if (change[p]! >= o.change && miss[p]! >= o.miss && miss[p]! >= o.unexplained * change[p]!) seed[p] = 1;
  const cells = new Float32Array(N), seen = new Uint8Array(N);
  let any = false;
  for (let s = 0; s < N; s++) {
    if (!seed[s] || seen[s]) continue;
    const comp = [s];
    seen[s] = 1;
    let sum = 0;
    for (let i = 0; i < comp.length; i++) {
      const p = comp[i]!, x = p % R, y = (p - x) / R;
      sum += miss[p]!;
      for (let dy = -o.link; dy <= o.link; dy++) for (let dx = -o.link; dx <= o.link; dx++) {
        const u = x + dx, v = y + dy, q = v * R + u;
        if (u >= 0 && v >= 0 && u < R && v < R && seed[q] && !seen[q]) { seen[q] = 1; comp.push(q); }
      }
    }
    if (sum < o.evidence) continue;
    for (const p of comp) cells[p] = 1;
    any = true;
  }
  if (!any) return null;
  // grown over the cells near it the generator changed at all: the rest of the old shape (a thin
  // arc of an eye, blurred at 64², changes less than the new shape's cells)
  const queue: number[] = [], dist = new Int32Array(N).fill(-1);
  for (let p = 0; p < N; p++) if (cells[p]) { queue.push(p); dist[p] = 0; }
  for (let i = 0; i < queue.length; i++) {
    const p = queue[i]!, x = p % R, y = (p - x) / R;
    if (dist[p]! >= o.grow[1]) continue;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const u = x + dx, v = y + dy, q = v * R + u;
      if (u < 0 || v < 0 || u >= R || v >= R || dist[q]! >= 0 || change[q]! < o.grow[0]) continue;
      dist[q] = dist[p]! + 1;
      cells[q] = 1;
      queue.push(q);
    }
  }
  return cells;
}
