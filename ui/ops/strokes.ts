/** Strokes: a new one, undo and redo; each sends the edit's strokes to the engine again. */
import type { PanelStroke } from '../state/panel-state';
import { currentCandidate } from '../state/selectors';
import { rgbaToPlanar } from '../worker/planar';
import type { EditIntentContext } from './edit-intents';

type StrokeContext = Pick<EditIntentContext, 'store' | 'edits' | 'playback'>;

export function addStroke(ctx: StrokeContext, stroke: PanelStroke): void {
  ctx.store.dispatch({ type: 'stroke', stroke: withWarpSource(ctx, stroke) });
  ctx.playback.stop();
  ctx.edits.sendStrokes();
}

export function undoStroke(ctx: StrokeContext): void {
  if (!ctx.store.get().edit?.strokes.length) return;
  ctx.store.dispatch({ type: 'undo-stroke' });
  ctx.edits.sendStrokes();
}

export function redoStroke(ctx: StrokeContext): void {
  if (!ctx.store.get().edit?.redo.length) return;
  ctx.store.dispatch({ type: 'redo-stroke' });
  ctx.edits.sendStrokes();
}

/** The warp grabs its patch from what the canvas shows now, so it stays put while candidates change. */
function withWarpSource(ctx: Pick<StrokeContext, 'store'>, stroke: PanelStroke): PanelStroke {
  if (stroke.kind !== 'warp' || stroke.source) return stroke;
  const s = ctx.store.get();
  const edit = s.edit;
  const R = s.engine.pack?.resolution ?? 64;
  const k = currentCandidate(edit);
  const n = R * R * 4;
  const image = k !== null && edit?.candidates ? edit.candidates.images.subarray(k * n, (k + 1) * n) : edit?.projection?.image;
  return image ? { ...stroke, source: rgbaToPlanar(image, R) } : stroke;
}
