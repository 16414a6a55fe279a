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
 * with the generator's own change G(z0) → G(z1). Where ours differs from it by much (the
 * generator drew a dot we did not; we dragged an arc across skin it left alone), the cell is
 * drawn from G(z1). A group counts by its evidence (the misses summed
 * over its cells), not its size: a 2-cell eye missed by 0.5 counts, a lone cell off by 0.2 (an
 * edge a frame pixel off) does not.
 */
import type { LayerFrame } from './layer-frame.js';
import { cellGroups, growOver } from './cell-groups.js';

export interface SmallInsertOptions {
  /**
   * A cell is a seed when our change misses the generator's by at least this (max over channels,
   * [0, 1]) — also where the generator did not change it at all (the flow dragged the old eye's
   * arc across skin the generator left alone)…
   */
  miss: number;
  /** …and by at least this fraction of the generator's change (a change we half made is ours). */
  unexplained: number;
  /**
   * Seeds at most this many cells apart are one group: a thin shape (a wink's line, 2–3 layer px)
   * blurs at 64² into seeds with gaps between them.
   */
  link: number;
  /** A group (seeds linked within `link` cells) is new content when its misses sum to this (cells × miss)… */
  evidence: number;
  /**
   * …and it has at most this many seeds: a larger one is no small shape (new hair is
   * insert-content.ts's; a colour that snap-tones.ts changed fully where G changed it half is right).
   */
  maxSeeds: number;
  /** The groups grow over cells the generator changed by `grow[0]`, at most `grow[1]` cells away. */
  grow: readonly [number, number];
  /** A cell we changed by `alike[0]` (RGB length) in the generator's direction (cosine ≥ `alike[1]`) is no miss. */
  alike: readonly [number, number];
  /** Seeds only where G(z1) is within this (RGB, [0, 1]) of a layer tone or a blend of two (onLayerTones). */
  toneNear: number;
  /** A tone is recoloured as a whole when its cells changed by this on average, over at least this many cells (recolouredToneCells). */
  recoloured: readonly [number, number];
  /** An edit that recoloured tones covering this many cells as a whole is a recolour edit: no small shapes. */
  recolouredArea: number;
  /** Cells the layer covers less than this (before or after) are left to insert-content.ts's clear/background logic. */
  minCoverage: number;
}

export const DEFAULT_SMALL_INSERT_OPTIONS: Readonly<SmallInsertOptions> = {
  miss: 0.2, unexplained: 0.5, link: 2, evidence: 0.8, maxSeeds: 48, grow: [0.1, 2], alike: [0.1, 0.8], toneNear: 0.08, recoloured: [0.15, 8], recolouredArea: 64, minCoverage: 0.5,
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
    let m = 0, oo = 0, tt = 0, ot = 0;
    for (let c = 0; c < 3; c++) {
      const ours = after.colour[c * N + p]! - before.colour[c * N + p]!, theirs = last[c * N + p]! - first[c * N + p]!;
      m = Math.max(m, Math.abs(ours - theirs));
      oo += ours * ours; tt += theirs * theirs; ot += ours * theirs;
    }
    // a change made the generator's way but by another amount is a recolour (snap-tones.ts changes a
    // tone fully where G changed it part way), not a shape we missed
    if (Math.sqrt(oo) >= o.alike[0] && ot >= o.alike[1] * Math.sqrt(oo * tt)) continue;
    miss[p] = m;
  }
  return { miss, change };
}

/**
 * Cells [R·R] where G(z1) is one of the layer's tones or a blend of two (its antialiased edge):
 * a small part redrawn (an eye shut, a mouth turned) rearranges colours the layer has, while G(z1)
 * in a colour the layer lacks is a recolour (new hair colour) that snap-tones.ts decides, not a
 * shape. last: [3, R, R] in [0, 1]; tones: 0–255 RGB (snap-tones.ts layerTones).
 */
