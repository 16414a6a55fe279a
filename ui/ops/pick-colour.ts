/** The colour picker: the layer's pixel under a point of the canvas's frame becomes the brush colour. */
import { frameMapping } from '../../engine/image/frame';
import type { Rgb } from '../state/panel-state';
import type { Store } from '../state/store';

/** Null where the point is off the layer (the letterbox) or the layer is not decoded yet. */
export function pickColourAt(store: Store, fx: number, fy: number): Rgb | null {
  const s = store.get();
  const edit = s.edit;
  const px = edit?.pixels;
  const m = edit?.projection?.mapping ?? (edit ? frameMapping(edit.width, edit.height, s.engine.pack?.resolution ?? 64, 'letterbox') : null);
  if (!px || !m) return null;
  const x = Math.floor((fx - m.offsetX) / m.scale), y = Math.floor((fy - m.offsetY) / m.scale);
  if (x < 0 || y < 0 || x >= px.width || y >= px.height) return null;
  const o = (y * px.width + x) * 4;
  const colour: Rgb = [px.data[o], px.data[o + 1], px.data[o + 2]];
  store.dispatch({ type: 'color', color: colour });
  return colour;
}
