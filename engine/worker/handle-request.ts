import { Engine, type EngineOptions } from '../engine.js';
import { memoryPackSource, type PackSource } from '../pack/pack-source.js';
import { PackError } from '../pack/pack-error.js';
import { planarToRgba } from '../image/frame.js';
import { readCodes } from '../latent/codes.js';
import type { CandidateUpdate } from '../ops/edit-session.js';
import type { GraphShard } from '../runtime/graph-shard.js';
import { isTerminal, NOTICE_ID, parseRequest, type CandidatesPayload, type EngineRequest, type EngineResponse } from './protocol.js';

/** Sends a response; `transfer` lists buffers that may be moved rather than copied. */
export type Post = (response: EngineResponse, transfer: ArrayBuffer[]) => void;

export interface EngineHostDeps {
  /** How to make the engine (tests inject a pack source; default: from the files in the init request). */
  createEngineAsync?: (source: PackSource, options: EngineOptions) => Promise<Engine>;
  /**
   * Where messages that answer no request go (`execution-provider`, id 0). Default: where the
   * latest request's answers went (right for one Worker or one in-process client).
   */
  notify?: Post;
  /**
   * Other workers to share the engine's batches with on wasm (the panel's helper workers), started
   * on the pack of an `init` that may run on wasm; none by default.
   */
  startShardsAsync?: (files: { packFiles: Record<string, Uint8Array>; wasmBinary?: ArrayBuffer | Uint8Array }) => Promise<GraphShard[]>;
}

/** Converts a [B, 3, R, R] batch to [B, R, R, 4] RGBA. */
function batchToRgba(images: Float32Array, R: number, range: [number, number]): Uint8ClampedArray {
  const n = 3 * R * R, B = images.length / n;
  const out = new Uint8ClampedArray(B * R * R * 4);
  for (let b = 0; b < B; b++) out.set(planarToRgba(images.subarray(b * n, (b + 1) * n), R, range), b * R * R * 4);
  return out;
}

/**
 * The engine side of the protocol, callable without a Worker: `handleRequest(message, post)` answers
 * every request exactly once through `post` (errors included) and may post progress before.
 */
export class EngineHost {
  private engine: Engine | null = null;
  private initializing: Promise<Engine> | null = null;
  private controllers = new Map<number, AbortController>();
  private editRequest = -1;
  private latestPost: Post | null = null;
  private unwatch: (() => void) | null = null;

  constructor(private readonly deps: EngineHostDeps = {}) {}

  async handleRequest(message: unknown, post: Post): Promise<void> {
    this.latestPost = post;
    let req: EngineRequest;
    try {
      req = parseRequest(message);
    } catch (e) {
      const id = (message as { id?: unknown } | null)?.id;
      if (Number.isSafeInteger(id)) post({ type: 'error', id: id as number, message: (e as Error).message }, []);
      return; // malformed and unanswerable: dropped
    }
    const controller = new AbortController();
    this.controllers.set(req.id, controller);
    let answered = false;
    const send: Post = (r, t) => {
      if (answered) return;
      if (isTerminal(r)) answered = true;
      post(r, t);
    };
    try {
      await this.dispatch(req, controller.signal, send);
    } catch (e) {
      const err = e as Error;
      if (err?.name === 'AbortError') send({ type: 'cancelled', id: req.id, reason: err.message }, []);
      else send({ type: 'error', id: req.id, message: err?.message ?? String(e), ...(e instanceof PackError ? { field: e.field } : {}) }, []);
    } finally {
      this.controllers.delete(req.id);
      if (!answered) post({ type: 'error', id: req.id, message: `engine: request ${req.type} ended without an answer` }, []);
    }
  }

  private get ready(): Engine {
    if (!this.engine) throw new Error('engine: not initialised; send an init request with the pack files first');
    return this.engine;
  }

  private candidates(id: number, u: CandidateUpdate, final: boolean): [EngineResponse, ArrayBuffer[]] {
    const e = this.ready;
    const z0 = e.edit.latent;
    const payload: CandidatesPayload = {
      step: u.step, steps: u.steps, order: u.order, loss: u.loss.slice(), terms: u.terms.slice(), z: u.z.slice(),
      images: batchToRgba(u.images, e.model.R, e.pack.pixelRange), z0, codes: readCodes(z0, e.layout),
    };
    return [{ type: 'candidates', id, final, ...payload }, [payload.images.buffer as ArrayBuffer, payload.loss.buffer as ArrayBuffer, payload.terms.buffer as ArrayBuffer, payload.z.buffer as ArrayBuffer]];
  }

  /** Streams non-final updates of the current edit session to the request that started its run. */
  private hookStream(id: number, post: Post): void {
    this.editRequest = id;
    this.ready.edit.onUpdate = (u) => {
      if (u.done || this.editRequest !== id) return;
      post(...this.candidates(id, u, false));
    };
  }

