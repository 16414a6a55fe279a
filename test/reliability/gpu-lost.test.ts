/**
 * Issue 8, "WebGPU device lost in the middle of an edit" and "requestAdapter() that never settles",
 * tested in Node through the engine's public API with an injected runtime (RuntimeHooks): the
 * "WebGPU" sessions are real wasm sessions of the tiny pack behind a wrapper that fails the way a
 * lost GPU does (a run throws a device-lost error, or the device's `lost` promise resolves). Because
 * underneath they are wasm too, an edit interrupted by the loss must end *bit-identical* to the same
 * edit run on wasm from the start: nothing of the session (z0, batch, strokes, Adam state) is lost
 * and the step that failed is done again. Chromium with a real (software) device destroyed mid-edit:
 * test/engine/gpu-lost.browser.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Engine, type EngineOptions } from '../../engine/engine';
import { fsPackSource } from '../../engine/node/fs-pack-source';
import type { ExecutionProviderChange } from '../../engine/runtime/pack-model';
import { probeExecutionProviderAsync, isDeviceLostError } from '../../engine/runtime/runtime';
import { faultyGpu } from '../engine/faulty-gpu';
import type { Stroke } from '../../engine/brushes/strokes';
import { EngineClient, type ExecutionProviderNotice } from '../../engine/worker/engine-client';
import { EngineHost } from '../../engine/worker/handle-request';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const PACK = 'test/fixtures/packs/tiny';
// No category search: its extra editStep evaluations before step 0 would shift the step counts pinned here.
const EDIT = { candidates: 4, steps: 12, seed: 3, streamIntervalMs: 0, categorySearch: false };
const STROKES: Stroke[] = [
  { kind: 'color', points: [[20, 20], [44, 30]], width: 8, color: [200, 60, 40] },
  { kind: 'sketch', points: [[10, 50], [54, 50]], width: 2 },
];

/** A latent of the tiny pack: free dims from a sine, categorical one-hot. */
function latent(engine: Engine): Float32Array {
  const { layout } = engine;
  const z = new Float32Array(layout.size);
  for (const i of layout.freeIndices) z[i] = 0.4 * Math.sin(1.7 * i);
  for (const c of layout.categorical) for (let j = 0; j < c.size; j++) z[c.offset + j] = j === 1 ? 1 : 0;
  return z;
}

const withAdapter = () => vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({}) } });
const open = (options: EngineOptions) => Engine.createAsync(fsPackSource(PACK), { numThreads: 1, edit: EDIT, ...options });

/** The same edit on plain wasm: what an interrupted edit must end with. */
async function referenceAsync() {
  const engine = await open({ executionProvider: 'wasm' });
  await engine.startEditingAsync(latent(engine));
  const u = await engine.edit.setStrokesAsync(STROKES);
  await engine.releaseAsync();
  return u;
}

