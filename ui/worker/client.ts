/**
 * Starts the compute worker from the inlined IIFE source via a Blob URL (a classic worker:
 * module workers from blob: URLs don't start in an opaque-origin document) and gives the
 * panel two clients over it: the engine's own `EngineClient` (engine channel) and a small
 * promise client for the panel channel (decode, transfer, …). Where only the panel has WebGPU,
 * `startPageEngine` hosts a second engine in the panel's own thread (see ./page-engine.ts).
 */
import { EngineClient, type WorkerLike } from '../../engine/worker/engine-client';
import { startPageEngine, type PageEngine } from './page-engine';
import { helperCount, startHelpers } from './helpers';
import type { PanelAnswer, PanelRequest, PanelRequestType, PanelResponse, WorkerOutbound } from './protocol';

type Pending = { resolve: (r: PanelResponse) => void; reject: (e: Error) => void; onProgress?: (fraction: number, phase: string) => void };
type Body<T extends PanelRequestType> = Omit<Extract<PanelRequest, { type: T }>, 'id'>;

export class ComputeWorker {
  readonly engine: EngineClient;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly engineListeners = new Set<(e: MessageEvent) => void>();
  private nextId = 1;
  private failure: Error | null = null;

  /** Helper workers sharing the engine's batches on wasm (one per further core, see ./helpers.ts). */
  readonly helpers: number;

  constructor(source: string, cores = navigator.hardwareConcurrency) {
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    this.worker = new Worker(url);
    const { ports } = startHelpers(url, helperCount(cores));
    this.helpers = ports.length;
    if (ports.length) this.worker.postMessage({ ch: 'shards', ports }, ports);
    this.worker.onmessage = (event: MessageEvent<WorkerOutbound>) => {
      const out = event.data;
      if (out.ch === 'engine') {
        const wrapped = { data: out.msg } as MessageEvent;
        for (const l of this.engineListeners) l(wrapped);
        return;
      }
      const res = out.msg;
      const p = this.pending.get(res.id);
      if (!p) return;
      if (res.type === 'progress') return p.onProgress?.(res.fraction, res.phase);
      this.pending.delete(res.id);
      if (res.type === 'error') p.reject(new Error(res.message));
      else p.resolve(res);
    };
    this.worker.onerror = (event) => {
      this.failure = new Error(`the compute worker stopped: ${event.message || 'it could not start'}`);
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    };
    const worker = this.worker;
    const listeners = this.engineListeners;
    const like: WorkerLike = {
      postMessage: (message) => worker.postMessage({ ch: 'engine', msg: message }),
      addEventListener: (_type, listener) => listeners.add(listener),
      removeEventListener: (_type, listener) => listeners.delete(listener),
    };
    this.engine = EngineClient.overWorker(like);
  }

  /** An engine in the panel's own thread, on the streamed pack files (copies asked of the worker). */
  startPageEngine(): PageEngine {
    return startPageEngine(async (packId) => {
      const { packFiles, wasmBinary } = await this.request({ type: 'pack-files', packId });
      return { packFiles, wasmBinary };
    });
  }

  /** `signal`: aborting it rejects at once with an AbortError and tells the worker to stop the request. */
  request<T extends PanelRequestType>(req: { type: T } & Body<T>, options: { transfer?: Transferable[]; onProgress?: (fraction: number, phase: string) => void; signal?: AbortSignal } = {}): Promise<PanelAnswer<T>> {
    if (this.failure) return Promise.reject(this.failure);
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortError());
    const id = this.nextId++;
    return new Promise<PanelAnswer<T>>((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.delete(id)) return;
        reject(abortError());
        // The worker answers the cancel, and the request itself with an error no one waits for.
        const cancel = this.nextId++;
        this.pending.set(cancel, { resolve: () => undefined, reject: () => undefined });
        this.worker.postMessage({ ch: 'panel', msg: { type: 'cancel', target: id, id: cancel } });
      };
      const settle = <A>(f: (a: A) => void) => (a: A) => { signal?.removeEventListener('abort', onAbort); f(a); };
      this.pending.set(id, { resolve: settle(resolve as (r: PanelResponse) => void), reject: settle(reject), onProgress: options.onProgress });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.worker.postMessage({ ch: 'panel', msg: { ...req, id } }, options.transfer ?? []);
    });
  }
}

function abortError(): Error {
  const e = new Error('The request was cancelled');
  e.name = 'AbortError';
  return e;
}
