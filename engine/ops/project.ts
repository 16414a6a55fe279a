import type { PackModel } from '../runtime/pack-model.js';
import { categoryOf, clipToBox, setCategory, snapCategorical, topCategories } from '../latent/latent-layout.js';
import { createRng } from '../latent/prng.js';
import { yieldToEventLoopAsync } from './yield-to-event-loop.js';
import { lbfgsb, type LbfgsbRequest, type LbfgsbResult } from '../optim/lbfgsb.js';

export interface ProjectOptions {
  /** L-BFGS-B iterations per start (default: pack defaults.project.iterations; 0 = encoder only). */
  iterations?: number;
  /** Starts optimised in parallel in one batch (default: pack defaults.project.starts). */
  starts?: number;
  /** Loss weights (default: pack defaults.project). */
  pixelWeight?: number;
  featureWeight?: number;
  /** Seed of the jittered starts (default 0). */
  seed?: number;
  /** Half-width of the uniform jitter of starts beyond the encoder's categorical choices (default 0.25). */
  jitter?: number;
  signal?: AbortSignal;
  onProgress?: (p: ProjectProgress) => void;
}

export interface ProjectProgress {
  /** Batched graph evaluations so far. */
  evaluation: number;
  /** Most iterations completed by any start. */
  iteration: number;
  iterations: number;
  /** Best loss so far and its unweighted pixel term (the reconstruction error, masked MSE in pixel units). */
  loss: number;
  pixelError: number;
  /** G of the best latent so far [3, R, R] (after the first evaluation: the encoder's guess), and whether it changed since the last report. */
  image: Float32Array;
  improved: boolean;
}

export interface ProjectResult {
  /** The best latent [L]. */
  z: Float32Array;
  /** G(z) [3, R, R]. */
  image: Float32Array;
  loss: number;
  /** Unweighted (pixel, feature) terms of the best. */
  terms: [number, number];
  /** The encoder-only latent (snapped) and its terms, for comparison. */
  encoderZ: Float32Array;
  encoderLoss: number;
  encoderTerms: [number, number];
  /** Which start won (0 = the encoder's latent) and each start's L-BFGS-B outcome. */
  bestStart: number;
  starts: { loss: number; iterations: number; stop: LbfgsbResult['stop'] | 'encoder-only' }[];
  evaluations: number;
}

/**
 * iGAN hybrid projection: the encoder's latent (categorical slices snapped to one-hot) starts
 * L-BFGS-B over the free dims within the latent box, on pixel + feature loss; several starts
 * (the encoder's next-best categories, then jittered copies) run in one batch; the best is kept.
 */
