/**
 * Which onnxruntime-web build an engine in the panel's worker runs on, and with which wasm bytes:
 * the plain build for the CPU path, the WebGPU build only where the engine may run on WebGPU
 * ('webgpu', or 'auto' with an adapter the engine's own probe will take). Without the WebGPU
 * build's wasm (the panel drops it where it found no GPU) the engine runs on the CPU build, as 'wasm'.
 */
import { probeExecutionProviderAsync, type RuntimeOptions } from '../../engine/runtime/runtime';
import { ortWasmAsset, type OrtBuild } from './ort-assets';

export interface OrtChoice {
  build: OrtBuild;
  wasmBinary?: Uint8Array;
  executionProvider: RuntimeOptions['executionProvider'];
}

export async function chooseOrtBuildAsync(
  assets: ReadonlyMap<string, Uint8Array>,
  executionProvider: RuntimeOptions['executionProvider'] = 'auto',
  probeAsync: typeof probeExecutionProviderAsync = probeExecutionProviderAsync,
): Promise<OrtChoice> {
  const cpu = assets.get(ortWasmAsset('cpu')), gpu = assets.get(ortWasmAsset('gpu'));
  const onCpu = (): OrtChoice => (cpu || !gpu ? { build: 'cpu', wasmBinary: cpu, executionProvider: 'wasm' } : { build: 'gpu', wasmBinary: gpu, executionProvider: 'wasm' });
  if (executionProvider === 'wasm') return onCpu();
  const mayGpu = executionProvider === 'webgpu' || (await probeAsync('auto')).executionProvider === 'webgpu';
  if (!mayGpu) return { ...onCpu(), executionProvider }; // 'auto' still: the engine's probe says why not WebGPU
  return gpu ? { build: 'gpu', wasmBinary: gpu, executionProvider } : onCpu();
}
