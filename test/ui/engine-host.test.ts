/**
 * Where the panel's engine runs (ui/engine-host/choose-host.ts chooseEngineHost, called by ui/ops/load-pack.ts): in the compute worker, unless
 * only the panel has a WebGPU adapter (`srcdoc` hosting: the Blob worker is not a secure context);
 * then in the panel's own thread, on WebGPU only. The controller with the real engine in process
 * (tiny pack) as the worker's, and a real page engine (ui/worker/page-engine.ts over a
 * MessageChannel) whose WebGPU runtime is faked by test/engine/faulty-gpu.ts — including the GPU
 * lost under the page engine: the engine moves to the worker and the edit goes on there.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Engine } from '../../engine/engine';
import { EngineClient } from '../../engine/worker/engine-client';
import { EngineHost, type EngineHostDeps } from '../../engine/worker/handle-request';
import { parseUiToPlugin, type SelectedImage, type UiToPlugin } from '../../protocol/messages';
import { probeCapabilitiesAsync, type Capabilities } from '../../ui/capabilities';
import { chooseEngineHost, createController, type Compute } from '../../ui/controller';
import { fasterBackend } from '../../ui/engine-host/backend-race';
import type { PanelState } from '../../ui/state/panel-state';
import { createStore, type Store } from '../../ui/state/store';
import { startPageEngine, type PageEngine } from '../../ui/worker/page-engine';
import type { PanelRequest, Rgba } from '../../ui/worker/protocol';
import { faultyGpu } from '../engine/faulty-gpu';

type PanelBody = PanelRequest extends infer R ? (R extends PanelRequest ? Omit<R, 'id'> : never) : never;
const PACK_DIR = join(import.meta.dirname, '..', 'fixtures', 'packs', 'tiny');
const FILES = ['pack.json', 'weights.bin', 'generator.onnx', 'encoder.onnx', 'edit_step.onnx', 'project_step.onnx'];
const W = 24, H = 24;
const GPU_NOTICE = 'The GPU stopped responding; continuing on the CPU (slower).';
const packFiles = () => Object.fromEntries(FILES.map((f) => [f, new Uint8Array(readFileSync(join(PACK_DIR, f)))]));

function opaque(): Rgba {
  const data = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.set([200 - x * 4, 120 + y * 2, 90, 255], (y * W + x) * 4);
  return { width: W, height: H, data };
}

const selected = (nodeId: string): SelectedImage => ({
  nodeId, name: 'Ada', nodeType: 'RECTANGLE', source: 'image-fill', bytes: encode({ width: W, height: H, data: new Uint8Array(opaque().data), channels: 4, depth: 8 }), mime: 'image/png',
  width: W, height: H, nodeWidth: W, nodeHeight: H, record: null,
});

/**
 * The compute worker in this process (its engine: real, wasm; `workerWebgpu`: what its probe says)
 * and, with `page`, an engine in "the panel's own thread" made by the real startPageEngine.
 */
function compute(workerWebgpu: boolean, page?: EngineHostDeps, wasmStepMs?: number): Compute & { pageEngines: PageEngine[]; workerRequests: string[] } {
  const files = packFiles();
  const host = new EngineHost({ createEngineAsync: async (s, o) => withStepTime(await Engine.createAsync(s, o), wasmStepMs) });
  const workerRequests: string[] = [];
  const shim = {
    handleRequest: (req: { type: string }, post: Parameters<EngineHost['handleRequest']>[1]) => {
      workerRequests.push(req.type);
      return host.handleRequest(req.type === 'init' ? { ...req, packFiles: files } : req, post);
    },
  };
  const engine = EngineClient.inProcess(shim as unknown as EngineHost);
  const pageEngines: PageEngine[] = [];
  const request = async (req: PanelBody) => {
    switch (req.type) {
      case 'probe': return { id: 0, type: 'probe', caps: { webgpu: workerWebgpu, offscreenCanvas: false, wasmSimd: true } };
      case 'decode': return { id: 0, type: 'decoded', image: opaque() };
      default: throw new Error(`not in this test: ${req.type}`);
    }
  };
  return {
    engine, request: request as unknown as Compute['request'], pageEngines, workerRequests,
    ...(page ? {
      startPageEngine: () => {
        const p = startPageEngine(async () => ({ packFiles: packFiles() }), page);
        pageEngines.push(p);
        return p;
      },
    } : {}),
  };
}

