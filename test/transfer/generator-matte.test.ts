import { describe, expect, it } from 'vitest';
import { identityChange } from '../../engine/transfer/compose-change.js';
import { fitMapping } from '../../engine/transfer/frame-mapping.js';
import { generatorMatte } from '../../engine/transfer/generator-matte.js';
import { insertionPlan, insertRows } from '../../engine/transfer/insert-content.js';
import { transferEditAsync } from '../../engine/transfer/transfer-edit.js';
import type { TransferInput } from '../../engine/transfer/transfer-input.js';
import type { RgbaImage } from '../../engine/transfer/types.js';

// A transparent layer: a FACE square and a HAIR disc (a pigtail) beside it. G paints a transparent
// layer's surroundings white; its background code can paint them LILAC instead (the backdrops).
const R = 64, N = R * R, S = 512, K = S / R;
const WHITE = [1, 1, 1], LILAC = [192 / 255, 174 / 255, 222 / 255], FACE = [0.9, 0.6, 0.5], HAIR = [0.2, 0.15, 0.3], BEARD = [0.97, 0.97, 0.97];
const FACE_BOX = { x0: 16, y0: 28, x1: 40, y1: 56 }, DISC = { x: 50, y: 16, r: 8 };
const inFace = (x: number, y: number): boolean => x >= FACE_BOX.x0 && x < FACE_BOX.x1 && y >= FACE_BOX.y0 && y < FACE_BOX.y1;
const inBeard = (x: number, y: number): boolean => inFace(x, y) && y >= 44;
const inDisc = (x: number, y: number): boolean => (x - DISC.x) ** 2 + (y - DISC.y) ** 2 < DISC.r ** 2;

/** Share of frame cell (x, y) (of size `unit` in the shapes' coordinates) inside `shape`, 4×4 samples. */
function cover(shape: (x: number, y: number) => boolean, x: number, y: number, unit: number): number {
  let n = 0;
  for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) if (shape((x + (i + 0.5) / 4) * unit, (y + (j + 0.5) / 4) * unit)) n++;
  return n / 16;
}

/** A 64² frame over `bg`: the face (its lower part in `beard` when given) and the disc when `disc`, in `discColour`. */
function frame(bg: number[], { disc = true, beard = null as number[] | null, discColour = HAIR } = {}): Float32Array {
  const f = new Float32Array(3 * N);
  for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
    const a = cover(inFace, x, y, 1), b = beard ? cover(inBeard, x, y, 1) : 0, d = disc ? cover(inDisc, x, y, 1) : 0;
    for (let c = 0; c < 3; c++) {
      const face = (a - b) * FACE[c]! + b * (beard ? beard[c]! : 0);
      f[c * N + y * R + x] = face + d * discColour[c]! + (1 - a - d) * bg[c]!;
    }
  }
  return f;
}

/** The layer at 512², clear around the face and the disc. */
function layer(): RgbaImage {
  const data = new Uint8ClampedArray(S * S * 4);
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
    const a = cover(inFace, x, y, 1 / K), d = cover(inDisc, x, y, 1 / K), t = a + d;
    if (t === 0) continue;
    data.set([...[0, 1, 2].map((c) => Math.round((255 * (a * FACE[c]! + d * HAIR[c]!)) / t)), Math.round(255 * t)], (y * S + x) * 4);
  }
  return { width: S, height: S, data };
}

const px = (img: RgbaImage | Uint8ClampedArray, x: number, y: number): number[] => {
  const d = 'data' in img ? img.data : img;
  return Array.from(d.subarray((y * S + x) * 4, (y * S + x) * 4 + 4));
};
const near = (a: number[], b: number[], tol: number): boolean => a.every((v, i) => Math.abs(v - b[i]!) <= tol);
const rgba = (c: number[]): number[] => [...c.map((v) => Math.round(255 * v)), 255];
const rgb255 = (c: number[]): number[] => c.map((v) => Math.round(255 * v));

