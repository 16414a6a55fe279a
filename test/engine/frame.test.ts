import { describe, expect, it } from 'vitest';
import { frameMapping, frameToSource, sourceToFrame, toFrame, planarToRgba, contactSheet, type RgbaImage } from '../../engine/image/frame.js';

function solid(w: number, h: number, rgba: [number, number, number, number]): RgbaImage {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set(rgba, i * 4);
  return { width: w, height: h, data };
}

describe('frameMapping', () => {
  it('letterboxes a wide image: full width, centred bands', () => {
    const m = frameMapping(200, 100, 64, 'letterbox');
    expect(m.scale).toBeCloseTo(0.32);
    expect(m.offsetX).toBe(0);
    expect(m.offsetY).toBeCloseTo(16);
  });
  it('crops a tall image: full width, centred', () => {
    const m = frameMapping(100, 300, 64, 'crop');
    expect(m.scale).toBeCloseTo(0.64);
    expect(m.offsetX).toBeCloseTo(0);
    expect(m.offsetY).toBeCloseTo(-64);
  });
  it('round-trips points exactly', () => {
    for (const fit of ['letterbox', 'crop'] as const) {
      const m = frameMapping(333, 517, 64, fit);
      for (const [x, y] of [[0, 0], [333, 517], [12.25, 400.5]] as const) {
        const [u, v] = sourceToFrame(m, x, y);
        const [x2, y2] = frameToSource(m, u, v);
        expect(x2).toBeCloseTo(x, 10);
        expect(y2).toBeCloseTo(y, 10);
      }
    }
  });
  it('names the argument on a bad size', () => {
    expect(() => frameMapping(0, 5, 64)).toThrow('frame: image size must be positive integers, got 0×5');
  });
});

describe('toFrame', () => {
  it('letterbox bands have weight 0 and the background colour; the image area weight 1', () => {
    const f = toFrame(solid(128, 64, [255, 0, 0, 255]), 64, { background: [0, 0, 255] });
    const R = 64, N = R * R;
    // rows 0..15 band, 16..47 image, 48..63 band
    expect(f.mask[5 * R + 10]).toBe(0);
    expect(f.image[2 * N + 5 * R + 10]).toBeCloseTo(1); // blue band
    expect(f.mask[30 * R + 10]).toBeCloseTo(1);
    expect(f.image[30 * R + 10]).toBeCloseTo(1); // red
    expect(f.image[N + 30 * R + 10]).toBeCloseTo(-1);
    const total = f.mask.reduce((a, v) => a + v, 0);
    expect(total).toBeCloseTo(64 * 32, 3);
  });
  it('composites alpha over the background and weights by alpha', () => {
    const f = toFrame(solid(64, 64, [0, 0, 0, 128]), 64, { background: [255, 255, 255] });
    expect(f.mask[100]).toBeCloseTo(128 / 255, 5);
    expect(f.image[100]).toBeCloseTo(-1 + (2 * (255 * (1 - 128 / 255))) / 255, 5);
  });
  it('averages area exactly when downscaling (2×2 checker → grey)', () => {
    const img = solid(128, 128, [0, 0, 0, 255]);
    for (let y = 0; y < 128; y++) for (let x = 0; x < 128; x++) if ((x + y) % 2) img.data.set([255, 255, 255, 255], (y * 128 + x) * 4);
    const f = toFrame(img, 64);
    expect(f.image[33 * 64 + 17]).toBeCloseTo(0, 5);
  });
  it('crop fills the frame (mask 1 everywhere)', () => {
    const f = toFrame(solid(300, 100, [10, 20, 30, 255]), 64, { fit: 'crop' });
    expect(Math.min(...f.mask)).toBeCloseTo(1, 5);
  });
  it('planarToRgba inverts the pixel mapping', () => {
    const f = toFrame(solid(4, 4, [12, 200, 77, 255]), 8);
    const rgba = planarToRgba(f.image, 8);
    expect(Array.from(rgba.subarray(0, 4))).toEqual([12, 200, 77, 255]);
  });
  it('contactSheet tiles images with gaps', () => {
    const a = new Uint8ClampedArray(2 * 2 * 4).fill(0);
    const s = contactSheet([a, a, a], 2, 2, 1);
    expect([s.width, s.height]).toEqual([5, 5]);
  });
});