const caps = (webgpu: Capabilities['webgpu'], hosting: Capabilities['hosting'] = 'srcdoc'): Capabilities => ({ hosting, secureContext: hosting !== 'data', webgpu, threads: false, cores: 2 });

async function until(store: Store, ok: (s: PanelState) => boolean, what: string, ms = 60_000): Promise<PanelState> {
  const t0 = Date.now();
  while (!ok(store.get())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}; engine ${JSON.stringify({ ...store.get().engine, pack: undefined })}, edit ${store.get().edit?.status}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return store.get();
}

/** An engine whose edit step "takes" `ms` when timed (the fake GPU is wasm too: either could win a real timing). */
function withStepTime(engine: Engine, ms: number | undefined): Engine {
  if (ms !== undefined) engine.timeEditStepAsync = async (o = {}) => ({ ms, candidates: o.candidates ?? 8, executionProvider: engine.executionProvider });
  return engine;
}

async function startPanel(c: Compute, panelCaps: Capabilities, raceBackends = false) {
  const store = createStore();
  const sent: UiToPlugin[] = [];
  const controller = createController(store, c, { send: (m) => sent.push(parseUiToPlugin(structuredClone(m))) }, { raceBackends });
  const assets = FILES.map((f) => ({ name: `packs/tiny/${f}`, kind: 'pack-file' as const, packId: 'tiny', bytes: 1, gzipBytes: 1, chunks: 1 }));
  store.dispatch({ type: 'init', command: '', assets });
  store.dispatch({ type: 'caps', caps: panelCaps });
  controller.assetsReady(assets.map((a) => a.name));
  await until(store, (s) => s.engine.status === 'ready' || s.engine.status === 'failed', 'the engine');
  return { store, controller, sent };
}

