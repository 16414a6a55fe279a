/**
 * Project: fits the model's latent to the layer on screen (the engine's `project`, with progress
 * as it goes). One projection at a time: a new one, or another layer, aborts the one running.
 */
import type { EngineHostState, EngineRequests } from '../engine-host/host-state';
import { friendlyError } from '../friendly-error';
import type { Store } from '../state/store';
import type { EditRunner } from './run-edit';
import { isAbort } from './is-abort';

export interface ProjectorContext {
  store: Store;
  engine: EngineRequests;
  /** Where the engine's z0 is noted (to start it again elsewhere if the GPU is lost). */
  hosting: Pick<EngineHostState, 'engineZ0'>;
}

export interface Projector {
  /** Projects the layer being projected (status 'projecting'). */
  runAsync(): Promise<void>;
  /** Stops the projection running, if one is (its answer is dropped). */
  abort(): void;
}

export function createProjector(ctx: ProjectorContext): Projector {
  const { store } = ctx;
  let projectAbort: AbortController | null = null;

  async function runAsync(): Promise<void> {
    const s = store.get();
    const edit = s.edit;
    if (!edit?.pixels || edit.status !== 'projecting' || !s.engine.pack) return;
    try {
      const p = s.engine.pack.defaults.project;
      const t0 = performance.now();
      projectAbort?.abort();
      const abort = new AbortController();
      projectAbort = abort;
      const r = await ctx.engine.request(
        { type: 'project', image: { width: edit.pixels.width, height: edit.pixels.height, data: edit.pixels.data }, fit: 'letterbox' },
        { signal: abort.signal, onEvent: (e) => { if (e.type === 'progress' && !abort.signal.aborted) store.dispatch({ type: 'project-progress', done: e.done, total: e.total || p.iterations, pixelError: e.pixelError, ...(e.type === 'progress' && e.image ? { image: e.image } : {}) }); } },
      );
      if (abort.signal.aborted) return;
      ctx.hosting.engineZ0 = r.z.slice();
      // Its duration is the next projection's estimate on this machine (issue 16: measured, not guessed).
      const seconds = (performance.now() - t0) / 1000;
      store.dispatch({ type: 'projected', projection: { z: r.z, image: r.image, pixelError: r.pixelError, encoderPixelError: r.encoderPixelError, mapping: r.mapping, codes: r.codes }, seconds });
    } catch (error) {
      if (!isAbort(error)) store.dispatch({ type: 'project-failed', message: friendlyError('project', error) });
    }
  }

  return { runAsync, abort: () => projectAbort?.abort() };
}

export interface ProjectContext {
  store: Store;
  edits: Pick<EditRunner, 'cancel' | 'idleAsync'>;
  projector: Pick<Projector, 'runAsync'>;
  stopPlaying(): void;
}

/** The designer's Project: the edit in flight stops, and the projection runs once the engine is idle. */
export async function projectLayerAsync(ctx: ProjectContext): Promise<void> {
  const { store } = ctx;
  const s = store.get();
  const edit = s.edit;
  if (!edit?.pixels || s.engine.status !== 'ready' || edit.status === 'projecting') return;
  ctx.edits.cancel();
  ctx.stopPlaying();
  store.dispatch({ type: 'project-start' });
  await ctx.edits.idleAsync();
  await ctx.projector.runAsync();
}
