/**
 * The panel's side effects: turns what the designer does into engine and worker requests and
 * their answers into store events. No Preact and no DOM drawing here; the components call
 * these intents and draw the store.
 */
import { frameMapping } from '../engine/image/frame';
import { latentLayout } from '../engine/latent/latent-layout';
import type { Pack } from '../engine/pack/pack-types';
import { applyCodeChange } from '../engine/latent/codes';
import type { EngineClient, ExecutionProviderNotice, RequestOptions } from '../engine/worker/engine-client';
import type { EngineRequestBody, EngineResponse, ResponseFor } from '../engine/worker/protocol';
import { errorMessage, type PluginToUi } from '../protocol/messages';
import type { EditRecord } from '../protocol/edit-record';
import { readConstraints } from './state/edit-record';
import { candidateLatent, currentCandidate, type Candidates, type EditState, type PanelStroke, type Rgb, type Store } from './state/store';
import type { HostBridge } from './host/bridge';
import type { ComputeWorker } from './worker/client';
import type { EngineInitByPack } from './worker/protocol';

import type { PageEngine } from './worker/page-engine';
import { rgbaToPlanar } from './worker/planar';
import { backendNotice, friendlyError } from './friendly-error';
import { APPLY_REPLY_TIMEOUT_MS, watchApplyReply } from './apply-reply';
import { applyEditAsync, type ApplyContext } from './ops/apply-edit';
import { chooseEngineHost } from './engine-host/choose-host';
import { backendChoiceText, fasterBackend, softwareAdapterText, timeBackendsAsync } from './engine-host/backend-race';
import { renderSequenceAsync as renderSequence } from './ops/render-sequence';
import { resumeEditAsync } from './ops/resume-edit';
import { sequenceFrames } from './ops/sequence-frames';
import { isFullyTransparent, TRANSPARENT_MESSAGE } from './ops/transparent-layer';
import { watchPreview } from './preview/watch-preview';

export { chooseEngineHost, type HostFacts } from './engine-host/choose-host';
export { isFullyTransparent, TRANSPARENT_MESSAGE } from './ops/transparent-layer';
export { BIG_SEQUENCE_FRAMES, BIG_SOURCE, SEQUENCE_FRAMES, sequenceFrameName, sequenceFrames } from './ops/sequence-frames';

/**
 * What the controller needs of the compute worker (tests give it an in-process one).
 * `startPageEngine`, where there is one, hosts an engine in the panel's own thread.
 */
export type Compute = Pick<ComputeWorker, 'engine' | 'request'> & { startPageEngine?(): PageEngine };

export const DEFAULT_PACK = 'personas64';

type CandidatesResponse = Extract<EngineResponse, { type: 'candidates' }>;
type ReadyResponse = Extract<EngineResponse, { type: 'ready' }>;
/** An engine `init` naming a streamed pack (filled in by the worker, or for the panel's engine). */
type InitBody = Omit<EngineInitByPack, 'id'>;

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

function isAbort(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'AbortError';
}

