/**
 * A compact L-BFGS-B (Byrd, Lu, Nocedal & Zhu 1995) for small problems (n up to a few hundred:
 * the free dims of a GAN latent). Same steps as the reference — generalised Cauchy point along the
 * projected gradient path, subspace minimisation over the free variables (direct primal method,
 * truncated to the box), backtracking Armijo line search along the feasible direction — but the
 * limited-memory BFGS matrix is formed densely from the last m pairs (B = θI updated m times),
 * which is the same matrix as the compact representation and O(m·n²) per iteration.
 *
 * Written as a generator so a caller can evaluate many optimisers' points in one batch:
 * it yields a point to evaluate and receives { f, g } for it.
 */

export interface LbfgsbOptions {
  /** Number of correction pairs kept (default 7). */
  memory?: number;
  /** Iteration budget (default 100). */
  maxIterations?: number;
  /** Stop when ‖P(x − g) − x‖∞ ≤ pgtol (default 1e-5). */
  pgtol?: number;
  /** Stop when the relative decrease of f in one iteration is ≤ factr·ε (default 1e7, as scipy's 'low accuracy'). */
  factr?: number;
  /** Function evaluations allowed per line search (default 20). */
  maxLineSearch?: number;
}

export interface Evaluation {
  f: number;
  g: ArrayLike<number>;
}

export interface LbfgsbRequest {
  /** The point to evaluate (inside the box). */
  x: Float64Array;
  /** Completed iterations so far. */
  iteration: number;
  /** Function value at the current iterate (Infinity before the first evaluation). */
  f: number;
}

export type LbfgsbStop = 'converged-pgtol' | 'converged-f' | 'max-iterations' | 'line-search-failed';

export interface LbfgsbResult {
  x: Float64Array;
  f: number;
  g: Float64Array;
  iterations: number;
  evaluations: number;
  stop: LbfgsbStop;
}

const EPS = 2.220446049250313e-16;

