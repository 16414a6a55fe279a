import { describe, expect, it } from 'vitest';
import { boxMean } from '../../engine/transfer/box-mean.js';

describe('boxMean', () => {
  it('equals the brute-force clipped window mean for any size and radius (borders, tiny images, r ≥ size)', () => {
    for (const [w, h] of [[1, 1], [2, 3], [5, 4], [7, 7], [13, 9], [64, 64], [100, 37]] as const) {
      for (const r of [0, 1, 2, 3, 6, 10]) {
        const src = Float32Array.from({ length: w * h }, (_, i) => Math.sin(i * 1.3) + 2);
        const out = boxMean(src, w, h, r, new Float32Array(w * h), new Float32Array(w * h), new Float64Array(w));
        let worst = 0;
        for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
          let s = 0, n = 0;
          for (let v = Math.max(0, y - r); v <= Math.min(h - 1, y + r); v++) for (let u = Math.max(0, x - r); u <= Math.min(w - 1, x + r); u++) { s += src[v * w + u]!; n++; }
          worst = Math.max(worst, Math.abs(out[y * w + x]! - s / n));
        }
        expect(worst, `${w}×${h}, r = ${r}`).toBeLessThan(1e-5);
      }
    }
  });
});