describe('WebGPU device lost in the middle of an edit: the engine carries on on wasm', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('a WebGPU run that throws a device-lost error: the edit completes on wasm, bit-identical, with the same strokes and z0, and the change is reported once', async () => {
    const ref = await referenceAsync();
    withAdapter();
    const gpu = faultyGpu({ failAtEditStep: 5 });
    const engine = await open({ executionProvider: 'auto', runtimeHooks: gpu.hooks });
    expect(engine.executionProvider).toBe('webgpu');
    const changes: ExecutionProviderChange[] = [];
    engine.onExecutionProviderChange((c) => changes.push(c));
    const z0 = latent(engine);
    await engine.startEditingAsync(z0);
    const streamed: number[] = [];
    engine.edit.onUpdate = (u) => streamed.push(u.step);
    const u = await engine.edit.setStrokesAsync(STROKES);

    expect(gpu.stats.gpu.editStep).toBe(5); // steps 0–3 on the GPU, step 4 failed there…
    expect(gpu.stats.wasm.editStep).toBe(EDIT.steps + 1 - 4); // …and was done again on wasm, with the rest
    expect(streamed).toEqual(Array.from({ length: EDIT.steps + 1 }, (_, i) => i)); // no step skipped or repeated
    expect(engine.executionProvider).toBe('wasm');
    expect(changes).toEqual([{ from: 'webgpu', to: 'wasm', reason: { code: 'device-lost', message: expect.stringContaining('Device is lost') } }]);
    expect(engine.edit.currentStrokes).toEqual(STROKES);
    expect(engine.edit.latent).toEqual(z0);
    expect(u.step).toBe(EDIT.steps);
    expect(u.z).toEqual(ref.z);
    expect(u.loss).toEqual(ref.loss);
    expect(u.images).toEqual(ref.images);
    expect(u.order).toEqual(ref.order);
    await vi.waitFor(() => expect(gpu.stats.gpuReleased).toBe(4)); // the dead GPU sessions are let go

    // The engine keeps working on wasm: the next change runs there.
    const before = gpu.stats.gpu.editStep;
    await engine.edit.setStrokesAsync(STROKES.slice(0, 1));
    expect(gpu.stats.gpu.editStep).toBe(before);
    await engine.releaseAsync();
    expect(changes).toHaveLength(1);
  });

  it('the device’s lost promise resolving mid-edit: the engine moves to wasm before the next step fails, same result', async () => {
    const ref = await referenceAsync();
    withAdapter();
    const gpu = faultyGpu({ loseAtEditStep: 3 });
    const engine = await open({ executionProvider: 'auto', runtimeHooks: gpu.hooks });
    const changes: ExecutionProviderChange[] = [];
    engine.onExecutionProviderChange((c) => changes.push(c));
    await engine.startEditingAsync(latent(engine));
    const u = await engine.edit.setStrokesAsync(STROKES);
    expect(gpu.stats.gpu.editStep).toBe(3); // nothing more ran on the lost device
    expect(gpu.stats.wasm.editStep).toBe(EDIT.steps + 1 - 3);
    expect(changes).toEqual([{ from: 'webgpu', to: 'wasm', reason: { code: 'device-lost', message: 'the GPU device was lost (unknown: the GPU process was reset)' } }]);
    expect(u.z).toEqual(ref.z);
    expect(u.images).toEqual(ref.images);
    await engine.releaseAsync();
  });

  it('an ordinary error on WebGPU (not a lost device) is reported as it is, and the engine stays on WebGPU', async () => {
    withAdapter();
    const gpu = faultyGpu({ failAtEditStep: 2, once: true, error: new Error('invalid input dims for z') });
    const engine = await open({ executionProvider: 'auto', runtimeHooks: gpu.hooks });
    const changes: ExecutionProviderChange[] = [];
    engine.onExecutionProviderChange((c) => changes.push(c));
    await engine.startEditingAsync(latent(engine));
    await expect(engine.edit.setStrokesAsync(STROKES)).rejects.toThrow('invalid input dims for z');
    expect(engine.executionProvider).toBe('webgpu');
    expect(changes).toEqual([]);
    await engine.edit.setStrokesAsync(STROKES); // and it still edits there
    expect(gpu.stats.wasm.editStep).toBe(0);
    await engine.releaseAsync();
  });

  it('releasing the engine destroys its own device: that loss is not reported', async () => {
    withAdapter();
    const gpu = faultyGpu({});
    const engine = await open({ executionProvider: 'auto', runtimeHooks: gpu.hooks });
    const changes: ExecutionProviderChange[] = [];
    engine.onExecutionProviderChange((c) => changes.push(c));
    await engine.releaseAsync();
    gpu.loseDevice({ reason: 'destroyed', message: '' });
    await new Promise((r) => setTimeout(r, 50));
    expect(changes).toEqual([]);
    expect(gpu.stats.gpuReleased).toBe(4);
  });

  it('through the worker protocol: the edit request still gets its final candidates, and an execution-provider notice (id 0) reaches the client', async () => {
    withAdapter();
    const gpu = faultyGpu({ failAtEditStep: 4 });
    const files = Object.fromEntries(['pack.json', 'weights.bin', 'generator.onnx', 'encoder.onnx', 'edit_step.onnx', 'project_step.onnx']
      .map((f) => [f, new Uint8Array(readFileSync(join(PACK, f)))]));
    const host = new EngineHost({ createEngineAsync: (source, options) => Engine.createAsync(source, { ...options, runtimeHooks: gpu.hooks }) });
    const client = EngineClient.inProcess(host);
    const notices: ExecutionProviderNotice[] = [];
    client.onExecutionProviderChange((n) => notices.push(n));
    const ready = await client.request({ type: 'init', packFiles: files, executionProvider: 'auto', edit: EDIT });
    expect(ready.executionProvider).toBe('webgpu');
    expect(ready.executionProviderReason).toBeUndefined();
    const z = new Float32Array(ready.pack.latent.size);
    await client.request({ type: 'start-editing', z });
    const done = await client.request({ type: 'edit', strokes: STROKES });
    expect(done).toMatchObject({ type: 'candidates', final: true, step: EDIT.steps });
    expect(notices).toEqual([{ type: 'execution-provider', id: 0, executionProvider: 'wasm', previous: 'webgpu', reason: { code: 'device-lost', message: expect.stringContaining('Device is lost') } }]);
    await client.request({ type: 'dispose' });
  });
});

