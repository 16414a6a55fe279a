/**
 * The two baselines every edit is scored against in the same run: the untouched layer (doing
 * nothing), and G(z1) pasted into the layer: the generated frame upscaled to the layer's size
 * (bicubic, through the projection's FrameMapping), keeping the layer's alpha.
 */
import type { FrameMapping, RgbaImage } from '../../engine/transfer/index.js';

/** Catmull-Rom weights (bicubic, a = −0.5). */
function cubic(t: number): [number, number, number, number] {
  const t2 = t * t, t3 = t2 * t;
  return [-0.5 * t3 + t2 - 0.5 * t, 1.5 * t3 - 2.5 * t2 + 1, -1.5 * t3 + 2 * t2 + 0.5 * t, 0.5 * t3 - 0.5 * t2];
}

/** frame: planar [3, R, R] in `range`; returns the layer with its colours replaced by bicubic G(z1). */
export function pasteGenerated(frame: Float32Array, range: readonly [number, number], original: RgbaImage, m: FrameMapping): RgbaImage {
  const R = m.resolution, N = R * R, { width: W, height: H } = original;
  const out = new Uint8ClampedArray(W * H * 4), k = 255 / (range[1] - range[0]);
  for (let y = 0; y < H; y++) {
    const fy = (y + 0.5) * m.scale + m.offsetY - 0.5, iy = Math.floor(fy), wy = cubic(fy - iy);
    for (let x = 0; x < W; x++) {
      const fx = (x + 0.5) * m.scale + m.offsetX - 0.5, ix = Math.floor(fx), wx = cubic(fx - ix);
      const p = (y * W + x) * 4;
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let j = 0; j < 4; j++) {
          const v = Math.min(R - 1, Math.max(0, iy - 1 + j));
          let row = 0;
          for (let i = 0; i < 4; i++) row += wx[i]! * frame[c * N + v * R + Math.min(R - 1, Math.max(0, ix - 1 + i))]!;
          s += wy[j]! * row;
        }
        out[p + c] = Math.round((s - range[0]) * k);
      }
      out[p + 3] = original.data[p + 3]!;
    }
  }
  return { width: W, height: H, data: out };
}
