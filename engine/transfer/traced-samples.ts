/**
 * Traced new shapes (insert-content.ts, issue 15): the cells an insertion draws from G(z1) take, at
 * each sample, the colour G(z1) shows there, upsampled bicubically, among the colours the labels
 * chose around the cell. A new shape's edge then lies where G draws it half-way, a smooth curve at
 * full resolution, not where a 64² cell's majority put it (bench:edits, session 31: opaque eyes
 * 33.4 → 24.6 RMSE in the part, a smile no longer V-shaped).
 */
import { mean3 } from './cell-groups.js';
import { cubicWeights } from './sample.js';

/**
 * Cells whose samples are labelled from G(z1)'s colour at the sample (`colour` [3, R, R], bicubic),
 * not from the cells' labels: the nearer end of the nearest segment between two of the cell's
 * candidate centres (`lists[cells[p] - 1]`; 0: not traced). With `alpha` [R·R] (G's own matte on a
 * transparent layer), a sample where it is below 1/2 is clear (`clear`), and the colour is read
 * premultiplied by it (the matte's colour means nothing where G drew no avatar).
 */
export interface Traced {
  cells: Uint8Array;
  lists: number[][];
  colour: Float32Array;
  centres: number[][];
  /**
   * [R·R] the traced cells' 3×3 mean: a sample is traced where it is ≥ 1/2 (bilinear), so the
   * boundary with the labelled cells is a curve too, not a 64² staircase (`cells` then also gives
   * the cells next to a traced one a neighbour's list).
   */
  share: Float32Array;
  /** Per list, every segment [i, j] (i ≤ j) as 8 numbers: i, j, centre i, centre j − centre i (made once, read per sample). */
  segments: Float64Array[];
  alpha?: Float32Array;
  clear?: number;
}

/** The Traced of the cells `at` (1-based indices into `lists`, 0: not traced); labels: InsertionPlan's. */
export function tracedCells(at: Uint8Array, lists: number[][], colour: Float32Array, centres: number[][], R: number, labels: Float32Array, matte?: { alpha: Float32Array; clear?: number }): Traced {
  [at, lists] = localLists(at, lists, labels, R);
  return { cells: spreadLists(at, R), lists, colour, centres, share: mean3(Float32Array.from(at, (v) => (v ? 1 : 0)), R), segments: segments(lists, centres), ...matte };
}

/**
 * Each traced cell's list cut down to the palette entries that win (largest smoothed label) in its
 * 3×3 neighbourhood: tracing places the edges between the colours the labels chose there, and
 * does not bring back G's noise the smoothing left out (a second shade of a beard in blobs:
 * bench-5's beard 33.8 → 25.8 RMSE in the part). Where old content wins next to it, the whole list
 * (a new shape's outline against the kept layer is G's to place). A cell inside one fill keeps a
 * list of that one entry: it is traced in that colour, and counts toward `share`. Dropped, it
 * left a new shape's one-cell rim of traced cells under share 1/2, so the outline fell back to the
 * smoothed labels' 64² steps (bench-4's bob, session 36). A cell whose winners are none of its list is labelled.
 */
function localLists(at: Uint8Array, lists: number[][], labels: Float32Array, R: number): [Uint8Array, number[][]] {
  const N = R * R, K1 = labels.length / N, win = new Int32Array(N);
  for (let p = 0; p < N; p++) {
    let best = 0, bv = -1;
    for (let k = 0; k < K1; k++) if (labels[k * N + p]! > bv) { bv = labels[k * N + p]!; best = k; }
    win[p] = best;
  }
  const out = new Uint8Array(N), made: number[][] = [], keys = new Map<string, number>();
  for (let p = 0; p < N; p++) {
    if (!at[p]) continue;
    const x = p % R, y = (p - x) / R, here = new Set<number>();
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const X = x + dx, Y = y + dy;
      if (X >= 0 && Y >= 0 && X < R && Y < R) here.add(win[Y * R + X]!);
    }
    const full = lists[at[p]! - 1]!;
    const list = here.has(K1 - 1) ? full : full.filter((k) => here.has(k));
    if (!list.length) continue;
    const key = list.join(',');
    let i = keys.get(key);
    if (i === undefined && made.length < 255) { made.push(list); i = made.length; keys.set(key, i); }
    if (i === undefined) continue;   // (a Uint8Array holds 255 lists: a cell past them is labelled)
    out[p] = i;
  }
  return [out, made];
}

