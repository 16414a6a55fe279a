/**
 * The whole flow under the strict emulator (figma.pluginApi: members from the typings only,
 * a new frozen copy on every array read, removed nodes throw, notify cut at 100): the real
 * main thread (plugin/main.ts) and the real panel controller with the engine in this process
 * (fixture pack), joined as Figma joins them, by structured-cloned messages. Select an
 * image-fill layer, project, edit, apply one result, the sequence, picked candidates; then
 * relaunch on a result and on the sequence frame and continue the edit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { decodePngRgba, EmulatedFigma, type EmuFrame, type EmuRectangle, type EmuSceneNode } from '../../dev/emulator';
import { EngineClient } from '../../engine/worker/engine-client';
import { EngineHost } from '../../engine/worker/handle-request';
import { transferEditAsync } from '../../engine/transfer';
import { EDIT_RECORD_KEY, RELAUNCH_COMMAND } from '../../plugin/edit-record-key';
import { startPlugin } from '../../plugin/main';
import { decodeEditRecord } from '../../protocol/edit-record';
import { parsePluginToUi, parseUiToPlugin, type PluginToUi, type SelectedImage } from '../../protocol/messages';
import { createController, sequenceFrames, type Compute, type Controller } from '../../ui/controller';
import type { PanelState } from '../../ui/state/panel-state';
import { createStore, type Store } from '../../ui/state/store';
import { rgbaToPlanar } from '../../ui/worker/planar';
import type { PanelRequest } from '../../ui/worker/protocol';
import { PLUGIN_ID } from '../unit/helpers';

type PanelBody = PanelRequest extends infer R ? (R extends PanelRequest ? Omit<R, 'id'> : never) : never;
const PACK_DIR = join(import.meta.dirname, '..', 'fixtures', 'packs', 'tiny');
const FILES = ['pack.json', 'weights.bin', 'generator.onnx', 'encoder.onnx', 'edit_step.onnx', 'project_step.onnx'];

const pngOf = (img: { width: number; height: number; data: Uint8Array | Uint8ClampedArray }) => ({ bytes: encode({ width: img.width, height: img.height, data: new Uint8Array(img.data), channels: 4, depth: 8 }), width: img.width, height: img.height });

/** The worker's panel channel in this process: decode and transfer work on the bytes they are given. */
function inProcessCompute(): Compute {
  const files = Object.fromEntries(FILES.map((f) => [f, new Uint8Array(readFileSync(join(PACK_DIR, f)))]));
  const host = new EngineHost();
  const shim = { handleRequest: (req: { type: string }, post: Parameters<EngineHost['handleRequest']>[1]) => host.handleRequest(req.type === 'init' ? { ...req, packFiles: files } : req, post) };
  const engine = EngineClient.inProcess(shim as unknown as EngineHost);
  const request = async (req: PanelBody, options: { onProgress?: (f: number, phase: string) => void } = {}) => {
    switch (req.type) {
      case 'probe':
        return { id: 0, type: 'probe', caps: { webgpu: false, offscreenCanvas: false, wasmSimd: true } };
      case 'decode':
        return { id: 0, type: 'decoded', image: decodePngRgba(req.bytes) };
      case 'transfer': {
        const R = req.mapping.resolution;
        const frames = Array.from({ length: req.frames }, (_, k) => rgbaToPlanar(req.images.subarray(k * R * R * 4, (k + 1) * R * R * 4), R));
        const r = await transferEditAsync({ frames, original: decodePngRgba(req.bytes), mapping: req.mapping }, { allFrames: req.allFrames, onProgress: (p) => options.onProgress?.(p.fraction, p.phase) });
        return { id: 0, type: 'transferred', final: pngOf(r.final), frames: (r.frames ?? []).map(pngOf) };
      }
      default:
        throw new Error(`not in this test: ${req.type}`);
    }
  };
  return { engine, request: request as unknown as Compute['request'] };
}

async function until(store: Store, ok: (s: PanelState) => boolean, what: string, ms = 120_000): Promise<PanelState> {
  const t0 = Date.now();
  while (!ok(store.get())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}; state: ${JSON.stringify({ engine: store.get().engine.status, edit: store.get().edit?.status, apply: store.get().apply, err: store.get().edit?.editError ?? store.get().edit?.projectError ?? store.get().lastError })}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return store.get();
}

/** A 40×32 image with structure (so projection and transfer have something to do). */
function photo(): Uint8Array {
  const data = new Uint8ClampedArray(40 * 32 * 4);
  for (let y = 0; y < 32; y++) for (let x = 0; x < 40; x++) data.set([200 - x * 2, 120 + y, y > 10 && y < 16 ? 40 : 180, 255], (y * 40 + x) * 4);
  return pngOf({ width: 40, height: 32, data }).bytes;
}

