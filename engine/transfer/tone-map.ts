/**
 * Which of the layer's flat tones each pixel is (snap-tones.ts layerTones): the map the stages that
 * work on the rendered edit at full size (leftover-fragments.ts, missed-shapes.ts) label pixels by.
 */

/** A pixel that is (nearly) clear… */
export const CLEAR = -2;
/** …or of no tone: a blend, an antialiased edge, half-transparent, or outside the box looked at. */
export const NONE = -1;

/** Pixels [x0, x1) × [y0, y1) of a W-wide image. */
export interface Box { x0: number; y0: number; x1: number; y1: number }

/**
 * Each pixel's tone (the nearest within `near`, 0–255 RGB, opaque), CLEAR (alpha < 8) or NONE, for
 * the pixels of `box` (the whole W×H image by default; NONE outside it). d: straight RGBA.
 */
export function toneMap(d: ArrayLike<number>, W: number, H: number, tones: readonly (readonly number[])[], near: number, box: Box = { x0: 0, y0: 0, x1: W, y1: H }): Int16Array {
  const out = new Int16Array(W * H).fill(NONE), cache = new Map<number, number>(), nn = near * near;
  for (let y = box.y0; y < box.y1; y++) for (let x = box.x0; x < box.x1; x++) {
    const p = y * W + x, i = 4 * p, a = d[i + 3]!;
    if (a < 8) { out[p] = CLEAR; continue; }
    if (a < 250) continue;
    const key = d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16);
    let k = cache.get(key);
    if (k === undefined) {
      k = NONE;
      let bd = nn;
      tones.forEach((t, j) => { const e = (d[i]! - t[0]!) ** 2 + (d[i + 1]! - t[1]!) ** 2 + (d[i + 2]! - t[2]!) ** 2; if (e <= bd) { bd = e; k = j; } });
      cache.set(key, k);
    }
    out[p] = k;
  }
  return out;
}
