/**
 * Colour distances and greedy colour clusters for the recolour plan's scans of the layer (every
 * sampled pixel against a palette or the clusters so far). The same decisions as comparing
 * Math.hypot against the radius, without its cost or an array per test: the squared distance
 * decides unless it is within a hair of the radius, where hypot itself does.
 */

/** Euclidean distance of two RGB colours. */
export function dist(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
}

/** Whether |(dr, dg, db)| ≤ radius, exactly as Math.hypot(dr, dg, db) <= radius. */
export function within(dr: number, dg: number, db: number, radius: number): boolean {
  const d2 = dr * dr + dg * dg + db * db, r2 = radius * radius;
  // the rounding of d2 and r2 is ~1e-16 relative: well inside these margins
  if (d2 < r2 * (1 - 1e-9)) return true;
  if (d2 > r2 * (1 + 1e-9)) return false;
  return Math.hypot(dr, dg, db) <= radius;
}

/** Whether (r, g, b) is within `radius` of any of `palette`'s colours. */
export function nearAny(r: number, g: number, b: number, palette: readonly (readonly number[])[], radius: number): boolean {
  for (let k = 0; k < palette.length; k++) {
    const c = palette[k]!;
    if (within(c[0]! - r, c[1]! - g, c[2]! - b, radius)) return true;
  }
  return false;
}

/**
 * Colours grouped greedily: each joins the first cluster (in the order made) whose mean is within
 * the radius, else starts one.
 */
export class ColourClusters {
  /** Per cluster: the summed r, g, b. */
  readonly sums: number[] = [];
  /** Per cluster: how many colours joined. */
  readonly counts: number[] = [];

  /** Adds (r, g, b); returns its cluster's index. */
  add(r: number, g: number, b: number, radius: number): number {
    const s = this.sums, n = this.counts;
    let k = 0;
    for (; k < n.length; k++) {
      const m = n[k]!;
      if (within(s[3 * k]! / m - r, s[3 * k + 1]! / m - g, s[3 * k + 2]! / m - b, radius)) break;
    }
    if (k === n.length) { s.push(0, 0, 0); n.push(0); }
    s[3 * k] += r; s[3 * k + 1] += g; s[3 * k + 2] += b; n[k]++;
    return k;
  }

  /** Cluster k's mean colour. */
  mean(k: number): number[] {
    const m = this.counts[k]!;
    return [this.sums[3 * k]! / m, this.sums[3 * k + 1]! / m, this.sums[3 * k + 2]! / m];
  }
}
