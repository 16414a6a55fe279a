import * as ort from 'onnxruntime-web';
import type { LoadedPack } from '../pack/load-pack.js';
import { PackError } from '../pack/pack-error.js';
import { GRAPH_NAMES, type GraphName, type GraphSpec, type Pack } from '../pack/pack-types.js';
import { latentLayout, type LatentLayout } from '../latent/latent-layout.js';
import type { Constraints } from '../brushes/strokes.js';
import {
  configureRuntime, isDeviceLostError, probeExecutionProviderAsync,
  type ExecutionProvider, type ExecutionProviderReason, type GpuDeviceLike, type RunnableSession, type RuntimeHooks, type RuntimeOptions,
} from './runtime.js';
import type { GraphShard, PlainTensor } from './graph-shard.js';
import { concatRows, sliceRows, splitCounts } from './split-batch.js';

export interface StepResult {
  /** [B] total loss. */
  loss: Float32Array;
  /** [B, L] ∂loss/∂z. */
  grad: Float32Array;
  /** [B, 3, R, R] G(z). */
  image: Float32Array;
  /** [B, T] unweighted terms. */
  terms: Float32Array;
}

/** The constraint inputs of editStep as ORT tensors, made once per stroke change and reused every step. */
export interface EditInputs {
  readonly kind: 'edit';
  readonly feeds: Record<string, ort.Tensor>;
}
export interface ProjectInputs {
  readonly kind: 'project';
  readonly feeds: Record<string, ort.Tensor>;
}

/** Counts graph runs (benchmarks, and tests that check cancellation really stops work). */
export interface RunCounter {
  runs: Record<GraphName, number>;
}

/** The engine moved from one execution provider to another while running (so far: WebGPU → wasm). */
export interface ExecutionProviderChange {
  from: ExecutionProvider;
  to: ExecutionProvider;
  reason: ExecutionProviderReason;
}

/** One set of sessions on one execution provider, and the runs still in flight on it. */
interface SessionSet {
  ep: ExecutionProvider;
  sessions: Record<GraphName, RunnableSession>;
  inFlight: number;
  /** Set once the set is replaced: released when its last run ends. */
  retired: boolean;
  released: boolean;
}

/** How long a failed WebGPU run waits for `device.lost` before calling the failure an ordinary error. */
const LOST_GRACE_MS = 200;

async function createSessionsAsync(loaded: LoadedPack, ep: ExecutionProvider, hooks: RuntimeHooks): Promise<Record<GraphName, RunnableSession>> {
  const { pack } = loaded;
  const sessions = {} as Record<GraphName, RunnableSession>;
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: [ep],
    graphOptimizationLevel: 'all',
    // 3 = error: the session's warnings (node assignment to the CPU) print through console.error in a browser.
    logSeverityLevel: 3,
    // All graphs share one external weights file, referenced by this path inside the ONNX files.
    externalData: [{ path: pack.weights.file, data: loaded.weights }],
  };
  const create = hooks.createSessionAsync ?? ((graph, options) => ort.InferenceSession.create(graph, options));
  try {
    for (const g of GRAPH_NAMES) {
      let s: RunnableSession;
      try {
        s = await create(loaded.graphs[g], sessionOptions);
      } catch (e) {
        throw new PackError(`graphs.${g}.file`, `${pack.graphs[g].file} could not be loaded by onnxruntime-web (${ep}): ${(e as Error).message}`);
      }
      sessions[g] = s;
      checkSessionIo(g, pack.graphs[g], s);
    }
  } catch (e) {
    await Promise.all(Object.values(sessions).map((s) => s.release().catch(() => undefined)));
    throw e;
  }
  return sessions;
}

/** The device onnxruntime-web's WebGPU sessions run on (it sets `env.webgpu.device` when it makes one). */
async function ortGpuDeviceAsync(): Promise<GpuDeviceLike | null> {
  const webgpu = (ort.env as { webgpu?: { device?: unknown } }).webgpu;
  const device = (await Promise.resolve(webgpu?.device).catch(() => null)) as GpuDeviceLike | null | undefined;
  return device && typeof (device.lost as Promise<unknown> | undefined)?.then === 'function' ? device : null;
}

