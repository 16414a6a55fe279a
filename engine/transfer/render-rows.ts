/**
 * The full-resolution pass: for each output pixel y,
 *
 *   out(y) = C(y)·[original(y + W(y)); 1],   alpha(y) = alpha_original(y + W(y))
 *
 * with W and C bilinear from the mid grid (full-res-field.ts). The original is sampled bilinearly
 * with premultiplied weights (transparent neighbours do not darken the colour), clamped at its
 * border; alpha is warped like colour but not colour-transformed. Rows [y0, y1) at a time so the
 * caller can report progress and cancel between chunks. Tight loop: no allocation per row or pixel.
 */
import type { MidGrid } from './full-res-field.js';
import type { RgbaImage } from './types.js';

const CH = 14;

/** Per-render scratch, allocated once. */
export interface RowRenderer {
  src: Uint8ClampedArray;
  /** The same bytes as whole pixels (little-endian RGBA words) when they are 4-byte aligned, else a copy. */
  src32: Uint32Array;
  W: number;
  H: number;
  grid: MidGrid;
  /** mid planes interleaved per row: [h][w][14] */
  mid: Float32Array;
  /**
   * Runs of output columns over which the mid-grid interpolation is linear in x: run k covers
   * [runX[k], runX[k+1]), uses mid column runCol[k] (×14), fraction runF[k] at its first pixel,
   * growing by runDf[k] a pixel (0 in the clamped margins).
   */
  runX: Int32Array;
  runCol: Int32Array;
  runF: Float32Array;
  runDf: Float32Array;
  runs: number;
  row: Float32Array;
  rowDelta: Float32Array;
  /** [h·w] 1 where the mid-grid field is exactly the identity (outside an edit region): pixels there are copied. */
  still: Uint8Array;
}

const IDENTITY = [0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0];

export function rowRenderer(original: RgbaImage, grid: MidGrid, planes: Float32Array): RowRenderer {
  const W = original.width, H = original.height, { w, h, step } = grid, n = w * h;
  const d = original.data;
  const src = d instanceof Uint8ClampedArray ? d : new Uint8ClampedArray(d.buffer, d.byteOffset, d.length);
  const mid = new Float32Array(CH * n);
  for (let q = 0; q < n; q++) for (let c = 0; c < CH; c++) mid[q * CH + c] = planes[c * n + q];
  const still = new Uint8Array(n);
  for (let q = 0; q < n; q++) {
    let same = 1;
    for (let c = 0; c < CH && same; c++) if (mid[q * CH + c] !== IDENTITY[c]) same = 0;
    still[q] = same;
  }
  const runX: number[] = [], runCol: number[] = [], runF: number[] = [], runDf: number[] = [];
  let prevKey = '';
  for (let x = 0; x < W; x++) {
    const m = (x + 0.5) / step - 0.5;
    const clampedM = m < 0 ? 0 : m > w - 1 ? w - 1 : m;
    const i = Math.min(Math.floor(clampedM), Math.max(w - 2, 0));
    const zone = m < 0 ? 'L' : m > w - 1 ? 'R' : 'I';
    const key = `${zone}${i}`;
    if (key !== prevKey) {
      runX.push(x);
      runCol.push(i * CH);
      runF.push(w > 1 ? clampedM - i : 0);
      runDf.push(zone === 'I' && w > 1 ? 1 / step : 0);
      prevKey = key;
    }
  }
  const runs = runX.length;
  runX.push(W);
  return {
    src, src32: words(src), W, H, grid, mid, runs,
    runX: Int32Array.from(runX), runCol: Int32Array.from(runCol), runF: Float32Array.from(runF), runDf: Float32Array.from(runDf),
    row: new Float32Array(w * CH), rowDelta: new Float32Array(w * CH), still,
  };
}

