/**
 * A runtime for tests whose "webgpu" sessions are real wasm sessions behind a fault, the way a lost
 * GPU fails (see test/reliability/gpu-lost.test.ts): `failAtEditStep` makes that editStep run on the
 * GPU (and every GPU run after it, unless `once`) throw `error` (default: a device-lost error);
 * `loseAtEditStep` resolves the device's `lost` promise during that run instead. Counts runs per
 * provider and releases of GPU sessions. Use with a stubbed `navigator.gpu` that has an adapter.
 */
import * as ort from 'onnxruntime-web';
import type { GpuDeviceLike, RunnableSession, RuntimeHooks } from '../../engine/runtime/runtime';

export function faultyGpu(fault: { failAtEditStep?: number; loseAtEditStep?: number; error?: Error; once?: boolean }) {
  const stats = { gpu: { editStep: 0, other: 0 }, wasm: { editStep: 0, other: 0 }, gpuReleased: 0, broken: false };
  let loseDevice!: (info: { reason: string; message: string }) => void;
  const device: GpuDeviceLike = { lost: new Promise((r) => { loseDevice = r; }) };
  const hooks: RuntimeHooks = {
    async createSessionAsync(graph, options) {
      const ep = (options.executionProviders ?? ['wasm'])[0] as string;
      const real = await ort.InferenceSession.create(graph, { ...options, executionProviders: ['wasm'] });
      const isEditStep = real.inputNames.includes('color_mask');
      const wrapped: RunnableSession = {
        inputNames: real.inputNames, outputNames: real.outputNames, inputMetadata: real.inputMetadata, outputMetadata: real.outputMetadata,
        release: async () => { if (ep === 'webgpu') stats.gpuReleased++; await real.release(); },
        run: (async (feeds: ort.InferenceSession.FeedsType) => {
          const s = ep === 'webgpu' ? stats.gpu : stats.wasm;
          if (isEditStep) s.editStep++; else s.other++;
          if (ep === 'webgpu') {
            if (isEditStep && s.editStep === fault.failAtEditStep) stats.broken = true;
            if (isEditStep && s.editStep === fault.loseAtEditStep) loseDevice({ reason: 'unknown', message: 'the GPU process was reset' });
            if (stats.broken) {
              if (fault.once) stats.broken = false;
              throw fault.error ?? new Error('[WebGPU] Kernel "[Conv] /Conv" failed. Error: Device is lost');
            }
          }
          return real.run(feeds);
        }) as RunnableSession['run'],
      };
      return wrapped;
    },
    gpuDeviceAsync: async () => device,
  };
  return { hooks, stats, loseDevice: (info = { reason: 'unknown', message: 'lost' }) => loseDevice(info) };
}