/** Each untraced cell next to a traced one takes the first such neighbour's list (for samples a smoothed boundary gives to tracing). */
function spreadLists(at: Uint8Array, R: number): Uint8Array {
  const out = at.slice();
  for (let p = 0; p < R * R; p++) {
    if (at[p]) continue;
    const x = p % R, y = (p - x) / R;
    for (let dy = -1; dy <= 1 && !out[p]; dy++) for (let dx = -1; dx <= 1 && !out[p]; dx++) {
      const X = x + dx, Y = y + dy;
      if (X >= 0 && Y >= 0 && X < R && Y < R && at[Y * R + X]) out[p] = at[Y * R + X]!;
    }
  }
  return out;
}

/**
 * The palette entry a traced sample at (X, Y) in cell p takes (see Traced). Runs for every sample
 * of a traced cell (millions on a large layer), so the segments come precomputed (`Traced.segments`)
 * and nothing is allocated.
 */
export function tracedLabel(t: Traced, R: number, p: number, X: number, Y: number): number {
  const N = R * R, col = t.colour;
  const x0 = Math.floor(X), y0 = Math.floor(Y);
  cubicWeights(X - x0, WX); cubicWeights(Y - y0, WY);
  let r = 0, g = 0, b = 0, a = 0;
  for (let j = 0; j < 4; j++) {
    const row = Math.min(R - 1, Math.max(0, y0 - 1 + j)) * R, wy = WY[j]!;
    for (let i = 0; i < 4; i++) {
      const q = row + Math.min(R - 1, Math.max(0, x0 - 1 + i)), w = wy * WX[i]!;
      r += w * col[q]!; g += w * col[N + q]!; b += w * col[2 * N + q]!;
      if (t.alpha) a += w * t.alpha[q]!;
    }
  }
  if (t.alpha) {
    if (a < 0.5 && t.clear !== undefined) return t.clear;
    a = Math.max(a, 0.05);
    r /= a; g /= a; b /= a;
  }
  // the nearest segment [i, j] of the cell's list; its nearer end
  const seg = t.segments[t.cells[p]! - 1]!;
  let best = seg[0]!, bd = Infinity;
  for (let k = 0; k < seg.length; k += 8) {
    const ar = r - seg[k + 2]!, ag = g - seg[k + 3]!, ab = b - seg[k + 4]!, L = seg[k + 5]! ** 2 + seg[k + 6]! ** 2 + seg[k + 7]! ** 2;
    let u = L > 0 ? (ar * seg[k + 5]! + ag * seg[k + 6]! + ab * seg[k + 7]!) / L : 0;
    u = u < 0 ? 0 : u > 1 ? 1 : u;
    const d = (ar - u * seg[k + 5]!) ** 2 + (ag - u * seg[k + 6]!) ** 2 + (ab - u * seg[k + 7]!) ** 2;
    if (d < bd) { bd = d; best = u < 0.5 ? seg[k]! : seg[k + 1]!; }
  }
  return best;
}

const WX = new Float64Array(4), WY = new Float64Array(4);

/** Traced.segments of `lists`. */
function segments(lists: number[][], centres: number[][]): Float64Array[] {
  return lists.map((list) => {
    const out: number[] = [];
    for (const i of list) for (const j of list) {
      if (j < i) continue;
      const A = centres[i]!, B = centres[j]!;
      out.push(i, j, A[0]!, A[1]!, A[2]!, B[0]! - A[0]!, B[1]! - A[1]!, B[2]! - A[2]!);
    }
    return Float64Array.from(out);
  });
}