/**
 * The four graphs of a pack as ORT sessions, created once and reused. No DOM: runs in Node and in a worker.
 *
 * On WebGPU it watches for the GPU going away — the device's `lost` promise, or a run failing with a
 * device-lost error — and then moves to wasm by itself: new wasm sessions from the same pack bytes,
 * the run that failed done again there, and an `ExecutionProviderChange` to every listener. Callers
 * (the edit session, projection, rendering) see a slower but otherwise identical model.
 */
export class PackModel implements RunCounter {
  readonly runs: Record<GraphName, number> = { generator: 0, encoder: 0, editStep: 0, projectStep: 0 };
  readonly layout: LatentLayout;
  readonly R: number;
  readonly L: number;
  private current: SessionSet;
  private switching: Promise<void> | null = null;
  private lost: ExecutionProviderReason | null = null;
  private lostSignal: Promise<void>;
  private signalLost!: () => void;
  private released = false;
  private readonly listeners = new Set<(change: ExecutionProviderChange) => void>();
  /** What the sessions were made from, kept while on WebGPU to remake them on wasm. */
  private loaded: LoadedPack | null;
  /** Other workers' copies of the sessions: batched runs on wasm are split across this thread and them. */
  private shards: GraphShard[];

  private constructor(
    readonly pack: Pack,
    ep: ExecutionProvider,
    sessions: Record<GraphName, RunnableSession>,
    loaded: LoadedPack,
    private readonly hooks: RuntimeHooks,
    /** Why 'auto' chose wasm, when it was not simply that there is no WebGPU (e.g. the adapter did not answer). */
    readonly executionProviderReason: ExecutionProviderReason | null,
    shards?: GraphShard[],
  ) {
    this.layout = latentLayout(pack);
    this.R = pack.resolution;
    this.L = pack.latent.size;
    this.current = { ep, sessions, inFlight: 0, retired: false, released: false };
    this.loaded = ep === 'webgpu' ? loaded : null;
    this.shards = [...(shards ?? [])];
    this.lostSignal = new Promise<void>((resolve) => { this.signalLost = resolve; });
  }

  static async createAsync(loaded: LoadedPack, options: RuntimeOptions = {}): Promise<PackModel> {
    configureRuntime(options);
    const hooks = options.runtimeHooks ?? {};
    const choice = await probeExecutionProviderAsync(options.executionProvider, { adapterTimeoutMs: options.adapterTimeoutMs });
    const ep = choice.executionProvider;
    const sessions = await createSessionsAsync(loaded, ep, hooks);
    const model = new PackModel(loaded.pack, ep, sessions, loaded, hooks, choice.reason ?? null, options.shards);
    if (ep === 'webgpu') {
      const device = await (hooks.gpuDeviceAsync ?? ortGpuDeviceAsync)().catch(() => null);
      void device?.lost.then(
        (info) => model.deviceLost(`the GPU device was lost (${info?.reason ?? 'unknown'}${info?.message ? `: ${info.message}` : ''})`),
        () => undefined,
      );
    }
    return model;
  }

  /** Where the graphs run now: 'webgpu' until the GPU is lost, then 'wasm'. */
  get executionProvider(): ExecutionProvider { return this.current.ep; }

