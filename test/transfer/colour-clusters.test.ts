import { describe, expect, it } from 'vitest';
import { ColourClusters, nearAny, within } from '../../engine/transfer/colour-clusters.js';
import { rng } from './synthetic.js';

describe('colour distances for the recolour plan', () => {
  it('decides exactly as Math.hypot against the radius, on the radius itself too', () => {
    // integer triples exactly on the radius (3-4-5, 2-3-6 = 7, 12 along one axis) and a hair either side
    const cases: Array<[number, number, number, number]> = [[3, 4, 0, 5], [2, 3, 6, 7], [12, 0, 0, 12], [0, -12, 0, 12], [1, 2, 2, 3], [6, 6, 0, Math.hypot(6, 6)]];
    for (const [a, b, c, r] of cases) {
      for (const rr of [r, r * (1 + 1e-15), r * (1 - 1e-15), r + 1e-9, r - 1e-9]) expect(within(a, b, c, rr)).toBe(Math.hypot(a, b, c) <= rr);
    }
    // cluster means against pixel colours: fractions of integers, radius 6 and 12
    const rand = rng(7);
    let near = 0, wrong = 0;
    for (let i = 0; i < 100_000; i++) {
      const n = 1 + Math.floor(rand() * 50);
      const d = [0, 1, 2].map(() => Math.round((rand() - 0.5) * 30 * n) / n);
      const r = rand() < 0.5 ? 6 : 12;
      const want = Math.hypot(d[0]!, d[1]!, d[2]!) <= r;
      if (want) near++;
      if (within(d[0]!, d[1]!, d[2]!, r) !== want) wrong++;
    }
    expect(wrong).toBe(0);
    expect(near).toBeGreaterThan(5_000); // both answers were exercised
  });

  it('groups colours into the first cluster whose mean is near, as the array version did', () => {
    const rand = rng(3);
    const colours = Array.from({ length: 5000 }, () => [0, 1, 2].map(() => Math.floor(rand() * 64) + (rand() < 0.5 ? 0 : 128)));
    // the reference: clusters as arrays of sums, the first within radius by Math.hypot of the mean
    const ref: { sum: number[]; n: number }[] = [];
    const clusters = new ColourClusters();
    for (const c of colours) {
      let k = ref.find((k) => Math.hypot(k.sum[0]! / k.n - c[0]!, k.sum[1]! / k.n - c[1]!, k.sum[2]! / k.n - c[2]!) <= 6);
      if (!k) ref.push((k = { sum: [0, 0, 0], n: 0 }));
      k.sum[0] += c[0]!; k.sum[1] += c[1]!; k.sum[2] += c[2]!; k.n++;
      expect(clusters.add(c[0]!, c[1]!, c[2]!, 6)).toBe(ref.indexOf(k));
    }
    expect(clusters.counts).toEqual(ref.map((k) => k.n));
    expect(ref.length).toBeGreaterThan(20);
    expect(clusters.mean(0)).toEqual(ref[0]!.sum.map((s) => s / ref[0]!.n));
    expect(nearAny(10, 10, 10, [[200, 0, 0], [14, 13, 10]], 5)).toBe(true);
    expect(nearAny(10, 10, 10, [[200, 0, 0], [14, 13, 10.1]], 5)).toBe(false);
  });
});
