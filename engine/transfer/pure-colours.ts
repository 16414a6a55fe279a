/**
 * Which of G's colour clusters are pure fills and which are blends of two others (G's soft,
 * antialiased edge between two fills, clustered: a muddy colour no flat art has, drawn as a ghost
 * of both). insert-content.ts draws new content only in the pure ones.
 */
import { dist as dist3 } from './colour-clusters.js';
import { assignNearest } from './frame-colours.js';

/**
 * The indices of the centres that are no blend of two other centres or `also` colours (the layer's,
 * its background), or are `own` colours; `centres` is extended in place by the `also` colours such
 * blends are of. `share`: each centre's share of the cells (a blend's ends are larger than it).
 */
export function pureEnds(centres: number[][], share: readonly number[], also: readonly number[][], own: (c: readonly number[]) => boolean, between?: Between, beside?: Beside): number[] {
  const K = centres.length, alsoAt = also.map((_, i) => i).filter((i) => centres.every((k) => dist3(k, also[i]!) > 0.08));
  const ends = [...centres, ...alsoAt.map((i) => also[i]!)];
  // an `also` end (a colour G does not draw in the content) only where G's image shows it beside centre k's cells
  const endBeside = (e: number, k: number): boolean => e < K || !beside || beside(alsoAt[e - K]!, k);
  const pure: number[] = [], used = new Set<number>();
  const bulk = share.reduce((b, v, i) => (v > share[b]! ? i : b), 0);
  for (let k = 0; k < K; k++) {
    // a blend in colour that also lies between its two ends in the image is a soft edge, whatever
    // its size or however near a layer colour: G's soft soul patch is a dark core in a brown ring
    // larger than the core, near the layer's ear brown; kept, the ring was drawn as a brown halo
    if (between && ringOf(k, centres, between)) continue;
    // one of the layer's own colours is no blend, wherever it lies (flat palettes are often nearly collinear: skin between brown and white)
    if (own(centres[k]!)) { pure.push(k); continue; }
    // nor is the bulk of the content: the centre with the most cells is a fill, not the edge between two
    // others (heldout-69's new brown bangs, 47 % of the cells, lie half way between the ear's pink and
    // the layer's near-black, two layer colours; taken for their blend, the hair was drawn violet)
    if (k === bulk) { pure.push(k); continue; }
    let blend = -1;
    for (let a = 0; a < ends.length && blend < 0; a++) for (let b = a + 1; b < ends.length && blend < 0; b++) {
      // an antialiased edge covers fewer cells than the flat colours it separates: a centre is no
      // blend of a smaller one (new brown hair, G's bulk of it, lies between its own darker rim and
      // the sunglasses' violet; taken for a blend, the hair was drawn violet)
      if (a === k || b === k || (a < K && share[a]! <= share[k]!) || (b < K && share[b]! <= share[k]!)) continue;
      // G's soft edge toward a colour is beside that colour: bench-3's new sunglasses' lens lies a fifth of the
      // way from the frame's near-black to the eye white the lens covers, which G(z1) shows nowhere near it;
      // taken for their blend, the lens was drawn in the frame's colour
      if (!endBeside(a, k) || !endBeside(b, k)) continue;
      const { t, d } = toSegment(centres[k]!, ends[a]!, ends[b]!);
      if (t > 0.15 && t < 0.85 && d < 0.06 * 0.06) { blend = a; if (a >= K) used.add(a); if (b >= K) used.add(b); }
    }
    if (blend < 0) pure.push(k);
  }
  for (const e of [...used].sort((a, b) => a - b)) { pure.push(centres.length); centres.push(ends[e]!.slice()); }
  return pure;
}

/** Whether G's image shows colour e of pureEnds' `also` list beside centre k's cells (see besideInImage). */
export type Beside = (e: number, k: number) => boolean;

/**
 * For the cells (each labelled with its nearest centre in `f`, [3, R, R]): whether `f` shows colour
 * also[e] (within `near`) within `radius` cells of at least `share` of centre k's cells, in or out of
 * the cells (an edge's cells lie along both its sides; a fill's few cells by a third colour do not make it one).
 */
