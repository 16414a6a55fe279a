import { loadPackAsync } from './pack/load-pack.js';
import type { PackSource } from './pack/pack-source.js';
import type { Pack } from './pack/pack-types.js';
import { PackModel, type ExecutionProviderChange } from './runtime/pack-model.js';
import type { ExecutionProviderReason, RuntimeOptions } from './runtime/runtime.js';
import type { LatentLayout } from './latent/latent-layout.js';
import { applyCodeChange, readCodes, type CodeChange } from './latent/codes.js';
import { backdropLatents } from './latent/backdrops.js';
import { toFrame, type Fit, type FrameMapping, type RgbaImage } from './image/frame.js';
import { projectAsync, type ProjectOptions, type ProjectResult } from './ops/project.js';
import { EditSession, type CandidateUpdate, type EditOptions } from './ops/edit-session.js';
import { yieldToEventLoopAsync } from './ops/yield-to-event-loop.js';
import { timeEditStepAsync, type StepTiming } from './ops/time-edit-step.js';
import { interpolateLatents, type CategoricalMode, type InterpolationMode } from './ops/interpolate.js';

export interface EngineOptions extends RuntimeOptions {
  /** Skip SHA-256 checks of the pack files (default false). */
  skipHashes?: boolean;
  /** Options of the edit sessions started by `projectAsync` / `startEditing`. */
  edit?: EditOptions;
}

export interface ProjectImageOptions extends ProjectOptions {
  fit?: Fit;
  background?: [number, number, number];
}

export interface ProjectImageResult extends ProjectResult {
  /** How the source image sits in the frame (to map edits back). */
  mapping: FrameMapping;
  /** The frame the projection fitted: [3, R, R] and its weight mask [R, R]. */
  target: Float32Array;
  mask: Float32Array;
}

export interface InterpolateOptions {
  /** Frames including both ends (default 16). */
  frames?: number;
  mode?: InterpolationMode;
  categorical?: CategoricalMode;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/**
 * The editing engine: a pack's graphs in onnxruntime-web plus the current edit session.
 * No DOM, no Preact: the same object runs in Node (CLI, tests) and in the panel's worker.
 */
export class Engine {
  private session: EditSession | null = null;

  private constructor(readonly model: PackModel, private editOptions: EditOptions) {}

  static async createAsync(source: PackSource, options: EngineOptions = {}): Promise<Engine> {
    const loaded = await loadPackAsync(source, { skipHashes: options.skipHashes });
    const model = await PackModel.createAsync(loaded, options);
    return new Engine(model, options.edit ?? {});
  }

  get pack(): Pack { return this.model.pack; }
  get layout(): LatentLayout { return this.model.layout; }
  /** Where the graphs run now ('webgpu' or 'wasm'); it becomes 'wasm' if the GPU is lost. */
  get executionProvider(): string { return this.model.executionProvider; }
  /** Why 'auto' chose wasm although WebGPU exists (e.g. the adapter did not answer in time), else null. */
  get executionProviderReason(): ExecutionProviderReason | null { return this.model.executionProviderReason; }

  /**
   * Calls `listener` when the engine moves to wasm because the GPU was lost. The edit session is
   * untouched (z0, batch, strokes, optimiser state) and the step that failed is run again on wasm.
   */
  onExecutionProviderChange(listener: (change: ExecutionProviderChange) => void): () => void {
    return this.model.onExecutionProviderChange(listener);
  }

  /** The current edit session (after `projectAsync` or `startEditing`). */
  get edit(): EditSession {
    if (!this.session) throw new Error('engine: no latent yet; project an image or call startEditing(z) first');
    return this.session;
  }
  get hasEdit(): boolean { return this.session !== null; }

  /** Fits an RGBA image of any size into the frame and projects it; the result becomes z0 of a new edit session. */
  async projectAsync(img: RgbaImage, options: ProjectImageOptions = {}): Promise<ProjectImageResult> {
    const frame = toFrame(img, this.model.R, { fit: options.fit, background: options.background, pixelRange: this.pack.pixelRange });
    // A fully transparent image leaves nothing to fit (its frame mask is all zero): say so instead of returning noise.
    if (!frame.mask.some((v) => v > 0)) throw new Error('project: the image is fully transparent (every pixel has alpha 0): there is nothing to project');
    const r = await projectAsync(this.model, frame.image, frame.mask, options);
    await this.startEditingAsync(r.z);
    return { ...r, mapping: frame.mapping, target: frame.image, mask: frame.mask };
  }

