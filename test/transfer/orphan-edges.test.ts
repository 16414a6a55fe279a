import { describe, expect, it } from 'vitest';
import { clearOrphanEdges } from '../../engine/transfer/orphan-edges.js';
import { prepareTransferAsync } from '../../engine/transfer/index.js';

// a 96² layer: skin, with shapes drawn antialiased (4×4 samples a pixel), as the renderer draws them
const W = 96, SKIN = [240, 196, 180], NOSE = [226, 160, 140], INK = [40, 20, 60];
type Shape = { colour: number[]; inside: (x: number, y: number) => boolean };

function draw(shapes: Shape[], clearOutside?: (x: number, y: number) => boolean): Uint8ClampedArray {
  const d = new Uint8ClampedArray(4 * W * W);
  for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) {
    const acc = [0, 0, 0];
    let a = 0;
    for (let sy = 0; sy < 4; sy++) for (let sx = 0; sx < 4; sx++) {
      const u = x + (sx + 0.5) / 4, v = y + (sy + 0.5) / 4;
      if (clearOutside?.(u, v)) continue;
      let c = SKIN;
      for (const s of shapes) if (s.inside(u, v)) c = s.colour;
      for (let k = 0; k < 3; k++) acc[k] += c[k]!;
      a++;
    }
    const i = 4 * (y * W + x);
    for (let k = 0; k < 3; k++) d[i + k] = a ? Math.round(acc[k]! / a) : 0;
    d[i + 3] = Math.round((255 * a) / 16);
  }
  return d;
}
const disc = (cx: number, cy: number, r: number, colour: number[]): Shape => ({ colour, inside: (x, y) => Math.hypot(x - cx, y - cy) < r });
const line = (x0: number, x1: number, colour: number[]): Shape => ({ colour, inside: (x, y) => x >= x0 && x < x1 && y >= 20 && y < 76 });
const isSkin = (d: Uint8ClampedArray, p: number): boolean => d[4 * p] === SKIN[0] && d[4 * p + 1] === SKIN[1] && d[4 * p + 2] === SKIN[2];
const notSkin = (d: Uint8ClampedArray): number => { let n = 0; for (let p = 0; p < W * W; p++) if (!isSkin(d, p)) n++; return n; };
const offSkin = (d: Uint8ClampedArray): number => { let n = 0; for (let p = 0; p < W * W; p++) if ([0, 1, 2].some((c) => Math.abs(d[4 * p + c]! - SKIN[c]!) > 3)) n++; return n; };

describe('outlines left without their shape (orphan-edges.ts)', () => {
  const before = draw([disc(48, 48, 14.3, NOSE)]);

  it('gives a removed shape\'s leftover antialiased ring the colour round it', () => {
    // the edit filled the nose with the skin, but its edge pixels (blends, moved a level by the flow) stayed
    const out = before.slice();
    for (let p = 0; p < W * W; p++) {
      if (isSkin(out, p)) continue;
      const i = 4 * p, full = out[i] === NOSE[0] && out[i + 1] === NOSE[1] && out[i + 2] === NOSE[2];
      if (full) for (let k = 0; k < 3; k++) out[i + k] = SKIN[k]!; else out[i] = out[i]! + 1;
    }
    const ring = notSkin(out);
    expect(ring).toBeGreaterThan(40);
    expect(clearOrphanEdges(out, before, W, W)).toBeGreaterThan(0.8 * ring);
    // (a pixel 2 levels off the skin is flat among the skin, and stays: nothing a designer sees)
    expect(offSkin(out)).toBe(0);
  });

  it('keeps a new shape\'s own edge, and an untouched thin line beside the edit', () => {
    // the edit drew a smaller nose in place of the old one; a thin ink line (its core 1 px, so no flat pixel of its own) was there before and stays
    const thin = line(20.5, 21.8, INK);
    const was = draw([disc(48, 48, 14.3, NOSE), thin]), out = draw([disc(48, 48, 8.3, NOSE), thin]);
    const drawn = out.slice();
    clearOrphanEdges(out, was, W, W);
    expect(out).toEqual(drawn);
  });

  it('leaves the layer\'s outline against the clear alone', () => {
    // a transparent layer: the face a disc, the nose gone, the face's own antialiased outline stays
    const clear = (x: number, y: number): boolean => Math.hypot(x - 48, y - 48) > 40;
    const was = draw([disc(48, 48, 14.3, NOSE)], clear), out = draw([], clear);
    const drawn = out.slice();
    expect(clearOrphanEdges(out, was, W, W)).toBe(0);
    expect(out).toEqual(drawn);
  });

  it('is a stage of a shape code\'s transfer, not of a stroke\'s (orphanEdges: false: off)', async () => {
    const R = 24, mapping = { resolution: R, scale: R / W, offsetX: 0, offsetY: 0 };
    const frame = (d: Uint8ClampedArray): Float32Array => {
      const f = new Float32Array(3 * R * R);
      for (let v = 0; v < R; v++) for (let u = 0; u < R; u++) for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let y = 4 * v; y < 4 * v + 4; y++) for (let x = 4 * u; x < 4 * u + 4; x++) s += d[4 * (y * W + x) + c]!;
        f[c * R * R + v * R + u] = s / 16 / 255;
      }
      return f;
    };
    // G: the nose shrinks to a small one
    const input = { frames: [frame(before), frame(draw([disc(48, 48, 6.3, NOSE)]))], original: { width: W, height: W, data: before }, mapping, painted: null, whole: 'strong' as const, reshaped: true };
    expect((await prepareTransferAsync(input, { pixelRange: [0, 1] })).orphanEdges).toEqual({});
    expect((await prepareTransferAsync(input, { pixelRange: [0, 1], orphanEdges: false })).orphanEdges).toBeNull();
    expect((await prepareTransferAsync({ ...input, reshaped: false }, { pixelRange: [0, 1] })).orphanEdges).toBeNull();
    expect(before).toEqual(draw([disc(48, 48, 14.3, NOSE)]));   // the layer it was given is untouched
  });
});
