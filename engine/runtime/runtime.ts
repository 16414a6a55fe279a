import * as ort from 'onnxruntime-web';

export type ExecutionProvider = 'webgpu' | 'wasm';

export interface RuntimeOptions {
  /** 'auto' (default): WebGPU only when `navigator.gpu.requestAdapter()` really returns an adapter, else wasm. */
  executionProvider?: 'auto' | ExecutionProvider;
  /** wasm threads (default 1: the Figma iframe has no cross-origin isolation; Node/bench may raise it). */
  numThreads?: number;
  /** The ORT wasm binary bytes (the worker gets them by message; no fetch). Node finds its own. */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where ORT finds its wasm files (alternative to wasmBinary). */
  wasmPaths?: string;
}

let configured: { numThreads: number; hasBinary: boolean } | null = null;

/** Sets `ort.env` once; a second call must agree with the first (ORT reads it when the first session starts). */
export function configureRuntime(options: RuntimeOptions): void {
  const numThreads = options.numThreads ?? 1;
  if (!Number.isInteger(numThreads) || numThreads < 1 || numThreads > 64) {
    throw new Error(`runtime: numThreads must be an integer in [1, 64], got ${String(options.numThreads)}`);
  }
  if (configured) {
    if (configured.numThreads !== numThreads) {
      throw new Error(`runtime: already started with numThreads ${configured.numThreads}; ORT cannot change it to ${numThreads} in this process`);
    }
    return;
  }
  ort.env.wasm.numThreads = numThreads;
  ort.env.wasm.proxy = false; // our own worker hosts the engine; ORT's proxy worker cannot find its script in a bundle
  if (options.wasmBinary) ort.env.wasm.wasmBinary = options.wasmBinary;
  if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
  configured = { numThreads, hasBinary: options.wasmBinary !== undefined };
}

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

/** 'webgpu' only when an adapter is really there (a `data:` iframe has no `navigator.gpu`; a software-less machine returns null). */
export async function chooseExecutionProviderAsync(preference: RuntimeOptions['executionProvider'] = 'auto'): Promise<ExecutionProvider> {
  if (preference === 'wasm') return 'wasm';
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  let adapter: unknown = null;
  try {
    adapter = gpu ? await gpu.requestAdapter() : null;
  } catch {
    adapter = null;
  }
  if (adapter) return 'webgpu';
  if (preference === 'webgpu') throw new Error('runtime: executionProvider "webgpu" was asked for but no WebGPU adapter is available');
  return 'wasm';
}
