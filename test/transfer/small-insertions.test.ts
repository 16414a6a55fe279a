import { describe, expect, it } from 'vitest';
import { fitMapping } from '../../engine/transfer/frame-mapping.js';
import { smallInsertionCells } from '../../engine/transfer/small-insertions.js';
import { transferEditAsync } from '../../engine/transfer/transfer-edit.js';
import type { TransferOptions } from '../../engine/transfer/transfer-input.js';
import type { RgbaImage } from '../../engine/transfer/types.js';

// A face-sized eye opening: the left eye a thin closed line (0.6 frame px, finer than a frame cell)
// on skin, the right one a dot; G(z1) opens the left one into a dot too — a shape far smaller than
// the 8 cells insert-content.ts's groups need, and one the flow's window-wide colour model
// half-explains at 64² as a recolour of the line's blend.
const R = 64, S = 512, K = S / R;
const SKIN = [0.87, 0.68, 0.58], EYE = [0.15, 0.1, 0.2], MOUTH = [0.85, 0.35, 0.4];
const LEFT = { x: 22, y: 30 }, RIGHT = { x: 42, y: 30 }, ER = 1.5;
const LINE = { x0: 19.5, x1: 24.5, y0: 29.7, y1: 30.3 };
const MOUTH_BOX = { x0: 26, x1: 38, y0: 42, y1: 46 };

const inDisc = (c: { x: number; y: number }) => (x: number, y: number): boolean => (x - c.x) ** 2 + (y - c.y) ** 2 < ER * ER;
const inBox = (b: { x0: number; x1: number; y0: number; y1: number }) => (x: number, y: number): boolean => x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1;

/** The scene at `unit` frame px a pixel: the colour of the topmost shape covering (x, y). */
function colourAt(open: boolean, x: number, y: number): number[] {
  if ((open ? inDisc(LEFT) : inBox(LINE))(x, y) || inDisc(RIGHT)(x, y)) return EYE;
  if (inBox(MOUTH_BOX)(x, y)) return MOUTH;
  return SKIN;
}

/** A 64² frame, 4×4 supersampled (antialiased, as a generator draws). */
function frame(open: boolean): Float32Array {
  const f = new Float32Array(3 * R * R);
  for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) {
    const c = colourAt(open, x + (i + 0.5) / 4, y + (j + 0.5) / 4);
    for (let k = 0; k < 3; k++) f[k * R * R + y * R + x] += c[k]! / 16;
  }
  return f;
}

/** The layer (or the truth): a crisp 512² render, one sample a pixel (flat art). */
function render(open: boolean): RgbaImage {
  const data = new Uint8ClampedArray(S * S * 4);
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
    const c = colourAt(open, (x + 0.5) / K, (y + 0.5) / K);
    data.set([...c.map((v) => Math.round(255 * v)), 255], (y * S + x) * 4);
  }
  return { width: S, height: S, data };
}

async function openEye(options: TransferOptions = {}): Promise<{ original: RgbaImage; truth: RgbaImage; final: RgbaImage }> {
  const original = render(false), truth = render(true);
  const { final } = await transferEditAsync({ frames: [frame(false), frame(true)], original, mapping: fitMapping(S, S, R), painted: null, whole: 'strong' }, { pixelRange: [0, 1], ...options });
  return { original, truth, final };
}

const same = (a: RgbaImage, b: RgbaImage, p: number, tol: number): boolean => [0, 1, 2, 3].every((c) => Math.abs(a.data[p + c]! - b.data[p + c]!) <= tol);

describe('small new shapes (code edits)', () => {
  it('opens an eye as G(z1) does: the new dot crisp in the layer\'s own colours, the old line gone, the rest untouched', async () => {
    const { original, truth, final } = await openEye();
    // around the left eye (3 layer px in from the shapes' edges, which G(z1)'s antialiased edge
    // places only to within a pixel or two), the result is the truth: the bar, and skin where the disc was
    let part = 0, wrong = 0, far = 0, moved = 0, blends = 0;
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
      const p = (y * S + x) * 4, fx = (x + 0.5) / K, fy = (y + 0.5) / K;
      const changed = inDisc(LEFT)(fx, fy) !== inBox(LINE)(fx, fy);
      const edge = [[-1, 0], [1, 0], [0, -1], [0, 1]].some(([dx, dy]) => {
        const gx = fx + (dx! * 3) / K, gy = fy + (dy! * 3) / K;
        return inDisc(LEFT)(gx, gy) !== inDisc(LEFT)(fx, fy) || inBox(LINE)(gx, gy) !== inBox(LINE)(fx, fy);
      });
      if (changed && !edge) { part++; if (!same(final, truth, p, 3)) wrong++; }
      // every pixel is one of the layer's colours, or a 1-px antialiased step between two
      const isFlat = [SKIN, EYE, MOUTH].some((c) => c.every((v, k) => Math.abs(final.data[p + k]! - Math.round(255 * v)) <= 3));
      if (!isFlat && Math.abs(fx - LEFT.x) < 4 && Math.abs(fy - LEFT.y) < 4) blends++;
      if (Math.hypot(fx - LEFT.x, fy - LEFT.y) > 6) { far++; if (!same(final, original, p, 0)) moved++; }
    }
    if (process.env.DEBUG_SMALL) dump(final, original, truth);
    expect(part).toBeGreaterThan(60);
    expect(wrong / part).toBeLessThan(0.05);
    // the bar's and the disc's edges are ~30 layer px of circumference a side: a 1-px antialiased rim at most
    expect(blends).toBeLessThan(250);
    expect(moved / far).toBe(0);
  });

  it('without the small-shape stage the carried edit misses the new dot (what the stage is for)', async () => {
    const { original, truth, final } = await openEye({ smallInsert: false });
    if (process.env.DEBUG_SMALL) dump(final, original, truth);
    // the new dot's top stays skin though G(z1) drew the eye there
    const p = (Math.floor((LEFT.y - 1) * K) * S + Math.floor(LEFT.x * K)) * 4;
    expect(same(final, truth, p, 3)).toBe(false);
  });

  it('counts a group by its evidence: a lone cell missed by 0.3 is not a shape, two cells by 0.5 are', () => {
    const miss = new Float32Array(R * R), change = new Float32Array(R * R);
    miss[10 * R + 10] = 0.3; change[10 * R + 10] = 0.4;
    expect(smallInsertionCells(miss, change, R)).toBeNull();
    miss[40 * R + 40] = 0.5; change[40 * R + 40] = 0.6;
    miss[40 * R + 42] = 0.5; change[40 * R + 42] = 0.6; // two cells apart: one thin shape
    const cells = smallInsertionCells(miss, change, R)!;
    expect(cells).not.toBeNull();
    expect(cells[40 * R + 40]).toBe(1);
    expect(cells[40 * R + 42]).toBe(1);
    expect(cells[10 * R + 10]).toBe(0);
  });
});

/** DEBUG_SMALL=1: the left eye's crop (layer · truth · result) as ASCII, a character per 4 layer px. */
function dump(final: RgbaImage, original: RgbaImage, truth: RgbaImage): void {
  const ch = (img: RgbaImage, x: number, y: number): string => { const v = img.data[(y * S + x) * 4]!; return v < 80 ? '#' : v < 200 ? '+' : v < 226 ? 'o' : '.'; };
  for (let y = (LEFT.y - 4) * K; y < (LEFT.y + 5) * K; y += 4) {
    let line = '';
    for (const img of [original, truth, final]) { for (let x = (LEFT.x - 4) * K; x < (LEFT.x + 4) * K; x += 4) line += ch(img, x, y); line += '  '; }
    console.log(line);
  }
}