export async function projectAsync(model: PackModel, target: Float32Array, mask: Float32Array, options: ProjectOptions = {}): Promise<ProjectResult> {
  const { layout, L, pack } = model;
  const d = pack.defaults.project;
  const iterations = options.iterations ?? d.iterations;
  const nStarts = options.starts ?? d.starts;
  if (!Number.isInteger(iterations) || iterations < 0 || iterations > 100000) throw new Error(`project: iterations must be an integer in [0, 100000], got ${iterations}`);
  if (!Number.isInteger(nStarts) || nStarts < 1 || nStarts > 64) throw new Error(`project: starts must be an integer in [1, 64], got ${nStarts}`);
  const R = model.R;
  if (target.length !== 3 * R * R || mask.length !== R * R) throw new Error(`project: target must be [3, ${R}, ${R}] and mask [${R}, ${R}]`);
  const signal = options.signal;
  signal?.throwIfAborted();
  const inputs = model.projectInputs(target, mask, [options.pixelWeight ?? d.pixelWeight, options.featureWeight ?? d.featureWeight]);

  const raw = await model.encodeAsync(target);
  const encoderZ = clipToBox(snapCategorical(Float32Array.from(raw), layout), layout);
  // Starts: the encoder's latent; the same with the first categorical code switched to its next-best choices; jittered copies.
  const starts: Float32Array[] = [encoderZ];
  const first = layout.categorical[0];
  if (first) {
    for (const c of topCategories(raw, first, nStarts).slice(1)) {
      if (starts.length >= nStarts || c === categoryOf(encoderZ, first, 0, L)) continue;
      const z = Float32Array.from(encoderZ);
      setCategory(z, first, c, 0, L);
      starts.push(z);
    }
  }
  const rng = createRng(options.seed ?? 0);
  const jitter = options.jitter ?? 0.25;
  while (starts.length < nStarts) {
    const z = Float32Array.from(encoderZ);
    for (const i of layout.freeIndices) z[i] = z[i]! + rng.uniform(-jitter, jitter);
    starts.push(clipToBox(z, layout));
  }

  const free = layout.freeIndices;
  const lo = Array.from(free, (i) => layout.lower[i]!), hi = Array.from(free, (i) => layout.upper[i]!);
  const gens = starts.map((z) => lbfgsb(Array.from(free, (i) => z[i]!), lo, hi, { maxIterations: iterations, pgtol: 1e-7, factr: 1e5 }));
  const pending: (LbfgsbRequest | null)[] = gens.map((g) => g.next().value as LbfgsbRequest);
  const outcomes: (LbfgsbResult | null)[] = starts.map(() => null);
  const bestSeen = starts.map(() => ({ loss: Infinity, terms: [0, 0] as [number, number], z: new Float32Array(L), image: new Float32Array(3 * R * R) }));
  let evaluations = 0;
  let encoder: { loss: number; terms: [number, number] } | null = null;
  let reported: Float32Array | null = null;

  for (;;) {
    const active = pending.flatMap((p, i) => (p ? [i] : []));
    if (active.length === 0) break;
    await yieldToEventLoopAsync();
    signal?.throwIfAborted();
    const zb = new Float32Array(active.length * L);
    active.forEach((s, b) => {
      zb.set(starts[s]!, b * L);
      const x = pending[s]!.x;
      free.forEach((i, k) => { zb[b * L + i] = x[k]!; });
    });
    const r = await model.projectStepAsync(zb, inputs);
    evaluations++;
    active.forEach((s, b) => {
      const loss = r.loss[b]!;
      const terms: [number, number] = [r.terms[b * 2]!, r.terms[b * 2 + 1]!];
      if (!encoder && s === 0) encoder = { loss, terms };
      if (loss < bestSeen[s]!.loss) {
        bestSeen[s] = { loss, terms, z: zb.slice(b * L, (b + 1) * L), image: r.image.slice(b * 3 * R * R, (b + 1) * 3 * R * R) };
      }
      const g = Array.from(free, (i) => r.grad[b * L + i]!);
      const step = gens[s]!.next({ f: loss, g });
      if (step.done) { outcomes[s] = step.value; pending[s] = null; } else pending[s] = step.value;
    });
    if (options.onProgress) {
      const best = bestSeen.reduce((a, b) => (b.loss < a.loss ? b : a));
      const iteration = Math.max(...pending.map((p, i) => p?.iteration ?? outcomes[i]?.iterations ?? 0));
      options.onProgress({ evaluation: evaluations, iteration, iterations, loss: best.loss, pixelError: best.terms[0], image: best.image, improved: best.image !== reported });
      reported = best.image;
    }
  }
  let bestStart = 0;
  bestSeen.forEach((b, i) => { if (b.loss < bestSeen[bestStart]!.loss) bestStart = i; });
  const best = bestSeen[bestStart]!;
  const enc = encoder as { loss: number; terms: [number, number] } | null;
  return {
    z: best.z, image: best.image, loss: best.loss, terms: best.terms,
    encoderZ, encoderLoss: enc?.loss ?? best.loss, encoderTerms: enc?.terms ?? best.terms,
    bestStart,
    starts: outcomes.map((o, i) => ({ loss: bestSeen[i]!.loss, iterations: o?.iterations ?? 0, stop: iterations === 0 ? 'encoder-only' : o?.stop ?? 'max-iterations' })),
    evaluations,
  };
}
