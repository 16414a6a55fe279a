/**
 * Requests the panel sends to its compute worker, and the answers. Every request carries
 * an id; the worker answers each one exactly once, with a result or an `error`.
 * The engine (issue 4) adds its requests here.
 */
export interface WorkerCapabilities {
  webgpu: boolean;
  offscreenCanvas: boolean;
  wasmSimd: boolean;
}

export type EngineRequest =
  | { id: number; type: 'probe' }
  | { id: number; type: 'assets'; assets: Record<string, Uint8Array> }
  | { id: number; type: 'roundtrip'; bytes: Uint8Array; mime: string };

export type EngineResponse =
  | { id: number; type: 'probe'; caps: WorkerCapabilities }
  | { id: number; type: 'assets'; names: string[]; bytes: number }
  | { id: number; type: 'roundtrip'; bytes: Uint8Array; width: number; height: number }
  | { id: number; type: 'error'; message: string };

export type EngineRequestType = EngineRequest['type'];
export type ResponseFor<T extends EngineRequestType> = Extract<EngineResponse, { type: T }>;
