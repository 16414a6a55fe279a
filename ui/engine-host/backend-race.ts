/**
 * Picks the faster of WebGPU and wasm by measurement, not by which one exists: a weak or
 * software-like GPU (a VM, a blocklisted driver) can be slower than onnxruntime-web's wasm. Once the
 * engine is ready on WebGPU, one edit step is timed on it and on a wasm engine started beside it,
 * in the background; the controller moves to wasm when that was faster. Software adapters
 * (SwiftShader) never get this far: the capability probe passes them over (engine/runtime/software-adapter.ts).
 */
import type { EngineClient } from '../../engine/worker/engine-client';

type Engine = Pick<EngineClient, 'request'>;
export type Backend = 'webgpu' | 'wasm';

export interface BackendTimes {
  /** Median ms of one edit step on each (NaN: the timing failed). */
  webgpu: number;
  wasm: number;
  candidates: number;
}

/** wasm only when it timed faster; a timing that failed loses (so a failure keeps what runs). */
export function fasterBackend(t: BackendTimes): Backend {
  const gpu = Number.isFinite(t.webgpu) && t.webgpu > 0 ? t.webgpu : Infinity;
  const cpu = Number.isFinite(t.wasm) && t.wasm > 0 ? t.wasm : Infinity;
  return cpu < gpu ? 'wasm' : 'webgpu';
}

const ms = (v: number): string => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(1) : Math.round(v)} ms` : 'failed');

/** The badge's tooltip line: both timings and which one runs. */
export function backendChoiceText(t: BackendTimes, chosen: Backend): string {
  return `One edit step of ${t.candidates} candidates took ${ms(t.webgpu)} on the graphics card (WebGPU) and ${ms(t.wasm)} on the processor (WebAssembly): ` +
    `the model runs on ${chosen === 'wasm' ? 'the processor' : 'the graphics card'}, the faster.`;
}

/** Said when the probe passed a software adapter over. */
export function softwareAdapterText(adapter: string | undefined): string {
  return `The WebGPU adapter here computes on the processor${adapter ? ` (${adapter})` : ''}, so the model runs on WebAssembly, which is faster.`;
}

/**
 * Times one edit step on the WebGPU engine and on the wasm engine `startWasmAsync` gives (started
 * first, so neither timing shares the processor with a session being made). A timing that fails
 * is NaN; a wasm engine that does not start rejects.
 */
export async function timeBackendsAsync(gpu: Engine, startWasmAsync: () => Promise<Engine>, candidates = 8): Promise<BackendTimes> {
  const wasm = await startWasmAsync();
  const time = (e: Engine) => e.request({ type: 'time-step', candidates }).then((r) => r.ms, () => NaN);
  const webgpu = await time(gpu);
  return { webgpu, wasm: await time(wasm), candidates };
}
