/**
 * An RGBA image made smaller by area averaging: each output pixel is the mean of the source
 * pixels it covers (fractional coverage at its borders), in premultiplied alpha so clear pixels
 * lend no colour. The preview renders from this (render-transfer.ts `outputSize`), and it is the
 * yardstick a preview is compared with: the applied layer brought to the preview's size.
 */
import type { RgbaImage } from './types.js';

/** `width`×`height` ≤ the source's size (a larger size is refused: this only shrinks). */
export function areaDownscale(src: RgbaImage, width: number, height: number): RgbaImage & { data: Uint8ClampedArray } {
  const { width: W, height: H, data } = src;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 1 && height >= 1 && width <= W && height <= H)) {
    throw new RangeError(`areaDownscale: the size must be 1…${W}×1…${H} (it only shrinks), got ${width}×${height}`);
  }
  if (width === W && height === H) return { width, height, data: new Uint8ClampedArray(data) };
  const xs = spans(W, width), ys = spans(H, height);
  // rows first: premultiplied sums over each output column's span, [H][width][4]
  const rows = new Float64Array(H * width * 4);
  for (let y = 0; y < H; y++) {
    for (let i = 0; i < width; i++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let k = xs.start[i]!; k < xs.start[i + 1]!; k++) {
        const w = xs.weight[k]!, p = (y * W + xs.index[k]!) * 4, al = data[p + 3]! * w;
        r += data[p]! * al; g += data[p + 1]! * al; b += data[p + 2]! * al; a += al;
      }
      const o = (y * width + i) * 4;
      rows[o] = r; rows[o + 1] = g; rows[o + 2] = b; rows[o + 3] = a;
    }
  }
  const out = new Uint8ClampedArray(width * height * 4);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      let r = 0, g = 0, b = 0, a = 0, area = 0;
      for (let k = ys.start[j]!; k < ys.start[j + 1]!; k++) {
        const w = ys.weight[k]!, o = (ys.index[k]! * width + i) * 4;
        r += rows[o]! * w; g += rows[o + 1]! * w; b += rows[o + 2]! * w; a += rows[o + 3]! * w;
      }
      for (let k = xs.start[i]!; k < xs.start[i + 1]!; k++) area += xs.weight[k]!;
      let total = 0;
      for (let k = ys.start[j]!; k < ys.start[j + 1]!; k++) total += ys.weight[k]!;
      area *= total;
      const q = (j * width + i) * 4;
      out[q + 3] = a / area + 0.5;
      if (a > 0) { out[q] = r / a + 0.5; out[q + 1] = g / a + 0.5; out[q + 2] = b / a + 0.5; }
    }
  }
  return { width, height, data: out };
}

/** The source pixels each of `n` output pixels covers along an axis of `N`, with their coverage (start: where pixel i's run begins in index/weight). */
export function spans(N: number, n: number): { start: Int32Array; index: Int32Array; weight: Float64Array } {
  const s = N / n, start = new Int32Array(n + 1), index: number[] = [], weight: number[] = [];
  for (let i = 0; i < n; i++) {
    start[i] = index.length;
    const a = i * s, b = (i + 1) * s;
    for (let k = Math.floor(a); k < Math.min(N, Math.ceil(b)); k++) {
      const w = Math.min(b, k + 1) - Math.max(a, k);
      if (w > 1e-9) { index.push(k); weight.push(w); }
    }
  }
  start[n] = index.length;
  return { start, index: Int32Array.from(index), weight: Float64Array.from(weight) };
}

/** The largest size within `maxSide` a side with the image's aspect (the image's own size when it already fits). */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  if (!(Number.isInteger(maxSide) && maxSide >= 1)) throw new RangeError(`fitWithin: maxSide must be a positive integer, got ${maxSide}`);
  const long = Math.max(width, height);
  if (long <= maxSide) return { width, height };
  const k = maxSide / long;
  return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)) };
}
