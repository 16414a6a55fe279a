import * as ort from 'onnxruntime-web';
import type { LoadedPack } from '../pack/load-pack.js';
import { PackError } from '../pack/pack-error.js';
import { GRAPH_NAMES, type GraphName, type GraphSpec, type Pack } from '../pack/pack-types.js';
import { latentLayout, type LatentLayout } from '../latent/latent-layout.js';
import type { Constraints } from '../brushes/strokes.js';
import { chooseExecutionProviderAsync, configureRuntime, type ExecutionProvider, type RuntimeOptions } from './runtime.js';

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

/**
 * The four graphs of a pack as ORT sessions, created once and reused. No DOM: runs in Node and in a worker.
 */
export class PackModel implements RunCounter {
  readonly runs: Record<GraphName, number> = { generator: 0, encoder: 0, editStep: 0, projectStep: 0 };
  readonly layout: LatentLayout;
  readonly R: number;
  readonly L: number;

  private constructor(
    readonly pack: Pack,
    readonly executionProvider: ExecutionProvider,
    private readonly sessions: Record<GraphName, ort.InferenceSession>,
  ) {
    this.layout = latentLayout(pack);
    this.R = pack.resolution;
    this.L = pack.latent.size;
  }

  static async createAsync(loaded: LoadedPack, options: RuntimeOptions = {}): Promise<PackModel> {
    configureRuntime(options);
    const ep = await chooseExecutionProviderAsync(options.executionProvider);
    const { pack } = loaded;
    const sessions = {} as Record<GraphName, ort.InferenceSession>;
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      executionProviders: [ep],
      graphOptimizationLevel: 'all',
      // All graphs share one external weights file, referenced by this path inside the ONNX files.
      externalData: [{ path: pack.weights.file, data: loaded.weights }],
    };
    try {
      for (const g of GRAPH_NAMES) {
        let s: ort.InferenceSession;
        try {
          s = await ort.InferenceSession.create(loaded.graphs[g], sessionOptions);
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
    return new PackModel(pack, ep, sessions);
  }

  async releaseAsync(): Promise<void> {
    await Promise.all(GRAPH_NAMES.map((g) => this.sessions[g].release()));
  }

  private batchOf(z: Float32Array): number {
    const B = z.length / this.L;
    if (!Number.isInteger(B) || B < 1) throw new Error(`model: z must hold B·L values (L = ${this.L}), got ${z.length}`);
    return B;
  }

  private async run(g: GraphName, feeds: Record<string, ort.Tensor>): Promise<Record<string, Float32Array>> {
    this.runs[g]++;
    const out = await this.sessions[g].run(feeds);
    const res: Record<string, Float32Array> = {};
    for (const [k, t] of Object.entries(out)) {
      res[k] = (t.location === 'cpu' ? t.data : await t.getData(true)) as Float32Array;
      t.dispose();
    }
    return res;
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
