/**
 * The panel's controller against the real engine (in this process, the fixture pack) and a
 * stand-in for the worker's panel channel (decode / transfer without a canvas):
 * the intents a designer triggers end in the store events and host messages they should,
 * and every message the panel sends passes the main thread's validator.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode, encode } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineClient } from '../../engine/worker/engine-client';
import { EngineHost } from '../../engine/worker/handle-request';
import { strokePaint, transferEditAsync } from '../../engine/transfer';
import { parseUiToPlugin, type SelectedImage, type UiToPlugin } from '../../protocol/messages';
import { createController, sequenceFrameName, sequenceFrames, type Compute, type Controller } from '../../ui/controller';
import type { PanelState } from '../../ui/state/panel-state';
import { candidateLatent, currentCandidate } from '../../ui/state/selectors';
import { createStore, type Store } from '../../ui/state/store';
import { rgbaToPlanar } from '../../ui/worker/planar';
import type { PanelRequest, Rgba } from '../../ui/worker/protocol';
import { PreviewCache } from '../../ui/worker/preview-cache';
import { areaDownscale } from '../../engine/transfer';
import { previewTarget } from '../../ui/preview/preview-target';

type PanelBody = PanelRequest extends infer R ? (R extends PanelRequest ? Omit<R, "id"> : never) : never;
const PACK_DIR = join(import.meta.dirname, '..', 'fixtures', 'packs', 'tiny');
const FILES = ['pack.json', 'weights.bin', 'generator.onnx', 'encoder.onnx', 'edit_step.onnx', 'project_step.onnx'];
const W = 40, H = 32;
/** The preview's longest side here: smaller than the layer, so the preview is rendered at a smaller size. */
const PREVIEW_SIDE = 24;

/** A 40×32 test image: a warm gradient with a dark band. */
function sourcePixels(): Rgba {
  const data = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.set([200 - x * 2, 120 + y, y > 10 && y < 16 ? 40 : 180, 255], (y * W + x) * 4);
  return { width: W, height: H, data };
}

/** The panel requests the stand-in worker answered, in order. */
const requests: string[] = [];

function inProcessCompute(): Compute {
  const files = Object.fromEntries(FILES.map((f) => [f, new Uint8Array(readFileSync(join(PACK_DIR, f)))]));
  const host = new EngineHost();
  // What the worker does for an init that names a streamed pack: fill in its files.
  const shim = { handleRequest: (req: { type: string }, post: Parameters<EngineHost['handleRequest']>[1]) => host.handleRequest(req.type === 'init' ? { ...req, packFiles: files } : req, post) };
  const engine = EngineClient.inProcess(shim as unknown as EngineHost);
  const previews = new PreviewCache({ decodeAsync: async () => sourcePixels() });
  const request = async (req: PanelBody, options: { onProgress?: (f: number, phase: string) => void } = {}) => {
    requests.push(req.type);
    switch (req.type) {
      case 'probe':
        return { id: 0, type: 'probe', caps: { webgpu: false, offscreenCanvas: false, wasmSimd: true } };
      case 'decode':
        return { id: 0, type: 'decoded', image: sourcePixels() };
      case 'preview':
        // The worker's own preview code, on the same layer the transfer reads.
        return { id: 0, type: 'previewed', key: req.key, frame: req.frame, image: await previews.renderAsync(req as Extract<PanelRequest, { type: 'preview' }>, new AbortController().signal) };
      case 'transfer': {
        // The frames come rendered (by the engine, through the controller), as the worker gets them.
        const R = req.mapping.resolution;
        expect(req.images.length).toBe(req.frames * R * R * 4);
        const frames = Array.from({ length: req.frames }, (_, k) => rgbaToPlanar(req.images.subarray(k * R * R * 4, (k + 1) * R * R * 4), R));
        expect([req.reshaped, req.colours], 'the panel says whether a shape code moved and what colours the codes name (the tiny pack: none)').toEqual([false, []]);
        const r = await transferEditAsync({ frames, original: sourcePixels(), mapping: req.mapping, ...strokePaint(req.strokes, R), reshaped: req.reshaped, colours: req.colours }, { allFrames: req.allFrames, onProgress: (p) => options.onProgress?.(p.fraction, p.phase) });
        const png = (img: { width: number; height: number; data: Uint8Array | Uint8ClampedArray }) => ({ bytes: encode({ width: img.width, height: img.height, data: new Uint8Array(img.data), channels: 4, depth: 8 }), width: img.width, height: img.height });
        return { id: 0, type: 'transferred', final: png(r.final), frames: (r.frames ?? []).map(png) };
      }
      default:
        throw new Error(`not in this test: ${req.type}`);
    }
  };
  return { engine, request: request as unknown as Compute['request'] };
}

