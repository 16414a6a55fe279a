/**
 * Moves the engine from the panel's own thread to the worker (wasm) — the GPU was lost under it,
 * or wasm timed faster — with the edit as it was: the same z0, and then the strokes, the code
 * change, the fix or the projection that was running is sent again. The store's edit is kept.
 */
import { latentLayout } from '../../engine/latent/latent-layout';
import { applyCodeChange } from '../../engine/latent/codes';
import type { Pack } from '../../engine/pack/pack-types';
import type { EngineRequestBody } from '../../engine/worker/protocol';
import { friendlyError } from '../friendly-error';
import type { Projector } from '../ops/project-layer';
import type { EditRunner } from '../ops/run-edit';
import { candidateLatent } from '../state/selectors';
import type { Store } from '../state/store';
import type { PageEngine } from '../worker/page-engine';
import { wasmInit, type Compute, type EngineHostState } from './host-state';

export interface MoveContext {
  store: Store;
  worker: Compute;
  hosting: EngineHostState;
  edits: Pick<EditRunner, 'cancel' | 'interrupted' | 'sendStrokes' | 'runAsync'>;
  projector: Pick<Projector, 'abort' | 'runAsync'>;
}

/** `notice`: what the designer is told (none for a move to the faster backend). */
export function moveToWorker(ctx: MoveContext, from: PageEngine, notice: string | null): void {
  const { store, worker, hosting } = ctx;
  const edit = store.get().edit;
  const projecting = edit?.status === 'projecting' ? edit.nodeId : null;
  const interrupted = ctx.edits.interrupted();
  ctx.edits.cancel();
  ctx.projector.abort();
  let resume: () => void = () => undefined;
  const moving = (async () => {
    hosting.page = null;
    hosting.active = worker.engine;
    await from.engine.request({ type: 'dispose' }).catch(() => undefined);
    from.close();
    const packId = store.get().engine.packId;
    if (!packId) return;
    try {
      await hosting.racing; // a race under way may be starting the worker's engine
      const ready = hosting.workerUp ?? await worker.engine.request(wasmInit(packId));
      hosting.workerUp = null;
      store.dispatch({ type: 'backend-changed', backend: ready.executionProvider, notice, host: 'worker', ...(ready.workers ? { workers: ready.workers } : {}) });
      resume = await restoreEngineEditAsync(ctx, projecting, interrupted);
    } catch (error) {
      store.dispatch({ type: 'engine-failed', message: friendlyError('load', error) });
    }
  })();
  hosting.moving = moving;
  void moving.finally(() => {
    hosting.moving = null;
    resume();
  });
}

/** Starts the worker's engine on the edit the panel's engine had; returns what to send again once requests flow. */
async function restoreEngineEditAsync(ctx: MoveContext, projecting: string | null, interrupted: EngineRequestBody | null): Promise<() => void> {
  const { hosting } = ctx;
  const s = ctx.store.get();
  const edit = s.edit;
  const pack = s.engine.pack;
  if (projecting && edit?.status === 'projecting' && edit.nodeId === projecting) return () => void ctx.projector.runAsync();
  if (edit?.status !== 'projected' || !edit.projection || !pack) return () => undefined;
  // z0 as the engine last had it, or as the interrupted request was about to make it.
  let z0 = hosting.engineZ0 ?? edit.projection.z;
  if (interrupted?.type === 'set-code') z0 = applyCodeChange(z0, latentLayout({ latent: pack.latent } as Pack), interrupted.change);
  else if (interrupted?.type === 'set-latent' || interrupted?.type === 'start-editing') z0 = interrupted.z;
  else if (interrupted?.type === 'fix' && edit.candidates && interrupted.index < edit.candidates.count) z0 = candidateLatent(edit.candidates, interrupted.index);
  await ctx.worker.engine.request({ type: 'start-editing', z: z0 });
  hosting.engineZ0 = z0;
  if (edit.strokes.length) return () => ctx.edits.sendStrokes();
  // Candidates on screen came from the lost engine's batch: make this engine's, around the same z0.
  if (edit.candidates || (interrupted && interrupted.type !== 'start-editing')) return () => void ctx.edits.runAsync({ type: 'set-latent', z: z0 });
  return () => undefined;
}
