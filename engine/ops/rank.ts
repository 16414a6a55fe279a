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