describe('generatorMatte: G(z1) over two backdrops → its avatar and its background', () => {
  it('recovers coverage and colour exactly, soft edges included', () => {
    const overWhite = frame(WHITE), overLilac = frame(LILAC);
    const m = generatorMatte(overWhite, overLilac, WHITE, LILAC);
    for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
      const p = y * R + x, a = cover(inFace, x, y, 1) + cover(inDisc, x, y, 1);
      expect(m.alpha[p]).toBeCloseTo(a, 5);
      if (cover(inDisc, x, y, 1) === 1) expect([0, 1, 2].map((c) => m.colour[c * N + p]!)).toEqual(HAIR.map((v) => expect.closeTo(v, 5)));
    }
    // white content is content: G paints it alike over both backdrops
    const beard = generatorMatte(frame(WHITE, { beard: WHITE }), frame(LILAC, { beard: WHITE }), WHITE, LILAC);
    expect(beard.alpha[50 * R + 28]).toBeCloseTo(1, 5);
    expect(beard.alpha[60 * R + 4]).toBeCloseTo(0, 5);
  });

  it('refuses two backdrops of one colour, or renders of two sizes', () => {
    expect(() => generatorMatte(frame(WHITE), frame(WHITE), WHITE, WHITE)).toThrow(/must differ/);
    expect(() => generatorMatte(frame(WHITE), new Float32Array(3), WHITE, LILAC)).toThrow(/one size/);
  });
});

describe('a shape code\'s change on a transparent layer, with the backdrops', () => {
  // G(z1): the disc cut away (its place now G's background) and a white beard on the face's lower
  // part: over white both are white, and only the backdrops tell the cut from the beard.
  const edit = (backdrops: boolean): TransferInput => ({
    frames: [frame(WHITE), frame(WHITE, { disc: false, beard: BEARD })], original: layer(), mapping: fitMapping(S, S, R),
    painted: null, whole: 'strong', reshaped: true,
    backdrops: backdrops ? { frames: [frame(WHITE, { disc: false, beard: BEARD }), frame(LILAC, { disc: false, beard: BEARD })], colours: [rgb255(WHITE), rgb255(LILAC)] } : null,
  });

  it('draws the white beard opaque and cuts the pigtail clear; the rest of the face is untouched', async () => {
    const { final } = await transferEditAsync(edit(true), { pixelRange: [0, 1] });
    expect(near(px(final, 28 * K, 52 * K), rgba(BEARD), 6), `beard ${px(final, 28 * K, 52 * K)}`).toBe(true);
    expect(px(final, DISC.x * K, DISC.y * K)[3], 'the pigtail is cut').toBe(0);
    expect(px(final, (DISC.x + 5) * K, DISC.y * K)[3]).toBe(0);
    expect(near(px(final, 28 * K, 34 * K), rgba(FACE), 3), 'the face above the beard').toBe(true);
    expect(px(final, 4 * K, 60 * K)[3], 'the clear surroundings').toBe(0);
  });

  it('without them, the shape change is not drawn on a transparent layer (white would be taken for clear)', async () => {
    const { final } = await transferEditAsync(edit(false), { pixelRange: [0, 1] });
    expect(near(px(final, 28 * K, 52 * K), rgba(BEARD), 6)).toBe(false);
  });
});