  /** Calls `listener` when the model moves to another execution provider; returns a function that stops it. */
  onExecutionProviderChange(listener: (change: ExecutionProviderChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds shards started after the model (so their sessions are made while this worker makes its own). */
  attachShards(shards: GraphShard[]): void {
    if (this.released) throw new Error('model: released');
    this.shards.push(...shards);
  }

  /** How many workers share a batched run on wasm (this one and its shards). */
  get parallelism(): number { return this.current.ep === 'wasm' ? 1 + this.shards.length : 1; }

  async releaseAsync(): Promise<void> {
    this.released = true; // releasing WebGPU sessions destroys their device: that loss is ours, not a fault
    const shards = this.shards;
    this.shards = [];
    await Promise.allSettled(shards.map((s) => s.releaseAsync()));
    await this.switching?.catch(() => undefined);
    this.loaded = null;
    this.current.retired = true;
    await this.releaseSetAsync(this.current, true);
  }

  private async releaseSetAsync(set: SessionSet, rethrow = false): Promise<void> {
    if (set.released || set.inFlight > 0) return;
    set.released = true;
    const results = await Promise.allSettled(GRAPH_NAMES.map((g) => set.sessions[g].release()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed && rethrow && set.ep !== 'webgpu') throw failed.reason;
  }

  /** The GPU device was lost (its `lost` promise resolved): move to wasm now, before the next run fails. */
  private deviceLost(message: string): void {
    if (this.released || this.current.ep !== 'webgpu') return;
    this.lost = { code: 'device-lost', message };
    this.signalLost();
    void this.switchToWasmAsync(this.lost).catch(() => undefined); // the next run reports a failure to switch
  }

  /** Whether an error from a WebGPU run means the GPU is gone (and why), else null: an ordinary error. */
  private async gpuFaultAsync(error: unknown): Promise<ExecutionProviderReason | null> {
    const detail = (error as Error)?.message ?? String(error);
    if (!this.lost && !isDeviceLostError(error)) {
      // `device.lost` may settle just after the run that hit it fails: give it a moment.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([this.lostSignal, new Promise<void>((r) => { timer = setTimeout(r, LOST_GRACE_MS); })]);
      clearTimeout(timer);
    }
    if (this.lost) return this.lost;
    return isDeviceLostError(error) ? { code: 'device-lost', message: `a WebGPU run failed: ${detail}` } : null;
  }

  /** Remakes the sessions on wasm (once; concurrent callers wait for the same switch). */
  private switchToWasmAsync(reason: ExecutionProviderReason): Promise<void> {
    this.switching ??= (async () => {
      const loaded = this.loaded;
      if (!loaded) throw new Error('model: the GPU was lost and the pack bytes to restart on the CPU are gone');
      let sessions: Record<GraphName, RunnableSession>;
      try {
        sessions = await createSessionsAsync(loaded, 'wasm', this.hooks);
      } catch (e) {
        throw new Error(`model: the GPU was lost (${reason.message}) and the CPU (wasm) sessions could not start: ${(e as Error).message}`);
      }
      if (this.released) {
        await Promise.allSettled(GRAPH_NAMES.map((g) => sessions[g].release()));
        return;
      }
      const old = this.current;
      this.current = { ep: 'wasm', sessions, inFlight: 0, retired: false, released: false };
      this.loaded = null;
      old.retired = true;
      void this.releaseSetAsync(old);
      const change: ExecutionProviderChange = { from: old.ep, to: 'wasm', reason };
      for (const l of this.listeners) {
        try { l(change); } catch { /* a listener's failure is not the model's */ }
      }
    })();
    return this.switching;
  }

  private batchOf(z: Float32Array): number {
    const B = z.length / this.L;
    if (!Number.isInteger(B) || B < 1) throw new Error(`model: z must hold B·L values (L = ${this.L}), got ${z.length}`);
    return B;
  }

  private async run(g: GraphName, feeds: Record<string, ort.Tensor>): Promise<Record<string, Float32Array>> {
    this.runs[g]++;
    const batched = this.shards.length && this.current.ep === 'wasm' && !this.switching ? this.batchedInputs(g) : [];
    const rows = batched.length ? feeds[batched[0]!]!.dims[0]! : 1;
    if (rows >= 2) return this.runSplitAsync(g, feeds, batched, splitCounts(rows, 1 + this.shards.length));
    return this.runHereAsync(g, feeds);
  }

  /** The inputs of graph `g` whose first dimension is the batch (pack.json: a name, not a number). */
  private batchedInputs(g: GraphName): string[] {
    return Object.entries(this.pack.graphs[g].inputs).filter(([, t]) => typeof t.shape[0] === 'string').map(([name]) => name);
  }

  /**
   * Part 0 of the batch here, the others on the shards (posted first, so they compute while this
   * thread does), joined in order. A shard that fails is dropped and the whole batch runs here.
   */
  private async runSplitAsync(g: GraphName, feeds: Record<string, ort.Tensor>, batched: string[], counts: number[]): Promise<Record<string, Float32Array>> {
    const plainAt = (start: number, count: number): Record<string, PlainTensor> => {
      const out: Record<string, PlainTensor> = {};
      for (const [name, t] of Object.entries(feeds)) {
        const whole = { data: t.data as Float32Array, dims: [...t.dims] };
        // A copy of just these rows: a view would carry its whole buffer to the other worker.
        out[name] = batched.includes(name) ? { ...sliceRows(whole, start, count), data: sliceRows(whole, start, count).data.slice() } : whole;
      }
      return out;
    };
    const starts = counts.map((_, i) => counts.slice(0, i).reduce((a, b) => a + b, 0));
    const shards = this.shards;
    const constant = Object.keys(feeds).filter((name) => !batched.includes(name));
    const remote = counts.slice(1).map((c, i) => shards[i]!.runAsync(g, plainAt(starts[i + 1]!, c), constant));
    const mine = plainAt(0, counts[0]!);
    const here = this.runHereAsync(g, Object.fromEntries(Object.entries(mine).map(([k, t]) => [k, new ort.Tensor('float32', t.data, t.dims)])));
    try {
      return concatRows(await Promise.all([here, ...remote]));
    } catch (e) {
      const failed = await Promise.allSettled(remote);
      await here.catch(() => undefined);
      if (!failed.some((r) => r.status === 'rejected')) throw e; // this thread's own failure
      console.warn(`model: a worker sharing the batch failed (${(e as Error)?.message ?? String(e)}); running on this worker alone`);
      if (this.shards === shards) this.shards = [];
      void Promise.allSettled(shards.map((s) => s.releaseAsync()));
      return this.runHereAsync(g, feeds);
    }
  }

  private async runHereAsync(g: GraphName, feeds: Record<string, ort.Tensor>): Promise<Record<string, Float32Array>> {
    for (;;) {
      if (this.switching) await this.switching;
      const set = this.current;
      set.inFlight++;
      try {
        const out = await set.sessions[g].run(feeds);
        const res: Record<string, Float32Array> = {};
        for (const [k, t] of Object.entries(out)) {
          res[k] = (t.location === 'cpu' ? t.data : await t.getData(true)) as Float32Array;
          t.dispose();
        }
        return res;
      } catch (e) {
        if (set.ep !== 'webgpu' || this.released) throw e;
        if (this.current === set) {
          const reason = await this.gpuFaultAsync(e);
          if (!reason) throw e;
          await this.switchToWasmAsync(reason);
        }
        // The same run again, now on wasm: the caller never sees the loss.
      } finally {
        set.inFlight--;
        if (set.retired && set.inFlight === 0) void this.releaseSetAsync(set);
      }
    }
  }

  /** z [B, L] → images [B, 3, R, R]. */
  async generateAsync(z: Float32Array): Promise<Float32Array> {
    const B = this.batchOf(z);
    return (await this.run('generator', { z: new ort.Tensor('float32', z, [B, this.L]) })).image!;
  }

  /** images [B, 3, R, R] → z [B, L] (categorical slices are probabilities). */
  async encodeAsync(images: Float32Array): Promise<Float32Array> {
    const B = images.length / (3 * this.R * this.R);
    if (!Number.isInteger(B) || B < 1) throw new Error(`model: images must hold B·3·R·R values (R = ${this.R}), got ${images.length}`);
    return (await this.run('encoder', { image: new ort.Tensor('float32', images, [B, 3, this.R, this.R]) })).z!;
  }

  /** Runs graph `g` on plain tensors (what a shard does for the engine that sent them). */
  async runGraphAsync(g: GraphName, feeds: Record<string, PlainTensor>): Promise<Record<string, Float32Array>> {
    if (!GRAPH_NAMES.includes(g)) throw new Error(`model: unknown graph ${JSON.stringify(g)}`);
    return this.run(g, Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor('float32', t.data, t.dims)])));
  }