/** The emulated Figma with the plugin's main thread running on its strict view, and a panel joined to it. */
async function openPanel(figma: EmulatedFigma, command: string): Promise<{ store: Store; controller: Controller; received: PluginToUi[] }> {
  const store = createStore();
  const received: PluginToUi[] = [];
  const controller = createController(store, inProcessCompute(), { send: (m) => figma.deliverFromUi(parseUiToPlugin(structuredClone(m))) });
  figma.relaunch(command);
  startPlugin(figma.pluginApi, '<html></html>', []);
  const assets = FILES.map((f) => ({ name: `packs/tiny/${f}`, kind: 'pack-file' as const, packId: 'tiny', bytes: 1, gzipBytes: 1, chunks: 1 }));
  store.dispatch({ type: 'init', command, assets });
  store.dispatch({ type: 'caps', caps: { hosting: 'other', secureContext: true, webgpu: 'absent', threads: false, cores: 2 } });
  controller.assetsReady(assets.map((a) => a.name));
  await until(store, (s) => s.engine.status === 'ready' || s.engine.status === 'failed', 'the engine');
  expect(store.get().engine.status).toBe('ready');
  // Messages from the main thread reach the panel in order, each validated as the panel does.
  let chain = Promise.resolve();
  hooks.toUi = (m) => {
    const msg = parsePluginToUi(m);
    received.push(msg);
    if (process.env.FLOW_DEBUG) console.log('MSG', msg.type, JSON.stringify(msg).slice(0, 160));
    chain = chain.then(() => controller.handlePluginMessage(msg));
  };
  figma.deliverFromUi({ type: 'ready', protocol: 1 });
  return { store, controller, received };
}

const hooks: { toUi?: (m: unknown) => void } = {};

/** The stored bytes of a node's image fill (what Figma keeps), read through the raw emulator. */
async function fillBytes(figma: EmulatedFigma, node: EmuSceneNode): Promise<Uint8Array> {
  const paint = node.fills.find((p) => p.type === 'IMAGE') as { imageHash: string };
  return figma.getImageByHash(paint.imageHash)!.getBytesAsync();
}

function selectedImage(store: Store): SelectedImage {
  const sel = store.get().selection;
  if (sel?.kind !== 'image') throw new Error(`expected an image selection, got ${JSON.stringify(sel).slice(0, 300)}`);
  return sel.image;
}

async function applyAndWait(store: Store, controller: Controller): Promise<string[]> {
  const before = store.get().apply.requestId;
  await controller.apply();
  const s = await until(store, (st) => st.apply.requestId !== before && (st.apply.status === 'done' || st.apply.status === 'failed'), 'the apply');
  expect(s.apply).toMatchObject({ status: 'done' });
  // The main thread selects what it added; the panel hears of it before the user goes on.
  const ids = s.apply.nodeIds!;
  await until(store, (st) => st.selection?.kind === 'image' && ids.includes(st.selection.image.nodeId), 'the result selected');
  return ids;
}

