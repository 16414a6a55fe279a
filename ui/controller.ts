/**
 * The panel's side effects: turns what the designer does into engine and worker requests and
 * their answers into store events. No Preact and no DOM drawing here; the components call
 * these intents and draw the store.
 */
import type { EditRecord } from '../protocol/edit-record';
import { errorMessage, type PluginToUi } from '../protocol/messages';
import type { PanelStroke, Rgb } from './state/panel-state';
import type { Store } from './state/store';
import type { HostBridge } from './host/bridge';
import { APPLY_REPLY_TIMEOUT_MS, watchApplyReply } from './apply-reply';
import { pageGpuLost, watchWorkerBackend } from './engine-host/gpu-lost';
import { newEngineHostState, routedEngine, type Compute } from './engine-host/host-state';
import { moveToWorker, type MoveContext } from './engine-host/move-to-worker';
import { disposeEngineAsync, startInPageAsync, type PageHostContext } from './engine-host/page-host';
import { startRace } from './engine-host/race-in-background';
import { applyEditAsync, type ApplyContext } from './ops/apply-edit';
import { fixCandidateAsync, selectCandidate } from './ops/candidates';
import type { EditIntentContext } from './ops/edit-intents';
import { loadPackAsync, packToLoad, type LoadPackContext } from './ops/load-pack';
import { pickColourAt } from './ops/pick-colour';
import { createPlayback } from './ops/playback';
import { handlePluginMessageAsync } from './ops/plugin-messages';
import { createProjector, projectLayerAsync } from './ops/project-layer';
import { resetEditAsync } from './ops/reset-edit';
import { restoreEditAsync, type RestoreContext } from './ops/restore-edit';
import { resumeEditAsync } from './ops/resume-edit';
import { createEditRunner } from './ops/run-edit';
import { selectionChangedAsync, type SelectionContext } from './ops/selection';
import { createSequenceScheduler } from './ops/sequence-scheduler';
import { createCodeSetter } from './ops/set-code';
import { addStroke, redoStroke, undoStroke } from './ops/strokes';
import { watchPreview } from './preview/watch-preview';
import type { PageEngine } from './worker/page-engine';

export { chooseEngineHost, type HostFacts } from './engine-host/choose-host';
export { isFullyTransparent, TRANSPARENT_MESSAGE } from './ops/transparent-layer';
export { BIG_SEQUENCE_FRAMES, BIG_SOURCE, SEQUENCE_FRAMES, sequenceFrameName, sequenceFrames } from './ops/sequence-frames';

export type { Compute } from './engine-host/host-state';
export { DEFAULT_PACK } from './ops/load-pack';

export interface Controller {
  handlePluginMessage(msg: PluginToUi): Promise<void>;
  assetsReady(names: string[]): void;
  pickPack(packId: string): Promise<void>;
  project(): Promise<void>;
  restore(record: EditRecord): Promise<void>;
  addStroke(stroke: PanelStroke): void;
  undo(): void;
  redo(): void;
  fix(): Promise<void>;
  reset(): Promise<void>;
  setCode(name: string, change: { set: number } | { category: number }): void;
  selectCandidate(index: number, additive: boolean): void;
  setFrame(frame: number | null): void;
  play(on: boolean): void;
  apply(): Promise<void>;
  pickColourAt(frameX: number, frameY: number): Rgb | null;
  resize(width: number, height: number): void;
  selectLayer(nodeId: string): void;
  /** The canvas shows the model's images (G(z), the projection) instead of the layer and its preview; `held` while a key is down. */
  setModelView(on: boolean, held?: boolean): void;
}

/** Test seams of the controller. */
export interface ControllerOptions {
  /** How long an apply waits for the main thread's answer (read at each apply; default 60 s). */
  applyReplyTimeoutMs?: number;
  /**
   * Where the panel hosts a WebGPU engine, time one edit step on it and on wasm once it is ready
   * and move to the faster (default true; tests of other things turn it off, since their fake
   * "GPU" is wasm too and either could win).
   */
  raceBackends?: boolean;
  /** The canvas's preview of Apply, longest side in px (default PREVIEW_MAX_SIDE, 360). */
  previewMaxSide?: number;
}

/**
 * Wires the operations (ui/ops/, ui/engine-host/) to the store, the engines and the main thread:
 * each gets a small context of what it needs; the mutable parts (the edit in flight, the sequence
 * rendering, the playback, where the engine runs) live in the objects made here.
 * `host`: only `send` is used.
 */
