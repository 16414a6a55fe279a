/**
 * Restore: a layer Manifold wrote carries its edit record (relaunch "Edit"); the engine starts
 * editing at the record's latent and its strokes run again. A record from a model this version
 * does not include, or that no longer fits the model, gets a clear message instead.
 */
import { frameMapping } from '../../engine/image/frame';
import type { EngineResponse } from '../../engine/worker/protocol';
import type { EditRecord } from '../../protocol/edit-record';
import type { EngineHostState, EngineRequests } from '../engine-host/host-state';
import { friendlyError } from '../friendly-error';
import { readConstraints } from '../state/edit-record';
import type { Store } from '../state/store';
import type { EditRunner } from './run-edit';

type CandidatesResponse = Extract<EngineResponse, { type: 'candidates' }>;

export interface RestoreContext {
  store: Store;
  engine: EngineRequests;
  /** Where the engine's z0 is noted (to start it again elsewhere if the GPU is lost). */
  hosting: Pick<EngineHostState, 'engineZ0'>;
  edits: Pick<EditRunner, 'cancel' | 'sendStrokes'>;
  /** Loads the record's model first when another one is loaded. */
  loadPackAsync(packId: string): Promise<void>;
}

export async function restoreEditAsync(ctx: RestoreContext, record: EditRecord): Promise<void> {
  const { store } = ctx;
  store.dispatch({ type: 'relaunch-handled' });
  const s = store.get();
  const edit = s.edit;
  if (!edit) return;
  if (record.packId !== s.engine.packId) {
    if (!s.engine.packs.includes(record.packId)) {
      store.dispatch({ type: 'project-failed', message: `This layer was made with the model “${record.packId}”, which this version of Manifold does not include. Project it again to edit it with “${s.engine.pack?.title ?? s.engine.packId}”.` });
      return;
    }
    await ctx.loadPackAsync(record.packId);
  }
  const pack = store.get().engine.pack;
  if (!pack || record.latent.length !== pack.latent.size) {
    store.dispatch({ type: 'project-failed', message: 'The edit stored on this layer does not fit the model any more. Project the layer again to keep editing.' });
    return;
  }
  ctx.edits.cancel();
  store.dispatch({ type: 'project-start' });
  try {
    const z = Float32Array.from(record.latent);
    const start = (await ctx.engine.request({ type: 'start-editing', z })) as CandidatesResponse;
    ctx.hosting.engineZ0 = start.z0.slice();
    const R = pack.resolution;
    const image = start.images.slice(0, R * R * 4); // candidate 0 of a new batch is z itself
    const { strokes } = readConstraints(record);
    store.dispatch({
      type: 'restore', record, strokes,
      projection: { z, image, pixelError: NaN, encoderPixelError: NaN, mapping: frameMapping(edit.width, edit.height, R, 'letterbox'), codes: start.codes },
    });
    if (strokes.length) ctx.edits.sendStrokes();
  } catch (error) {
    store.dispatch({ type: 'project-failed', message: friendlyError('restore', error) });
  }
}