  private async dispatch(req: EngineRequest, signal: AbortSignal, post: Post): Promise<void> {
    switch (req.type) {
      case 'init': {
        if (this.initializing || this.engine) throw new Error('engine: already initialised (send dispose first to load another pack)');
        const start = this.deps.startShardsAsync;
        const create = this.deps.createEngineAsync ?? ((s, o) => Engine.createAsync(s, o));
        this.initializing = (async () => {
          // The shards make their sessions while this worker makes its own. Shards only help wasm;
          // a WebGPU engine that later falls back to wasm runs alone.
          const starting = start && req.executionProvider !== 'webgpu' ? start({ packFiles: req.packFiles ?? {}, wasmBinary: req.wasmBinary }).catch(() => []) : Promise.resolve([]);
          const options: EngineOptions = { executionProvider: req.executionProvider, numThreads: req.numThreads, wasmBinary: req.wasmBinary, edit: req.edit };
          let engine: Engine;
          try {
            engine = await create(memoryPackSource(req.packFiles ?? {}), options);
          } catch (e) {
            await starting.then((shards) => Promise.allSettled(shards.map((s) => s.releaseAsync())));
            throw e;
          }
          const shards = await starting;
          if (engine.executionProvider === 'wasm') engine.model.attachShards(shards);
          else await Promise.allSettled(shards.map((s) => s.releaseAsync()));
          return engine;
        })();
        try {
          this.engine = await this.initializing;
        } finally {
          this.initializing = null;
        }
        // The GPU lost while running: the engine carries on on wasm; the panel is told.
        this.unwatch = this.engine.onExecutionProviderChange((c) => {
          (this.deps.notify ?? this.latestPost)?.({ type: 'execution-provider', id: NOTICE_ID, executionProvider: c.to, previous: c.from, reason: c.reason }, []);
        });
        const p = this.engine.pack;
        const reason = this.engine.executionProviderReason;
        post({
          type: 'ready', id: req.id, executionProvider: this.engine.executionProvider, workers: this.engine.model.parallelism, ...(reason ? { executionProviderReason: reason } : {}),
          pack: { id: p.id, title: p.title, resolution: p.resolution, latent: p.latent, defaults: p.defaults, license: p.license },
        }, []);
        return;
      }
      case 'project': {
        const e = this.ready;
        let shownAt = -Infinity, reportedAt = -Infinity;
        const r = await e.projectAsync(req.image, {
          fit: req.fit, background: req.background, iterations: req.iterations, starts: req.starts, seed: req.seed, signal,
          onProgress: (p) => {
            // The encoder's guess at once, then the best image as L-BFGS-B improves it, at most every ~100 ms.
            const show = p.improved && (p.evaluation === 1 || performance.now() - shownAt >= 100);
            // The numbers alone at most every ~100 ms too: a report per evaluation (~90 of them) was a
            // redraw of the panel per display frame, CPU the workers on the other cores went without.
            if (!show && performance.now() - reportedAt < 100) return;
            reportedAt = performance.now();
            const image = show ? planarToRgba(p.image, e.model.R, e.pack.pixelRange) : undefined;
            if (show) shownAt = performance.now();
            post({ type: 'progress', id: req.id, stage: 'project', done: p.iteration, total: p.iterations, loss: p.loss, pixelError: p.pixelError, ...(image ? { image } : {}) }, image ? [image.buffer as ArrayBuffer] : []);
          },
        });
        const image = planarToRgba(r.image, e.model.R, e.pack.pixelRange);
        post({
          type: 'projected', id: req.id, z: r.z, image, mapping: r.mapping, loss: r.loss, pixelError: r.terms[0],
          encoderPixelError: r.encoderTerms[0], codes: readCodes(r.z, e.layout),
        }, [image.buffer as ArrayBuffer]);
        return;
      }
      case 'start-editing':
      case 'edit':
      case 'fix':
      case 'set-code':
      case 'set-latent': {
        const e = this.ready;
        if (req.type === 'start-editing') await e.startEditingAsync(req.z, req.options ?? {});
        this.hookStream(req.id, post);
        const s = e.edit;
        const u =
          req.type === 'edit' ? await s.setStrokesAsync(req.strokes, signal)
          : req.type === 'fix' ? await s.fixAsync(req.index, signal)
          : req.type === 'set-code' ? await e.setCodeAsync(req.change, signal)
          : await s.setZ0Async(req.z, signal);
        post(...this.candidates(req.id, u, true));
        return;
      }
      case 'interpolate': {
        const e = this.ready;
        const f = await e.interpolateAsync(req.to, {
          frames: req.frames, mode: req.mode, categorical: req.categorical, signal,
          onProgress: (done, total) => post({ type: 'progress', id: req.id, stage: 'interpolate', done, total }, []),
        });
        const images = batchToRgba(f.images, e.model.R, e.pack.pixelRange);
        post({ type: 'frames', id: req.id, latents: f.latents, images }, [images.buffer as ArrayBuffer, f.latents.buffer as ArrayBuffer]);
        return;
      }
      case 'render': {
        const e = this.ready;
        const images = batchToRgba(await e.renderAsync(req.z), e.model.R, e.pack.pixelRange);
        post({ type: 'rendered', id: req.id, images }, [images.buffer as ArrayBuffer]);
        return;
      }
      case 'warm-up': {
        await this.ready.warmUpAsync();
        post({ type: 'ok', id: req.id }, []);
        return;
      }
      case 'time-step': {
        const t = await this.ready.timeEditStepAsync({ candidates: req.candidates, repeats: req.repeats });
        post({ type: 'step-timed', id: req.id, ...t }, []);
        return;
      }
      case 'cancel': {
        this.controllers.get(req.target)?.abort(new DOMException(`cancelled by request ${req.id}`, 'AbortError'));
        post({ type: 'ok', id: req.id }, []);
        return;
      }
      case 'dispose': {
        for (const [id, c] of this.controllers) if (id !== req.id) c.abort(new DOMException('engine disposed', 'AbortError'));
        const e = this.engine;
        this.engine = null;
        this.unwatch?.();
        this.unwatch = null;
        await e?.releaseAsync();
        post({ type: 'ok', id: req.id }, []);
        return;
      }
    }
  }
}
