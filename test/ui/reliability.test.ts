/**
 * Issue 8 on the panel's side: the GPU lost mid-edit (the notice and the CPU badge, the edit going
 * on), a GPU that never answered, a fully transparent layer, and running out of memory in words.
 * The store by its events, and the controller with the real engine in process (tiny pack) whose
 * WebGPU runtime is faked by test/engine/faulty-gpu.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Engine } from '../../engine/engine';
import { EngineClient } from '../../engine/worker/engine-client';
import { EngineHost, type EngineHostDeps } from '../../engine/worker/handle-request';
import { parseUiToPlugin, type SelectedImage, type UiToPlugin } from '../../protocol/messages';
import { createController, TRANSPARENT_MESSAGE, type Compute } from '../../ui/controller';
import { backendNotice, friendlyError, isOutOfMemory } from '../../ui/friendly-error';
import type { PanelState } from '../../ui/state/panel-state';
import { reduce } from '../../ui/state/reduce';
import { createStore, type Store } from '../../ui/state/store';
import type { PanelRequest, Rgba } from '../../ui/worker/protocol';
import { faultyGpu } from '../engine/faulty-gpu';
import { projectedState, run } from './fixtures';

type PanelBody = PanelRequest extends infer R ? (R extends PanelRequest ? Omit<R, 'id'> : never) : never;
const PACK_DIR = join(import.meta.dirname, '..', 'fixtures', 'packs', 'tiny');
const FILES = ['pack.json', 'weights.bin', 'generator.onnx', 'encoder.onnx', 'edit_step.onnx', 'project_step.onnx'];
const W = 24, H = 24;
const GPU_NOTICE = 'The GPU stopped responding; continuing on the CPU (slower).';

function opaque(): Rgba {
  const data = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.set([200 - x * 4, 120 + y * 2, 90, 255], (y * W + x) * 4);
  return { width: W, height: H, data };
}
const transparent = (): Rgba => ({ width: W, height: H, data: new Uint8ClampedArray(W * H * 4).fill(0).map((_, i) => (i % 4 === 3 ? 0 : 180)) });

/** The compute worker in this process: the real engine (with `deps`), decode giving `pixels`. */
function inProcessCompute(deps: EngineHostDeps, pixels: () => Rgba, webgpu: boolean): Compute {
  const files = Object.fromEntries(FILES.map((f) => [f, new Uint8Array(readFileSync(join(PACK_DIR, f)))]));
  const host = new EngineHost(deps);
  const shim = { handleRequest: (req: { type: string }, post: Parameters<EngineHost['handleRequest']>[1]) => host.handleRequest(req.type === 'init' ? { ...req, packFiles: files } : req, post) };
  const engine = EngineClient.inProcess(shim as unknown as EngineHost);
  const request = async (req: PanelBody) => {
    switch (req.type) {
      case 'probe': return { id: 0, type: 'probe', caps: { webgpu, offscreenCanvas: false, wasmSimd: true } };
      case 'decode': return { id: 0, type: 'decoded', image: pixels() };
      case 'transfer': throw new Error('no transfer in this test');
      default: throw new Error(`not in this test: ${req.type}`);
    }
  };
  return { engine, request: request as unknown as Compute['request'] };
}

const selected = (nodeId: string): SelectedImage => ({
  nodeId, name: 'Ada', nodeType: 'RECTANGLE', source: 'image-fill', bytes: encode({ width: W, height: H, data: new Uint8Array(opaque().data), channels: 4, depth: 8 }), mime: 'image/png',
  width: W, height: H, nodeWidth: W, nodeHeight: H, record: null,
});