const selected = (nodeId = '1:2', record: SelectedImage['record'] = null): SelectedImage => ({
  nodeId, name: 'Ada', nodeType: 'RECTANGLE', source: 'image-fill', bytes: encode({ width: W, height: H, data: new Uint8Array(sourcePixels().data), channels: 4, depth: 8 }), mime: 'image/png',
  width: W, height: H, nodeWidth: W, nodeHeight: H, record, imageHash: 'abc123', revision: 'rev-1',
});

async function until(store: Store, ok: (s: PanelState) => boolean, what: string, ms = 60_000): Promise<PanelState> {
  const t0 = Date.now();
  while (!ok(store.get())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}; state: ${JSON.stringify({ engine: store.get().engine.status, edit: store.get().edit?.status, err: store.get().edit?.editError ?? store.get().edit?.projectError ?? store.get().engine.error })}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return store.get();
}

describe('sequence frames', () => {
  it('has 16 frames (8 for a big layer), Frame 00 being the start, named as the slider labels them', () => {
    expect(sequenceFrames({ width: 512, height: 512 })).toBe(16);
    expect(sequenceFrames({ width: 2048, height: 1024 })).toBe(8);
    expect(sequenceFrameName(0, 16)).toBe('Frame 00 / 15');
    expect(sequenceFrameName(15, 16)).toBe('Frame 15 / 15');
    expect(sequenceFrameName(7, 8)).toBe('Frame 07 / 07');
  });
});

