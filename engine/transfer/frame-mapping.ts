/**
 * Where the original layer sits in the generator's R×R frame: an axis-aligned similarity,
 *
 *   frame = original · scale + offset      (continuous pixel coordinates)
 *
 * Structurally a subset of engine/image/frame.ts's FrameMapping, so the mapping the projection
 * used can be passed as is.
 */
export interface FrameMapping {
  /** Frame resolution R. */
  resolution: number;
  /** Frame pixels per original pixel. */
  scale: number;
  offsetX: number;
  offsetY: number;
}

export type Fit = 'letterbox' | 'crop';

/**
 * letterbox: the whole original fits in the frame (bands on the short axis);
 * crop: the frame is filled, centred, the long axis overflows. Same numbers as
 * engine/image/frame.ts's frameMapping.
 */
export function fitMapping(width: number, height: number, resolution: number, fit: Fit = 'letterbox'): FrameMapping {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new RangeError(`fitMapping: width and height must be positive integers, got ${width}×${height}`);
  }
  if (!(Number.isInteger(resolution) && resolution >= 8)) {
    throw new RangeError(`fitMapping: resolution must be an integer ≥ 8, got ${resolution}`);
  }
  const scale = fit === 'crop' ? resolution / Math.min(width, height) : resolution / Math.max(width, height);
  return { resolution, scale, offsetX: (resolution - width * scale) / 2, offsetY: (resolution - height * scale) / 2 };
}

export function checkMapping(m: FrameMapping): void {
  const ok = Number.isInteger(m.resolution) && m.resolution >= 8 && Number.isFinite(m.scale) && m.scale > 0 &&
    Number.isFinite(m.offsetX) && Number.isFinite(m.offsetY);
  if (!ok) {
    throw new RangeError(`mapping: need integer resolution ≥ 8, finite scale > 0 and finite offsets, got ${JSON.stringify(m)}`);
  }
}
