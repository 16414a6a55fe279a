import { describe, expect, it } from 'vitest';
import { kMeans, type SmallRule, type SplitRule } from '../../engine/transfer/frame-colours.js';
import { dist } from '../../engine/transfer/colour-clusters.js';
import { rng } from './synthetic.js';

/** [3, N] planes of `counts[i]` cells of colour `colours[i]`, each channel jittered by ±`noise`. */
function planes(colours: number[][], counts: number[], noise: number, seed: number): { f: Float32Array; N: number } {
  const N = counts.reduce((s, n) => s + n, 0), f = new Float32Array(3 * N), rand = rng(seed);
  let p = 0;
  colours.forEach((c, i) => {
    for (let j = 0; j < counts[i]!; j++, p++) for (let ch = 0; ch < 3; ch++) f[ch * N + p] = c[ch]! + (rand() - 0.5) * 2 * noise;
  });
  return { f, N };
}

describe('kMeans of new content colours (frame-colours.ts)', () => {
  // four fills (hair, background, skin, shirt) and an outlying colour of a few cells (G's noise,
  // under minShare), as over bench-1's pigtails
  const fills = [[0.26, 0.2, 0.32], [0.82, 0.82, 0.96], [0.72, 0.58, 0.55], [0.58, 0.8, 0.51]];
  const outliers = [[1, 1, 0]];
  const { f, N } = planes([...fills, ...outliers], [300, 300, 150, 150, 6], 0.02, 5);
  const cells = Array.from({ length: N }, (_, p) => p);
  const found = (centres: number[][]): number => fills.filter((c) => centres.some((k) => dist(k, c) < 0.06)).length;
  // as insert-content.ts's: a centre that is no fill (0.1 from each, as between two of them the
  // layer's colour map leaves it G's own), whose halves are near two different fills
  const nearestFill = (c: readonly number[]): number => fills.findIndex((f) => dist(c, f) < 0.15);
  const twoFills = (spread: number): SplitRule => ({ spread, extra: 2, when: (c, a, b) => fills.every((f) => dist(c, f) > 0.1) && nearestFill(a) >= 0 && nearestFill(b) >= 0 && nearestFill(a) !== nearestFill(b) });

  it('without split, the outliers take the starts and two fills share one centre between them (a colour the art never has)', () => {
    const centres = kMeans(f, N, cells, 4, 0.04);
    expect(found(centres)).toBeLessThan(4);
    expect(centres.some((k) => fills.every((c) => dist(k, c) > 0.1))).toBe(true);
  });

  it('with split, the shared cluster is split and every fill has its own centre', () => {
    const centres = kMeans(f, N, cells, 4, 0.04, twoFills(0.1));
    expect(found(centres)).toBe(4);
    expect(centres.length).toBeLessThanOrEqual(6);
  });

  it('splits only where the rule agrees (a wide cluster whose halves are no two fills stays)', () => {
    expect(found(kMeans(f, N, cells, 4, 0.04, { spread: 0.1, extra: 2, when: () => false }))).toBeLessThan(4);
    expect(found(kMeans(f, N, cells, 4, 0.04, twoFills(0.5)))).toBeLessThan(4);   // not that wide
  });

  it("does not split one fill drawn in two shades (G's shading noise: a white beard with a lavender cast)", () => {
    const beard = planes([[0.93, 0.93, 0.97], [0.87, 0.86, 0.95], [0.72, 0.58, 0.55]], [300, 200, 300], 0.02, 7);
    const all = Array.from({ length: beard.N }, (_, p) => p);
    expect(kMeans(beard.f, beard.N, all, 2, 0.04, { spread: 0.1, extra: 2, when: () => true })).toHaveLength(2);
  });

  it('splits only while both halves keep minShare', () => {
    const two = planes([[0.26, 0.2, 0.32], [0.72, 0.58, 0.55], [0.58, 0.8, 0.51]], [600, 300, 10], 0.02, 8);
    const all = Array.from({ length: two.N }, (_, p) => p);
    expect(kMeans(two.f, two.N, all, 2, 0.04, { spread: 0.1, extra: 2, when: () => true })).toHaveLength(2);   // the green is 1 % of the cells
  });

  it('keeps a cluster under minShare where keepSmall agrees, and gives the rule its cells', () => {
    // the outliers (6 of 906 cells) are dropped by minShare alone
    const yellow = (cs: number[][]): boolean => cs.some((k) => dist(k, outliers[0]!) < 0.06);
    expect(yellow(kMeans(f, N, cells, 5, 0.04))).toBe(false);
    let seen: readonly number[] = [];
    const rule = (keep: boolean): SmallRule => ({ cells: 4, keep: (c, _all, cs) => { if (dist(c, outliers[0]!) < 0.06) seen = cs; return keep; } });
    expect(yellow(kMeans(f, N, cells, 5, 0.04, null, rule(true)))).toBe(true);
    expect([...seen].sort((a, b) => a - b)).toEqual([900, 901, 902, 903, 904, 905]);
    expect(yellow(kMeans(f, N, cells, 5, 0.04, null, rule(false)))).toBe(false);
    expect(yellow(kMeans(f, N, cells, 5, 0.04, null, { cells: 7, keep: () => true }))).toBe(false);   // fewer cells than asked
  });
});
