import type { PackModel, EditInputs, StepResult } from '../runtime/pack-model.js';
import { clipToBox } from '../latent/latent-layout.js';
import { createRng, type Rng } from '../latent/prng.js';
import { BoxAdam } from '../optim/adam.js';
import { rasterizeStrokes, type RasterizeOptions } from '../brushes/rasterize.js';
import { validateStroke, type Constraints, type Stroke } from '../brushes/strokes.js';
import { preferDistinct, rankCandidates } from './rank.js';
import { findCategorySwitchesAsync } from './category-search.js';
import { yieldToEventLoopAsync } from './yield-to-event-loop.js';

export interface EditOptions {
  /** Candidates optimised at once, 1–64 (default: pack defaults.edit.candidates, 8). */
  candidates?: number;
  /** Adam steps after each change (default: pack, 40). */
  steps?: number;
  lr?: number;
  /** Half-width of the uniform jitter of a new batch around z0 (default: pack, 0.5). */
  jitter?: number;
  colorWeight?: number;
  edgeWeight?: number;
  smoothWeight?: number;
  seed?: number;
  /** Keep candidates with cost ≤ keepFactor × mean of the best keepBest (default 2, 8). */
  keepFactor?: number;
  keepBest?: number;
  /** Least time between streamed updates, ms (default 33: display rate). 0 streams every step. */
  streamIntervalMs?: number;
  /**
   * When the strokes change, also try every single categorical switch of the current best latent and
   * start up to half the batch from those that meet the strokes better (default true). Adam cannot move
   * a categorical code, so without it a stroke cannot reach what a code decides.
   */
  categorySearch?: boolean;
  rasterize?: RasterizeOptions;
  onUpdate?: (u: CandidateUpdate) => void;
}

export interface CandidateUpdate {
  /** Adam steps done (0 … steps). */
  step: number;
  steps: number;
  /** True for the final update of a run (always sent, not throttled). */
  done: boolean;
  /** Kept candidates (cost ≤ 2× the best's): the best first, then the most different first (indices into the batch). */
  order: number[];
  /** [B] costs, [B, 3] unweighted (colour, edge, smooth), [B, L] latents, [B, 3, R, R] images. */
  loss: Float32Array;
  terms: Float32Array;
  z: Float32Array;
  images: Float32Array;
}

type Resolved = Required<Pick<EditOptions, 'candidates' | 'steps' | 'lr' | 'jitter' | 'colorWeight' | 'edgeWeight' | 'smoothWeight' | 'seed' | 'keepFactor' | 'keepBest' | 'streamIntervalMs' | 'categorySearch'>>;

const superseded = (): DOMException => new DOMException('edit superseded or cancelled', 'AbortError');
const now = (): number => (globalThis.performance ?? Date).now();

/**
 * The live edit loop: a batch of candidates around z0, optimised by Adam on the editStep graph
 * (colour + edge + smoothness to z0) after every stroke change, with categorical slices fixed and
 * the latents clipped to the box. A change cancels the run in flight and restarts from the current batch.
 */
export class EditSession {
  private opts: Resolved;
  private rng: Rng;
  private z0: Float32Array;
  private zb: Float32Array;
  private strokes: Stroke[] = [];
  private constraints: Constraints | null = null;
  private inputs: EditInputs | null = null;
  private adam: BoxAdam;
  private rasterOptions: RasterizeOptions;
  private last: CandidateUpdate | null = null;
  /** The last update around the current z0 (null after a new z0: a Fix or a code change). */
  private lastAroundZ0: CandidateUpdate | null = null;
  private running: { controller: AbortController; done: Promise<unknown> } | null = null;
  private generation = 0;
  private tail: Promise<void> = Promise.resolve();
  private shown: CandidateUpdate | null = null;
  private pendingStrokes: Stroke[] = [];
  onUpdate: ((u: CandidateUpdate) => void) | undefined;

