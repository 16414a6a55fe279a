import { describe, expect, it } from 'vitest';
import { minimizeLbfgsb, lbfgsb } from '../../engine/optim/lbfgsb.js';

function rosenbrock(x: Float64Array) {
  const n = x.length;
  let f = 0;
  const g = new Float64Array(n);
  for (let i = 0; i + 1 < n; i++) {
    const a = x[i + 1]! - x[i]! * x[i]!, b = 1 - x[i]!;
    f += 100 * a * a + b * b;
    g[i] = g[i]! - 400 * x[i]! * a - 2 * b;
    g[i + 1] = g[i + 1]! + 200 * a;
  }
  return { f, g };
}

describe('lbfgsb', () => {
  it('finds the unconstrained Rosenbrock minimum when the box contains it', () => {
    const n = 10;
    const r = minimizeLbfgsb(rosenbrock, new Float64Array(n).fill(-1.2), new Array(n).fill(-2), new Array(n).fill(2), { maxIterations: 500 });
    for (const v of r.x) expect(v).toBeCloseTo(1, 3);
    expect(r.f).toBeLessThan(1e-8);
  });

  it('solves a bounded Rosenbrock (minimum on the bound) and satisfies KKT', () => {
    // Box x ≤ 0.5: the constrained optimum of the 2-D Rosenbrock has x0 = 0.5, x1 = 0.25.
    const r = minimizeLbfgsb(rosenbrock, [-1.2, 1], [-2, -2], [0.5, 2], { maxIterations: 200 });
    expect(r.x[0]).toBeCloseTo(0.5, 6);
    expect(r.x[1]).toBeCloseTo(0.25, 4);
    expect(r.g[0]).toBeLessThan(0); // pushing against the upper bound
    expect(Math.abs(r.g[1]!)).toBeLessThan(1e-4);
  });

  it('keeps every evaluated point inside the box', () => {
    const lo = [-0.3, 0.4, -1, -1, -1], hi = [0.3, 0.9, 1, 0.2, 1];
    const gen = lbfgsb([0, 0.5, 0, 0, 0], lo, hi, { maxIterations: 100 });
    let step = gen.next();
    let evals = 0;
    while (!step.done) {
      step.value.x.forEach((v, i) => { expect(v).toBeGreaterThanOrEqual(lo[i]!); expect(v).toBeLessThanOrEqual(hi[i]!); });
      step = gen.next(rosenbrock(step.value.x));
      evals++;
    }
    expect(evals).toBe(step.value.evaluations);
    expect(['converged-pgtol', 'converged-f']).toContain(step.value.stop);
  });

  it('solves a box-constrained quadratic exactly (active and free variables)', () => {
    // f = ½ Σ d_i (x_i − c_i)²; minimiser = clip(c, box).
    const c = [3, -2, 0.5, 0.1, -0.7], d = [1, 10, 100, 0.5, 2];
    const fn = (x: Float64Array) => ({
      f: x.reduce((a, v, i) => a + 0.5 * d[i]! * (v - c[i]!) ** 2, 0),
      g: x.map((v, i) => d[i]! * (v - c[i]!)),
    });
    const r = minimizeLbfgsb(fn, [0, 0, 0, 0, 0], new Array(5).fill(-1), new Array(5).fill(1));
    const want = c.map((v) => Math.max(-1, Math.min(1, v)));
    r.x.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
  });

  it('names the argument on bad bounds', () => {
    expect(() => minimizeLbfgsb(rosenbrock, [0, 0], [1, 0], [0, 1])).toThrow('lbfgsb: lower[0] = 1 must be ≤ upper[0] = 0');
  });

  it('stops at the iteration budget', () => {
    const r = minimizeLbfgsb(rosenbrock, [-1.2, 1], [-2, -2], [2, 2], { maxIterations: 3 });
    expect(r.iterations).toBe(3);
    expect(r.stop).toBe('max-iterations');
  });

  it('matches scipy L-BFGS-B on a box-constrained quartic + quadratic (12 dims, 4 active bounds)', () => {
    const n = 12;
    const A = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) =>
      (i === j ? 3 : 0) + Math.cos(i * 1.3 + j * 0.7) * 0.5 + Math.cos(j * 1.3 + i * 0.7) * 0.5));
    const b = Array.from({ length: n }, (_, i) => 2 * Math.sin(i * 2.1));
    const c = Array.from({ length: n }, (_, i) => Math.cos(i));
    const fn = (x: Float64Array) => {
      let f = 0;
      const g = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        f += (x[i]! - c[i]!) ** 4 / 4 - b[i]! * x[i]!;
        g[i] = (x[i]! - c[i]!) ** 3 - b[i]!;
        for (let j = 0; j < n; j++) { f += 0.5 * x[i]! * A[i]![j]! * x[j]!; g[i] = g[i]! + A[i]![j]! * x[j]!; }
      }
      return { f, g };
    };
    const r = minimizeLbfgsb(fn, new Array(n).fill(0), new Array(n).fill(-0.5), new Array(n).fill(0.7), { pgtol: 1e-10, factr: 10, maxIterations: 500 });
    // scipy 1.10.1 minimize(method='L-BFGS-B', gtol=1e-10, ftol=1e-15): 15 iterations, 32 evaluations.
    const want = [0.136235, 0.41901, -0.5, -0.090934, 0.38058, -0.431289, 0.120202, 0.500002, -0.5, -0.11935, 0.145216, -0.5];
    r.x.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
    expect(r.f).toBeCloseTo(-2.310318374581525, 10);
  });
});
