/**
 * What this document may use, as the engine will need to know: a secure context (WebGPU
 * needs one), a WebGPU adapter that really answers, threads (needs cross-origin isolation;
 * Figma's iframe has none, so onnxruntime-web runs single-threaded wasm).
 */
export interface Capabilities {
  hosting: 'data' | 'srcdoc' | 'other';
  secureContext: boolean;
  /** 'software': an adapter that computes on the CPU (SwiftShader, a fallback adapter): never chosen over wasm. */
  webgpu: 'absent' | 'no-adapter' | 'software' | 'adapter';
  adapter?: string;
  threads: boolean;
  cores: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return Promise.race([promise, new Promise<T>((resolve) => setTimeout(() => resolve(fallback), ms))]);
}

/** How long the panel waits for `requestAdapter()`: an adapter that does not answer by then counts as none. */
export const ADAPTER_TIMEOUT_MS = 3000;

import { describeAdapter, isSoftwareAdapter } from '../engine/runtime/software-adapter';

/**
 * `webgpu: 'adapter'` only when `requestAdapter()` answers non-null within `adapterTimeoutMs` with a
 * hardware adapter (`'software'` for a fallback / CPU one);
 * with the worker's own probe it decides where the engine runs (ui/engine-host/choose-host.ts chooseEngineHost, called by ui/ops/load-pack.ts).
 */
export async function probeCapabilitiesAsync(options: { adapterTimeoutMs?: number } = {}): Promise<Capabilities> {
  const href = location.href;
  const hosting = href.startsWith('data:') ? 'data' : href === 'about:srcdoc' ? 'srcdoc' : 'other';
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  let webgpu: Capabilities['webgpu'] = 'absent';
  let adapter: string | undefined;
  if (gpu) {
    const found = await withTimeout(gpu.requestAdapter().catch(() => null), options.adapterTimeoutMs ?? ADAPTER_TIMEOUT_MS, null);
    webgpu = !found ? 'no-adapter' : isSoftwareAdapter(found) ? 'software' : 'adapter';
    adapter = describeAdapter(found);
  }
  return {
    hosting,
    secureContext: window.isSecureContext,
    webgpu,
    adapter,
    threads: globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined',
    cores: navigator.hardwareConcurrency || 1,
  };
}
