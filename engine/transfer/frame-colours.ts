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

/** k-means of the cells' colours: farthest-point start, a few Lloyd steps, small clusters merged away. */
export function kMeans(f: Float32Array, N: number, cells: number[], maxK: number, minShare: number): number[][] {
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