  editInputs(c: Constraints, z0: Float32Array, weights: [number, number, number]): EditInputs {
    const R = this.R;
    if (z0.length !== this.L) throw new Error(`model: z0 must have L = ${this.L} values, got ${z0.length}`);
    return {
      kind: 'edit',
      feeds: {
        z0: new ort.Tensor('float32', z0, [1, this.L]),
        color_target: new ort.Tensor('float32', c.colorTarget, [1, 3, R, R]),
        color_mask: new ort.Tensor('float32', c.colorMask, [1, 1, R, R]),
        edge_target: new ort.Tensor('float32', c.edgeTarget, [1, 3, R, R]),
        edge_mask: new ort.Tensor('float32', c.edgeMask, [1, 1, R, R]),
        weights: new ort.Tensor('float32', Float32Array.from(weights), [3]),
      },
    };
  }

  projectInputs(target: Float32Array, mask: Float32Array, weights: [number, number]): ProjectInputs {
    const R = this.R;
    return {
      kind: 'project',
      feeds: {
        target: new ort.Tensor('float32', target, [1, 3, R, R]),
        mask: new ort.Tensor('float32', mask, [1, 1, R, R]),
        weights: new ort.Tensor('float32', Float32Array.from(weights), [2]),
      },
    };
  }

  async editStepAsync(z: Float32Array, inputs: EditInputs): Promise<StepResult> {
    const B = this.batchOf(z);
    return this.step('editStep', { ...inputs.feeds, z: new ort.Tensor('float32', z, [B, this.L]) });
  }