export function besideInImage(f: Float32Array, N: number, R: number, cells: number[], centres: number[][], also: readonly number[][], near: number, radius = 2, share = 0.5): Beside {
  const a = assignNearest(cells.map((p) => [f[p]!, f[N + p]!, f[2 * N + p]!]), centres);
  const memo = new Map<number, boolean>(), where = new Map<number, Uint8Array>();
  // where f shows also[e], once per colour
  const shown = (e: number): Uint8Array => {
    let m = where.get(e);
    if (m) return m;
    const c = also[e]!;
    m = new Uint8Array(R * R);
    for (let q = 0; q < R * R; q++) if (Math.hypot(f[q]! - c[0]!, f[N + q]! - c[1]!, f[2 * N + q]! - c[2]!) <= near) m[q] = 1;
    where.set(e, m);
    return m;
  };
  return (e, k) => {
    const key = e * 4096 + k;
    let v = memo.get(key);
    if (v !== undefined) return v;
    const at = shown(e);
    let n = 0, by = 0;
    for (let i = 0; i < cells.length; i++) {
      if (a[i] !== k) continue;
      n++;
      const p = cells[i]!, x = p % R, y = (p - x) / R;
      let found = false;
      for (let yy = Math.max(0, y - radius); yy <= Math.min(R - 1, y + radius) && !found; yy++) for (let xx = Math.max(0, x - radius); xx <= Math.min(R - 1, x + radius); xx++) if (at[yy * R + xx]) { found = true; break; }
      if (found) by++;
    }
    v = n > 0 && by >= share * n;
    memo.set(key, v);
    return v;
  };
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
export function liesBetween(f: Float32Array, N: number, R: number, cells: number[], centres: number[][], min = 0.8): Between {
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
    return n > 0 && both >= min * n;
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
 * With `own`, the centre with the most cells is pure wherever it lies when `own` holds it (one of
 * the layer's colours, the fill the new shape sits on): bench-1's skin lies between the teeth's
 * white and the neck's brown, and taken for their blend, G's grey halo round a new soul patch was
 * split between them, the chin drawn brown. (Any layer colour, not only the bulk, let a frown's
 * soft rim, near the cheek's shade, be drawn in blotches.)
 */
export function pureCentres(centres: number[][], share?: readonly number[], own?: (c: readonly number[]) => boolean, between?: Between): number[] {
  const K = centres.length, out: number[] = [];
  const bulk = share ? share.reduce((b, v, i) => (v > share[b]! ? i : b), 0) : -1;
  for (let k = 0; k < K; k++) {
    if (k === bulk && own?.(centres[k]!)) { out.push(k); continue; }
    let blend = false;
    for (let a = 0; a < K && !blend; a++) for (let b = a + 1; b < K && !blend; b++) {
      if (a === k || b === k || (share && share[k]! > share[a]! + share[b]!)) continue;
      const { t, d } = toSegment(centres[k]!, centres[a]!, centres[b]!);
      // (with `between`, one near an end only where it also lies between them in the image: bench-0's new
      // smile in the lips' wine lies a fifth of the way from the near-black to the skin, but its cells are
      // its own stroke, not the rim of a near-black one; taken for their blend, it was drawn near-black.
      // Half way, it is a soft rim wherever it lies.)
      if (t > 0.15 && t < 0.85 && d < 0.06 * 0.06 && (!between || (t > 0.3 && t < 0.7) || between(k, a, b))) blend = true;
    }
    if (!blend) out.push(k);
  }
  return out;
}

/** Where c projects on the segment A→B (t, clamped to [0, 1]) and its squared distance from it. */
export function toSegment(c: readonly number[], A: readonly number[], B: readonly number[]): { t: number; d: number } {
  const ab = [B[0]! - A[0]!, B[1]! - A[1]!, B[2]! - A[2]!];
  const L = ab[0]! ** 2 + ab[1]! ** 2 + ab[2]! ** 2;
  const t = L > 0 ? Math.min(1, Math.max(0, ((c[0]! - A[0]!) * ab[0]! + (c[1]! - A[1]!) * ab[1]! + (c[2]! - A[2]!) * ab[2]!) / L)) : 0;
  return { t, d: [0, 1, 2].reduce((s, i) => s + (c[i]! - A[i]! - t * ab[i]!) ** 2, 0) };
}