  constructor(private readonly model: PackModel, z0: Float32Array, options: EditOptions = {}) {
    const d = model.pack.defaults.edit;
    this.opts = {
      candidates: options.candidates ?? d.candidates, steps: options.steps ?? d.steps, lr: options.lr ?? d.lr,
      jitter: options.jitter ?? d.jitter, colorWeight: options.colorWeight ?? d.colorWeight,
      edgeWeight: options.edgeWeight ?? d.edgeWeight, smoothWeight: options.smoothWeight ?? d.smoothWeight,
      seed: options.seed ?? 0, keepFactor: options.keepFactor ?? 2, keepBest: options.keepBest ?? 8,
      streamIntervalMs: options.streamIntervalMs ?? 33, categorySearch: options.categorySearch ?? true,
    };
    const o = this.opts;
    if (!Number.isInteger(o.candidates) || o.candidates < 1 || o.candidates > 64) throw new Error(`edit: candidates must be an integer in [1, 64], got ${o.candidates}`);
    if (!Number.isInteger(o.steps) || o.steps < 0 || o.steps > 10000) throw new Error(`edit: steps must be an integer in [0, 10000], got ${o.steps}`);
    if (!(o.lr > 0 && o.lr <= 10)) throw new Error(`edit: lr must be in (0, 10], got ${o.lr}`);
    if (!(o.jitter >= 0 && o.jitter <= 2)) throw new Error(`edit: jitter must be in [0, 2], got ${o.jitter}`);
    for (const k of ['colorWeight', 'edgeWeight', 'smoothWeight'] as const) {
      if (!(o[k] >= 0 && Number.isFinite(o[k]))) throw new Error(`edit: ${k} must be a finite number ≥ 0, got ${o[k]}`);
    }
    this.rasterOptions = { pixelRange: model.pack.pixelRange, ...options.rasterize };
    this.onUpdate = options.onUpdate;
    this.rng = createRng(o.seed);
    this.adam = new BoxAdam(o.candidates * model.L, { lr: o.lr });
    this.z0 = this.checkLatent(z0);
    this.zb = this.batchAround(this.z0);
  }

  get latent(): Float32Array { return Float32Array.from(this.z0); }
  get batch(): Float32Array { return Float32Array.from(this.zb); }
  get currentStrokes(): readonly Stroke[] { return this.strokes; }
  get currentConstraints(): Constraints | null { return this.constraints; }
  /** The last update sent (or null before any run). */
  get result(): CandidateUpdate | null { return this.last; }
  get options(): Readonly<Resolved> { return this.opts; }

  private checkLatent(z: Float32Array): Float32Array {
    if (!(z instanceof Float32Array) || z.length !== this.model.L) throw new Error(`edit: a latent must be a Float32Array of L = ${this.model.L} values`);
    return Float32Array.from(z);
  }

  /** B latents clip(z0 + jitter·U(−1, 1), box) on the free dims; candidate 0 is z0 itself. */
  private batchAround(z0: Float32Array): Float32Array {
    const { L, layout } = this.model;
    const B = this.opts.candidates;
    const zb = new Float32Array(B * L);
    for (let b = 0; b < B; b++) {
      zb.set(z0, b * L);
      if (b === 0) continue;
      for (const i of layout.freeIndices) zb[b * L + i] = z0[i]! + this.rng.uniform(-this.opts.jitter, this.opts.jitter);
    }
    return clipToBox(zb, layout);
  }

  /** Cancels the run in flight (if any), and any change still waiting to start, and waits until they have stopped. */
  async cancelAsync(): Promise<void> {
    this.generation++;
    this.running?.controller.abort(superseded());
    await this.tail.catch(() => undefined);
  }

