export interface HostFacts {
  /** The worker's probe found a (hardware) WebGPU adapter. */
  workerWebgpu: boolean;
  /** The panel's own probe found one (`requestAdapter()` answered a hardware adapter within its timeout). */
  pageWebgpu: boolean;
  /** The GPU was lost in this panel, or timed slower than wasm: it is not used again. */
  gpuLost: boolean;
  /** The panel can host an engine itself (and it did not fail to start there before). */
  pageHost: boolean;
}

/**
 * Where the engine runs: in the compute worker, unless the worker has no WebGPU and the panel
 * has (`srcdoc` hosting: the panel is a secure context, its Blob worker is not); then in the
 * panel's own thread, on WebGPU only — a wasm engine there would block the panel, so wasm always
 * runs in the worker.
 */
export function chooseEngineHost(f: HostFacts): 'worker' | 'page' {
  return !f.workerWebgpu && f.pageWebgpu && !f.gpuLost && f.pageHost ? 'page' : 'worker';
}