export function renderRows(rr: RowRenderer, out: Uint8ClampedArray, y0: number, y1: number): void {
  const { src, src32, W, H, grid, mid, runX, runCol, runF, runDf, runs, row, rowDelta, still } = rr;
  const { w, h, step } = grid;
  const Wm1 = W - 1, Hm1 = H - 1, W4 = W * 4;
  if (out.byteOffset % 4 !== 0) throw new RangeError('renderRows: out must be 4-byte aligned');
  const out32 = new Uint32Array(out.buffer, out.byteOffset, out.length >> 2);
  for (let y = y0; y < y1; y++) {
    // vertical interpolation of the mid grid for this row, and per-column differences
    let m = (y + 0.5) / step - 0.5;
    m = m < 0 ? 0 : m > h - 1 ? h - 1 : m;
    const j = Math.min(Math.floor(m), Math.max(h - 2, 0)), fy = h > 1 ? m - j : 0;
    const r0 = j * w * CH, r1 = (h > 1 ? j + 1 : j) * w * CH;
    for (let k = 0; k < w * CH; k++) row[k] = mid[r0 + k] + fy * (mid[r1 + k] - mid[r0 + k]);
    for (let k = 0; k < (w - 1) * CH; k++) rowDelta[k] = row[k + CH] - row[k];
    rowDelta.fill(0, (w - 1) * CH);

    const s0 = j * w, s1 = (h > 1 ? j + 1 : j) * w;
    let p = y * W4;
    for (let k = 0; k < runs; k++) {
      // the 14 field values at the run's first pixel, and their change per pixel
      const c = runCol[k], f = runF[k], df = runDf[k];
      const i0 = c / CH, i1 = i0 + 1 < w ? i0 + 1 : i0;
      if (still[s0 + i0] & still[s0 + i1] & still[s1 + i0] & still[s1 + i1]) {
        // no change under this run (outside the edit region): the original, byte for byte
        const e = y * W4 + runX[k + 1] * 4;
        out.set(src.subarray(p, e), p);
        p = e;
        continue;
      }
      let u = row[c] + f * rowDelta[c], v = row[c + 1] + f * rowDelta[c + 1];
      let a0 = row[c + 2] + f * rowDelta[c + 2], a1 = row[c + 3] + f * rowDelta[c + 3];
      let a2 = row[c + 4] + f * rowDelta[c + 4], a3 = row[c + 5] + f * rowDelta[c + 5];
      let b0 = row[c + 6] + f * rowDelta[c + 6], b1 = row[c + 7] + f * rowDelta[c + 7];
      let b2 = row[c + 8] + f * rowDelta[c + 8], b3 = row[c + 9] + f * rowDelta[c + 9];
      let c0 = row[c + 10] + f * rowDelta[c + 10], c1 = row[c + 11] + f * rowDelta[c + 11];
      let c2 = row[c + 12] + f * rowDelta[c + 12], c3 = row[c + 13] + f * rowDelta[c + 13];
      const du = df * rowDelta[c], dv = df * rowDelta[c + 1];
      const da0 = df * rowDelta[c + 2], da1 = df * rowDelta[c + 3], da2 = df * rowDelta[c + 4], da3 = df * rowDelta[c + 5];
      const db0 = df * rowDelta[c + 6], db1 = df * rowDelta[c + 7], db2 = df * rowDelta[c + 8], db3 = df * rowDelta[c + 9];
      const dc0 = df * rowDelta[c + 10], dc1 = df * rowDelta[c + 11], dc2 = df * rowDelta[c + 12], dc3 = df * rowDelta[c + 13];
      const xEnd = runX[k + 1];
      for (let x = runX[k], q = p >> 2; x < xEnd; x++, q++) {
        // where this pixel comes from in the original (index coordinates), clamped
        let sx = x + u, sy = y + v;
        sx = sx < 0 ? 0 : sx > Wm1 ? Wm1 : sx;
        sy = sy < 0 ? 0 : sy > Hm1 ? Hm1 : sy;
        const ix = sx | 0, iy = sy | 0;
        const ax = sx - ix, ay = sy - iy;
        // whole pixels as 32-bit words (little-endian RGBA): 4 loads instead of 16
        const o00 = iy * W + ix;
        const o01 = ix < Wm1 ? o00 + 1 : o00, o10 = iy < Hm1 ? o00 + W : o00, o11 = o10 + (o01 - o00);
        const p00 = src32[o00], p01 = src32[o01], p10 = src32[o10], p11 = src32[o11];
        let w00 = (1 - ax) * (1 - ay), w01 = ax * (1 - ay), w10 = (1 - ax) * ay, w11 = ax * ay;
        const t00 = p00 >>> 24, t01 = p01 >>> 24, t10 = p10 >>> 24, t11 = p11 >>> 24;
        let alpha = 255;
        if ((t00 & t01 & t10 & t11) !== 255) {
          // some transparency: weights premultiplied by alpha, so clear pixels lend no colour
          w00 *= t00; w01 *= t01; w10 *= t10; w11 *= t11;
          alpha = w00 + w01 + w10 + w11;
          const ia = alpha > 0 ? 1 / alpha : 0;
          w00 *= ia; w01 *= ia; w10 *= ia; w11 *= ia;
        }
        if (alpha > 0) {
          const r = w00 * (p00 & 255) + w01 * (p01 & 255) + w10 * (p10 & 255) + w11 * (p11 & 255);
          const g = w00 * ((p00 >>> 8) & 255) + w01 * ((p01 >>> 8) & 255) + w10 * ((p10 >>> 8) & 255) + w11 * ((p11 >>> 8) & 255);
          const b = w00 * ((p00 >>> 16) & 255) + w01 * ((p01 >>> 16) & 255) + w10 * ((p10 >>> 16) & 255) + w11 * ((p11 >>> 16) & 255);
          // colour model (bias column already in 0–255), rounded and clamped, stored as one word
          let cr = (a0 * r + a1 * g + a2 * b + a3 + 0.5) | 0, cg = (b0 * r + b1 * g + b2 * b + b3 + 0.5) | 0;
          let cb = (c0 * r + c1 * g + c2 * b + c3 + 0.5) | 0;
          cr = cr < 0 ? 0 : cr > 255 ? 255 : cr; cg = cg < 0 ? 0 : cg > 255 ? 255 : cg; cb = cb < 0 ? 0 : cb > 255 ? 255 : cb;
          out32[q] = (cr | (cg << 8) | (cb << 16) | (((alpha + 0.5) | 0) << 24)) >>> 0;
        } else {
          out32[q] = 0;
        }
        u += du; v += dv;
        a0 += da0; a1 += da1; a2 += da2; a3 += da3;
        b0 += db0; b1 += db1; b2 += db2; b3 += db3;
        c0 += dc0; c1 += dc1; c2 += dc2; c3 += dc3;
      }
      p = y * W4 + xEnd * 4;
    }
  }
}

/** RGBA bytes as 32-bit words (a view when aligned; the platforms we run on are little-endian). */
function words(src: Uint8ClampedArray): Uint32Array {
  if (src.byteOffset % 4 === 0) return new Uint32Array(src.buffer, src.byteOffset, src.length >> 2);
  return new Uint32Array(Uint8ClampedArray.from(src).buffer);
}
