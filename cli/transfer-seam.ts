/**
 * The seam to the edit transfer (engine/transfer, issue 5): carries the change between the
 * interpolation frames G(z0) … G(z) onto the original image at full resolution. The CLI calls only
 * this function, so a change of the transfer API touches this file alone. The strokes are passed as
 * the panel's worker passes them (strokePaint); `whole` carries every pixel's change (--whole-layer);
 * `codes`: whether a code that changes shapes moved, the colours the moved colour codes name and
 * G(z) over two backdrops (TransferInput `reshaped`, `colours`, `backdrops`).
 */
import type { FrameMapping, RgbaImage } from '../engine/image/frame.js';
import type { Stroke } from '../engine/brushes/strokes.js';
import type { TransferInput } from '../engine/transfer/index.js';

export async function transferToOriginalAsync(
  frames: Float32Array[], original: RgbaImage, mapping: FrameMapping, pixelRange: [number, number],
  onProgress?: (fraction: number) => void, strokes: readonly Stroke[] = [], whole = false,
  codes: { reshaped: boolean; colours: number[][]; coloursBefore?: number[][]; colourStroke?: boolean; backdrops?: TransferInput['backdrops'] } = { reshaped: false, colours: [] },
): Promise<RgbaImage> {
  const t = await import('../engine/transfer/index.js');
  const paint = t.strokePaint(strokes, mapping.resolution);
  const r = await t.transferEditAsync(
    { frames, original, mapping, ...paint, ...codes, ...(whole ? { painted: null, whole: 'all' as const } : {}) },
    { pixelRange, onProgress: (p) => onProgress?.(p.fraction) },
  );
  return r.final;
}