  async projectStepAsync(z: Float32Array, inputs: ProjectInputs): Promise<StepResult> {
    const B = this.batchOf(z);
    return this.step('projectStep', { ...inputs.feeds, z: new ort.Tensor('float32', z, [B, this.L]) });
  }

  private async step(g: 'editStep' | 'projectStep', feeds: Record<string, ort.Tensor>): Promise<StepResult> {
    const o = await this.run(g, feeds);
    return { loss: o.loss!, grad: o.grad!, image: o.image!, terms: o.terms! };
  }
}

/** Rejects a graph whose ONNX inputs/outputs (names, and where ORT reports them, types and shapes) differ from pack.json. */
export function checkSessionIo(
  g: GraphName, spec: GraphSpec,
  s: Pick<ort.InferenceSession, 'inputNames' | 'outputNames'> & Partial<Pick<ort.InferenceSession, 'inputMetadata' | 'outputMetadata'>>,
): void {
  const f = `graphs.${g}`;
  const compare = (side: 'inputs' | 'outputs', names: readonly string[], meta: readonly ort.InferenceSession.ValueMetadata[] | undefined): void => {
    const want = Object.keys(spec[side]).sort();
    const got = [...names].sort();
    const missing = want.filter((n) => !got.includes(n)), extra = got.filter((n) => !want.includes(n));
    if (missing.length || extra.length) {
      throw new PackError(`${f}.${side}`, `${spec.file} has ${side} [${got.join(', ')}], pack.json says [${want.join(', ')}]` +
        (missing.length ? `; missing: ${missing.join(', ')}` : '') + (extra.length ? `; unexpected: ${extra.join(', ')}` : ''));
    }
    for (const m of meta ?? []) {
      if (!m.isTensor) throw new PackError(`${f}.${side}.${m.name}`, `${spec.file}: ${m.name} is not a tensor`);
      const ts = spec[side][m.name]!;
      if (m.type !== ts.dtype) throw new PackError(`${f}.${side}.${m.name}.dtype`, `${spec.file} has ${m.type}, pack.json says ${ts.dtype}`);
      const shape = m.shape as readonly (number | string)[];
      const ok = shape.length === ts.shape.length &&
        shape.every((d, i) => (typeof d === 'number' && d >= 0 ? d === ts.shape[i] : typeof ts.shape[i] === 'string' || typeof d !== 'number'));
      if (!ok) throw new PackError(`${f}.${side}.${m.name}.shape`, `${spec.file} has [${shape.join(', ')}], pack.json says [${ts.shape.join(', ')}]`);
    }
  };
  compare('inputs', s.inputNames, s.inputMetadata);
  compare('outputs', s.outputNames, s.outputMetadata);
}