describe('panel controller with the engine in process', () => {
  let store: Store;
  let controller: Controller;
  const sent: UiToPlugin[] = [];
  const lastApply = () => sent.filter((m): m is Extract<UiToPlugin, { type: 'apply' }> => m.type === 'apply').at(-1)!;

  beforeAll(async () => {
    store = createStore();
    controller = createController(store, inProcessCompute(), { send: (m) => sent.push(parseUiToPlugin(structuredClone(m))) }, { previewMaxSide: PREVIEW_SIDE });
    const assets = FILES.map((f) => ({ name: `packs/tiny/${f}`, kind: 'pack-file' as const, packId: 'tiny', bytes: 1, gzipBytes: 1, chunks: 1 }));
    store.dispatch({ type: 'init', command: '', assets });
    store.dispatch({ type: 'caps', caps: { hosting: 'other', secureContext: true, webgpu: 'absent', threads: false, cores: 2 } });
    controller.assetsReady(assets.map((a) => a.name));
    await until(store, (s) => s.engine.status === 'ready' || s.engine.status === 'failed', 'the engine');
    expect(store.get().engine).toMatchObject({ status: 'ready', packId: 'tiny', backend: 'wasm' });
  }, 120_000);

  it('projects the selected layer with progress and the reconstruction error', async () => {
    await controller.handlePluginMessage({ type: 'selection', selection: { kind: 'image', image: selected() } });
    expect(store.get().edit?.pixels?.width).toBe(W);
    const progress: number[] = [];
    const unsubscribe = store.subscribe((s) => { if (s.edit?.progress) progress.push(s.edit.progress.done); });
    await controller.project();
    unsubscribe();
    const s = store.get();
    expect(s.edit?.status).toBe('projected');
    expect(progress.length).toBeGreaterThan(0);
    expect(s.edit!.projection!.pixelError).toBeGreaterThan(0);
    expect(s.edit!.projection!.pixelError).toBeLessThanOrEqual(s.edit!.projection!.encoderPixelError + 1e-6);
    expect(Object.keys(s.edit!.codes).sort()).toEqual(['Category', 'Code 1', 'Code 2']);
  }, 120_000);

  it('a stroke streams candidates and settles; undo and redo re-run the edit', async () => {
    const streamed: boolean[] = [];
    const unsubscribe = store.subscribe((s) => { if (s.edit?.candidates) streamed.push(s.edit.candidates.final); });
    controller.addStroke({ kind: 'color', points: [[20, 12], [44, 12]], width: 6, color: [255, 0, 0] });
    let s = await until(store, (st) => !!st.edit?.candidates?.final && !st.edit.optimising, 'final candidates');
    unsubscribe();
    expect(streamed).toContain(false);
    expect(s.edit!.candidates!.order.length).toBeGreaterThan(0);
    controller.undo();
    expect(store.get().edit?.strokes).toHaveLength(0);
    controller.redo();
    expect(store.get().edit?.strokes).toHaveLength(1);
    s = await until(store, (st) => !!st.edit?.candidates?.final && !st.edit.optimising, 'candidates after redo');
    expect(s.edit!.editError).toBeNull();
  }, 120_000);

  it('a warp grabs its patch from the canvas; the codes and fix give new candidates', async () => {
    controller.addStroke({ kind: 'warp', from: [30, 30], to: [34, 28], radius: 4 });
    const warp = store.get().edit!.strokes[1];
    expect(warp.kind === 'warp' && warp.source?.length).toBe(3 * 64 * 64);
    await until(store, (st) => !!st.edit?.candidates?.final && !st.edit.optimising, 'candidates after warp');
    controller.setCode('Code 1', { set: 0.7 });
    await until(store, (st) => Math.abs((st.edit?.codes['Code 1'] ?? 0) - 0.7) < 1e-6 && !!st.edit?.candidates?.final && !st.edit.optimising, 'candidates after a code');
    await controller.fix();
    expect(store.get().edit?.candidates?.final).toBe(true);
  }, 120_000);

  it('a code moved while an edit streams stays where it was put: the old batch’s late answers do not move it back', async () => {
    // The slider's value is the store's code; a streaming batch's answers carry the codes it started from.
    let moved = false;
    const seen: number[] = [];
    const unsubscribe = store.subscribe((s) => {
      if (moved) seen.push(s.edit?.codes['Code 1'] ?? NaN);
      else if (s.edit?.optimising && s.edit.candidates && !s.edit.candidates.final) {
        moved = true;
        queueMicrotask(() => controller.setCode('Code 1', { set: 0.3 }));
      }
    });
    controller.addStroke({ kind: 'color', points: [[20, 40], [44, 40]], width: 6, color: [0, 0, 255] });
    await until(store, (st) => moved && Math.abs((st.edit?.codes['Code 1'] ?? 0) - 0.3) < 1e-6 && !!st.edit?.candidates?.final && !st.edit.optimising, 'candidates after the code');
    unsubscribe();
    const from = seen.findIndex((v) => Math.abs(v - 0.3) < 1e-6);
    expect(from).toBeGreaterThanOrEqual(0);
    expect(seen.slice(from).filter((v) => Math.abs(v - 0.3) >= 1e-6)).toEqual([]);
    controller.undo(); // the tests after this one expect the colour stroke and the warp only
    await until(store, (st) => st.edit?.strokes.length === 2 && !!st.edit.candidates?.final && !st.edit.optimising, 'candidates after the undo');
  }, 120_000);

  it('picks a candidate, makes its sequence, and applies it as a layer with a valid edit record', async () => {
    const c = store.get().edit!.candidates!;
    const pick = c.order[Math.min(1, c.order.length - 1)];
    controller.selectCandidate(pick, false);
    await until(store, (st) => st.edit?.sequence?.target === pick, 'the sequence');
    controller.setFrame(3);
    expect(store.get().edit?.frame).toBe(3);
    await controller.apply();
    const msg = lastApply();
    expect(msg).toMatchObject({ sourceNodeId: '1:2', group: false, sourceRevision: 'rev-1' });
    expect(msg.results).toHaveLength(1);
    expect(msg.results[0]).toMatchObject({ name: 'Ada · Manifold', width: W, height: H });
    expect(msg.results[0].record).toMatchObject({ packId: 'tiny', source: { nodeId: '1:2', name: 'Ada', imageHash: 'abc123', revision: 'rev-1' } });
    expect(msg.results[0].record.latent).toEqual(Array.from(c.z.slice(pick * 13, (pick + 1) * 13)));
    expect(store.get().apply.status).toBe('working');
    await controller.handlePluginMessage({ type: 'applied', requestId: msg.requestId, nodeIds: ['9:9'] });
    expect(store.get().apply).toMatchObject({ status: 'done', nodeIds: ['9:9'] });
  }, 120_000);

  it('applies the whole sequence as one frame (the original as Frame 00, the slider’s frames) and picked candidates as layers', async () => {
    store.dispatch({ type: 'variant', variant: 'sequence' });
    const edit = store.get().edit!;
    requests.length = 0;
    await controller.apply();
    const seq = lastApply();
    expect(seq).toMatchObject({ group: false, layout: 'frame' });
    // 16 frames, as many as the slider shows, named as it labels them: the start is Frame 00.
    expect(edit.sequence?.frames).toBe(16);
    expect(seq.results.map((r) => r.name)).toEqual(Array.from({ length: 16 }, (_, k) => `Frame ${String(k).padStart(2, '0')} / 15`));
    expect(seq.results.map((r) => r.name)).toEqual(Array.from({ length: 16 }, (_, k) => sequenceFrameName(k, edit.sequence!.frames)));
    expect(seq.results.map((r) => (r.record.constraints as { frame: number; frames: number }).frame)).toEqual(Array.from({ length: 16 }, (_, k) => k));
    expect(seq.results.every((r) => (r.record.constraints as { frames: number }).frames === 16)).toBe(true);
    // Frame 00 is the original layer itself: its bytes as read, its size, the projection's latent.
    expect(seq.results[0]).toMatchObject({ width: W, height: H });
    expect(seq.results[0].bytes).toEqual(selected().bytes);
    expect(seq.results[0].record.latent).toEqual(Array.from(edit.projection!.z, Math.fround));
    // The last frame is the chosen candidate; the others come from the one transfer.
    const c = edit.candidates!, k = edit.selected ?? c.order[0], L = c.z.length / c.count;
    expect(seq.results[15].record.latent).toEqual(Array.from(c.z.slice(k * L, (k + 1) * L), Math.fround));
    expect(seq.results.slice(1).every((r) => r.width === W && r.height === H)).toBe(true);
    // No more work than before: one transfer for the 15 edited frames, no transfer for Frame 00.
    expect(requests.filter((r) => r !== 'preview')).toEqual(['transfer']);
    await controller.handlePluginMessage({ type: 'applied', requestId: seq.requestId, nodeIds: ['9:10'] });

    const order = store.get().edit!.candidates!.order;
    controller.selectCandidate(order[0], false);
    if (order.length > 1) controller.selectCandidate(order[1], true);
    store.dispatch({ type: 'variant', variant: 'candidates' });
    await controller.apply();
    const picked = lastApply();
    expect(picked.results).toHaveLength(Math.min(2, order.length));
    expect(picked.results[0].name).toBe('Ada · Manifold candidate 1');
    store.dispatch({ type: 'variant', variant: 'final' });
  }, 180_000);

  it('keeps the edit across a selection change and resumes it (Fix goes on from the candidate on screen); says what an Undo removed', async () => {
    const before = store.get().edit!;
    expect(before.status).toBe('projected');
    await controller.handlePluginMessage({ type: 'selection', selection: { kind: 'image', image: selected('1:7') } });
    expect(store.get().edit?.nodeId).toBe('1:7');
    await controller.handlePluginMessage({ type: 'selection', selection: { kind: 'none' } });
    // An Undo in the document removed the sequence frame (the main thread says so before the selection).
    await controller.handlePluginMessage({ type: 'removed', nodeIds: ['9:10'] });
    expect(store.get().undone).toBe('Undo removed the sequence frame made from “Ada”. Its edit is kept: select “Ada” to go on, or Apply again.');
    await controller.handlePluginMessage({ type: 'selection', selection: { kind: 'image', image: selected() } });
    const back = store.get().edit!;
    expect(back).toMatchObject({ nodeId: '1:2', status: 'projected', resumed: true });
    expect(back.candidates).toBe(before.candidates);
    expect(back.strokes).toEqual(before.strokes);
    expect(back.codes).toEqual(before.codes);
    // Fix: the engine's batch is a new one since the resume, so the candidate's own latent is sent.
    const k = currentCandidate(back)!;
    const zk = candidateLatent(back.candidates!, k);
    await controller.fix();
    const fixed = await until(store, (st) => !!st.edit?.candidates?.final && !st.edit.optimising, 'candidates after a fix');
    expect(Math.max(...Array.from(fixed.edit!.z0!, (v, i) => Math.abs(v - zk[i])))).toBeLessThan(1e-6);
    expect(fixed.edit!.resumed).toBe(false);
  }, 120_000);

  it('a failed write is shown at the apply, in words', async () => {
    await controller.apply();
    const msg = lastApply();
    await controller.handlePluginMessage({ type: 'error', requestId: msg.requestId, message: 'source layer 1:2 is not on this page any more' });
    expect(store.get().apply.status).toBe('failed');
    expect(store.get().apply.message).toMatch(/^The result could not be added to the file\. The original layer was deleted/);
  }, 120_000);

  it('relaunched on a result, restores its strokes and latent; reset goes back to it', async () => {
    const record = lastApply().results[0].record;
    store.dispatch({ type: 'selection', selection: { kind: 'none' } });
    await controller.handlePluginMessage({ type: 'selection', selection: { kind: 'image', image: selected('9:9', record) } });
    await controller.restore(record);
    let s = await until(store, (st) => st.edit?.restored === record && !!st.edit.candidates?.final && !st.edit.optimising, 'the restored edit');
    expect(s.edit!.strokes.map((x) => x.kind)).toEqual(['color', 'warp']);
    // The restored colour stroke's colour is among the recent swatches.
    expect(s.brush.recent).toEqual(['#ff0000']);
    expect(Array.from(s.edit!.projection!.z)).toEqual(record.latent.map(Math.fround));
    await controller.reset();
    s = store.get();
    expect(s.edit).toMatchObject({ strokes: [], candidates: null });
  }, 120_000);

  it('previews what Apply writes: the canvas’s preview is the applied layer at the preview’s size (a colour stroke, a code change, a sequence frame)', async () => {
    const rmse = (a: Rgba, b: Rgba) => {
      expect([a.width, a.height]).toEqual([b.width, b.height]);
      let e = 0;
      for (let i = 0; i < a.data.length; i++) e += (a.data[i]! - b.data[i]!) ** 2;
      return Math.sqrt(e / a.data.length);
    };
    const previewed = async (frame: number | null) => {
      const st = await until(store, (x) => { const t = previewTarget(x.edit); return !!t && x.edit?.preview?.key === t.key && x.edit.preview.frame === t.frame && (frame === null || t.frame === frame); }, 'the preview');
      return st.edit!.preview!.image;
    };
    const applied = async (k?: number) => {
      await controller.apply();
      const msg = lastApply();
      await controller.handlePluginMessage({ type: 'applied', requestId: msg.requestId, nodeIds: ['9:20'] });
      const png = decode(msg.results[k ?? msg.results.length - 1]!.bytes);
      return { width: png.width, height: png.height, data: new Uint8ClampedArray(png.data) };
    };
    const check = async (frame: number | null, result?: number) => {
      const preview = await previewed(frame);
      expect(Math.max(preview.width, preview.height)).toBe(PREVIEW_SIDE);
      const layer = await applied(result);
      const scaled = areaDownscale(layer, preview.width, preview.height);
      expect(rmse(preview, scaled)).toBeLessThanOrEqual(2);
      return rmse(areaDownscale(sourcePixels(), preview.width, preview.height), scaled);
    };
    store.dispatch({ type: 'variant', variant: 'final' });
    await controller.reset();
    controller.addStroke({ kind: 'color', points: [[20, 30], [44, 30]], width: 8, color: [0, 40, 255] });
    await until(store, (st) => !!st.edit?.candidates?.final && !st.edit.optimising, 'candidates after a colour stroke');
    expect(await check(null), 'a colour stroke changes the layer').toBeGreaterThan(0);
    controller.setCode('Code 1', { set: -0.8 });
    await until(store, (st) => !!st.edit?.candidates?.final && !st.edit.optimising && Math.abs((st.edit.codes['Code 1'] ?? 0) + 0.8) < 1e-6, 'candidates after a code');
    expect(await check(null), 'a code change changes the layer').toBeGreaterThan(0);
    // a sequence frame on the slider: the same frame of the applied sequence
    controller.setFrame(5);
    store.dispatch({ type: 'variant', variant: 'sequence' });
    await check(5, 5);
    store.dispatch({ type: 'variant', variant: 'final' });
    controller.setFrame(null);
  }, 180_000);});