async function until(store: Store, ok: (s: PanelState) => boolean, what: string, ms = 60_000): Promise<PanelState> {
  const t0 = Date.now();
  while (!ok(store.get())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return store.get();
}

async function startPanel(compute: Compute, gpu: boolean): Promise<{ store: Store; controller: ReturnType<typeof createController>; sent: UiToPlugin[] }> {
  const store = createStore();
  const sent: UiToPlugin[] = [];
  const controller = createController(store, compute, { send: (m) => sent.push(parseUiToPlugin(structuredClone(m))) });
  const assets = FILES.map((f) => ({ name: `packs/tiny/${f}`, kind: 'pack-file' as const, packId: 'tiny', bytes: 1, gzipBytes: 1, chunks: 1 }));
  store.dispatch({ type: 'init', command: '', assets });
  store.dispatch({ type: 'caps', caps: { hosting: 'srcdoc', secureContext: true, webgpu: gpu ? 'adapter' : 'absent', threads: false, cores: 2 } });
  controller.assetsReady(assets.map((a) => a.name));
  await until(store, (s) => s.engine.status === 'ready' || s.engine.status === 'failed', 'the engine');
  return { store, controller, sent };
}

describe('store: the backend changes under a running edit', () => {
  it('backend-changed switches the badge to the CPU and shows the notice; the edit (projection, strokes, candidates) is untouched', () => {
    const before = run([
      { type: 'engine-ready', pack: projectedState().engine.pack!, backend: 'webgpu' },
      { type: 'stroke', stroke: { kind: 'color', points: [[1, 1], [2, 2]], width: 2, color: [255, 0, 0] } },
      { type: 'edit-start' },
    ], projectedState());
    expect(before.engine.backend).toBe('webgpu');
    const after = reduce(before, { type: 'backend-changed', backend: 'wasm', notice: GPU_NOTICE });
    expect(after.engine.backend).toBe('wasm');
    expect(after.notice).toBe(GPU_NOTICE);
    expect(after.edit).toBe(before.edit); // same object: nothing of the edit changed
    expect(reduce(after, { type: 'dismiss-notice' }).notice).toBeNull();
    expect(reduce(after, { type: 'engine-loading', packId: 'tiny' }).notice).toBeNull(); // a restarted model starts clean
  });

  it('a ready engine may come with a notice (the GPU did not answer in time); none otherwise', () => {
    const pack = projectedState().engine.pack!;
    const timedOut = run([{ type: 'engine-loading', packId: 'tiny' }, { type: 'engine-ready', pack, backend: 'wasm', notice: backendNotice('adapter-timeout') }]);
    expect(timedOut.notice).toMatch(/^The GPU did not answer in time, so Manifold runs on the CPU/);
    expect(run([{ type: 'engine-ready', pack, backend: 'wasm', notice: backendNotice(undefined) }], timedOut).notice).toBeNull();
    expect(backendNotice('no-adapter')).toBeNull(); // no GPU at all is normal, not news
  });

  it('backend-changed before the engine is ready is ignored', () => {
    const s = run([{ type: 'engine-loading', packId: 'tiny' }, { type: 'backend-changed', backend: 'wasm', notice: GPU_NOTICE }]);
    expect(s.notice).toBeNull();
    expect(s.engine.backend).toBeNull();
  });
});

describe('controller: the GPU is lost in the middle of an edit', () => {
  const gpu = faultyGpu({ failAtEditStep: 6 });
  let store: Store;
  let controller: ReturnType<typeof createController>;
  beforeAll(async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({}) } });
    const compute = inProcessCompute({ createEngineAsync: (s, o) => Engine.createAsync(s, { ...o, runtimeHooks: gpu.hooks }) }, opaque, true);
    ({ store, controller } = await startPanel(compute, true));
  }, 120_000);
  afterAll(() => vi.unstubAllGlobals());

  it('starts on the GPU (16 candidates), projects, and the edit in flight finishes on the CPU with the notice and the CPU badge', async () => {
    expect(store.get().engine).toMatchObject({ status: 'ready', backend: 'webgpu' });
    expect(store.get().notice).toBeNull();
    await controller.handlePluginMessage({ type: 'selection', selection: { kind: 'image', image: selected('1:2') } });
    await controller.project();
    expect(store.get().edit?.status).toBe('projected');
    const stroke = { kind: 'color' as const, points: [[20, 12], [44, 40]] as [number, number][], width: 6, color: [255, 0, 0] as [number, number, number] };
    controller.addStroke(stroke);
    const s = await until(store, (st) => !!st.edit?.candidates?.final && !st.edit.optimising, 'final candidates');
    expect(gpu.stats.gpu.editStep).toBe(6); // it failed there…
    expect(gpu.stats.wasm.editStep).toBeGreaterThan(0); // …and went on on the CPU
    expect(s.engine.backend).toBe('wasm'); // the badge says CPU
    expect(s.notice).toBe(GPU_NOTICE);
    expect(s.edit?.editError).toBeNull(); // not an error: the edit went on
    expect(s.edit?.strokes).toEqual([stroke]);
    expect(s.edit?.candidates?.count).toBe(16); // the same batch, now computed on the CPU
    expect(s.edit?.candidates?.step).toBe(s.edit?.candidates?.steps);
  }, 120_000);
});

