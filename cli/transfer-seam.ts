/**
 * The seam to the edit transfer (engine/transfer, issue 5): carries the change between the
 * interpolation frames G(z0) … G(z) onto the original image at full resolution. The CLI calls only
 * this function, so a change of the transfer API touches this file alone.
 */
import type { FrameMapping, RgbaImage } from '../engine/image/frame.js';

export async function transferToOriginalAsync(
  frames: Float32Array[], original: RgbaImage, mapping: FrameMapping, pixelRange: [number, number],
  onProgress?: (fraction: number) => void, painted: Float32Array | null = null, paintKind: 'recolour' | 'shape' = 'shape',
): Promise<RgbaImage> {
  const t = await import('../engine/transfer/index.js');
  const r = await t.transferEditAsync(
    { frames, original, mapping, painted, paintKind },
    { pixelRange, onProgress: (p) => onProgress?.(p.fraction) },
  );
  return r.final;
}