function toCandidates(r: CandidatesResponse): Candidates {
  const count = r.loss.length;
  return { images: r.images, z: r.z, loss: r.loss, order: r.order, step: r.step, steps: r.steps, final: r.final, count };
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

/** `host`: only `send` is used. */
export function createController(store: Store, worker: Compute, host: Pick<HostBridge, 'send'>, options: ControllerOptions = {}): Controller {
  /** The engine requests go to: the worker's, or the one in the panel's own thread. */
  let active: Pick<EngineClient, 'request'> = worker.engine;
  /** The engine in the panel's own thread, while it is the one in use. */
  let page: PageEngine | null = null;
  /** Set once an engine in the panel failed to start: it is not tried again. */
  let pageFailed = false;
  /** The engine moving back to the worker (the GPU was lost under the panel's engine): requests wait for it. */
  let moving: Promise<void> | null = null;
  /** z0 of the engine's edit session as it last said (to start it again elsewhere). */
  let engineZ0: Float32Array | null = null;
  /** The edit request in flight (to send again if the engine moves under it), and whether the engine answered it yet (then z0 has its change). */
  let editBody: EngineRequestBody | null = null;
  let editAnswered = false;
  /** Every request of the panel, wherever the engine runs: the same protocol, the same client. */
  const engine = {
    async request<B extends EngineRequestBody>(body: B, options?: RequestOptions): Promise<ResponseFor[B['type']]> {
      while (moving) await moving;
      if (warming) await warming;
      return active.request(body, options);
    },
  };
  let editSeq = 0;
  let editsInFlight = 0;
  let editAbort: AbortController | null = null;
  let projectAbort: AbortController | null = null;
  let sequenceBusy: Promise<void> | null = null;
  let sequenceTimer: ReturnType<typeof setTimeout> | undefined;
  let playTimer: ReturnType<typeof setInterval> | undefined;
  let codeTimer: ReturnType<typeof setTimeout> | undefined;
  let requestSeq = 0;
  let resizeFrame = 0;
  /** Set once the GPU was lost in this panel: the model is not started on it again. */
  let gpuLost = false;
  /** Set once an edit step timed faster on wasm than on this WebGPU adapter: the model is not started on it again. */
  let cpuFaster = false;
  /** The engine's warm-up after it started, while it runs: requests wait for it. */
  let warming: Promise<void> | null = null;
  /** The timing of WebGPU against wasm, while it runs (the worker's engine may be up for it). */
  let racing: Promise<void> | null = null;
  /** The worker's engine as the race started it (up, not yet in use), else null. */
  let workerUp: ReadyResponse | null = null;

  // The worker's engine lost the GPU and carries on on the CPU: the edit in flight goes on; the designer is told.
  worker.engine.onExecutionProviderChange?.((n) => {
    if (active !== worker.engine) return;
    if (n.reason.code === 'device-lost') gpuLost = true;
    store.dispatch({ type: 'backend-changed', backend: n.executionProvider, notice: backendNotice(n.reason.code) });
  });

  const state = () => store.get();
  const R = () => state().engine.pack?.resolution ?? 64;

  // The canvas's preview of what Apply writes (issue 17): made in the background by the worker, in step with the edit.
  // Bound: the worker's client is a class (its methods use `this`).
  watchPreview(store, ((body, o) => worker.request(body, o)) as Compute['request'], options.previewMaxSide);

  // ---- engine lifecycle ----

  async function loadPackAsync(packId: string): Promise<void> {
    const s = state();
    cancelEdits();
    store.dispatch({ type: 'engine-loading', packId });
    try {
      await racing;
      while (moving) await moving;
      if (s.engine.status === 'ready' || s.engine.status === 'failed') await disposeEngineAsync();
      engineZ0 = null;
      // The engine picks WebGPU when its worker finds an adapter; the panel's probe says whether one is there.
      const inWorker = await worker.request({ type: 'probe' }).then((r) => r.caps.webgpu, () => false);
      const pageWebgpu = s.caps?.webgpu === 'adapter';
      const avoidGpu = gpuLost || cpuFaster;
      const where = chooseEngineHost({ workerWebgpu: inWorker, pageWebgpu, gpuLost: avoidGpu, pageHost: !!worker.startPageEngine && !pageFailed });
      const webgpu = pageWebgpu && inWorker && !avoidGpu;
      // 16 candidates where a GPU computes them; 8 on the CPU keeps edits live.
      const init: InitBody = { type: 'init', packId, packFiles: {}, numThreads: 1, executionProvider: avoidGpu ? 'wasm' : 'auto', edit: { candidates: webgpu ? 16 : 8 } };
      let ready = where === 'page' ? await startInPageAsync({ ...init, executionProvider: 'webgpu', edit: { candidates: 16 } }) : null;
      if (!ready) {
        try {
          ready = await worker.engine.request(init);
        } catch (error) {
          if (!webgpu) throw error;
          // The adapter was there but the GPU path failed: the CPU path always works.
          await worker.engine.request({ type: 'dispose' }).catch(() => undefined);
          ready = await worker.engine.request({ ...init, executionProvider: 'wasm', edit: { candidates: 8 } });
        }
      }
      store.dispatch({ type: 'engine-ready', pack: ready.pack, backend: ready.executionProvider, notice: backendNotice(ready.executionProviderReason?.code), host: page ? 'page' : 'worker', workers: ready.workers });
      // The first runs of every session in the background, before the designer's first Project
      // (which waits for them: the same graphs would run cold otherwise).
      const warm = active.request({ type: 'warm-up' }).then(() => undefined, () => undefined);
      warming = warm;
      void warm.finally(() => { if (warming === warm) warming = null; });
      if (s.caps?.webgpu === 'software' || ready.executionProviderReason?.code === 'software-adapter') store.dispatch({ type: 'backend-choice', text: softwareAdapterText(s.caps?.adapter) });
      if (page && ready.executionProvider === 'webgpu' && options.raceBackends !== false) {
        const run = raceBackendsAsync(page, packId);
        racing = run;
        void run.finally(() => { if (racing === run) racing = null; });
      }
      const edit = state().edit;
      const sel = state().selection;
      if (sel?.kind === 'image' && sel.image.record && state().command === 'edit' && !state().relaunchHandled && edit?.nodeId === sel.image.nodeId) {
        await restoreAsync(sel.image.record);
      }
    } catch (error) {
      store.dispatch({ type: 'engine-failed', message: friendlyError('load', error) });
    }
  }

  /**
   * Starts the engine in the panel's own thread, on WebGPU only; null (nothing left running there)
   * when it could not, and the worker hosts it as before.
   */
  async function startInPageAsync(init: InitBody): Promise<ReadyResponse | null> {
    let started: PageEngine | null = null;
    try {
      started = worker.startPageEngine!();
      const ready = await started.engine.request(init);
      if (ready.executionProvider !== 'webgpu') throw new Error(`the panel's engine started on ${ready.executionProvider}, not WebGPU`);
      const mine = started;
      mine.engine.onExecutionProviderChange((n) => pageGpuLost(mine, n));
      page = mine;
      active = mine.engine;
      return ready;
    } catch (error) {
      pageFailed = true;
      console.warn(`Manifold: the engine could not start on WebGPU in the panel (${errorMessage(error)}); it runs in the worker.`);
      if (started) {
        await started.engine.request({ type: 'dispose' }).catch(() => undefined);
        started.close();
      }
      return null;
    }
  }

  /** Disposes of the engine in use; an engine in the panel is closed and the worker's is in use again. */
  async function disposeEngineAsync(): Promise<void> {
    const was = page;
    await active.request({ type: 'dispose' }).catch(() => undefined);
    if (was && page === was) {
      page = null;
      active = worker.engine;
      was.close();
    }
  }

  /**
   * The GPU was lost under the engine in the panel's own thread: it has moved to wasm there, which
   * would block the panel. Its work is stopped at once and the engine starts again in the worker
   * (wasm), with the edit as it was: the same z0, and then the strokes, the code change, the fix
   * or the projection that was running is sent again. The store's edit is kept; the designer sees
   * the CPU badge and the notice, as when the worker's own engine loses the GPU.
   */
  function pageGpuLost(from: PageEngine, n: ExecutionProviderNotice): void {
    if (page !== from || moving) return;
    gpuLost = true;
    store.dispatch({ type: 'backend-changed', backend: n.executionProvider, notice: backendNotice(n.reason.code) });
    moveToWorker(from, backendNotice(n.reason.code));
  }

  /** The wasm engine the worker hosts when the panel's WebGPU engine gives way (lost, or slower). */
  function wasmInit(packId: string): InitBody {
    return { type: 'init', packId, packFiles: {}, numThreads: 1, executionProvider: 'wasm', edit: { candidates: 8 } };
  }

  /**
   * In the background once the panel's engine is ready on WebGPU: one edit step timed there and on
   * a wasm engine started in the worker; the faster one keeps the model (said in the badge's tooltip).
   */
  async function raceBackendsAsync(from: PageEngine, packId: string): Promise<void> {
    try {
      const times = await timeBackendsAsync(from.engine, async () => {
        workerUp = await worker.engine.request(wasmInit(packId));
        return worker.engine;
      });
      if (page !== from) return; // it moved meanwhile (the GPU was lost): the mover takes the worker's engine as it is
      const chosen = fasterBackend(times);
      store.dispatch({ type: 'backend-choice', text: backendChoiceText(times, chosen) });
      if (chosen === 'wasm') {
        cpuFaster = true;
        moveToWorker(from, null);
        return;
      }
    } catch (error) {
      console.warn(`Manifold: WebGPU and wasm could not be timed against each other (${errorMessage(error)}); the model stays on WebGPU.`);
    }
    if (workerUp && page === from) {
      workerUp = null;
      await worker.engine.request({ type: 'dispose' }).catch(() => undefined);
    }
  }

  /**
   * Moves the engine from the panel's own thread to the worker (wasm), with the edit as it was: the
   * same z0, and then the strokes, the code change, the fix or the projection that was running is
   * sent again. The store's edit is kept; `notice` is what the designer is told (none for a move to the faster backend).
   */
  function moveToWorker(from: PageEngine, notice: string | null): void {
    const edit = state().edit;
    const projecting = edit?.status === 'projecting' ? edit.nodeId : null;
    // The edit in flight, unless the engine had already made its change to z0 (then z0 says it all).
    const interrupted = editsInFlight > 0 && !editAnswered ? editBody : null;
    cancelEdits();
    projectAbort?.abort();
    let resume: () => void = () => undefined;
    moving = (async () => {
      page = null;
      active = worker.engine;
      await from.engine.request({ type: 'dispose' }).catch(() => undefined);
      from.close();
      const packId = state().engine.packId;
      if (!packId) return;
      try {
        await racing; // a race under way may be starting the worker's engine
        const ready = workerUp ?? await worker.engine.request(wasmInit(packId));
        workerUp = null;
        store.dispatch({ type: 'backend-changed', backend: ready.executionProvider, notice, host: 'worker', ...(ready.workers ? { workers: ready.workers } : {}) });
        resume = await restoreEngineEditAsync(projecting, interrupted);
      } catch (error) {
        store.dispatch({ type: 'engine-failed', message: friendlyError('load', error) });
      }
    })();
    void moving.finally(() => {
      moving = null;
      resume();
    });
  }

  /** Starts the worker's engine on the edit the panel's engine had; returns what to send again once requests flow. */
  async function restoreEngineEditAsync(projecting: string | null, interrupted: EngineRequestBody | null): Promise<() => void> {
    const s = state();
    const edit = s.edit;
    const pack = s.engine.pack;
    if (projecting && edit?.status === 'projecting' && edit.nodeId === projecting) return () => void runProjectionAsync();
    if (edit?.status !== 'projected' || !edit.projection || !pack) return () => undefined;
    // z0 as the engine last had it, or as the interrupted request was about to make it.
    let z0 = engineZ0 ?? edit.projection.z;
    if (interrupted?.type === 'set-code') z0 = applyCodeChange(z0, latentLayout({ latent: pack.latent } as Pack), interrupted.change);
    else if (interrupted?.type === 'set-latent' || interrupted?.type === 'start-editing') z0 = interrupted.z;
    else if (interrupted?.type === 'fix' && edit.candidates && interrupted.index < edit.candidates.count) z0 = candidateLatent(edit.candidates, interrupted.index);
    await worker.engine.request({ type: 'start-editing', z: z0 });
    engineZ0 = z0;
    if (edit.strokes.length) return () => sendStrokes();
    // Candidates on screen came from the lost engine's batch: make this engine's, around the same z0.
    if (edit.candidates || (interrupted && interrupted.type !== 'start-editing')) return () => void editAsync({ type: 'set-latent', z: z0 });
    return () => undefined;
  }

  // ---- selection ----

  async function decodeSelectionAsync(): Promise<void> {
    const edit = state().edit;
    if (!edit || edit.pixels) return;
    try {
      const { image } = await worker.request({ type: 'decode', bytes: edit.bytes.slice(), mime: edit.mime });
      // Nothing visible (every pixel transparent): there is nothing to project or edit.
      if (isFullyTransparent(image)) {
        store.dispatch({ type: 'decode-failed', nodeId: edit.nodeId, message: TRANSPARENT_MESSAGE });
        return;
      }
      store.dispatch({ type: 'decoded', nodeId: edit.nodeId, pixels: image });
    } catch (error) {
      store.dispatch({ type: 'decode-failed', nodeId: edit.nodeId, message: friendlyError('decode', error) });
    }
  }

  async function handleSelectionAsync(): Promise<void> {
    const before = state().edit;
    await decodeSelectionAsync();
    const s = state();
    const sel = s.selection;
    if (sel?.kind !== 'image' || !sel.image.record || s.relaunchHandled) return;
    if (s.command === 'edit' && s.engine.status === 'ready' && s.edit?.nodeId === sel.image.nodeId && before?.status !== 'projected') await restoreAsync(sel.image.record);
  }

  function resumeAsync(edit: EditState): Promise<void> {
    return resumeEditAsync(edit, {
      store, engine, editsIdleAsync, sendStrokes,
      engineZ0: (z) => { engineZ0 = z; },
    });
  }

  // ---- editing ----

  function cancelEdits(): void {
    editAbort?.abort();
    editAbort = null;
    editSeq++;
    if (editsInFlight > 0) store.dispatch({ type: 'edit-cancelled' });
  }

  /**
   * After a cancel, the engine finishes the graph run in flight before it answers; the runtime
   * runs one graph at a time, so work that needs it (projection, sequence, transfer) waits.
   */
  async function editsIdleAsync(ms = 10_000): Promise<void> {
    const t0 = Date.now();
    while ((editsInFlight > 0 || sequenceBusy) && Date.now() - t0 < ms) {
      if (sequenceBusy) await sequenceBusy;
      else await new Promise((r) => setTimeout(r, 20));
    }
  }

  async function editAsync(body: Parameters<typeof engine.request>[0]): Promise<Candidates | null> {
    if (sequenceBusy) await sequenceBusy; // the sequence renders on the same runtime: let it finish
    const seq = ++editSeq;
    const abort = new AbortController();
    editAbort = abort;
    store.dispatch({ type: 'edit-start' });
    editsInFlight++;
    editBody = body;
    editAnswered = false;
    try {
      const res = (await engine.request(body, {
        signal: abort.signal,
        onEvent: (e) => {
          if (e.type === 'candidates') {
            engineZ0 = e.z0.slice();
            editAnswered = true;
          }
          if (e.type === 'candidates' && seq === editSeq) store.dispatch({ type: 'candidates', candidates: toCandidates(e), codes: e.codes, z0: e.z0 });
        },
      })) as CandidatesResponse;
      engineZ0 = res.z0.slice();
      if (seq !== editSeq) return null;
      const candidates = toCandidates(res);
      store.dispatch({ type: 'candidates', candidates, codes: res.codes, z0: res.z0 });
      scheduleSequence(0);
      return candidates;
    } catch (error) {
      if (seq === editSeq) store.dispatch(isAbort(error) ? { type: 'edit-cancelled' } : { type: 'edit-failed', message: friendlyError('edit', error) });
      return null;
    } finally {
      editsInFlight--;
      if (editAbort === abort) editAbort = null;
    }
  }

  function sendStrokes(): void {
    const edit = state().edit;
    if (edit?.status !== 'projected') return;
    void editAsync({ type: 'edit', strokes: edit.strokes });
  }

  /** The warp grabs its patch from what the canvas shows now, so it stays put while candidates change. */
  function withWarpSource(stroke: PanelStroke): PanelStroke {
    if (stroke.kind !== 'warp' || stroke.source) return stroke;
    const edit = state().edit;
    const k = currentCandidate(edit);
    const n = R() * R() * 4;
    const image = k !== null && edit?.candidates ? edit.candidates.images.subarray(k * n, (k + 1) * n) : edit?.projection?.image;
    return image ? { ...stroke, source: rgbaToPlanar(image, R()) } : stroke;
  }

  // ---- the sequence (projection → chosen candidate) ----

  /** `ms`: a pause that lets quick candidate clicks through first; none once a batch settles (the preview waits on it). */
  function scheduleSequence(ms = 120): void {
    clearTimeout(sequenceTimer);
    sequenceTimer = setTimeout(() => void sequenceAsync(), ms);
  }

  async function sequenceAsync(): Promise<void> {
    const s = state();
    const edit = s.edit;
    const pack = s.engine.pack;
    const k = currentCandidate(edit);
    if (!edit?.projection || !edit.candidates?.final || !pack || k === null || editsInFlight > 0 || sequenceBusy) return;
    if (edit.sequence?.target === k) return;
    const candidates = edit.candidates;
    // As many frames as Apply writes, so the slider's frames are the written frames.
    const frames = sequenceFrames(edit);
    const run = (async () => {
      try {
        const r = await renderSequenceAsync(pack, edit.projection!.z, candidateLatent(candidates, k), frames);
        // Only if nothing moved on meanwhile.
        if (state().edit?.candidates === candidates && currentCandidate(state().edit) === k) {
          store.dispatch({ type: 'sequence', sequence: { latents: r.latents, images: r.images, frames, target: k } });
        }
      } catch (error) {
        store.dispatch({ type: 'sequence-failed', message: friendlyError('sequence', error) });
      }
    })();
    sequenceBusy = run;
    await run;
    sequenceBusy = null;
    // The user may have picked another candidate while this one rendered.
    if (currentCandidate(state().edit) !== k) scheduleSequence();
  }

  function renderSequenceAsync(pack: { latent: Pack['latent'] }, from: Float32Array, to: Float32Array, frames: number) {
    return renderSequence(engine, pack, from, to, frames);
  }

  // ---- projection ----

  /** Projects the layer being projected (status 'projecting'). */
  async function runProjectionAsync(): Promise<void> {
    const s = state();
    const edit = s.edit;
    if (!edit?.pixels || edit.status !== 'projecting' || !s.engine.pack) return;
    try {
      const p = s.engine.pack.defaults.project;
      const t0 = performance.now();
      projectAbort?.abort();
      const abort = new AbortController();
      projectAbort = abort;
      const r = await engine.request(
        { type: 'project', image: { width: edit.pixels.width, height: edit.pixels.height, data: edit.pixels.data }, fit: 'letterbox' },
        { signal: abort.signal, onEvent: (e) => { if (e.type === 'progress' && !abort.signal.aborted) store.dispatch({ type: 'project-progress', done: e.done, total: e.total || p.iterations, pixelError: e.pixelError, ...(e.type === 'progress' && e.image ? { image: e.image } : {}) }); } },
      );
      if (abort.signal.aborted) return;
      engineZ0 = r.z.slice();
      // Its duration is the next projection's estimate on this machine (issue 16: measured, not guessed).
      const seconds = (performance.now() - t0) / 1000;
      store.dispatch({ type: 'projected', projection: { z: r.z, image: r.image, pixelError: r.pixelError, encoderPixelError: r.encoderPixelError, mapping: r.mapping, codes: r.codes }, seconds });
    } catch (error) {
      if (!isAbort(error)) store.dispatch({ type: 'project-failed', message: friendlyError('project', error) });
    }
  }

  // ---- restore from an edit record ----

  async function restoreAsync(record: EditRecord): Promise<void> {
    store.dispatch({ type: 'relaunch-handled' });
    const s = state();
    const edit = s.edit;
    if (!edit) return;
    if (record.packId !== s.engine.packId) {
      if (!s.engine.packs.includes(record.packId)) {
        store.dispatch({ type: 'project-failed', message: `This layer was made with the model “${record.packId}”, which this version of Manifold does not include. Project it again to edit it with “${s.engine.pack?.title ?? s.engine.packId}”.` });
        return;
      }
      await loadPackAsync(record.packId);
    }
    const pack = state().engine.pack;
    if (!pack || record.latent.length !== pack.latent.size) {
      store.dispatch({ type: 'project-failed', message: 'The edit stored on this layer does not fit the model any more. Project the layer again to keep editing.' });
      return;
    }
    cancelEdits();
    store.dispatch({ type: 'project-start' });
    try {
      const z = Float32Array.from(record.latent);
      const start = (await engine.request({ type: 'start-editing', z })) as CandidatesResponse;
      engineZ0 = start.z0.slice();
      const R = pack.resolution;
      const image = start.images.slice(0, R * R * 4); // candidate 0 of a new batch is z itself
      const { strokes } = readConstraints(record);
      store.dispatch({
        type: 'restore', record, strokes,
        projection: { z, image, pixelError: NaN, encoderPixelError: NaN, mapping: frameMapping(edit.width, edit.height, R, 'letterbox'), codes: start.codes },
      });
      if (strokes.length) sendStrokes();
    } catch (error) {
      store.dispatch({ type: 'project-failed', message: friendlyError('restore', error) });
    }
  }

  // ---- apply ----

  function applyAsync(): Promise<void> {
    return applyEditAsync({
      store, send: (m) => host.send(m),
      // Bound: the worker's client is a class (its methods use `this`).
      transfer: ((body, options) => worker.request(body, options)) as ApplyContext['transfer'],
      renderSequenceAsync,
      requestId: () => `apply-${Date.now()}-${++requestSeq}`,
      watchReply: (requestId) => { watchApplyReply(store, (m) => host.send(m), requestId, options.applyReplyTimeoutMs ?? APPLY_REPLY_TIMEOUT_MS); },
      stopEditsAsync: async () => {
        // The edit stops where it is: the candidates on screen are what gets applied.
        if (editsInFlight > 0) cancelEdits();
        await editsIdleAsync();
      },
    });
  }

  return {
    async handlePluginMessage(msg) {
      switch (msg.type) {
        case 'selection': {
          const before = state().edit;
          store.dispatch({ type: 'selection', selection: msg.selection });
          const now = state().edit;
          // Another layer: the model stops working on the old one (its edit is kept in the store).
          if (before && now !== before && now?.nodeId !== before.nodeId) {
            cancelEdits();
            stopPlaying();
            projectAbort?.abort();
          }
          // A kept edit came back: the engine takes it up where it was.
          if (now && now !== before && now.status === 'projected') await resumeAsync(now);
          await handleSelectionAsync();
          return;
        }
        case 'removed':
          store.dispatch({ type: 'results-removed', nodeIds: msg.nodeIds });
          return;
        case 'applied':
          store.dispatch({ type: 'applied', requestId: msg.requestId, nodeIds: msg.nodeIds, ...(msg.notes ? { notes: msg.notes } : {}) });
          return;
        case 'error':
          if (msg.requestId) store.dispatch({ type: 'apply-failed', requestId: msg.requestId, message: friendlyError('write', msg.message) });
          else store.dispatch({ type: 'error', message: msg.message });
          return;
        default:
          return;
      }
    },
    assetsReady(names) {
      const packs = [...new Set(names.filter((n) => n.startsWith('packs/')).map((n) => n.split('/')[1]))];
      if (!packs.length) return;
      void loadPackAsync(packs.includes(DEFAULT_PACK) ? DEFAULT_PACK : packs[0]);
    },
    pickPack: (packId) => (packId === state().engine.packId ? Promise.resolve() : loadPackAsync(packId)),
    async project() {
      const s = state();
      const edit = s.edit;
      if (!edit?.pixels || s.engine.status !== 'ready' || edit.status === 'projecting') return;
      cancelEdits();
      stopPlaying();
      store.dispatch({ type: 'project-start' });
      await editsIdleAsync();
      await runProjectionAsync();
    },
    restore: restoreAsync,
    addStroke(stroke) {
      store.dispatch({ type: 'stroke', stroke: withWarpSource(stroke) });
      stopPlaying();
      sendStrokes();
    },
    undo() {
      if (!state().edit?.strokes.length) return;
      store.dispatch({ type: 'undo-stroke' });
      sendStrokes();
    },
    redo() {
      if (!state().edit?.redo.length) return;
      store.dispatch({ type: 'redo-stroke' });
      sendStrokes();
    },
    async fix() {
      const edit = state().edit;
      const k = currentCandidate(edit);
      if (k === null || !edit?.candidates) return;
      stopPlaying();
      const z = candidateLatent(edit.candidates, k);
      store.dispatch({ type: 'new-batch' });
      // A resumed edit's candidates are not the engine's batch: send the latent itself.
      await editAsync(edit.resumed ? { type: 'set-latent', z } : { type: 'fix', index: k });
    },
    async reset() {
      const edit = state().edit;
      if (edit?.status !== 'projected' || !edit.projection) return;
      cancelEdits();
      stopPlaying();
      store.dispatch({ type: 'reset' });
      await editAsync({ type: 'start-editing', z: edit.projection.z });
      store.dispatch({ type: 'reset' }); // back to "nothing changed yet": no candidates until a stroke or a code
    },
    setCode(name, change) {
      const value = 'set' in change ? change.set : change.category;
      store.dispatch({ type: 'code', name, value });
      // A new batch around the moved z0: the canvas follows its best candidate, not an old index.
      store.dispatch({ type: 'new-batch' });
      store.dispatch({ type: 'edit-start' }); // optimising from now: the candidates on screen are about to change
      // Sliders fire while dragging: send the latest value at most every 150 ms.
      clearTimeout(codeTimer);
      codeTimer = setTimeout(() => void editAsync({ type: 'set-code', change: { code: name, ...change } }), 'set' in change ? 150 : 0);
    },
    selectCandidate(index, additive) {
      store.dispatch({ type: 'select-candidate', index, additive });
      stopPlaying();
      scheduleSequence();
    },
    setFrame(frame) {
      stopPlaying();
      store.dispatch({ type: 'frame', frame });
    },
    play(on) {
      stopPlaying();
      if (!on) return;
      store.dispatch({ type: 'play', on: true });
      if (!state().edit?.playing) {
        // No sequence yet: make it, then play.
        void sequenceAsync().then(() => {
          store.dispatch({ type: 'play', on: true });
          if (state().edit?.playing) startTicking();
        });
        return;
      }
      startTicking();
    },
    apply: applyAsync,
    pickColourAt(fx, fy) {
      const edit = state().edit;
      const px = edit?.pixels;
      const m = edit?.projection?.mapping ?? (edit ? frameMapping(edit.width, edit.height, R(), 'letterbox') : null);
      if (!px || !m) return null;
      const x = Math.floor((fx - m.offsetX) / m.scale), y = Math.floor((fy - m.offsetY) / m.scale);
      if (x < 0 || y < 0 || x >= px.width || y >= px.height) return null;
      const o = (y * px.width + x) * 4;
      const colour: Rgb = [px.data[o], px.data[o + 1], px.data[o + 2]];
      store.dispatch({ type: 'color', color: colour });
      return colour;
    },
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

  function startTicking(): void {
    clearInterval(playTimer);
    playTimer = setInterval(() => {
      store.dispatch({ type: 'tick' });
      if (!state().edit?.playing) clearInterval(playTimer);
    }, 1000 / 12);
  }

  function stopPlaying(): void {
    clearInterval(playTimer);
    if (state().edit?.playing) store.dispatch({ type: 'play', on: false });
  }
}

export function errorText(error: unknown): string {
  return errorMessage(error);
}
