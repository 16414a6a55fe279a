/**
 * onnxruntime-web as the panel's workers see it (the worker bundle maps the engine's
 * `import 'onnxruntime-web'` here): both builds bundled, one chosen per engine before its
 * sessions are made — the plain wasm build for the CPU path, the WebGPU build (asyncify wasm)
 * only for WebGPU. Each JS build drives only its own wasm, so the choice goes with the bytes
 * (./ort-assets.ts). The exports are live bindings: `ort.Tensor` etc. read the build in use.
 */
import * as cpu from 'onnxruntime-web/wasm';
import * as gpu from 'onnxruntime-web/webgpu';
import type { OrtBuild } from './ort-assets';

export let env = cpu.env;
export let Tensor = cpu.Tensor;
export let InferenceSession = cpu.InferenceSession;
let current: OrtBuild = 'cpu';

/** Switches the exports to `build`. Call it before an engine makes its sessions, never while one runs. */
export function useOrtBuild(build: OrtBuild): void {
  const ort = build === 'gpu' ? gpu : cpu;
  env = ort.env;
  Tensor = ort.Tensor;
  InferenceSession = ort.InferenceSession;
  current = build;
}

export const ortBuildInUse = (): OrtBuild => current;