/** The page engine's runtime: "WebGPU" sessions that are wasm behind a fault (navigator.gpu stubbed with an adapter). */
function gpuPage(fault: Parameters<typeof faultyGpu>[0] = {}, stepMs?: number) {
  const gpu = faultyGpu(fault);
  const deps: EngineHostDeps = { createEngineAsync: async (s, o) => withStepTime(await Engine.createAsync(s, { ...o, runtimeHooks: gpu.hooks }), stepMs) };
  return { gpu, deps };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('chooseEngineHost', () => {
  it('the worker when it has WebGPU, the panel when only the panel has it, the worker otherwise', () => {
    const f = { workerWebgpu: false, pageWebgpu: true, gpuLost: false, pageHost: true };
    expect(chooseEngineHost(f)).toBe('page');
    expect(chooseEngineHost({ ...f, workerWebgpu: true })).toBe('worker'); // the worker has a GPU: it keeps the engine
    expect(chooseEngineHost({ ...f, pageWebgpu: false })).toBe('worker'); // no adapter (or it did not answer in time): wasm, in the worker
    expect(chooseEngineHost({ ...f, gpuLost: true })).toBe('worker'); // lost once: never again on the GPU, never wasm in the panel
    expect(chooseEngineHost({ ...f, pageHost: false })).toBe('worker'); // the panel cannot (or failed to) host one
  });
});

describe('the panel probes its adapter with a timeout', () => {
  it('an adapter that does not answer in time counts as none', async () => {
    vi.stubGlobal('location', { href: 'about:srcdoc' });
    vi.stubGlobal('window', { isSecureContext: true });
    vi.stubGlobal('navigator', { hardwareConcurrency: 2, gpu: { requestAdapter: () => new Promise(() => undefined) } });
    const t0 = Date.now();
    const c = await probeCapabilitiesAsync({ adapterTimeoutMs: 50 });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(c).toMatchObject({ hosting: 'srcdoc', secureContext: true, webgpu: 'no-adapter' });
    vi.stubGlobal('navigator', { hardwareConcurrency: 2, gpu: { requestAdapter: async () => ({ info: { vendor: 'nvidia', architecture: 'ampere' } }) } });
    expect(await probeCapabilitiesAsync({ adapterTimeoutMs: 50 })).toMatchObject({ webgpu: 'adapter', adapter: 'nvidia ampere' });
  });

  it('a software adapter (fallback, or one whose info says SwiftShader / CPU) is not taken for a GPU', async () => {
    vi.stubGlobal('location', { href: 'about:srcdoc' });
    vi.stubGlobal('window', { isSecureContext: true });
    const adapters = [
      { info: { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true } }, // headless Chromium, as it answers
      { isFallbackAdapter: true, info: { vendor: 'x' } }, // the older place of the flag
      { info: { vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' } },
      { info: { vendor: 'google', description: 'SwiftShader' } },
    ];
    for (const a of adapters) {
      vi.stubGlobal('navigator', { hardwareConcurrency: 2, gpu: { requestAdapter: async () => a } });
      expect((await probeCapabilitiesAsync({ adapterTimeoutMs: 50 })).webgpu, JSON.stringify(a)).toBe('software');
    }
  });
});

describe('controller: where the engine starts', () => {
  it('the worker has WebGPU → the worker hosts it (no engine in the panel)', async () => {
    const c = compute(true, gpuPage().deps);
    const { store } = await startPanel(c, caps('adapter'));
    expect(store.get().engine).toMatchObject({ status: 'ready', host: 'worker' });
    expect(c.pageEngines).toHaveLength(0);
  }, 60_000);

  it('the worker has none and the panel has an adapter → the panel hosts it, on WebGPU, with 16 candidates', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({}) } });
    const { gpu, deps } = gpuPage();
    const c = compute(false, deps);
    const { store, controller } = await startPanel(c, caps('adapter'));
    expect(store.get().engine).toMatchObject({ status: 'ready', host: 'page', backend: 'webgpu' });
    expect(c.pageEngines).toHaveLength(1);
    await controller.handlePluginMessage({ type: 'selection', selection: { kind: 'image', image: selected('1:2') } });
    await controller.project();
    expect(store.get().edit?.status).toBe('projected');
    controller.addStroke({ kind: 'color', points: [[20, 12], [44, 40]], width: 6, color: [255, 0, 0] });
    const s = await until(store, (st) => !!st.edit?.candidates?.final && !st.edit.optimising, 'final candidates');
    expect(s.edit?.candidates?.count).toBe(16);
    expect(gpu.stats.gpu.editStep).toBeGreaterThan(0); // it ran on the (fake) GPU, in the page engine
    expect(gpu.stats.wasm.editStep).toBe(0);
    // The sequence renders through the same engine.
    controller.selectCandidate(s.edit!.candidates!.order[0], false);
    await until(store, (st) => !!st.edit?.sequence, 'the sequence');
    expect(store.get().edit?.sequence?.images.length).toBe(16 * 64 * 64 * 4);
  }, 120_000);

  it('the panel’s adapter did not answer in time → the worker hosts it (wasm)', async () => {
    vi.stubGlobal('location', { href: 'about:srcdoc' });
    vi.stubGlobal('window', { isSecureContext: true });
    vi.stubGlobal('navigator', { hardwareConcurrency: 2, gpu: { requestAdapter: () => new Promise(() => undefined) } });
    const panelCaps = await probeCapabilitiesAsync({ adapterTimeoutMs: 50 });
    vi.unstubAllGlobals();
    const c = compute(false, gpuPage().deps);
    const { store } = await startPanel(c, panelCaps);
    expect(store.get().engine).toMatchObject({ status: 'ready', host: 'worker', backend: 'wasm' });
    expect(c.pageEngines).toHaveLength(0);
  }, 60_000);

  it('the panel’s engine cannot start on WebGPU → the worker hosts it (wasm); nothing is left running in the panel', async () => {
    // The panel probed an adapter, but by the time the engine starts there is none.
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => null } });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const c = compute(false, gpuPage().deps);
    const { store } = await startPanel(c, caps('adapter'));
    expect(store.get().engine).toMatchObject({ status: 'ready', host: 'worker', backend: 'wasm' });
    expect(c.pageEngines).toHaveLength(1);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/could not start on WebGPU in the panel/));
    warn.mockRestore();
  }, 60_000);

  it('data: hosting (no WebGPU anywhere) → the worker', async () => {
    const c = compute(false, gpuPage().deps);
    const { store } = await startPanel(c, caps('absent', 'data'));
    expect(store.get().engine).toMatchObject({ status: 'ready', host: 'worker', backend: 'wasm' });
    expect(c.pageEngines).toHaveLength(0);
  }, 60_000);
});

