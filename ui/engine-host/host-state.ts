/**
 * Where the engine runs now (the compute worker, or the panel's own thread) and what is under way
 * around it. Every request of the panel goes through `routedEngine`: the same protocol, the same
 * client, wherever the engine is; it waits while the engine moves or warms up.
 */
import type { EngineClient, RequestOptions } from '../../engine/worker/engine-client';
import type { EngineRequestBody, EngineResponse, ResponseFor } from '../../engine/worker/protocol';
import type { ComputeWorker } from '../worker/client';
import type { PageEngine } from '../worker/page-engine';
import type { EngineInitByPack } from '../worker/protocol';

/**
 * What the controller needs of the compute worker (tests give it an in-process one).
 * `startPageEngine`, where there is one, hosts an engine in the panel's own thread.
 */
export type Compute = Pick<ComputeWorker, 'engine' | 'request'> & { startPageEngine?(): PageEngine };

/** What the operations need of an engine: its requests. */
export type EngineRequests = Pick<EngineClient, 'request'>;

export type ReadyResponse = Extract<EngineResponse, { type: 'ready' }>;
/** An engine `init` naming a streamed pack (filled in by the worker, or for the panel's engine). */
export type InitBody = Omit<EngineInitByPack, 'id'>;

export interface EngineHostState {
  /** The engine requests go to: the worker's, or the one in the panel's own thread. */
  active: EngineRequests;
  /** The engine in the panel's own thread, while it is the one in use. */
  page: PageEngine | null;
  /** Set once an engine in the panel failed to start: it is not tried again. */
  pageFailed: boolean;
  /** The engine moving back to the worker (the GPU was lost under the panel's engine): requests wait for it. */
  moving: Promise<void> | null;
  /** The engine's warm-up after it started, while it runs: requests wait for it. */
  warming: Promise<void> | null;
  /** The timing of WebGPU against wasm, while it runs (the worker's engine may be up for it). */
  racing: Promise<void> | null;
  /** The worker's engine as the race started it (up, not yet in use), else null. */
  workerUp: ReadyResponse | null;
  /** Set once the GPU was lost in this panel: the model is not started on it again. */
  gpuLost: boolean;
  /** Set once an edit step timed faster on wasm than on this WebGPU adapter: the model is not started on it again. */
  cpuFaster: boolean;
  /** z0 of the engine's edit session as it last said (to start it again elsewhere). */
  engineZ0: Float32Array | null;
}

/** At start the worker's engine takes the requests. */
export function newEngineHostState(workerEngine: EngineRequests): EngineHostState {
  return { active: workerEngine, page: null, pageFailed: false, moving: null, warming: null, racing: null, workerUp: null, gpuLost: false, cpuFaster: false, engineZ0: null };
}

/** The engine the operations talk to: whichever hosts it now, once a move or warm-up is over. */
export function routedEngine(hosting: EngineHostState): EngineRequests {
  return {
    async request<B extends EngineRequestBody>(body: B, options?: RequestOptions): Promise<ResponseFor[B['type']]> {
      while (hosting.moving) await hosting.moving;
      if (hosting.warming) await hosting.warming;
      return hosting.active.request(body, options);
    },
  };
}

/** The wasm engine the worker hosts when the panel's WebGPU engine gives way (lost, or slower). */
export function wasmInit(packId: string): InitBody {
  return { type: 'init', packId, packFiles: {}, numThreads: 1, executionProvider: 'wasm', edit: { candidates: 8 } };
}
