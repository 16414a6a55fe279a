/**
 * Mean over the (2r+1)² window around each pixel, clipped to the image (divides by the number of
 * pixels inside the image, so borders are not darkened). Separable running sums: O(1) per pixel
 * whatever r. `tmp` is scratch of the same size; `out` may not alias `src`.
 */
export function boxMean(
  src: Float32Array, w: number, h: number, r: number, out: Float32Array, tmp: Float32Array, acc: Float64Array,
): Float32Array {
  // rows: running sum along x; the interior (full window, add and drop) has no branches or division
  const inv = 1 / (2 * r + 1), a = Math.min(r, w), b = Math.max(a, w - r - 1);
  for (let y = 0; y < h; y++) {
    const o = y * w;
    let s = 0;
    const hi0 = Math.min(r, w - 1);
    for (let x = 0; x <= hi0; x++) s += src[o + x];
    for (let x = 0; x < a; x++) s = borderStep(src, tmp, o, x, r, w, s);
    for (let x = a, i = o + a; x < b; x++, i++) {
      tmp[i] = s * inv;
      s += src[i + r + 1] - src[i - r];
    }
    for (let x = b; x < w; x++) s = borderStep(src, tmp, o, x, r, w, s);
  }
  // columns: a running sum of whole rows (row-major access, cache friendly)
  acc.fill(0, 0, w);
  const hi0 = Math.min(r, h - 1);
  for (let y = 0; y <= hi0; y++) {
    const o = y * w;
    for (let x = 0; x < w; x++) acc[x] += tmp[o + x];
  }
  for (let y = 0; y < h; y++) {
    const lo = y - r, hi = y + r;
    const inv = 1 / ((hi < h ? hi : h - 1) - (lo > 0 ? lo : 0) + 1);
    const o = y * w;
    if (hi + 1 < h && lo >= 0) {
      // the interior: emit, add the entering row and drop the leaving one in one pass
      const a = (hi + 1) * w, d = lo * w;
      for (let x = 0; x < w; x++) {
        const v = acc[x];
        out[o + x] = v * inv;
        acc[x] = v + tmp[a + x] - tmp[d + x];
      }
      continue;
    }
    for (let x = 0; x < w; x++) out[o + x] = acc[x] * inv;
    if (hi + 1 < h) {
      const a = (hi + 1) * w;
      for (let x = 0; x < w; x++) acc[x] += tmp[a + x];
    }
    if (lo >= 0) {
      const a = lo * w;
      for (let x = 0; x < w; x++) acc[x] -= tmp[a + x];
    }
  }
  return out;
}

/** One pixel of the row pass near a border (clipped window): writes the mean, returns the next running sum. */
function borderStep(src: Float32Array, tmp: Float32Array, o: number, x: number, r: number, w: number, s: number): number {
  const lo = x - r, hi = x + r;
  tmp[o + x] = s / ((hi < w ? hi : w - 1) - (lo > 0 ? lo : 0) + 1);
  if (hi + 1 < w) s += src[o + hi + 1];
  if (lo >= 0) s -= src[o + lo];
  return s;
}

/** Scratch buffers for boxMean on w×h images. */
export interface BoxScratch { tmp: Float32Array; acc: Float64Array }
export function boxScratch(w: number, h: number): BoxScratch {
  return { tmp: new Float32Array(w * h), acc: new Float64Array(w) };
}
