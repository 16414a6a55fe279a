import type { TransferInput } from '../../engine/transfer';
import type { Backdrops } from './protocol';

/** A request's backdrops as the transfer takes them (null when absent); throws on a wrong size. */
export function backdropFrames(b: Backdrops | null | undefined, R: number, pixelRange: readonly [number, number]): TransferInput['backdrops'] {
  if (!b) return null;
  const n = R * R * 4;
  if (b.images?.length !== 2 * n || b.colours?.length !== 2) throw new Error(`transfer: expected 2 backdrops of ${R}×${R} RGBA, got ${b.images?.length} bytes`);
  return { frames: [rgbaToPlanar(b.images.subarray(0, n), R, pixelRange), rgbaToPlanar(b.images.subarray(n), R, pixelRange)], colours: b.colours };
}

/** RGBA bytes (R×R) → planar [3, R, R] floats in the pack's pixel range (the inverse of planarToRgba). */
export function rgbaToPlanar(rgba: Uint8Array | Uint8ClampedArray, R: number, pixelRange: readonly [number, number] = [-1, 1]): Float32Array {
  const out = new Float32Array(3 * R * R);
  const [lo, hi] = pixelRange;
  const k = (hi - lo) / 255;
  for (let p = 0; p < R * R; p++) {
    out[p] = lo + k * rgba[p * 4]!;
    out[R * R + p] = lo + k * rgba[p * 4 + 1]!;
    out[2 * R * R + p] = lo + k * rgba[p * 4 + 2]!;
  }
  return out;
}