  /**
   * Runs `body` after the change before it has stopped: a newer call aborts the run in flight at once
   * and supersedes a call still waiting, so changes apply in order and never run concurrently.
   */
  private async exclusiveAsync<T>(body: (check: () => void) => Promise<T>): Promise<T> {
    const gen = ++this.generation;
    this.running?.controller.abort(superseded());
    const prev = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => { release = r; });
    const check = (): void => { if (gen !== this.generation) throw superseded(); };
    try {
      await prev.catch(() => undefined);
      check();
      return await body(check);
    } finally {
      release();
    }
  }

  /** Replaces the strokes and re-optimises from the current batch (the run in flight is cancelled). */
  async setStrokesAsync(strokes: readonly Stroke[], signal?: AbortSignal): Promise<CandidateUpdate> {
    const R = this.model.R;
    strokes.forEach((s, i) => validateStroke(s, R, i));
    this.pendingStrokes = [...strokes];
    return this.exclusiveAsync(async (check) => {
      // A warp grabs from the current result (best candidate, else G(z0)) when it is first added.
      const resolved: Stroke[] = [];
      for (const s of strokes) {
        if (s.kind === 'warp' && !s.source) resolved.push({ ...s, source: await this.currentImageAsync() });
        else resolved.push(s);
      }
      check();
      this.strokes = resolved;
      this.constraints = rasterizeStrokes(resolved, R, this.rasterOptions);
      this.inputs = null;
      return this.runAsync(signal);
    });
  }

  /** Adds a stroke to those of the latest change (also one still waiting to run). */
  async addStrokeAsync(stroke: Stroke, signal?: AbortSignal): Promise<CandidateUpdate> {
    return this.setStrokesAsync([...this.pendingStrokes, stroke], signal);
  }

  /** The image of the best candidate of the last update, else G(z0). */
  async currentImageAsync(): Promise<Float32Array> {
    const R = this.model.R, n = 3 * R * R;
    if (this.last && this.last.order.length > 0) {
      const b = this.last.order[0]!;
      return this.last.images.slice(b * n, (b + 1) * n);
    }
    return this.model.generateAsync(this.z0);
  }

  /**
   * Makes `z` the new z0 (a fixed candidate or a code-slider move) and starts a new batch around it:
   * clip(z0 + jitter·U(−1, 1), box). With strokes, re-optimises; without, renders the batch.
   */
  async setZ0Async(z: Float32Array, signal?: AbortSignal): Promise<CandidateUpdate> {
    const z0 = this.checkLatent(z);
    return this.exclusiveAsync(async () => this.restartAround(z0, signal));
  }

  private restartAround(z0: Float32Array, signal?: AbortSignal): Promise<CandidateUpdate> {
    this.z0 = z0;
    this.lastAroundZ0 = null;
    this.zb = this.batchAround(z0);
    this.inputs = null;
    this.adam.reset();
    return this.runAsync(signal);
  }

  /** Fix candidate `index` (of the latest update shown) as z0 and start a new batch around it. */
  async fixAsync(index: number, signal?: AbortSignal): Promise<CandidateUpdate> {
    const B = this.opts.candidates, L = this.model.L;
    if (!Number.isInteger(index) || index < 0 || index >= B) throw new Error(`edit: candidate index must be an integer in [0, ${B - 1}], got ${index}`);
    return this.exclusiveAsync(async () => {
      const shown = this.shown?.z ?? this.zb;
      return this.restartAround(shown.slice(index * L, (index + 1) * L), signal);
    });
  }

  private runAsync(signal?: AbortSignal): Promise<CandidateUpdate> {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) controller.abort(signal.reason);
    const done = this.optimiseAsync(controller.signal).finally(() => {
      signal?.removeEventListener('abort', onAbort);
      if (this.running?.controller === controller) this.running = null;
    });
    this.running = { controller, done };
    return done;
  }

  private hasConstraints(): boolean {
    const c = this.constraints;
    if (!c) return false;
    return c.colorMask.some((v) => v > 0) || c.edgeMask.some((v) => v > 0);
  }

  private async optimiseAsync(signal: AbortSignal): Promise<CandidateUpdate> {
    const { model, opts } = this;
    const { L, layout } = model;
    signal.throwIfAborted();
    if (!this.hasConstraints()) {
      // Nothing to satisfy: show the batch as it is.
      const images = await model.generateAsync(this.zb);
      signal.throwIfAborted();
      const B = opts.candidates;
      const loss = new Float32Array(B), terms = new Float32Array(B * 3);
      for (let b = 0; b < B; b++) {
        let s = 0;
        for (let i = 0; i < L; i++) s += (this.zb[b * L + i]! - this.z0[i]!) ** 2;
        loss[b] = opts.smoothWeight * s; terms[b * 3 + 2] = s;
      }
      return this.emit({ step: 0, steps: 0, done: true, loss, terms, images, z: Float32Array.from(this.zb), order: [] });
    }
    const fresh = !this.inputs;
    if (!this.inputs) this.inputs = model.editInputs(this.constraints!, this.z0, [opts.colorWeight, opts.edgeWeight, opts.smoothWeight]);
    const inputs = this.inputs;
    if (fresh && opts.categorySearch) {
      // The search takes ⌈(S + 1) / B⌉ steps (8 on the v2 pack) before Adam's first: show the batch as it
      // stands under the new strokes first, so the designer sees candidates after one step, not nine.
      if (this.onUpdate) await this.showBatchAsync(inputs, signal);
      await this.seedSwitchesAsync(inputs, signal);
    }
    this.adam.reset();
    let lastEmit = -Infinity;
    let r: StepResult | null = null;
    for (let step = 0; step <= opts.steps; step++) {
      await yieldToEventLoopAsync();
      signal.throwIfAborted();
      const z = Float32Array.from(this.zb);
      r = await model.editStepAsync(z, inputs);
      signal.throwIfAborted();
      const done = step === opts.steps;
      if (done || (this.onUpdate && now() - lastEmit >= opts.streamIntervalMs)) {
        lastEmit = now();
        const u = this.emit({ step, steps: opts.steps, done, loss: r.loss, terms: r.terms, images: r.image, z, order: [] });
        if (done) return u;
      }
      this.adam.step(this.zb, r.grad, L, layout.free, layout.lower, layout.upper);
    }
    throw new Error('unreachable');
  }

  /**
   * One evaluation of the batch as it is (no Adam step, nothing kept but what is shown): a streamed
   * update at step 0 while the category search runs. The optimisation does not read it, so the
   * final candidates are the same with or without it.
   */
  private async showBatchAsync(inputs: EditInputs, signal: AbortSignal): Promise<void> {
    await yieldToEventLoopAsync();
    signal.throwIfAborted();
    const z = Float32Array.from(this.zb);
    const r = await this.model.editStepAsync(z, inputs);
    signal.throwIfAborted();
    this.emit({ step: 0, steps: this.opts.steps, done: false, loss: r.loss, terms: r.terms, images: r.image, z, order: [] });
  }

  /** New strokes: the last half of the batch restarts from the categorical switches that meet them better. */
  private async seedSwitchesAsync(inputs: EditInputs, signal: AbortSignal): Promise<void> {
    const { L } = this.model;
    const B = this.opts.candidates;
    // The best so far around this z0; after a new z0 (a code change, a Fix) that is z0 itself, so the
    // switches never undo the code the designer just set.
    const last = this.lastAroundZ0;
    const best = last && last.order.length > 0 ? last.z.slice(last.order[0]! * L, (last.order[0]! + 1) * L) : this.z0;
    const seeds = await findCategorySwitchesAsync(this.model, best, inputs, Math.floor(B / 2), B, signal);
    seeds.forEach((s, i) => this.zb.set(s.z, (B - 1 - i) * L));
  }

  private emit(u: CandidateUpdate): CandidateUpdate {
    // iGAN's rule keeps those within 2× the best cost; among them, distinct images come first.
    const R = this.model.R;
    u.order = preferDistinct(rankCandidates(u.loss, { factor: this.opts.keepFactor, best: this.opts.keepBest }), u.images, 3 * R * R);
    if (u.done) this.last = this.lastAroundZ0 = u;
    this.shown = u;
    this.onUpdate?.(u);
    return u;
  }
}