export function createController(store: Store, worker: Compute, host: Pick<HostBridge, 'send'>, options: ControllerOptions = {}): Controller {
  const hosting = newEngineHostState(worker.engine);
  /** Every request of the panel, wherever the engine runs: the same protocol, the same client. */
  const engine = routedEngine(hosting);
  // Bound: the worker's client is a class (its methods use `this`).
  const request = ((body, o) => worker.request(body, o)) as Compute['request'];

  const sequence = createSequenceScheduler({ store, engine, editsInFlight: () => edits.inFlight() });
  const edits = createEditRunner({ store, engine, hosting, sequenceBusy: () => sequence.busy(), scheduleSequence: (ms) => sequence.schedule(ms) });
  const projector = createProjector({ store, engine, hosting });
  const playback = createPlayback({ store, sequenceAsync: () => sequence.runAsync() });
  const intents: EditIntentContext = { store, edits, playback };
  const setCode = createCodeSetter(intents);
  let requestSeq = 0;
  let resizeFrame = 0;

  const moveCtx: MoveContext = { store, worker, hosting, edits, projector };
  const toWorker = (from: PageEngine, notice: string | null) => moveToWorker(moveCtx, from, notice);
  const pageHost: PageHostContext = { worker, hosting, onGpuLost: (from, n) => pageGpuLost({ store, hosting, moveToWorker: toWorker }, from, n) };
  const loadCtx: LoadPackContext = {
    store, worker, hosting, edits,
    raceBackends: options.raceBackends !== false,
    startInPageAsync: (init) => startInPageAsync(pageHost, init),
    disposeEngineAsync: () => disposeEngineAsync(pageHost),
    startRace: (from, packId) => startRace({ store, worker, hosting, moveToWorker: toWorker }, from, packId),
    restoreAsync: (record) => restoreAsync(record),
  };
  const loadPack = (packId: string) => loadPackAsync(loadCtx, packId);
  const restoreCtx: RestoreContext = { store, engine, hosting, edits, loadPackAsync: loadPack };
  const restoreAsync = (record: EditRecord) => restoreEditAsync(restoreCtx, record);
  const selectionCtx: SelectionContext = {
    store, request, edits, playback, projector, restoreAsync,
    resumeAsync: (edit) => resumeEditAsync(edit, {
      store, engine, editsIdleAsync: () => edits.idleAsync(), sendStrokes: () => edits.sendStrokes(),
      engineZ0: (z) => { hosting.engineZ0 = z; },
    }),
  };
  const applyCtx: ApplyContext = {
    store, send: (m) => host.send(m), transfer: request,
    renderSequenceAsync: (pack, from, to, frames) => sequence.render(pack, from, to, frames),
    requestId: () => `apply-${Date.now()}-${++requestSeq}`,
    watchReply: (requestId) => { watchApplyReply(store, (m) => host.send(m), requestId, options.applyReplyTimeoutMs ?? APPLY_REPLY_TIMEOUT_MS); },
    stopEditsAsync: async () => {
      // The edit stops where it is: the candidates on screen are what gets applied.
      if (edits.inFlight()) edits.cancel();
      await edits.idleAsync();
    },
  };
  // The worker's engine lost the GPU and carries on on the CPU: the edit in flight goes on; the designer is told.
  watchWorkerBackend({ store, worker, hosting });
  // The canvas's preview of what Apply writes (issue 17): made in the background by the worker, in step with the edit.
  watchPreview(store, request, options.previewMaxSide);

  return {
    handlePluginMessage: (msg) => handlePluginMessageAsync({ store, selectionChangedAsync: (selection) => selectionChangedAsync(selectionCtx, selection) }, msg),
    assetsReady(names) {
      const packId = packToLoad(names);
      if (packId) void loadPack(packId);
    },
    pickPack: (packId) => (packId === store.get().engine.packId ? Promise.resolve() : loadPack(packId)),
    project: () => projectLayerAsync({ store, edits, projector, stopPlaying: () => playback.stop() }),
    restore: restoreAsync,
    addStroke: (stroke) => addStroke(intents, stroke),
    undo: () => undoStroke(intents),
    redo: () => redoStroke(intents),
    fix: () => fixCandidateAsync(intents),
    reset: () => resetEditAsync(intents),
    setCode,
    selectCandidate: (index, additive) => selectCandidate({ ...intents, sequence }, index, additive),
    setFrame: (frame) => playback.setFrame(frame),
    play: (on) => playback.play(on),
    apply: () => applyEditAsync(applyCtx),
    pickColourAt: (fx, fy) => pickColourAt(store, fx, fy),
    resize(width, height) {
      cancelAnimationFrame(resizeFrame);
      resizeFrame = requestAnimationFrame(() => host.send({ type: 'resize', width: Math.round(width), height: Math.round(height) }));
    },
    selectLayer(nodeId) {
      host.send({ type: 'select', nodeId });
    },
    setModelView(on, held) {
      store.dispatch({ type: 'model-view', on, ...(held ? { held } : {}) });
    },
  };
}

export function errorText(error: unknown): string {
  return errorMessage(error);
}