describe('insertionPlan with G\'s matte', () => {
  // G(z1) recoloured the disc white, and (its entanglement) left out its right half
  const halfDisc = (x: number, y: number): boolean => inDisc(x, y) && x < DISC.x;
  const original = layer(), mapping = fitMapping(S, S, R);
  const cells = new Float32Array(N), drawn = new Uint8Array(N);
  for (let y = DISC.y - DISC.r - 1; y <= DISC.y + DISC.r; y++) for (let x = DISC.x - DISC.r - 1; x <= DISC.x + DISC.r; x++) {
    cells[y * R + x] = 1;
    if (inDisc(x + 0.5, y + 0.5)) drawn[y * R + x] = 1;
  }
  const over = (bg: number[]): Float32Array => {
    const f = frame(bg, { disc: false });
    for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
      const d = cover(halfDisc, x, y, 1);
      for (let c = 0; c < 3; c++) f[c * N + y * R + x] = d * WHITE[c]! + (1 - d) * f[c * N + y * R + x]!;
    }
    return f;
  };
  const matte = generatorMatte(over(WHITE), over(LILAC), WHITE, LILAC);
  const drawWith = (cuts: boolean): Uint8ClampedArray => {
    const plan = insertionPlan(frame(WHITE), over(WHITE), identityChange(R), cells, original, mapping, {}, null, drawn, { matte, cuts })!;
    const out = new Uint8ClampedArray(original.data);
    insertRows(plan, mapping, out, S, 0, S);
    return out;
  };

  it('a recolour cuts nothing: where G dropped part of the recoloured shape, its new colour goes on', () => {
    const out = drawWith(false);
    expect(near(px(out, (DISC.x - 4) * K, DISC.y * K), rgba(WHITE), 4), 'the half G drew: white, opaque').toBe(true);
    expect(near(px(out, (DISC.x + 4) * K, DISC.y * K), rgba(WHITE), 4), 'the half G left out: white too').toBe(true);
    expect(px(out, (DISC.x + DISC.r + 3) * K, DISC.y * K)[3], 'clear around it').toBe(0);
  });

  it('a shape change cuts where G\'s avatar is not', () => {
    const out = drawWith(true);
    expect(near(px(out, (DISC.x - 4) * K, DISC.y * K), rgba(WHITE), 4)).toBe(true);
    expect(px(out, (DISC.x + 4) * K, DISC.y * K)[3]).toBe(0);
  });
});

describe('insertionPlan with G\'s matte: G\'s soft new shape', () => {
  // G(z1)'s blurred soul patch on the face (bench:edits bench-1, transparent): a dark core in a ring of
  // the blend of core and skin, the ring larger than the core (so by size alone it is a colour of its own)
  const C = { x: 28, y: 44 }, CORE = [0.05, 0.05, 0.05], RING = CORE.map((v, c) => (v + FACE[c]!) / 2);
  const r = (x: number, y: number): number => Math.hypot(x - C.x, y - C.y);
  const original = layer(), mapping = fitMapping(S, S, R);
  const cells = new Float32Array(N), drawn = new Uint8Array(N);
  for (let y = C.y - 8; y <= C.y + 8; y++) for (let x = C.x - 8; x <= C.x + 8; x++) {
    cells[y * R + x] = 1;
    if (r(x + 0.5, y + 0.5) < 7) drawn[y * R + x] = 1;
  }
  const over = (bg: number[]): Float32Array => {
    const f = frame(bg, { disc: false });
    for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
      const core = cover((u, v) => r(u, v) < 3, x, y, 1), ring = cover((u, v) => r(u, v) >= 3 && r(u, v) < 6, x, y, 1);
      for (let c = 0; c < 3; c++) f[c * N + y * R + x] = core * CORE[c]! + ring * RING[c]! + (1 - core - ring) * f[c * N + y * R + x]!;
    }
    return f;
  };
  it('draws the ring as the core or the skin, not as a brown halo of its own', () => {
    const plan = insertionPlan(frame(WHITE), over(WHITE), identityChange(R), cells, original, mapping, {}, null, drawn, { matte: generatorMatte(over(WHITE), over(LILAC), WHITE, LILAC), cuts: true })!;
    const out = new Uint8ClampedArray(original.data);
    insertRows(plan, mapping, out, S, 0, S);
    const ring = px(out, Math.round((C.x + 4.5) * K), C.y * K), core = px(out, C.x * K, C.y * K);
    expect(near(ring, rgba(RING), 30), `ring drawn ${ring}`).toBe(false);
    expect(near(ring, rgba(FACE), 4) || near(ring, core, 4), `ring drawn ${ring}: the skin or the core`).toBe(true);
    expect(near(core, rgba(RING), 30), `core drawn ${core}`).toBe(false);
  });
});
