import { describe, expect, it } from 'vitest';
import { paintLayer } from './synthetic.js';
import { drawMissedShapes } from '../../engine/transfer/missed-shapes.js';
import { transferEditAsync } from '../../engine/transfer/index.js';

// a 128² layer, its frame 32² (4 px a cell): a face on a background, with a nose in a darker shade of
// the skin, a wrinkle line beside it and the lips below
const W = 128, R = 32, mapping = { resolution: R, scale: R / W, offsetX: 0, offsetY: 0 };
const BG = [208, 212, 248], SKIN = [228, 176, 160], NOSE = [214, 140, 126], LINE = [196, 150, 140], LIP = [233, 100, 130];
const tones = [BG, SKIN, NOSE, LINE, LIP];

const face = (x: number, y: number): boolean => (x - 64) ** 2 + (y - 64) ** 2 < 44 ** 2;
const nose = (x: number, y: number): boolean => x >= 56 && x < 72 && y >= 56 && y < 64;
const line = (x: number, y: number): boolean => x >= 36 && x < 40 && y >= 44 && y < 80;
const lips = (x: number, y: number): boolean => x >= 52 && x < 76 && y >= 84 && y < 92;
const layerAt = (x: number, y: number): number[] => (!face(x, y) ? BG : nose(x, y) ? NOSE : line(x, y) ? LINE : lips(x, y) ? LIP : SKIN);

const image = (paint: (x: number, y: number) => number[] | null): Uint8ClampedArray => paintLayer(W, W, paint);
const before = image(layerAt);

/** A frame [3, R, R] in [0, 1]: each cell the mean of `paint` over its 4×4 layer pixels (the generator's soft edges). */
function frame(paint: (x: number, y: number) => number[]): Float32Array {
  const f = new Float32Array(3 * R * R);
  for (let v = 0; v < R; v++) for (let u = 0; u < R; u++) for (let c = 0; c < 3; c++) {
    let s = 0;
    for (let y = 4 * v; y < 4 * v + 4; y++) for (let x = 4 * u; x < 4 * u + 4; x++) s += paint(x, y)[c]!;
    f[c * R * R + v * R + u] = s / 16 / 255;
  }
  return f;
}
const mix = (a: number[], b: number[], t: number): number[] => a.map((v, c) => v + t * (b[c]! - v));
const first = frame(layerAt);
const same = (d: Uint8Array | Uint8ClampedArray, x: number, y: number, c: number[]): boolean => { const i = 4 * (y * W + x); return d[i] === c[0] && d[i + 1] === c[1] && d[i + 2] === c[2]; };
const count = (d: Uint8ClampedArray, c: number[]): number => { let k = 0; for (let p = 0; p < W * W; p++) if (d[4 * p] === c[0] && d[4 * p + 1] === c[1] && d[4 * p + 2] === c[2]) k++; return k; };

