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
