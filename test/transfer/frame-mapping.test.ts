import { describe, expect, it } from 'vitest';
import { frameMapping } from '../../engine/image/frame.js';
import { identityChange } from '../../engine/transfer/compose-change.js';
import { fitMapping, type FrameMapping } from '../../engine/transfer/frame-mapping.js';
import { renderChange } from '../../engine/transfer/render-change.js';
import type { RgbaImage } from '../../engine/transfer/types.js';

const R = 64;

/** Opaque original whose red channel is x and green channel is y (mod 256): positions are readable from colours. */
function ramp(W: number, H: number): RgbaImage {
  const data = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.set([x, y, 128, 255], (y * W + x) * 4);
  return { width: W, height: H, data };
}

describe('fitMapping', () => {
  it('gives the same numbers as the projection (engine/image frameMapping)', () => {
    for (const [w, h, fit] of [[300, 200, 'letterbox'], [300, 200, 'crop'], [123, 457, 'crop'], [64, 64, 'letterbox']] as const) {
      const a = fitMapping(w, h, R, fit), b = frameMapping(w, h, R, fit);
      expect(a.scale).toBeCloseTo(b.scale, 12);
      expect(a.offsetX).toBeCloseTo(b.offsetX, 12);
      expect(a.offsetY).toBeCloseTo(b.offsetY, 12);
    }
  });

  it('rejects a bad size, naming it', () => {
    expect(() => fitMapping(0, 10, R)).toThrow(/0×10/);
  });
});

describe('renderChange through a mapping', () => {
  // A field linear in frame coordinates, flow = (a·X + b, c·Y + d) frame px, is reproduced exactly by
  // bilinear resampling, so the displacement of every original pixel is known in closed form.
  function linearFlow(m: FrameMapping): ReturnType<typeof identityChange> {
    const f = identityChange(R);
    for (let j = 0; j < R; j++) {
      for (let i = 0; i < R; i++) {
        f.flowX[j * R + i] = 0.1 * (i + 0.5) - 3;
        f.flowY[j * R + i] = -0.08 * (j + 0.5) + 2.5;
      }
    }
    return f;
  }

  for (const [W, H, fit] of [[240, 150, 'letterbox'], [150, 240, 'letterbox'], [240, 150, 'crop'], [150, 240, 'crop']] as const) {
    it(`maps a ${fit} of ${W}×${H} back exactly`, () => {
      const m = fitMapping(W, H, R, fit);
      const img = ramp(W, H);
      const out = renderChange(img, linearFlow(m), m, { guideRadius: 0 });
      let worst = 0, biasX = 0, biasY = 0, cnt = 0;
      for (let y = 5; y < H - 5; y += 3) {
        for (let x = 5; x < W - 5; x += 3) {
          const X = m.scale * (x + 0.5) + m.offsetX, Y = m.scale * (y + 0.5) + m.offsetY; // frame coords of the pixel centre
          const inside = X >= 0.5 && X <= R - 0.5 && Y >= 0.5 && Y <= R - 0.5;
          const Xc = Math.min(Math.max(X, 0.5), R - 0.5), Yc = Math.min(Math.max(Y, 0.5), R - 0.5); // clamp outside
          const sx = x + (0.1 * Xc - 3) / m.scale, sy = y + (-0.08 * Yc + 2.5) / m.scale;
          if (sx < 0 || sx > W - 1 || sy < 0 || sy > H - 1) continue;
          const p = (y * W + x) * 4;
          worst = Math.max(worst, Math.abs(out.data[p]! - sx), Math.abs(out.data[p + 1]! - sy));
          if (X >= 1 && X <= R - 1 && Y >= 1 && Y <= R - 1) { // away from the clamp's kink
            biasX += out.data[p]! - sx;
            biasY += out.data[p + 1]! - sy;
            cnt++;
          }
          expect(inside || fit === 'crop').toBe(true);
        }
      }
      expect(cnt).toBeGreaterThan(300);
      expect(worst).toBeLessThanOrEqual(0.51); // rounding to bytes
      // no systematic offset (a half-frame-pixel slip would show as ≥ 0.11 px here)
      expect(Math.abs(biasX / cnt)).toBeLessThan(0.06);
      expect(Math.abs(biasY / cnt)).toBeLessThan(0.06);
    });
  }

  it("'identity' leaves a crop's overflow unchanged, 'clamp' extends the edge change", () => {
    const W = 256, H = 128, m = fitMapping(W, H, R, 'crop'); // frame covers x ∈ [64, 192)
    const f = identityChange(R);
    f.colour.fill(0.2, 3 * R * R, 4 * R * R); // red + 0.2 everywhere in the frame
    const img = ramp(W, H);
    for (let p = 0; p < W * H * 4; p += 4) img.data[p] = 100;
    const clamp = renderChange(img, f, m, { outside: 'clamp' }), ident = renderChange(img, f, m, { outside: 'identity' });
    const red = (o: RgbaImage, x: number): number => o.data[(64 * W + x) * 4]!;
    expect(red(clamp, 10)).toBeCloseTo(151, 0);
    expect(red(clamp, 128)).toBeCloseTo(151, 0);
    expect(red(ident, 10)).toBe(100);
    expect(red(ident, 245)).toBe(100);
    expect(red(ident, 128)).toBeCloseTo(151, 0);
  });
});