export function onLayerTones(last: Float32Array, tones: readonly (readonly number[])[], R: number, within: number): Uint8Array {
  const N = R * R, out = new Uint8Array(N), t = tones.map((c) => c.map((v) => v / 255));
  for (let p = 0; p < N; p++) {
    const c = [last[p]!, last[N + p]!, last[2 * N + p]!];
    for (let a = 0; a < t.length && !out[p]; a++) for (let b = a; b < t.length; b++) {
      const A = t[a]!, B = t[b]!, ab = [B[0]! - A[0]!, B[1]! - A[1]!, B[2]! - A[2]!], L = ab[0]! ** 2 + ab[1]! ** 2 + ab[2]! ** 2;
      const s = L > 0 ? Math.min(1, Math.max(0, ((c[0]! - A[0]!) * ab[0]! + (c[1]! - A[1]!) * ab[1]! + (c[2]! - A[2]!) * ab[2]!) / L)) : 0;
      if (Math.hypot(c[0]! - A[0]! - s * ab[0]!, c[1]! - A[1]! - s * ab[1]!, c[2]! - A[2]! - s * ab[2]!) <= within) { out[p] = 1; break; }
    }
  }
  return out;
}

/**
 * Cells [R·R] of the layer's tones that the carried edit recoloured as a whole (most of the tone's
 * cells changed by `recoloured[0]`, mean over ≥ `recoloured[1]` cells): a recolour edit, which
 * snap-tones.ts decides tone by tone. Where such a tone stays in places the generator also changed
 * (dark hair left at the neck), that is no small shape to draw from G(z1).
 * before, after: the layer before and after, at frame resolution; tones: 0–255 RGB.
 */
export function recolouredToneCells(before: LayerFrame, after: LayerFrame, tones: readonly (readonly number[])[], o: SmallInsertOptions = DEFAULT_SMALL_INSERT_OPTIONS): Uint8Array {
  const N = before.coverage.length, owner = new Int32Array(N).fill(-1), t = tones.map((c) => c.map((v) => v / 255));
  const sum = new Float64Array(t.length), count = new Float64Array(t.length);
  for (let p = 0; p < N; p++) {
    if (before.coverage[p]! < o.minCoverage) continue;
    const c = [before.colour[p]!, before.colour[N + p]!, before.colour[2 * N + p]!];
    let best = -1, bd = o.toneNear;
    t.forEach((tone, k) => { const d = Math.hypot(c[0]! - tone[0]!, c[1]! - tone[1]!, c[2]! - tone[2]!); if (d <= bd) { bd = d; best = k; } });
    if (best < 0) continue;
    owner[p] = best;
    let m = 0;
    for (let ch = 0; ch < 3; ch++) m = Math.max(m, Math.abs(after.colour[ch * N + p]! - before.colour[ch * N + p]!));
    sum[best] += m; count[best]++;
  }
  const out = new Uint8Array(N);
  for (let p = 0; p < N; p++) { const k = owner[p]!; if (k >= 0 && count[k]! >= o.recoloured[1] && sum[k]! / count[k]! >= o.recoloured[0]) out[p] = 1; }
  return out;
}

/** Cells [R·R] (0/1) of the groups of seeds with enough evidence, or null when there are none. */
export function smallInsertionCells(miss: Float32Array, change: Float32Array, R: number, options: Partial<SmallInsertOptions> = {}, allowed?: Uint8Array | null): Float32Array | null {
  const o = { ...DEFAULT_SMALL_INSERT_OPTIONS, ...options }, N = R * R;
  const seed = new Uint8Array(N);
  for (let p = 0; p < N; p++) if ((!allowed || allowed[p]) && miss[p]! >= o.miss && miss[p]! >= o.unexplained * change[p]!) seed[p] = 1;
  const cells = cellGroups(seed, R, o.link, (g) => g.reduce((sum, p) => sum + miss[p]!, 0) >= o.evidence && g.length <= o.maxSeeds);
  if (!cells) return null;
  // grown over the cells near it the generator changed at all: the rest of the old shape (a thin
  // arc of an eye, blurred at 64², changes less than the new shape's cells)
  growOver(cells, R, o.grow[1], (q) => change[q]! >= o.grow[0]);
  return cells;
}
