/** Synchronous one-shot render of a ChangeField onto the original (no progress, no cancel). */
import { checkMapping, type FrameMapping } from './frame-mapping.js';
import { DEFAULT_FULL_RES_OPTIONS, midField, midGrid, type FullResOptions } from './full-res-field.js';
import { renderRows, rowRenderer } from './render-rows.js';
import type { ChangeField, RgbaImage } from './types.js';

export function renderChange(original: RgbaImage, change: ChangeField, mapping: FrameMapping, options: Partial<FullResOptions> = {}): RgbaImage {
  checkMapping(mapping);
  if (change.size !== mapping.resolution) throw new RangeError(`renderChange: change.size ${change.size} ≠ mapping.resolution ${mapping.resolution}`);
  const o = { ...DEFAULT_FULL_RES_OPTIONS, ...options };
  const grid = midGrid(original, mapping, o);
  const rr = rowRenderer(original, grid, midField(change, mapping, grid, o.outside));
  const out = new Uint8ClampedArray(original.width * original.height * 4);
  renderRows(rr, out, 0, original.height);
  return { width: original.width, height: original.height, data: out };
}
