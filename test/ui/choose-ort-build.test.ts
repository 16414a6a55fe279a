/** Which onnxruntime-web build (and wasm) an engine in the panel's worker runs on (ui/worker/choose-ort-build.ts). */
import { describe, expect, it } from 'vitest';
import { chooseOrtBuildAsync } from '../../ui/worker/choose-ort-build';
import { ortWasmAsset } from '../../ui/worker/ort-assets';
import type { probeExecutionProviderAsync } from '../../engine/runtime/runtime';

const cpu = new Uint8Array([1]), gpu = new Uint8Array([2]);
const both = new Map([[ortWasmAsset('cpu'), cpu], [ortWasmAsset('gpu'), gpu]]);
const probe = (ep: 'webgpu' | 'wasm') => {
  const calls: string[] = [];
  const fn = (async (pref) => {
    calls.push(String(pref));
    return { executionProvider: ep };
  }) as typeof probeExecutionProviderAsync;
  return { fn, calls };
};

describe('chooseOrtBuildAsync', () => {
  it("runs 'wasm' on the plain build, without probing", async () => {
    const p = probe('webgpu');
    expect(await chooseOrtBuildAsync(both, 'wasm', p.fn)).toEqual({ build: 'cpu', wasmBinary: cpu, executionProvider: 'wasm' });
    expect(p.calls).toEqual([]);
  });

  it("runs 'auto' on the plain build where there is no adapter, still as 'auto' (the engine says why)", async () => {
    expect(await chooseOrtBuildAsync(both, 'auto', probe('wasm').fn)).toEqual({ build: 'cpu', wasmBinary: cpu, executionProvider: 'auto' });
  });

  it("runs 'auto' with an adapter, and 'webgpu', on the WebGPU build", async () => {
    expect(await chooseOrtBuildAsync(both, 'auto', probe('webgpu').fn)).toEqual({ build: 'gpu', wasmBinary: gpu, executionProvider: 'auto' });
    expect(await chooseOrtBuildAsync(both, 'webgpu', probe('wasm').fn)).toEqual({ build: 'gpu', wasmBinary: gpu, executionProvider: 'webgpu' });
  });

  it("without the WebGPU build's wasm (dropped by the panel) runs the plain build as 'wasm'", async () => {
    const onlyCpu = new Map([[ortWasmAsset('cpu'), cpu]]);
    expect(await chooseOrtBuildAsync(onlyCpu, 'auto', probe('webgpu').fn)).toEqual({ build: 'cpu', wasmBinary: cpu, executionProvider: 'wasm' });
  });

  it('with only the WebGPU build (an older stream) runs everything on it', async () => {
    const onlyGpu = new Map([[ortWasmAsset('gpu'), gpu]]);
    expect(await chooseOrtBuildAsync(onlyGpu, 'wasm', probe('wasm').fn)).toEqual({ build: 'gpu', wasmBinary: gpu, executionProvider: 'wasm' });
  });
});