  /** Starts a new edit session around latent z (cancels the old one). */
  async startEditingAsync(z: Float32Array, options: EditOptions = {}): Promise<EditSession> {
    if (this.session) await this.session.cancelAsync();
    this.editOptions = { ...this.editOptions, ...options };
    this.session = new EditSession(this.model, z, this.editOptions);
    return this.session;
  }

  /** Current values of the InfoGAN codes of z0. */
  codes(): Record<string, number> {
    return readCodes(this.edit.latent, this.layout);
  }

  /** Applies a code change to z0 (a slider move): it becomes the new z0 of the brushes, re-rendered at once. */
  async setCodeAsync(change: CodeChange, signal?: AbortSignal): Promise<CandidateUpdate> {
    const z = applyCodeChange(this.edit.latent, this.layout, change);
    return this.edit.setZ0Async(z, signal);
  }

  /**
   * G(z) for one latent z [L] over two of the pack's background colours (the transfer's `backdrops`:
   * on a transparent layer it tells G's content from its background), or null when the pack names
   * no background code.
   */
  async backdropsAsync(z: Float32Array): Promise<{ frames: [Float32Array, Float32Array]; colours: [number[], number[]] } | null> {
    const bd = backdropLatents(z, this.layout, this.pack.latent.codes);
    if (!bd) return null;
    const images = await this.model.generateAsync(bd.latents), n = images.length / 2;
    return { frames: [images.slice(0, n), images.slice(n)], colours: bd.colours };
  }

  /** G(z) for a batch z [B, L] → [B, 3, R, R]. */
  async renderAsync(z: Float32Array): Promise<Float32Array> {
    return this.model.generateAsync(z);
  }

  /**
   * Frames from `from` (default z0) to `to` (a candidate index of the last update, or a latent):
   * latents [K, L] and images [K, 3, R, R], rendered 16 at a time.
   */
  async interpolateAsync(to: number | Float32Array, options: InterpolateOptions & { from?: Float32Array } = {}): Promise<{ latents: Float32Array; images: Float32Array }> {
    const L = this.model.L, n = 3 * this.model.R * this.model.R;
    const from = options.from ?? this.edit.latent;
    let target: Float32Array;
    if (typeof to === 'number') {
      const batch = this.edit.batch, B = batch.length / L;
      if (!Number.isInteger(to) || to < 0 || to >= B) throw new Error(`interpolate: candidate index must be an integer in [0, ${B - 1}], got ${to}`);
      target = batch.slice(to * L, (to + 1) * L);
    } else target = to;
    const K = options.frames ?? 16;
    const latents = interpolateLatents(from, target, K, this.layout, { mode: options.mode, categorical: options.categorical });
    const images = new Float32Array(K * n);
    for (let k = 0; k < K; k += 16) {
      await yieldToEventLoopAsync();
      options.signal?.throwIfAborted();
      const m = Math.min(16, K - k);
      images.set(await this.model.generateAsync(latents.slice(k * L, (k + m) * L)), k * n);
      options.onProgress?.(k + m, K);
    }
    return { latents, images };
  }

  /**
   * Runs each graph once at the batch sizes the panel uses, on this worker and its shards: the
   * first runs of a session are slow (wasm code still on its baseline tier, buffers to allocate,
   * WebGPU shaders to compile), so doing them before the designer's first Project keeps that
   * projection as fast as the later ones. Leaves the edit session alone.
   */
  async warmUpAsync(): Promise<void> {
    const { L, R } = this.model;
    const starts = this.pack.defaults.project.starts;
    const z = (B: number) => new Float32Array(B * L);
    const image = new Float32Array(3 * R * R);
    await this.model.encodeAsync(image);
    await this.model.projectStepAsync(z(starts), this.model.projectInputs(image, new Float32Array(R * R).fill(1), [1, 0.1]));
    await timeEditStepAsync(this.model, { candidates: this.editOptions.candidates ?? this.pack.defaults.edit.candidates, repeats: 1 });
    await this.model.generateAsync(z(16));
  }

  /** The median time of one edit step of `candidates` on the current execution provider (the edit session is untouched). */
  timeEditStepAsync(options: { candidates?: number; repeats?: number } = {}): Promise<StepTiming> {
    return timeEditStepAsync(this.model, options);
  }

  async releaseAsync(): Promise<void> {
    if (this.session) await this.session.cancelAsync();
    await this.model.releaseAsync();
  }
}
