/**
 * Keeps the canvas's preview in step with the edit: on every store change, what the canvas should
 * show (preview-target.ts) goes to the previewer, and what it makes comes back as store events.
 */
import type { Store } from '../state/store';
import type { ComputeWorker } from '../worker/client';
import { friendlyError } from '../friendly-error';
import { createPreviewer, type Previewer } from './previewer';
import { previewTarget, type PreviewTarget } from './preview-target';
import { transferCodes } from '../ops/transfer-codes';

/** The preview's longest side by default, px (the panel's canvas is about this wide on a 2× screen). */
export const PREVIEW_MAX_SIDE = 360;

/** Installs the preview on `store`; `request` is the compute worker's. Returns the previewer (for tests) and how to stop. */
export function watchPreview(store: Store, request: ComputeWorker['request'], maxSide = PREVIEW_MAX_SIDE): { previewer: Previewer; stop(): void } {
  const previewer = createPreviewer({
    async renderAsync(target: PreviewTarget, signal) {
      const { edit: e, engine } = store.get(), edit = e!;
      const { sequence } = target;
      const r = await request({
        type: 'preview', key: target.key, sourceKey: target.sourceKey, frame: target.frame, maxSide,
        // A copy of the frames: the sequence stays in the store (Apply reuses it).
        prepare: { images: sequence.images.slice(), frames: sequence.frames, bytes: edit.bytes, mime: edit.mime, mapping: edit.projection!.mapping, pixelRange: [-1, 1], strokes: target.strokes, ...transferCodes(edit, engine.pack?.latent.codes ?? []), backdrops: sequence.backdrops ?? null },
      }, { signal });
      return r.image;
    },
    onImage: (target, image) => {
      if (previewTarget(store.get().edit)?.key === target.key) store.dispatch({ type: 'preview', key: target.key, frame: target.frame, image });
    },
    onError: (target, error) => {
      console.warn('Manifold: the preview could not be made', error);
      store.dispatch({ type: 'preview-failed', key: target.key, message: friendlyError('preview', error) });
    },
  });
  let last: string | null = null;
  const unsubscribe = store.subscribe((s) => {
    const target = previewTarget(s.edit);
    const id = target ? `${target.key}@${target.frame}` : null;
    if (id === last) return;
    last = id;
    previewer.show(target);
  });
  return { previewer, stop: unsubscribe };
}