describe('controller: the faster of WebGPU and wasm keeps the model (an edit step timed on each once ready)', () => {
  it('wasm timed faster → the engine moves to the worker, the edit goes on there, and the tooltip says why', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({}) } });
    const c = compute(false, gpuPage({}, 90).deps, 40);
    const { store, controller } = await startPanel(c, caps('adapter'), true);
    await controller.handlePluginMessage({ type: 'selection', selection: { kind: 'image', image: selected('1:2') } });
    const s = await until(store, (st) => st.engine.host === 'worker' && !!st.engine.choice, 'the move to the faster backend');
    expect(s.engine).toMatchObject({ status: 'ready', backend: 'wasm', host: 'worker' });
    expect(s.engine.choice).toBe('One edit step of 8 candidates took 90 ms on the graphics card (WebGPU) and 40 ms on the processor (WebAssembly): the model runs on the processor, the faster.');
    expect(s.notice).toBeNull(); // nothing went wrong: no notice, only the tooltip
    expect(c.workerRequests.filter((t) => t === 'init')).toHaveLength(1); // the race's engine is the one kept
    await controller.project();
    expect(store.get().edit?.status).toBe('projected');
    controller.addStroke({ kind: 'color', points: [[20, 12], [44, 40]], width: 6, color: [255, 0, 0] });
    const e = await until(store, (st) => !!st.edit?.candidates?.final && !st.edit.optimising, 'final candidates');
    expect(e.edit?.candidates?.count).toBe(8);
  }, 120_000);

  it('WebGPU timed faster → it stays in the panel and the worker’s timing engine is released', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({}) } });
    const c = compute(false, gpuPage({}, 20).deps, 40);
    const { store } = await startPanel(c, caps('adapter'), true);
    const s = await until(store, (st) => !!st.engine.choice, 'the timing');
    expect(s.engine).toMatchObject({ status: 'ready', backend: 'webgpu', host: 'page' });
    expect(s.engine.choice).toMatch(/took 20 ms on the graphics card \(WebGPU\) and 40 ms on the processor .* runs on the graphics card, the faster\.$/);
    await until(store, () => c.workerRequests.includes('dispose'), 'the worker engine released');
    expect(c.workerRequests.filter((t) => t === 'time-step')).toHaveLength(1);
  }, 120_000);

  it('a software adapter is never hosted: the worker runs wasm and the tooltip says why', async () => {
    const c = compute(false, gpuPage().deps);
    const { store } = await startPanel(c, { ...caps('software'), adapter: 'google swiftshader' }, true);
    expect(store.get().engine).toMatchObject({ status: 'ready', backend: 'wasm', host: 'worker' });
    expect(store.get().engine.choice).toBe('The WebGPU adapter here computes on the processor (google swiftshader), so the model runs on WebAssembly, which is faster.');
    expect(c.pageEngines).toHaveLength(0);
  }, 60_000);
});

describe('fasterBackend', () => {
  it('wasm only when it timed faster; a failed timing loses', () => {
    expect(fasterBackend({ webgpu: 30, wasm: 80, candidates: 8 })).toBe('webgpu');
    expect(fasterBackend({ webgpu: 300, wasm: 80, candidates: 8 })).toBe('wasm');
    expect(fasterBackend({ webgpu: 80, wasm: 80, candidates: 8 })).toBe('webgpu'); // a tie keeps the GPU
    expect(fasterBackend({ webgpu: NaN, wasm: 80, candidates: 8 })).toBe('wasm');
    expect(fasterBackend({ webgpu: 30, wasm: NaN, candidates: 8 })).toBe('webgpu');
    expect(fasterBackend({ webgpu: NaN, wasm: NaN, candidates: 8 })).toBe('webgpu'); // nothing known: keep what runs
  });
});

