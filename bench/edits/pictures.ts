/** The picture row of an edit kind: layer · ground truth · our result · G(z1) bicubic, small, side by side (transparency over a checkerboard). */
import { encode } from 'fast-png';
import type { RgbaImage } from '../../engine/transfer/index.js';

/** Box-downscale by an integer factor, composited over a checkerboard. */
export function thumb(img: RgbaImage, f: number): RgbaImage {
  const w = Math.floor(img.width / f), h = Math.floor(img.height / f), out = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const s = [0, 0, 0];
    for (let v = 0; v < f; v++) for (let u = 0; u < f; u++) {
      const p = ((y * f + v) * img.width + x * f + u) * 4, a = img.data[p + 3]! / 255;
      const bg = ((x >> 3) + (y >> 3)) & 1 ? 204 : 255;
      for (let c = 0; c < 3; c++) s[c] += a * img.data[p + c]! + (1 - a) * bg;
    }
    for (let c = 0; c < 3; c++) out[(y * w + x) * 4 + c] = Math.round(s[c]! / (f * f));
    out[(y * w + x) * 4 + 3] = 255;
  }
  return { width: w, height: h, data: out };
}

export function pictureRow(images: RgbaImage[], factor = 3, gap = 6): Uint8Array {
  const t = images.map((i) => thumb(i, factor));
  const h = t[0]!.height, w = t.reduce((a, i) => a + i.width, 0) + gap * (t.length - 1);
  const data = new Uint8Array(w * h * 4).fill(255);
  let x0 = 0;
  for (const img of t) {
    for (let y = 0; y < img.height; y++) data.set(img.data.subarray(y * img.width * 4, (y + 1) * img.width * 4), (y * w + x0) * 4);
    x0 += img.width + gap;
  }
  return encode({ width: w, height: h, data, channels: 4 });
}

/** Images in rows of `perRow` (downscaled by `factor`, over a checkerboard), as one PNG. All the same size. */
export function pictureGrid(images: RgbaImage[], perRow: number, factor = 4, gap = 6): Uint8Array {
  const t = images.map((i) => thumb(i, factor));
  const tw = t[0]!.width, th = t[0]!.height, rows = Math.ceil(t.length / perRow);
  const w = perRow * tw + gap * (perRow - 1), h = rows * th + gap * (rows - 1);
  const data = new Uint8Array(w * h * 4).fill(255);
  t.forEach((img, i) => {
    const x0 = (i % perRow) * (tw + gap), y0 = Math.floor(i / perRow) * (th + gap);
    for (let y = 0; y < th; y++) data.set(img.data.subarray(y * tw * 4, (y + 1) * tw * 4), ((y0 + y) * w + x0) * 4);
  });
  return encode({ width: w, height: h, data, channels: 4 });
}
