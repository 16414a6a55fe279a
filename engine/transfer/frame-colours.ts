/**
 * G's colours over a set of frame cells ([3, R·R] planes in [0, 1]): clustered (k-means), merged,
 * shared out, each cell's nearest. What insert-content.ts builds the palette of new content from.
 */
import { dist as dist3 } from './colour-clusters.js';

/** Per channel, the median of f [3, N] over the cells. */
export function medianColour(f: Float32Array, N: number, cells: number[]): number[] {
  return [0, 1, 2].map((c) => {
    const v = cells.map((p) => f[c * N + p]!).sort((a, b) => a - b);
    return v[v.length >> 1]!;
  });
}

/** Each centre's share of the cells' colours (nearest centre). */
export function shares(f: Float32Array, N: number, cells: number[], centres: number[][]): number[] {
  const a = assignNearest(cells.map((p) => [f[p]!, f[N + p]!, f[2 * N + p]!]), centres), out = centres.map(() => 0);
  for (const k of a) out[k]! += 1 / cells.length;
  return out;
}

/** Centres closer than `d` merged (their mean), until none are. */
export function mergeClose(centres: number[][], d: number): number[][] {
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

/**
 * k-means of the cells' colours: farthest-point start, a few Lloyd steps, small clusters merged away;
 * then, with `split`, a cluster whose colours lie on average more than `split.spread` from its centre
 * is split in two (2-means, each half at least minShare) when `split.when(centre, half, half)` says
 * so, up to `split.extra` clusters beyond maxK. G's outlying colours take farthest-point starts that
 * minShare then drops, and two fills can end up sharing one centre between them. With `keepSmall`,
 * a cluster under minShare that the rule keeps is not dropped (a small new shape's colour).
 */
export function kMeans(f: Float32Array, N: number, cells: number[], maxK: number, minShare: number, split?: SplitRule | null, keepSmall?: SmallRule | null): number[][] {
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
    for (let k = 0; k < centres.length; k++) {
      if (counts[k]! >= minShare * pts.length || (keepSmall && counts[k]! >= keepSmall.cells && keepSmall.keep(centres[k]!, centres, cells.filter((_, i) => assign[i] === k)))) continue;
      if (small < 0 || counts[k]! < counts[small]!) small = k;
    }
    if (small >= 0 && centres.length > 1) { centres.splice(small, 1); it = Math.min(it, 7); }
  }
  return split ? splitWide(pts, centres, split, Math.ceil(minShare * pts.length), maxK + split.extra) : centres;
}

/** When kMeans keeps a cluster under its share (see there). */
export interface SmallRule {
  /** At least this many cells… */
  cells: number;
  /** …and this agrees, given its centre, all the centres and its cells. */
  keep: (centre: readonly number[], centres: readonly (readonly number[])[], cells: readonly number[]) => boolean;
}

/** When kMeans splits a wide cluster (see there). */
export interface SplitRule {
  /** Mean distance of a cluster's colours from its centre (RGB, [0, 1]) above which it may be two fills… */
  spread: number;
  /** …if this agrees, given the centre and the two halves' centres… */
  when: (centre: readonly number[], a: readonly number[], b: readonly number[]) => boolean;
  /** …up to this many clusters beyond maxK. */
  extra: number;
}

/** The widest cluster (mean distance to its centre > `rule.spread`) split by 2-means, while there are fewer than `maxK`, both halves have `min` points and `rule.when` agrees. */
function splitWide(pts: number[][], centres: number[][], rule: SplitRule, min: number, maxK: number): number[][] {
  const out = centres.map((c) => c.slice());
  while (out.length < maxK) {
    const assign = assignNearest(pts, out), sum = out.map(() => 0), n = out.map(() => 0);
    pts.forEach((q, i) => { sum[assign[i]!]! += dist3(q, out[assign[i]!]!); n[assign[i]!]!++; });
    const order = out.map((_, k) => k).filter((k) => n[k]! >= 2 * min && sum[k]! / n[k]! > rule.spread).sort((a, b) => sum[b]! / n[b]! - sum[a]! / n[a]!);
    let done = false;
    for (const k of order) {
      const halves = twoMeans(pts.filter((_, i) => assign[i] === k));
      if (!halves || Math.min(halves[2], halves[3]) < min || !rule.when(out[k]!, halves[0], halves[1])) continue;
      out.splice(k, 1, halves[0], halves[1]);
      done = true;
      break;
    }
    if (!done) break;
  }
  return out;
}

/**
 * 2-means of the points, started a standard deviation either side of their mean along their main
 * axis (not at the farthest points: an outlier there makes a half of its own); a few Lloyd steps.
 * The two centres and their sizes.
 */
function twoMeans(pts: number[][]): [number[], number[], number, number] | null {
  if (pts.length < 2) return null;
  const m = [0, 1, 2].map((ch) => pts.reduce((s, q) => s + q[ch]!, 0) / pts.length);
  const cov = [0, 1, 2].map((i) => [0, 1, 2].map((j) => pts.reduce((s, q) => s + (q[i]! - m[i]!) * (q[j]! - m[j]!), 0) / pts.length));
  let v = [1, 1, 1];
  for (let it = 0; it < 20; it++) {   // power iteration: the covariance's main axis
    const w = [0, 1, 2].map((i) => cov[i]![0]! * v[0]! + cov[i]![1]! * v[1]! + cov[i]![2]! * v[2]!);
    const len = Math.hypot(w[0]!, w[1]!, w[2]!);
    if (len === 0) return null;
    v = w.map((x) => x / len);
  }
  const sd = Math.sqrt(Math.max(0, [0, 1, 2].reduce((s, i) => s + v[i]! * [0, 1, 2].reduce((t, j) => t + cov[i]![j]! * v[j]!, 0), 0)));
  let c = [m.map((x, i) => x - sd * v[i]!), m.map((x, i) => x + sd * v[i]!)], n = [0, 0];
  for (let it = 0; it < 8; it++) {
    const sum = [[0, 0, 0], [0, 0, 0]];
    n = [0, 0];
    for (const q of pts) { const k = dist3(q, c[0]!) <= dist3(q, c[1]!) ? 0 : 1; n[k]!++; for (let ch = 0; ch < 3; ch++) sum[k]![ch]! += q[ch]!; }
    if (!n[0] || !n[1]) return null;
    c = sum.map((s, k) => s.map((x) => x / n[k]!));
  }
  return [c[0]!, c[1]!, n[0]!, n[1]!];
}

/** Each point's nearest centre. */
export function assignNearest(pts: number[][], centres: number[][]): Int32Array {
  const a = new Int32Array(pts.length);
  pts.forEach((q, i) => {
    let best = 0, bd = Infinity;
    centres.forEach((c, k) => { const d = dist3(q, c); if (d < bd) { bd = d; best = k; } });
    a[i] = best;
  });
  return a;
}