export function* lbfgsb(
  x0: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>, options: LbfgsbOptions = {},
): Generator<LbfgsbRequest, LbfgsbResult, Evaluation> {
  const n = x0.length;
  if (lower.length !== n || upper.length !== n) throw new Error(`lbfgsb: lower/upper must have length ${n}, got ${lower.length}/${upper.length}`);
  for (let i = 0; i < n; i++) {
    if (!(lower[i]! <= upper[i]!)) throw new Error(`lbfgsb: lower[${i}] = ${lower[i]} must be ≤ upper[${i}] = ${upper[i]}`);
  }
  const m = options.memory ?? 7, maxIt = options.maxIterations ?? 100, pgtol = options.pgtol ?? 1e-5;
  const factr = options.factr ?? 1e7, maxLs = options.maxLineSearch ?? 20;
  const clamp = (v: number, i: number): number => (v < lower[i]! ? lower[i]! : v > upper[i]! ? upper[i]! : v);

  let x = Float64Array.from(x0, clamp);
  let evaluations = 0;
  const evaluate = function* (p: Float64Array, iteration: number, fNow: number): Generator<LbfgsbRequest, Evaluation, Evaluation> {
    evaluations++;
    const e = yield { x: Float64Array.from(p), iteration, f: fNow };
    if (e.g.length !== n) throw new Error(`lbfgsb: gradient must have length ${n}, got ${e.g.length}`);
    return e;
  };
  let e = yield* evaluate(x, 0, Infinity);
  let f = e.f;
  let g = Float64Array.from(e.g);
  const S: Float64Array[] = [], Y: Float64Array[] = [];
  let theta = 1;
  let it = 0;
  const result = (stop: LbfgsbStop): LbfgsbResult => ({ x, f, g, iterations: it, evaluations, stop });

  for (;;) {
    let pg = 0;
    for (let i = 0; i < n; i++) pg = Math.max(pg, Math.abs(clamp(x[i]! - g[i]!, i) - x[i]!));
    if (pg <= pgtol) return result('converged-pgtol');
    if (it >= maxIt) return result('max-iterations');

    const B = denseBfgs(n, theta, S, Y);
    const xc = cauchyPoint(x, g, lower, upper, B);
    const xbar = subspaceMin(x, g, xc, lower, upper, B);
    let d = new Float64Array(n);
    let gd = 0;
    for (let i = 0; i < n; i++) { d[i] = xbar[i]! - x[i]!; gd += g[i]! * d[i]!; }
    if (!(gd < 0)) {
      // Not a descent direction (B lost positive definiteness numerically): drop the memory, use the projected gradient.
      S.length = 0; Y.length = 0; theta = 1;
      gd = 0;
      for (let i = 0; i < n; i++) { d[i] = clamp(x[i]! - g[i]!, i) - x[i]!; gd += g[i]! * d[i]!; }
      if (!(gd < 0)) return result('converged-pgtol');
    }
    // Backtracking Armijo line search on t ∈ (0, 1]; x + t·d stays in the box because xbar does.
    let dn = 0;
    for (let i = 0; i < n; i++) dn += d[i]! * d[i]!;
    dn = Math.sqrt(dn);
    let t = it === 0 && S.length === 0 ? Math.min(1, 1 / Math.max(dn, 1e-12)) : 1;
    let accepted = false;
    let xn = new Float64Array(n);
    for (let ls = 0; ls < maxLs; ls++) {
      for (let i = 0; i < n; i++) xn[i] = clamp(x[i]! + t * d[i]!, i);
      e = yield* evaluate(xn, it, f);
      if (Number.isFinite(e.f) && e.f <= f + 1e-4 * t * gd) { accepted = true; break; }
      // Quadratic interpolation of the step, kept within [0.1 t, 0.5 t].
      const fq = Number.isFinite(e.f) ? e.f : f + 1e10;
      const tq = (-gd * t * t) / (2 * (fq - f - gd * t));
      t = Math.min(0.5 * t, Math.max(0.1 * t, Number.isFinite(tq) ? tq : 0.5 * t));
    }
    if (!accepted) {
      if (S.length > 0) { S.length = 0; Y.length = 0; theta = 1; continue; }
      return result('line-search-failed');
    }
    const fOld = f;
    const s = new Float64Array(n), y = new Float64Array(n);
    let sy = 0, yy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xn[i]! - x[i]!; y[i] = e.g[i]! - g[i]!;
      sy += s[i]! * y[i]!; yy += y[i]! * y[i]!;
    }
    x = xn; f = e.f; g = Float64Array.from(e.g);
    it++;
    if (sy > EPS * yy && sy > 0) {
      S.push(s); Y.push(y);
      if (S.length > m) { S.shift(); Y.shift(); }
      theta = yy / sy;
    }
    if (fOld - f <= factr * EPS * Math.max(Math.abs(fOld), Math.abs(f), 1)) return result('converged-f');
  }
}

/** Runs `lbfgsb` to the end against a plain function (tests, small problems). */
export function minimizeLbfgsb(
  fn: (x: Float64Array) => Evaluation, x0: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>, options?: LbfgsbOptions,
): LbfgsbResult {
  const gen = lbfgsb(x0, lower, upper, options);
  let step = gen.next();
  while (!step.done) step = gen.next(fn(step.value.x));
  return step.value;
}

/** B = θI updated with the BFGS formula by each pair (s, y) in order; n×n row-major. */
function denseBfgs(n: number, theta: number, S: Float64Array[], Y: Float64Array[]): Float64Array {
  const B = new Float64Array(n * n);
  for (let i = 0; i < n; i++) B[i * n + i] = theta;
  const Bs = new Float64Array(n);
  for (let k = 0; k < S.length; k++) {
    const s = S[k]!, y = Y[k]!;
    let sBs = 0, ys = 0;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < n; j++) acc += B[i * n + j]! * s[j]!;
      Bs[i] = acc; sBs += s[i]! * acc; ys += y[i]! * s[i]!;
    }
    if (!(sBs > 0) || !(ys > 0)) continue;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) B[i * n + j] = B[i * n + j]! - (Bs[i]! * Bs[j]!) / sBs + (y[i]! * y[j]!) / ys;
    }
  }
  return B;
}

function matVec(B: Float64Array, v: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < n; j++) acc += B[i * n + j]! * v[j]!;
    out[i] = acc;
  }
  return out;
}