describe('controller: the GPU is lost under the engine in the panel', () => {
  it('mid-edit: the panel’s engine stops at once, the worker takes over with the same edit, which finishes there', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({}) } });
    const fault: Parameters<typeof faultyGpu>[0] = {};
    const { gpu, deps } = gpuPage(fault);
    const c = compute(false, deps);
    const { store, controller } = await startPanel(c, caps('adapter'));
    expect(store.get().engine).toMatchObject({ host: 'page', backend: 'webgpu' });
    await controller.handlePluginMessage({ type: 'selection', selection: { kind: 'image', image: selected('1:2') } });
    await controller.project();
    const projection = store.get().edit!.projection!;
    controller.setCode('Code 1', { set: 0.6 });
    await until(store, (st) => !!st.edit?.candidates?.final && !st.edit.optimising, 'candidates after a code');
    // The GPU fails at the 6th step of the stroke's edit.
    const base = gpu.stats.gpu.editStep;
    fault.failAtEditStep = base + 6;
    const stroke = { kind: 'color' as const, points: [[20, 12], [44, 40]] as [number, number][], width: 6, color: [255, 0, 0] as [number, number, number] };
    controller.addStroke(stroke);
    await until(store, (st) => st.engine.host === 'worker', 'the move to the worker');
    const s = await until(store, (st) => !!st.edit?.candidates?.final && !st.edit.optimising, 'final candidates from the worker');
    expect(gpu.stats.gpu.editStep).toBe(base + 6);
    // Hardly any wasm in the panel: the run that failed is done once more there, then the edit is stopped.
    expect(gpu.stats.wasm.editStep).toBeLessThanOrEqual(3);
    expect(s.engine).toMatchObject({ status: 'ready', host: 'worker', backend: 'wasm' });
    expect(s.notice).toBe(GPU_NOTICE);
    expect(s.edit?.editError).toBeNull();
    expect(s.edit?.projection).toBe(projection); // the edit is the same one…
    expect(s.edit?.strokes).toEqual([stroke]);
    expect(s.edit?.codes['Code 1']).toBeCloseTo(0.6, 5); // …with its code change (z0 restored in the worker)
    expect(s.edit?.candidates?.count).toBe(8); // a batch of the worker's (CPU) engine
    expect(s.edit?.candidates?.step).toBe(s.edit?.candidates?.steps);
    // The worker's engine edits from here: a fix and the sequence work on its batch.
    await controller.fix();
    expect(store.get().edit?.candidates?.final).toBe(true);
    expect(store.get().edit?.editError).toBeNull();
  }, 120_000);

  it('mid-projection: the projection starts again in the worker and completes', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({}) } });
    const { gpu, deps } = gpuPage();
    const c = compute(false, deps);
    const { store, controller } = await startPanel(c, caps('adapter'));
    await controller.handlePluginMessage({ type: 'selection', selection: { kind: 'image', image: selected('1:2') } });
    let lost = false;
    const stop = store.subscribe((st) => {
      if (!lost && (st.edit?.progress?.done ?? 0) >= 3) { lost = true; gpu.loseDevice({ reason: 'unknown', message: 'the GPU process was reset' }); }
    });
    void controller.project();
    const s = await until(store, (st) => st.edit?.status === 'projected', 'the projection in the worker');
    stop();
    expect(lost).toBe(true);
    expect(s.engine).toMatchObject({ host: 'worker', backend: 'wasm' });
    expect(s.notice).toBe(GPU_NOTICE);
    expect(s.edit?.projection?.pixelError).toBeGreaterThan(0);
    // The projection in the panel stopped once the device was lost (its wasm runs: at most a couple).
    expect(gpu.stats.wasm.other).toBeLessThanOrEqual(4);
  }, 120_000);
});
