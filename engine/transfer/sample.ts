/** Bilinear and bicubic sampling, gradients and 2× pyramids on planar float images (index coordinates: pixel centre = index). */

/** Bilinear sample of one plane at index coordinates (x, y), clamped to the border. */
export function sampleClamped(p: Float32Array, w: number, h: number, x: number, y: number): number {
  x = x < 0 ? 0 : x > w - 1 ? w - 1 : x;
  y = y < 0 ? 0 : y > h - 1 ? h - 1 : y;
  let x0 = x | 0, y0 = y | 0;
  if (x0 > w - 2) x0 = w - 2 < 0 ? 0 : w - 2;
  if (y0 > h - 2) y0 = h - 2 < 0 ? 0 : h - 2;
  const fx = x - x0, fy = y - y0;
  const x1 = x0 + 1 < w ? x0 + 1 : x0, y1 = y0 + 1 < h ? y0 + 1 : y0;
  const a = p[y0 * w + x0], b = p[y0 * w + x1], c = p[y1 * w + x0], d = p[y1 * w + x1];
  return (a + (b - a) * fx) * (1 - fy) + (c + (d - c) * fx) * fy;
}

/** Catmull-Rom weights (bicubic, a = −0.5) of the four taps around a sample `f` past the second. */
export function cubicWeights(f: number, w: Float64Array): void {
  const f2 = f * f, f3 = f2 * f;
  w[0] = (-f3 + 2 * f2 - f) / 2; w[1] = (3 * f3 - 5 * f2 + 2) / 2; w[2] = (-3 * f3 + 4 * f2 + f) / 2; w[3] = (f3 - f2) / 2;
}

/**
 * out[c](x) = src[c](x + flow(x)) for `channels` planes, bilinear, clamped. Returns in `inside`
 * (when given) 1 where the sample point lies inside the image, else 0.
 */
export function warpPlanes(
  src: Float32Array, channels: number, w: number, h: number, fx: Float32Array, fy: Float32Array,
  out: Float32Array, inside?: Float32Array,
): void {
  const n = w * h;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      let sx = x + fx[i], sy = y + fy[i];
      if (inside) inside[i] = sx >= -0.01 && sx <= w - 0.99 && sy >= -0.01 && sy <= h - 0.99 ? 1 : 0;
      sx = sx < 0 ? 0 : sx > w - 1 ? w - 1 : sx;
      sy = sy < 0 ? 0 : sy > h - 1 ? h - 1 : sy;
      let x0 = sx | 0, y0 = sy | 0;
      if (x0 > w - 2) x0 = w - 2 < 0 ? 0 : w - 2;
      if (y0 > h - 2) y0 = h - 2 < 0 ? 0 : h - 2;
      const ax = sx - x0, ay = sy - y0;
      const i00 = y0 * w + x0, i01 = x0 + 1 < w ? i00 + 1 : i00, i10 = y0 + 1 < h ? i00 + w : i00, i11 = i10 + (i01 - i00);
      const w00 = (1 - ax) * (1 - ay), w01 = ax * (1 - ay), w10 = (1 - ax) * ay, w11 = ax * ay;
      for (let c = 0, o = 0; c < channels; c++, o += n) {
        out[o + i] = w00 * src[o + i00] + w01 * src[o + i01] + w10 * src[o + i10] + w11 * src[o + i11];
      }
    }
  }
}

/** Derivatives along x and y with the 5-point stencil (−1, 8, 0, −8, 1)/12, clamped indices. */
export function gradients(src: Float32Array, channels: number, w: number, h: number, gx: Float32Array, gy: Float32Array): void {
  const n = w * h;
  for (let c = 0; c < channels; c++) {
    const o = c * n;
    for (let y = 0; y < h; y++) {
      const ym2 = Math.max(y - 2, 0) * w, ym1 = Math.max(y - 1, 0) * w;
      const yp1 = Math.min(y + 1, h - 1) * w, yp2 = Math.min(y + 2, h - 1) * w;
      for (let x = 0; x < w; x++) {
        const xm2 = Math.max(x - 2, 0), xm1 = Math.max(x - 1, 0), xp1 = Math.min(x + 1, w - 1), xp2 = Math.min(x + 2, w - 1);
        const row = o + y * w;
        gx[row + x] = (src[row + xm2] - 8 * src[row + xm1] + 8 * src[row + xp1] - src[row + xp2]) / 12;
        gy[row + x] = (src[o + ym2 + x] - 8 * src[o + ym1 + x] + 8 * src[o + yp1 + x] - src[o + yp2 + x]) / 12;
      }
    }
  }
}

/** Halves a planar image with a 2×2 mean (odd sizes: the last row/column is repeated). */
export function downsample2(src: Float32Array, channels: number, w: number, h: number): { data: Float32Array; w: number; h: number } {
  const W = Math.ceil(w / 2), H = Math.ceil(h / 2);
  const out = new Float32Array(channels * W * H);
  for (let c = 0; c < channels; c++) {
    const o = c * w * h, O = c * W * H;
    for (let y = 0; y < H; y++) {
      const r0 = o + 2 * y * w, r1 = o + Math.min(2 * y + 1, h - 1) * w;
      for (let x = 0; x < W; x++) {
        const x0 = 2 * x, x1 = Math.min(2 * x + 1, w - 1);
        out[O + y * W + x] = 0.25 * (src[r0 + x0] + src[r0 + x1] + src[r1 + x0] + src[r1 + x1]);
      }
    }
  }
  return { data: out, w: W, h: H };
}

/**
 * Resamples planes from (w, h) to (W, H) bilinearly, mapping pixel centres exactly
 * (x_src = (x + 0.5)·w/W − 0.5), each plane multiplied by `gain[c]` (e.g. to rescale a flow).
 */
export function resizePlanes(
  src: Float32Array, channels: number, w: number, h: number, W: number, H: number, gain?: readonly number[],
): Float32Array {
  const out = new Float32Array(channels * W * H);
  const kx = w / W, ky = h / H;
  for (let c = 0; c < channels; c++) {
    const plane = src.subarray(c * w * h, (c + 1) * w * h), g = gain ? gain[c] : 1, O = c * W * H;
    for (let y = 0; y < H; y++) {
      const sy = (y + 0.5) * ky - 0.5;
      for (let x = 0; x < W; x++) out[O + y * W + x] = g * sampleClamped(plane, w, h, (x + 0.5) * kx - 0.5, sy);
    }
  }
  return out;
}
