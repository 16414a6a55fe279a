/**
 * Loading a model (pack): the engine in use is disposed of, the new one starts where it runs best
 * (the panel's thread on WebGPU, else the worker; the CPU where the GPU failed or was slower),
 * warms up in the background, and a layer opened with "Edit" is restored once it is ready.
 */
import type { EditRecord } from '../../protocol/edit-record';
import { softwareAdapterText } from '../engine-host/backend-race';
import { chooseEngineHost } from '../engine-host/choose-host';
import type { Compute, EngineHostState, InitBody, ReadyResponse } from '../engine-host/host-state';
import { backendNotice, friendlyError } from '../friendly-error';
import type { Store } from '../state/store';
import type { PageEngine } from '../worker/page-engine';
import type { EditRunner } from './run-edit';

export const DEFAULT_PACK = 'personas64-v2';

export interface LoadPackContext {
  store: Store;
  worker: Compute;
  hosting: EngineHostState;
  edits: Pick<EditRunner, 'cancel'>;
  /** Whether WebGPU is timed against wasm once the panel's engine is up (ControllerOptions.raceBackends). */
  raceBackends: boolean;
  startInPageAsync(init: InitBody): Promise<ReadyResponse | null>;
  disposeEngineAsync(): Promise<void>;
  startRace(from: PageEngine, packId: string): void;
  restoreAsync(record: EditRecord): Promise<void>;
}

/** The pack to load once the assets are there: the default one if it came, else the first. */
export function packToLoad(assetNames: string[]): string | null {
  const packs = [...new Set(assetNames.filter((n) => n.startsWith('packs/')).map((n) => n.split('/')[1]))];
  if (!packs.length) return null;
  return packs.includes(DEFAULT_PACK) ? DEFAULT_PACK : packs[0];
}

export async function loadPackAsync(ctx: LoadPackContext, packId: string): Promise<void> {
  const { store, worker, hosting } = ctx;
  const state = () => store.get();
  const s = state();
  ctx.edits.cancel();
  store.dispatch({ type: 'engine-loading', packId });
  try {
    await hosting.racing;
    while (hosting.moving) await hosting.moving;
    if (s.engine.status === 'ready' || s.engine.status === 'failed') await ctx.disposeEngineAsync();
    hosting.engineZ0 = null;
    // The engine picks WebGPU when its worker finds an adapter; the panel's probe says whether one is there.
    const inWorker = await worker.request({ type: 'probe' }).then((r) => r.caps.webgpu, () => false);
    const pageWebgpu = s.caps?.webgpu === 'adapter';
    const avoidGpu = hosting.gpuLost || hosting.cpuFaster;
    const where = chooseEngineHost({ workerWebgpu: inWorker, pageWebgpu, gpuLost: avoidGpu, pageHost: !!worker.startPageEngine && !hosting.pageFailed });
    const webgpu = pageWebgpu && inWorker && !avoidGpu;
    // 16 candidates where a GPU computes them; 8 on the CPU keeps edits live.
    const init: InitBody = { type: 'init', packId, packFiles: {}, numThreads: 1, executionProvider: avoidGpu ? 'wasm' : 'auto', edit: { candidates: webgpu ? 16 : 8 } };
    let ready = where === 'page' ? await ctx.startInPageAsync({ ...init, executionProvider: 'webgpu', edit: { candidates: 16 } }) : null;
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
    store.dispatch({ type: 'engine-ready', pack: ready.pack, backend: ready.executionProvider, notice: backendNotice(ready.executionProviderReason?.code), host: hosting.page ? 'page' : 'worker', workers: ready.workers });
    // The first runs of every session in the background, before the designer's first Project
    // (which waits for them: the same graphs would run cold otherwise).
    const warm = hosting.active.request({ type: 'warm-up' }).then(() => undefined, () => undefined);
    hosting.warming = warm;
    void warm.finally(() => { if (hosting.warming === warm) hosting.warming = null; });
    if (s.caps?.webgpu === 'software' || ready.executionProviderReason?.code === 'software-adapter') store.dispatch({ type: 'backend-choice', text: softwareAdapterText(s.caps?.adapter) });
    if (hosting.page && ready.executionProvider === 'webgpu' && ctx.raceBackends) ctx.startRace(hosting.page, packId);
    const edit = state().edit;
    const sel = state().selection;
    if (sel?.kind === 'image' && sel.image.record && state().command === 'edit' && !state().relaunchHandled && edit?.nodeId === sel.image.nodeId) {
      await ctx.restoreAsync(sel.image.record);
    }
  } catch (error) {
    store.dispatch({ type: 'engine-failed', message: friendlyError('load', error) });
  }
}
