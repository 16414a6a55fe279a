import { describe, expect, it } from 'vitest';
import { BoxAdam } from '../../engine/optim/adam.js';
import { createRng } from '../../engine/latent/prng.js';
import { candidateSpread, preferDistinct, rankCandidates, rmsDistance } from '../../engine/ops/rank.js';

describe('BoxAdam', () => {
  it('minimises a quadratic, zeroes fixed dims and respects the box', () => {
    const L = 3;
    const z = new Float32Array([0.9, 0.5, 0, 0.9, 0.5, 0]); // B = 2
    const target = [-0.3, 0, 5];
    const adam = new BoxAdam(z.length, { lr: 0.05 });
    const free = new Uint8Array([1, 0, 1]);
    for (let t = 0; t < 400; t++) {
      const g = Array.from(z, (v, k) => 2 * (v - target[k % L]!));
      adam.step(z, g, L, free, [-1, -1, -1], [1, 1, 1]);
    }
    expect(z[0]).toBeCloseTo(-0.3, 2);
    expect(z[1]).toBe(0.5); // fixed
    expect(z[2]).toBe(1); // clipped at the upper bound
    expect(z[3]).toBeCloseTo(-0.3, 2);
  });

  it('first step moves each free dim by lr against its gradient sign', () => {
    const z = new Float32Array([0, 0]);
    new BoxAdam(2, { lr: 0.1 }).step(z, [3, -0.001], 2, new Uint8Array([1, 1]), [-1, -1], [1, 1]);
    expect(z[0]).toBeCloseTo(-0.1, 5);
    expect(z[1]).toBeCloseTo(0.1, 4);
  });
});

describe('createRng', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = createRng(7), b = createRng(7), c = createRng(8);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
  });

  it('is uniform in [0, 1) (mean and range over 20k draws)', () => {
    const r = createRng(1);
    let s = 0, lo = 1, hi = 0;
    for (let i = 0; i < 20000; i++) { const v = r.next(); s += v; lo = Math.min(lo, v); hi = Math.max(hi, v); }
    expect(s / 20000).toBeCloseTo(0.5, 1);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
  });
});

describe('rankCandidates', () => {
  it('orders by cost and keeps cost ≤ 2× mean of the best 8', () => {
    const costs = [5, 1, 2, 100, 3, 1.5, 2.5, 50, 4, 0.5];
    // best 8: 0.5 1 1.5 2 2.5 3 4 5 → mean 2.4375 → keep ≤ 4.875
    expect(rankCandidates(costs)).toEqual([9, 1, 5, 2, 6, 4, 8]);
  });
  it('keeps at least one, and puts NaN last', () => {
    expect(rankCandidates([NaN, 2])).toEqual([1]);
    expect(rankCandidates([NaN])).toEqual([0]);
  });
  it('is stable for ties', () => {
    expect(rankCandidates([1, 1, 1], { best: 2 })).toEqual([0, 1, 2]);
  });
});

describe('preferDistinct (issue 16: distinct candidates)', () => {
  // 1-D "images": candidates 0–3 are near-copies of the best (0), 4 and 5 differ from it and from each other.
  const features = [0, 0.01, 0.02, 0.015, 1, -1];
  it('keeps the best first, then takes the farthest from all chosen (greedy farthest point)', () => {
    expect(preferDistinct([0, 1, 2, 3, 4, 5], features, 1)).toEqual([0, 4, 5, 2, 1, 3]);
  });
  it('only reorders: the kept set is the same, and two or fewer stay as they are', () => {
    expect([...preferDistinct([3, 0, 5, 1], features, 1)].sort()).toEqual([0, 1, 3, 5]);
    expect(preferDistinct([2, 1], features, 1)).toEqual([2, 1]);
  });
  it('measures the spread: near-copies score near 0, distinct ones far more', () => {
    expect(candidateSpread([0, 1, 2, 3], features, 1)).toBeLessThan(0.02);
    expect(candidateSpread([0, 4, 5], features, 1)).toBeGreaterThan(0.9);
    expect(candidateSpread([0], features, 1)).toBe(0);
  });
  it('measures distance per feature (RMS over dim)', () => {
    expect(rmsDistance([0, 0, 3, 4], 0, 1, 2)).toBeCloseTo(Math.sqrt(12.5), 6);
  });
});