describe('controller: a layer with no visible pixel is refused before projecting', () => {
  it('says it is fully transparent; Project stays off', async () => {
    const compute = inProcessCompute({}, transparent, false);
    const { store, controller } = await startPanel(compute, false);
    await controller.handlePluginMessage({ type: 'selection', selection: { kind: 'image', image: selected('3:4') } });
    const edit = store.get().edit!;
    expect(edit.status).toBe('failed');
    expect(edit.projectError).toBe(TRANSPARENT_MESSAGE);
    expect(edit.pixels).toBeNull();
    await controller.project(); // nothing to project: nothing happens
    expect(store.get().edit?.status).toBe('failed');
  }, 120_000);

  it('the engine refuses one too (a caller that skipped the check)', async () => {
    const engine = await Engine.createAsync((await import('../../engine/node/fs-pack-source')).fsPackSource(PACK_DIR), { executionProvider: 'wasm' });
    await expect(engine.projectAsync({ width: W, height: H, data: transparent().data })).rejects.toThrow('the image is fully transparent');
    expect(friendlyError('project', new Error('project: the image is fully transparent (every pixel has alpha 0)'))).toMatch(/^Manifold could not find this image in the model\. The layer has no visible pixels/);
    await engine.releaseAsync();
  });
});

describe('running out of memory, in any wording, becomes designer words', () => {
  it.each([
    'RangeError: Array buffer allocation failed',
    'RangeError: Invalid typed array length: 4294967296',
    'RangeError: WebAssembly.Memory.grow(): Maximum memory size exceeded',
    'Cannot enlarge memory arrays to size 4294967296 bytes (OOM).',
    "failed to call OrtRun(). ERROR_CODE: 6, ERROR_MESSAGE: Failed to allocate memory for requested buffer of size 268435456",
    'std::bad_alloc',
    'Out of memory',
  ])('%s', (detail) => {
    expect(isOutOfMemory(new Error(detail))).toBe(true);
    const m = friendlyError('edit', new Error(detail));
    expect(m).toMatch(/^The edit stopped\. The image may be too large for this computer; try a smaller layer\. \(/);
    expect(m).toContain(detail.slice(0, 40)); // the technical detail is kept
  });

  it('ordinary errors are not called out of memory', () => {
    for (const d of ['invalid input dims', 'decode failed', 'pack: graphs.editStep.sha256 mismatch']) expect(isOutOfMemory(new Error(d))).toBe(false);
  });
});

describe('the main thread’s notes about how the layer was read are shown with the layer', () => {
  /** Every string in a vnode tree under an element with class `cls` (function components are not expanded). */
  function textsUnder(node: unknown, cls: string, inside = false): string[] {
    if (node === null || node === undefined || typeof node === 'boolean') return [];
    if (typeof node === 'string' || typeof node === 'number') return inside ? [String(node)] : [];
    if (Array.isArray(node)) return node.flatMap((n) => textsUnder(n, cls, inside));
    const props = (node as { props?: { class?: string; children?: unknown } }).props ?? {};
    return textsUnder(props.children, cls, inside || props.class === cls);
  }

  it('SourceCard lists every note of the selection', async () => {
    const { SourceCard } = await import('../../ui/components/source-card');
    const notes = ['The layer is 10000×2500 px; it was scaled down to 4096×1024 px (41%) to stay within 4096 px a side.', 'The layer has a stroke over its image, so it is edited as it looks (exported), not from the original image.'];
    const state = run([{ type: 'selection', selection: { kind: 'image', image: { ...projectedImage(), notes } } }], projectedState());
    const tree = SourceCard({ state, controller: {} as ReturnType<typeof createController> });
    expect(textsUnder(tree, 'notes')).toEqual(notes);
  });
});

function projectedImage(): SelectedImage {
  const s = projectedState();
  return (s.selection as Extract<NonNullable<PanelState['selection']>, { kind: 'image' }>).image;
}
