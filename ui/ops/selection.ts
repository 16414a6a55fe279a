/**
 * The designer selected something else in Figma: the model stops working on the old layer (its
 * edit is kept in the store), a kept edit is taken up again, the new layer is decoded, and a layer
 * Manifold wrote is restored from its record when the panel was opened with "Edit".
 */
import type { EditRecord } from '../../protocol/edit-record';
import type { SelectionState } from '../../protocol/messages';
import type { Compute } from '../engine-host/host-state';
import { friendlyError } from '../friendly-error';
import type { EditState } from '../state/panel-state';
import type { Store } from '../state/store';
import type { Playback } from './playback';
import type { Projector } from './project-layer';
import type { EditRunner } from './run-edit';
import { isFullyTransparent, TRANSPARENT_MESSAGE } from './transparent-layer';

export interface SelectionContext {
  store: Store;
  /** The compute worker's requests (the layer's bytes are decoded there). */
  request: Compute['request'];
  edits: Pick<EditRunner, 'cancel'>;
  playback: Pick<Playback, 'stop'>;
  projector: Pick<Projector, 'abort'>;
  /** A kept edit is on screen again (resume-edit.ts). */
  resumeAsync(edit: EditState): Promise<void>;
  restoreAsync(record: EditRecord): Promise<void>;
}

export async function selectionChangedAsync(ctx: SelectionContext, selection: SelectionState): Promise<void> {
  const { store } = ctx;
  const before = store.get().edit;
  store.dispatch({ type: 'selection', selection });
  const now = store.get().edit;
  // Another layer: the model stops working on the old one (its edit is kept in the store).
  if (before && now !== before && now?.nodeId !== before.nodeId) {
    ctx.edits.cancel();
    ctx.playback.stop();
    ctx.projector.abort();
  }
  // A kept edit came back: the engine takes it up where it was.
  if (now && now !== before && now.status === 'projected') await ctx.resumeAsync(now);
  await restoreSelectionAsync(ctx);
}

async function decodeSelectionAsync(ctx: Pick<SelectionContext, 'store' | 'request'>): Promise<void> {
  const { store } = ctx;
  const edit = store.get().edit;
  if (!edit || edit.pixels) return;
  try {
    const { image } = await ctx.request({ type: 'decode', bytes: edit.bytes.slice(), mime: edit.mime });
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

/** Decodes the selected layer, then restores its record if the panel was opened to edit it. */
async function restoreSelectionAsync(ctx: SelectionContext): Promise<void> {
  const before = ctx.store.get().edit;
  await decodeSelectionAsync(ctx);
  const s = ctx.store.get();
  const sel = s.selection;
  if (sel?.kind !== 'image' || !sel.image.record || s.relaunchHandled) return;
  if (s.command === 'edit' && s.engine.status === 'ready' && s.edit?.nodeId === sel.image.nodeId && before?.status !== 'projected') await ctx.restoreAsync(sel.image.record);
}