/** The generalised Cauchy point: first local minimiser of the quadratic model along the projected steepest-descent path. */
export function cauchyPoint(x: Float64Array, g: Float64Array, lower: ArrayLike<number>, upper: ArrayLike<number>, B: Float64Array): Float64Array {
  const n = x.length;
  const tb = new Float64Array(n);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    tb[i] = g[i]! < 0 ? (x[i]! - upper[i]!) / g[i]! : g[i]! > 0 ? (x[i]! - lower[i]!) / g[i]! : Infinity;
    d[i] = tb[i]! > 0 ? -g[i]! : 0;
  }
  const breaks = [...new Set(Array.from(tb).filter((t) => t > 0 && Number.isFinite(t)))].sort((a, b) => a - b);
  breaks.push(Infinity);
  const z = new Float64Array(n); // xc − x
  let tOld = 0;
  for (const tNext of breaks) {
    const Bd = matVec(B, d, n);
    let f1 = 0, f2 = 0;
    for (let i = 0; i < n; i++) { f1 += g[i]! * d[i]! + z[i]! * Bd[i]!; f2 += d[i]! * Bd[i]!; }
    if (f1 >= 0) break;
    const dtMin = f2 > 0 ? -f1 / f2 : Infinity;
    const dt = tNext - tOld;
    if (dtMin < dt) {
      for (let i = 0; i < n; i++) z[i] = z[i]! + dtMin * d[i]!;
      break;
    }
    if (!Number.isFinite(dt)) break; // no more breakpoints and the model is unbounded: cannot happen in a finite box
    for (let i = 0; i < n; i++) {
      if (d[i] === 0) continue;
      if (tb[i] === tNext) { z[i] = (d[i]! > 0 ? upper[i]! : lower[i]!) - x[i]!; d[i] = 0; }
      else z[i] = z[i]! + dt * d[i]!;
    }
    tOld = tNext;
  }
  const xc = new Float64Array(n);
  for (let i = 0; i < n; i++) xc[i] = Math.min(upper[i]!, Math.max(lower[i]!, x[i]! + z[i]!));
  return xc;
}

/** Minimises the quadratic model over the variables free at the Cauchy point; the step is truncated to stay in the box. */
export function subspaceMin(
  x: Float64Array, g: Float64Array, xc: Float64Array, lower: ArrayLike<number>, upper: ArrayLike<number>, B: Float64Array,
): Float64Array {
  const n = x.length;
  const F: number[] = [];
  for (let i = 0; i < n; i++) if (xc[i]! > lower[i]! && xc[i]! < upper[i]!) F.push(i);
  if (F.length === 0) return xc;
  const dz = new Float64Array(n);
  for (let i = 0; i < n; i++) dz[i] = xc[i]! - x[i]!;
  const Bdz = matVec(B, dz, n);
  const k = F.length;
  const A = new Float64Array(k * k);
  const r = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    r[a] = -(g[F[a]!]! + Bdz[F[a]!]!);
    for (let b = 0; b < k; b++) A[a * k + b] = B[F[a]! * n + F[b]!]!;
  }
  const du = choleskySolve(A, r, k);
  if (!du) return xc;
  let alpha = 1;
  for (let a = 0; a < k; a++) {
    const i = F[a]!, v = du[a]!;
    if (v > 0) alpha = Math.min(alpha, (upper[i]! - xc[i]!) / v);
    else if (v < 0) alpha = Math.min(alpha, (lower[i]! - xc[i]!) / v);
  }
  alpha = Math.max(0, alpha);
  const xbar = Float64Array.from(xc);
  for (let a = 0; a < k; a++) {
    const i = F[a]!;
    xbar[i] = Math.min(upper[i]!, Math.max(lower[i]!, xc[i]! + alpha * du[a]!));
  }
  return xbar;
}

/** Solves A x = b for symmetric positive definite A (k×k, row-major); null when A is not positive definite. */
function choleskySolve(A: Float64Array, b: Float64Array, k: number): Float64Array | null {
  const Lm = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * k + j]!;
      for (let p = 0; p < j; p++) s -= Lm[i * k + p]! * Lm[j * k + p]!;
      if (i === j) {
        if (!(s > 0)) return null;
        Lm[i * k + i] = Math.sqrt(s);
      } else Lm[i * k + j] = s / Lm[j * k + j]!;
    }
  }
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = b[i]!;
    for (let p = 0; p < i; p++) s -= Lm[i * k + p]! * y[p]!;
    y[i] = s / Lm[i * k + i]!;
  }
  const out = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let p = i + 1; p < k; p++) s -= Lm[p * k + i]! * out[p]!;
    out[i] = s / Lm[i * k + i]!;
  }
  return out;
}