describe('requestAdapter() that never settles: the engine gives up after 3 s and runs on wasm, saying why', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('the probe waits 3 s, then chooses wasm with reason adapter-timeout', async () => {
    vi.useFakeTimers();
    vi.stubGlobal('navigator', { gpu: { requestAdapter: () => new Promise(() => undefined) } });
    let settled = false;
    const choice = probeExecutionProviderAsync('auto').finally(() => { settled = true; });
    await vi.advanceTimersByTimeAsync(2999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await choice).toEqual({ executionProvider: 'wasm', reason: { code: 'adapter-timeout', message: 'navigator.gpu.requestAdapter() did not answer within 3000 ms' } });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('asking for webgpu explicitly: a clear error after the timeout, not a hang', async () => {
    vi.useFakeTimers();
    vi.stubGlobal('navigator', { gpu: { requestAdapter: () => new Promise(() => undefined) } });
    const choice = probeExecutionProviderAsync('webgpu');
    const check = expect(choice).rejects.toThrow('no WebGPU adapter is available (navigator.gpu.requestAdapter() did not answer within 3000 ms)');
    await vi.advanceTimersByTimeAsync(3000);
    await check;
  });

  it('the engine starts on wasm and the ready answer says why (adapter-timeout)', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: () => new Promise(() => undefined) } });
    const engine = await open({ executionProvider: 'auto', adapterTimeoutMs: 30 });
    expect(engine.executionProvider).toBe('wasm');
    expect(engine.executionProviderReason).toEqual({ code: 'adapter-timeout', message: 'navigator.gpu.requestAdapter() did not answer within 30 ms' });
    await engine.releaseAsync();
  });

  it('other reasons: null and rejecting adapters are said too; no navigator.gpu is not a reason worth telling', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => null } });
    expect(await probeExecutionProviderAsync('auto')).toEqual({ executionProvider: 'wasm', reason: { code: 'no-adapter', message: expect.any(String) } });
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => { throw new Error('GPU process crashed'); } } });
    expect(await probeExecutionProviderAsync('auto')).toEqual({ executionProvider: 'wasm', reason: { code: 'adapter-error', message: expect.stringContaining('GPU process crashed') } });
    vi.stubGlobal('navigator', {});
    expect(await probeExecutionProviderAsync('auto')).toEqual({ executionProvider: 'wasm' });
  });

  it('a software adapter (SwiftShader, isFallbackAdapter) is not chosen over wasm by auto; an explicit webgpu still takes it', async () => {
    const swiftshader = { info: { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true } };
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => swiftshader } });
    expect(await probeExecutionProviderAsync('auto')).toEqual({ executionProvider: 'wasm', reason: { code: 'software-adapter', message: expect.stringContaining('google swiftshader') } });
    expect(await probeExecutionProviderAsync('webgpu')).toEqual({ executionProvider: 'webgpu' });
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({ info: { vendor: 'apple', architecture: 'metal-3' } }) } });
    expect(await probeExecutionProviderAsync('auto')).toEqual({ executionProvider: 'webgpu' });
  });
});

describe('what counts as a lost device', () => {
  it.each([
    'Device is lost',
    "OperationError: Failed to execute 'mapAsync' on 'GPUBuffer': Device is lost.",
    'GPUDevice was lost: destroyed',
    'the device has been destroyed',
    'DXGI_ERROR_DEVICE_REMOVED',
  ])('%s → lost', (m) => expect(isDeviceLostError(new Error(m))).toBe(true));
  it.each(['invalid input dims', 'failed to allocate a buffer of size 4', 'Non-zero status code returned while running Conv node'])('%s → not lost', (m) =>
    expect(isDeviceLostError(new Error(m))).toBe(false));
});