describe('the whole flow under the strict emulator', () => {
  it('select an image-fill layer, project, edit, apply a result, the sequence and picked candidates; relaunch on a result and on the sequence frame', async () => {
    const figma = new EmulatedFigma({ relaunchCommands: [RELAUNCH_COMMAND], pluginId: PLUGIN_ID, hooks: { toUi: (m) => hooks.toUi?.(m) } });
    const bytes = photo();
    const src = figma.createRectangle();
    src.name = 'Ada';
    src.resize(80, 64);
    src.fills = [{ type: 'IMAGE', imageHash: figma.createImage(bytes).hash, scaleMode: 'FILL' }];
    figma.resetHistory();
    const sourceBefore = JSON.stringify(JSON.parse(figma.snapshot())[0].children[0]);

    // 1. Select the layer: read from its image fill, byte for byte.
    const panel = await openPanel(figma, '');
    const { store, controller } = panel;
    figma.currentPage.selection = [src];
    await until(store, (s) => s.edit?.nodeId === src.id && !!s.edit.pixels, 'the selected layer');
    const read = selectedImage(store);
    expect(read).toMatchObject({ source: 'image-fill', width: 40, height: 32, nodeWidth: 80, nodeHeight: 64 });
    expect(read.notes ?? []).toEqual([]);
    expect(read.bytes).toEqual(bytes);

    // 2. Project, 3. edit.
    await controller.project();
    expect(store.get().edit?.status).toBe('projected');
    controller.addStroke({ kind: 'color', points: [[20, 12], [44, 12]], width: 6, color: [255, 0, 0] });
    await until(store, (s) => !!s.edit?.candidates?.final && !s.edit.optimising, 'final candidates');

    // 4. One result: a new image layer beside the source, its record and relaunch button, one undo step.
    const [resultId] = await applyAndWait(store, controller);
    const result = (await figma.getNodeByIdAsync(resultId)) as EmuRectangle;
    expect(result).toMatchObject({ type: 'RECTANGLE', name: 'Ada · Manifold' });
    expect(decodeEditRecord(result.getPluginData(EDIT_RECORD_KEY))).toMatchObject({ packId: 'tiny', source: { nodeId: src.id, name: 'Ada' } });
    expect(result.getRelaunchData()).toEqual({ [RELAUNCH_COMMAND]: expect.any(String) });
    expect(figma.undoDepth).toBe(1);

    // 5. The sequence: one frame holding its frames side by side.
    store.dispatch({ type: 'variant', variant: 'sequence' });
    const [frameId] = await applyAndWait(store, controller);
    const frame = (await figma.getNodeByIdAsync(frameId)) as EmuFrame;
    const frames = sequenceFrames({ width: 40, height: 32 });
    expect(frame.type).toBe('FRAME');
    expect(frame.children).toHaveLength(frames);
    expect(await fillBytes(figma, frame.children[0])).toEqual(bytes); // Frame 00 is the original itself
    expect(figma.undoDepth).toBe(2);

    // 6. Picked candidates: one group of layers.
    const order = store.get().edit!.candidates!.order;
    controller.selectCandidate(order[0], false);
    controller.selectCandidate(order[1], true);
    store.dispatch({ type: 'variant', variant: 'candidates' });
    const [groupId] = await applyAndWait(store, controller);
    const group = (await figma.getNodeByIdAsync(groupId)) as EmuSceneNode & { children: EmuSceneNode[] };
    expect(group.type).toBe('GROUP');
    expect(group.children.map((c) => c.name)).toEqual(['Ada · Manifold candidate 1', 'Ada · Manifold candidate 2']);
    expect(figma.undoDepth).toBe(3);

    // The source was never touched; no notification was cut.
    expect(JSON.stringify(JSON.parse(figma.snapshot())[0].children[0])).toBe(sourceBefore);
    expect(figma.notifications.filter((n) => n.cut !== undefined)).toEqual([]);
    expect(figma.notifications.every((n) => n.message.length <= 100)).toBe(true);

    // 7. Relaunch on the result: read from its image fill (not exported), the edit restored.
    figma.closeByUser();
    figma.currentPage.selection = [result];
    const again = await openPanel(figma, RELAUNCH_COMMAND);
    let s = await until(again.store, (st) => st.edit?.nodeId === result.id && st.edit.status === 'projected' && !!st.edit.restored, 'the restored result');
    expect(selectedImage(again.store)).toMatchObject({ source: 'image-fill', nodeId: result.id });
    expect(selectedImage(again.store).bytes).toEqual(await fillBytes(figma, result));
    expect(s.edit!.restored).toEqual(decodeEditRecord(result.getPluginData(EDIT_RECORD_KEY)));

    // 8. Relaunch on the sequence frame: its last frame, read from its image fill; the edit continues and applies.
    figma.closeByUser();
    figma.currentPage.selection = [frame];
    const third = await openPanel(figma, RELAUNCH_COMMAND);
    s = await until(third.store, (st) => st.edit?.nodeId === frame.id && st.edit.status === 'projected' && !!st.edit.restored && !!st.edit.candidates?.final && !st.edit.optimising, 'the restored sequence and its candidates');
    const last = frame.children[frame.children.length - 1];
    expect(selectedImage(third.store)).toMatchObject({ source: 'image-fill', nodeId: frame.id, nodeWidth: last.width, notes: [expect.stringContaining('This is a Manifold sequence')] });
    expect(selectedImage(third.store).bytes).toEqual(await fillBytes(figma, last));
    third.store.dispatch({ type: 'variant', variant: 'final' });
    const [continued] = await applyAndWait(third.store, third.controller);
    const next = (await figma.getNodeByIdAsync(continued)) as EmuRectangle;
    expect(next.width).toBeCloseTo(last.width, 6); // the last frame's size on canvas
    expect(figma.undoDepth).toBe(4);
    expect(figma.notifications.filter((n) => n.cut !== undefined)).toEqual([]);
  }, 600_000);
});
