import { describe, expect, it } from 'vitest';
import { paintLayer } from './synthetic.js';
import { removeFragments } from '../../engine/transfer/leftover-fragments.js';

// a 128² layer, its frame 32² (4 px a cell): background, skin (a face) and hair (a block beside it)
const W = 128, R = 32, mapping = { resolution: R, scale: R / W, offsetX: 0, offsetY: 0 };
const BG = [208, 212, 248], SKIN = [228, 176, 160], HAIR = [70, 46, 91];
const tones = [BG, SKIN, HAIR];

const image = (paint: (x: number, y: number) => number[] | null): Uint8ClampedArray => paintLayer(W, W, paint);

/** G(z1) [3, R, R] in [0, 1]: `paint` per frame cell. */
function frame(paint: (u: number, v: number) => number[]): Float32Array {
  const f = new Float32Array(3 * R * R);
  for (let v = 0; v < R; v++) for (let u = 0; u < R; u++) { const c = paint(u, v); for (let ch = 0; ch < 3; ch++) f[ch * R * R + v * R + u] = c[ch]! / 255; }
  return f;
}

const face = (x: number, y: number): boolean => (x - 64) ** 2 + (y - 70) ** 2 < 30 ** 2;
const hairBlock = (x: number, y: number): boolean => x >= 10 && x < 40 && y >= 20 && y < 100 && !face(x, y);
// the layer: long hair on the left of the face
const before = image((x, y) => (face(x, y) ? SKIN : hairBlock(x, y) ? HAIR : BG));
// the edit took the hair away but for a strand 2 px wide down its outer side (x 10–11, y 30–90)
const strand = (x: number, y: number): boolean => x >= 10 && x < 12 && y >= 30 && y < 90;
const edited = (): Uint8ClampedArray => image((x, y) => (face(x, y) ? SKIN : strand(x, y) ? HAIR : BG));
// G(z1): the face on the background, no hair
const bald = frame((u, v) => (face(4 * u + 2, 4 * v + 2) ? SKIN : BG));
const count = (d: Uint8ClampedArray, c: number[]): number => { let k = 0; for (let p = 0; p < W * W; p++) if (d[4 * p] === c[0] && d[4 * p + 1] === c[1] && d[4 * p + 2] === c[2]) k++; return k; };

describe('leftover fragments of a removed shape (leftover-fragments.ts)', () => {
  it('removes a thin strand left of hair the edit took away, in the colour G(z1) shows there', () => {
    const out = edited();
    expect(count(out, HAIR)).toBe(2 * 60);
    const changed = removeFragments(out, before, W, W, tones, bald, mapping);
    expect(changed).toBeGreaterThanOrEqual(2 * 60);
    expect(count(out, HAIR)).toBe(0);
    expect(out[4 * (50 * W + 10)]).toBe(BG[0]);   // the strand's place is background now
    expect(count(out, SKIN)).toBe(count(edited(), SKIN));   // the face is untouched
  });

  it('removes what is left of a small shape too (an old lower lip\'s rim under a new frown), patches down to 0.2 % of the layer', () => {
    // lips 16 × 4 px on the face (0.4 % of the layer); the edit took them away but for 10 px of the bottom row
    const LIP = [224, 99, 118], lips = (x: number, y: number): boolean => x >= 56 && x < 72 && y >= 80 && y < 84;
    const layer = image((x, y) => (lips(x, y) ? LIP : face(x, y) ? SKIN : BG));
    const left = (): Uint8ClampedArray => image((x, y) => (lips(x, y) && y === 83 && x >= 59 && x < 69 ? LIP : face(x, y) ? SKIN : BG));
    const out = left();
    removeFragments(out, layer, W, W, [BG, SKIN, LIP], bald, mapping);
    expect(count(out, LIP)).toBe(0);
    expect(out[4 * (83 * W + 60)]).toBe(SKIN[0]);
    // as before (patches from 0.5 %), it stayed
    const old = left();
    removeFragments(old, layer, W, W, [BG, SKIN, LIP], bald, mapping, { minPatch: 0.005 });
    expect(count(old, LIP)).toBe(10);
  });

  it('keeps a strand where G(z1) draws hair (new content in the old colour), a thick remnant, and hair the edit kept for the most part', () => {
    // G(z1) draws the strand itself
    const withStrand = frame((u, v) => (u === 2 && v >= 7 && v < 23 ? HAIR : face(4 * u + 2, 4 * v + 2) ? SKIN : BG));
    const a = edited();
    expect(removeFragments(a, before, W, W, tones, withStrand, mapping)).toBe(0);
    // a remnant 12 px wide is a part that stays, not a leftover
    const b = image((x, y) => (face(x, y) ? SKIN : x >= 10 && x < 22 && y >= 30 && y < 90 ? HAIR : BG));
    expect(removeFragments(b, before, W, W, tones, bald, mapping)).toBe(0);
    // half of the hair kept: nothing was taken away for the most part
    const c = image((x, y) => (face(x, y) ? SKIN : hairBlock(x, y) && y < 60 ? HAIR : strand(x, y) ? HAIR : BG));
    expect(removeFragments(c, before, W, W, tones, bald, mapping)).toBe(0);
  });

  it('finds them on a working copy of a large layer (2048²: every other pixel) and writes the fill at full size', () => {
    const k = 16, S = W * k, big = (paint: (x: number, y: number) => number[] | null): Uint8ClampedArray => {
      const d = new Uint8ClampedArray(S * S * 4);
      for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) { const c = paint(Math.floor(x / k), Math.floor(y / k)), i = 4 * (y * S + x); if (c) { d[i] = c[0]!; d[i + 1] = c[1]!; d[i + 2] = c[2]!; d[i + 3] = 255; } }
      return d;
    };
    const out = big((x, y) => (face(x, y) ? SKIN : strand(x, y) ? HAIR : BG));
    const changed = removeFragments(out, big((x, y) => (face(x, y) ? SKIN : hairBlock(x, y) ? HAIR : BG)), S, S, tones, bald, { ...mapping, scale: R / S });
    expect(changed).toBeGreaterThanOrEqual(2 * 60 * k * k);
    let hair = 0;
    for (let p = 0; p < S * S; p++) if (out[4 * p] === HAIR[0] && out[4 * p + 1] === HAIR[1]) hair++;
    expect(hair).toBe(0);
  });

  it('leaves a transparent layer alone (G\'s matte, not the layer, would decide its outline)', () => {
    const clearBefore = image((x, y) => (face(x, y) ? SKIN : hairBlock(x, y) ? HAIR : null));
    const out = image((x, y) => (face(x, y) ? SKIN : strand(x, y) ? HAIR : null));
    expect(removeFragments(out, clearBefore, W, W, [SKIN, HAIR], bald, mapping)).toBe(0);
    expect(count(out, HAIR)).toBe(2 * 60);
  });
});
