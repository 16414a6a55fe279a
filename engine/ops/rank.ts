/**
 * Orders candidates by cost and keeps those with cost ≤ factor × the mean cost of the best `best`
 * (iGAN: factor 2, best 8). Returns indices into `costs`, best first; always at least one.
 */
export function rankCandidates(costs: ArrayLike<number>, options: { factor?: number; best?: number } = {}): number[] {
  const { factor = 2, best = 8 } = options;
  const order = Array.from({ length: costs.length }, (_, i) => i)
    .sort((a, b) => nanLast(costs[a]!) - nanLast(costs[b]!) || a - b);
  const top = order.slice(0, Math.max(1, Math.min(best, order.length)));
  const mean = top.reduce((acc, i) => acc + nanLast(costs[i]!), 0) / top.length;
  const kept = order.filter((i) => Number.isFinite(costs[i]!) && costs[i]! <= factor * mean);
  return kept.length > 0 ? kept : order.slice(0, 1);
}

function nanLast(v: number): number {
  return Number.isNaN(v) ? Infinity : v;
}

/**
 * Reorders kept candidates (best first) so the ones that differ come first: the best, then
 * repeatedly the candidate farthest (RMS over its `dim` features) from all already chosen — greedy
 * farthest-point selection — ties going to the cheaper one. iGAN keeps every candidate within 2× the
 * best cost; among those, the grid should show options, not near-copies of the best.
 */
export function preferDistinct(kept: readonly number[], features: ArrayLike<number>, dim: number): number[] {
  if (kept.length <= 2) return [...kept];
  const chosen = [kept[0]!];
  const rest = kept.slice(1);
  // Distance of each remaining candidate to its nearest chosen one.
  const nearest = rest.map((b) => rmsDistance(features, b, kept[0]!, dim));
  while (rest.length) {
    let at = 0;
    for (let i = 1; i < rest.length; i++) if (nearest[i]! > nearest[at]! + 1e-12) at = i;
    const pick = rest.splice(at, 1)[0]!;
    nearest.splice(at, 1);
    chosen.push(pick);
    for (let i = 0; i < rest.length; i++) nearest[i] = Math.min(nearest[i]!, rmsDistance(features, rest[i]!, pick, dim));
  }
  return chosen;
}

/** Root-mean-square difference between items `a` and `b` of a [N, dim] array. */
export function rmsDistance(features: ArrayLike<number>, a: number, b: number, dim: number): number {
  let s = 0;
  for (let i = 0, oa = a * dim, ob = b * dim; i < dim; i++) {
    const d = features[oa + i]! - features[ob + i]!;
    s += d * d;
  }
  return Math.sqrt(s / dim);
}

/**
 * How far apart the first `n` candidates of `order` are: the median, over all but the first, of the
 * RMS distance to the nearest one before it (0 when fewer than two). In the units of `features`.
 */
export function candidateSpread(order: readonly number[], features: ArrayLike<number>, dim: number, n = order.length): number {
  const shown = order.slice(0, n);
  if (shown.length < 2) return 0;
  const gaps = shown.slice(1).map((b, i) => Math.min(...shown.slice(0, i + 1).map((a) => rmsDistance(features, a, b, dim))));
  gaps.sort((x, y) => x - y);
  return gaps[Math.floor(gaps.length / 2)]!;
}
