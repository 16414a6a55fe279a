/** A layer with nothing visible: the panel checks (the main thread cannot decode). */
import type { Rgba } from '../worker/protocol';

/** Said when the selected layer has no visible pixel (the main thread cannot decode, so the panel checks). */
export const TRANSPARENT_MESSAGE = 'This layer is fully transparent: there is nothing to edit. Select a layer with visible pixels.';

/** Whether every pixel of an RGBA image has alpha 0 (or there are no pixels). */
export function isFullyTransparent(image: Rgba): boolean {
  const d = image.data;
  for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return false;
  return true;
}