describe('shapes the carried edit missed (missed-shapes.ts)', () => {
  it('draws a faint change of the generator in the layer’s own tones: the nose grows, crisp, in its shade', () => {
    // G(z1): below the nose (y 64–72), the skin turned half-way to the nose's shade
    const grown = (x: number, y: number): boolean => x >= 56 && x < 72 && y >= 64 && y < 72;
    const last = frame((x, y) => (grown(x, y) ? mix(SKIN, NOSE, 0.5) : layerAt(x, y)));
    const out = before.slice();   // the carried edit showed nothing
    const drawn = drawMissedShapes(out, before, W, W, tones, first, last, mapping);
    expect(drawn).toBeGreaterThan(0);
    expect(same(out, 64, 67, NOSE)).toBe(true);     // inside the grown part: the nose's shade, whole
    let inside = 0;
    for (let y = 64; y < 72; y++) for (let x = 56; x < 72; x++) if (same(out, x, y, NOSE)) inside++;
    expect(inside).toBeGreaterThanOrEqual(0.5 * 16 * 8);
    // nothing half-drawn, nothing elsewhere: every pixel is a layer tone, and beyond the grown part as it was
    for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) {
      if (x >= 54 && x < 74 && y >= 62 && y < 74) expect(tones.some((t) => same(out, x, y, t))).toBe(true);
      else expect(same(out, x, y, layerAt(x, y))).toBe(true);
    }
  });

  it('takes a line away where G(z1) shows the skin, with no halo of another tone where G(z0) had blurred it', () => {
    // G(z0) drew the line blurred over the cells beside it (x 32–44), next to a highlight a little
    // lighter than the skin; G(z1) has neither the line nor its blur
    const LIGHT = [240, 196, 185], light = (x: number, y: number): boolean => x >= 44 && x < 52 && y >= 44 && y < 80;
    const withLight = [...tones, LIGHT];
    const at = (x: number, y: number): number[] => (light(x, y) ? LIGHT : layerAt(x, y));
    const layer = image(at);
    const blurred = frame((x, y) => (x >= 32 && x < 44 && y >= 44 && y < 80 && !line(x, y) ? mix(SKIN, LINE, 0.5) : at(x, y)));
    const last = frame((x, y) => (line(x, y) ? SKIN : at(x, y)));
    const out = layer.slice();
    drawMissedShapes(out, layer, W, W, withLight, blurred, last, mapping);
    expect(count(out, LINE)).toBe(0);
    for (let y = 44; y < 80; y++) expect(same(out, 37, y, SKIN)).toBe(true);
    // the skin beside it stays the skin: G(z1) shows it there, though the change (its blur gone) is lighter
    expect(count(out, LIGHT)).toBe(count(layer, LIGHT));
    expect(count(out, SKIN)).toBe(count(layer, SKIN) + count(layer, LINE));
  });

  it('does nothing when the carried edit made the change, or G hardly changed anything', () => {
    const grown = (x: number, y: number): boolean => x >= 56 && x < 72 && y >= 64 && y < 72;
    const last = frame((x, y) => (grown(x, y) ? mix(SKIN, NOSE, 0.5) : layerAt(x, y)));
    // the carried edit drew the lower half of the grown nose: the edit was not missed, and the rest is
    // left to the stages that carried it (G's side changes are theirs to keep or leave)
    const carried = image((x, y) => (grown(x, y) && y >= 68 ? NOSE : layerAt(x, y)));
    const out = carried.slice();
    expect(drawMissedShapes(out, before, W, W, tones, first, last, mapping)).toBe(0);
    expect(out).toEqual(carried);
    // G changed one cell a little: its noise, not an edit
    const speck = frame((x, y) => (x >= 20 && x < 24 && y >= 60 && y < 64 ? mix(SKIN, NOSE, 0.5) : layerAt(x, y)));
    const b = before.slice();
    expect(drawMissedShapes(b, before, W, W, tones, first, speck, mapping)).toBe(0);
    expect(b).toEqual(before);
  });

  it('draws no tone in an island of its own, nor one from elsewhere on the layer', () => {
    // on the cheek, away from the nose: G darkens the skin towards the nose's shade, and further off towards the lips' pink
    const island = (x: number, y: number): boolean => x >= 84 && x < 100 && y >= 40 && y < 52;
    const last = frame((x, y) => (island(x, y) ? mix(SKIN, NOSE, 0.6) : x >= 84 && x < 100 && y >= 60 && y < 72 ? mix(SKIN, LIP, 0.6) : layerAt(x, y)));
    const out = before.slice();
    expect(drawMissedShapes(out, before, W, W, tones, first, last, mapping)).toBe(0);
    expect(out).toEqual(before);
  });

  it('switches a flat patch whole when G switched the most part of it (a stubble\'s shadow gone, not left in blotches)', () => {
    // a shadow over the jaw; G(z1) lightens its upper rows to the skin, the rest a little (bench-0's soul patch in place of a shadow)
    const SHADOW = [206, 150, 136], shadow = (x: number, y: number): boolean => face(x, y) && y >= 80;
    const at = (x: number, y: number): number[] => (shadow(x, y) ? SHADOW : layerAt(x, y)), withShadow = [BG, SKIN, SHADOW];
    const layer = image(at), before0 = frame(at);
    const last = frame((x, y) => (shadow(x, y) ? mix(SHADOW, SKIN, y < 92 ? 0.8 : 0.2) : at(x, y)));
    const run = (share: number, cells = 32): Uint8ClampedArray => { const out = layer.slice(); drawMissedShapes(out, layer, W, W, withShadow, before0, last, mapping, { whole: [share, cells] }); return out; };
    const partly = count(run(1), SHADOW);
    expect(partly).toBeGreaterThan(0);                       // per pixel: the lower rows stay, a band of shadow left
    expect(partly).toBeLessThan(0.8 * count(layer, SHADOW));
    expect(count(run(0.25), SHADOW)).toBe(0);                 // whole: the shadow is gone
    expect(count(run(0.25, 200), SHADOW)).toBe(partly);       // a patch under 200 cells (it has 106) is a shape: as per pixel
    expect(count(run(0.25), SKIN)).toBeGreaterThanOrEqual(count(layer, SKIN) + count(layer, SHADOW));   // (and its antialiased rim)
  });

  describe('when the carried edit made G\'s change, a large fill it left as it was', () => {
    // bench-0's curls set to bald: the hair is a shade of salmon a few levels from the skin, so the flow
    // carries the sides (hair → background) but leaves the cap, where G's change is faint (≈ 0.15)
    const HAIR = [245, 159, 141], SKIN2 = [229, 178, 166], SHADE = [232, 167, 153];
    const head = (x: number, y: number): boolean => (x - 64) ** 2 + (y - 72) ** 2 < 40 ** 2;
    const hair = (x: number, y: number): boolean => (x - 64) ** 2 + (y - 64) ** 2 < 52 ** 2 && !head(x, y);
    const cap = (x: number, y: number): boolean => hair(x, y) && y < 36;
    // the forehead's left half in the shade the hair casts: on the line from the hair to the skin, past it
    const at = (x: number, y: number): number[] => (hair(x, y) ? HAIR : head(x, y) ? (y < 44 && x < 64 ? SHADE : SKIN2) : BG);
    const layer = image(at), g0 = frame(at), baldTones = [BG, HAIR, SKIN2, SHADE];
    const bald = (capTo: (x: number, y: number) => boolean) => frame((x, y) => (hair(x, y) ? (cap(x, y) && capTo(x, y) ? SKIN2 : cap(x, y) ? HAIR : BG) : at(x, y)));
    // what the carried edit drew: the sides gone to the background, the cap as it was
    const carried = image((x, y) => (hair(x, y) && !cap(x, y) ? BG : at(x, y)));
    const capPixels = count(image((x, y) => (cap(x, y) ? HAIR : BG)), HAIR);

    it('switches to the tone G shows (the skin, not the shade G\'s change passes on the way)', () => {
      const out = carried.slice();
      expect(drawMissedShapes(out, layer, W, W, baldTones, g0, bald(() => true), mapping)).toBeGreaterThanOrEqual(0.9 * capPixels);
      expect(count(out, HAIR)).toBe(0);
      expect(count(out, SHADE)).toBe(count(layer, SHADE));
      for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) if (cap(x, y)) expect(same(out, x, y, SKIN2)).toBe(true);
      // as before (carried: 0), the cap stays
      const old = carried.slice();
      expect(drawMissedShapes(old, layer, W, W, baldTones, g0, bald(() => true), mapping, { carried: 0 })).toBe(0);
      expect(count(old, HAIR)).toBe(capPixels);
    });

    it('leaves a small switched piece (under `carried` cells) to the stages that carried the edit', () => {
      // G turned 3 × 3 cells of the cap to skin (a fringe a little higher, its noise)
      const out = carried.slice();
      drawMissedShapes(out, layer, W, W, baldTones, g0, bald((x, y) => x >= 56 && x < 68 && y >= 20 && y < 32), mapping);
      expect(out).toEqual(carried);
    });
  });

  it('leaves transparent pixels and the layer it was given alone', () => {
    // a transparent layer: the background is clear; G's change there (a new shade) is not a missed shape of the layer
    const clearBg = image((x, y) => (face(x, y) ? layerAt(x, y) : null));
    const last = frame((x, y) => (!face(x, y) && y < 20 ? mix(BG, NOSE, 0.8) : layerAt(x, y)));
    const kept = clearBg.slice(), out = clearBg.slice();
    drawMissedShapes(out, clearBg, W, W, tones, first, last, mapping);
    for (let p = 0; p < W * W; p++) if (clearBg[4 * p + 3] === 0) expect(out[4 * p + 3]).toBe(0);
    expect(clearBg).toEqual(kept);
  });

  it('is a stage of a shape code\'s transfer: the faint nose the carried edit leaves out is drawn (missedShapes: false: not)', async () => {
    const grown = (x: number, y: number): boolean => x >= 56 && x < 72 && y >= 64 && y < 72;
    const last = frame((x, y) => (grown(x, y) ? mix(SKIN, NOSE, 0.5) : layerAt(x, y)));
    const input = { frames: [first, last], original: { width: W, height: W, data: before }, mapping, painted: null, whole: 'strong' as const, reshaped: true };
    const inGrown = (d: Uint8Array | Uint8ClampedArray): number => { let k = 0; for (let y = 64; y < 72; y++) for (let x = 56; x < 72; x++) if (same(d, x, y, NOSE)) k++; return k; };
    const without = (await transferEditAsync(input, { pixelRange: [0, 1], missedShapes: false })).final.data;
    const withIt = (await transferEditAsync(input, { pixelRange: [0, 1] })).final.data;
    expect(inGrown(without)).toBe(0);
    expect(inGrown(withIt)).toBeGreaterThanOrEqual(0.5 * 16 * 8);
    expect(before).toEqual(paintLayer(W, W, layerAt));   // the layer it was given is untouched
  });
});
