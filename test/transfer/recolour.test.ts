/**
 * Issue 15: a colour stroke gives the part painted over exactly the painted colour (recolour.ts),
 * with antialiased edges blended by the part's share, nothing outside the part changed, no half
 * old / half new pixels; and a code edit carries only the generator's strong change (whole: 'strong').
 */
import { describe, expect, it } from 'vitest';
import { fitMapping } from '../../engine/transfer/frame-mapping.js';
import { strongChangeRegion } from '../../engine/transfer/edit-region.js';
import { strokePaint } from '../../engine/transfer/stroke-paint.js';
import { chooseShades, shadeTones } from '../../engine/transfer/recolour-parts.js';
import { layerShade, mainFirst, overlayShades, shadeChannel, virtualMain } from '../../engine/transfer/shades.js';
import { prepareTransferAsync } from '../../engine/transfer/prepare-transfer.js';
import { renderTransferAsync } from '../../engine/transfer/render-transfer.js';
import { transferEditAsync } from '../../engine/transfer/transfer-edit.js';
import type { RgbaImage } from '../../engine/transfer/types.js';

const R = 64, N = R * R, W = 256, k = W / R;
const BG = [250, 210, 215], SHIRT = [90, 190, 90], PAINT: [number, number, number] = [40, 90, 200];

/** Share of layer pixel (x, y) inside the disc (frame cx, cy, radius r), 4×4 supersampled: antialiased edges. */
function share(x: number, y: number, cx: number, cy: number, r: number): number {
  let s = 0;
  for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) if (Math.hypot((x + (i + 0.5) / 4) / k - cx, (y + (j + 0.5) / 4) / k - cy) <= r) s++;
  return s / 16;
}

/** The layer: a green shirt disc at (32, 48) r 10 and a second green disc at (12, 12) r 5 (not connected), on pink. */
function layer(): { img: RgbaImage; alpha: Float32Array } {
  const img: RgbaImage = { width: W, height: W, data: new Uint8ClampedArray(W * W * 4) }, alpha = new Float32Array(W * W);
  for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) {
    const a = Math.max(share(x, y, 32, 48, 10), share(x, y, 12, 12, 5));
    alpha[y * W + x] = share(x, y, 32, 48, 10);
    img.data.set([0, 1, 2].map((c) => Math.round(a * SHIRT[c]! + (1 - a) * BG[c]!)).concat(255), (y * W + x) * 4);
  }
  return { img, alpha };
}

/** A generator that meets the colour halfway, draws the shirt wider and drifts the background a little. */
function frames(): Float32Array[] {
  const f0 = new Float32Array(3 * N), f1 = new Float32Array(3 * N);
  const half = SHIRT.map((v, c) => (v + PAINT[c]!) / 2);
  for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
    const p = y * R + x, d = Math.hypot(x + 0.5 - 32, y + 0.5 - 48), e = Math.hypot(x + 0.5 - 12, y + 0.5 - 12);
    for (let c = 0; c < 3; c++) {
      f0[c * N + p] = (d <= 10 || e <= 5 ? SHIRT[c]! : BG[c]!) / 255;
      f1[c * N + p] = (d <= 12 ? half[c]! : e <= 5 ? SHIRT[c]! : BG[c]! - 12) / 255;
    }
  }
  return [f0, f1];
}

describe('a colour stroke with its colour known (recolour.ts)', () => {
  const { img, alpha } = layer();
  const stroke = { kind: 'color' as const, points: [[28, 48], [36, 48]] as [number, number][], width: 4, color: PAINT };

  it('gives the part exactly the painted colour, blends its edges by their share, and changes nothing else', async () => {
    const r = await transferEditAsync({ frames: frames(), original: img, mapping: fitMapping(W, W, R), ...strokePaint([stroke], R) }, { pixelRange: [0, 1] });
    let interior = 0, edgeWorst = 0, outsideChanged = 0, other = 0;
    for (let p = 0; p < W * W; p++) {
      const a = alpha[p]!, q = 4 * p;
      const expected = [0, 1, 2].map((c) => img.data[q + c]! + a * (PAINT[c]! - SHIRT[c]!));
      const err = Math.max(...[0, 1, 2].map((c) => Math.abs(r.final.data[q + c]! - expected[c]!)));
      if (a === 1) interior = Math.max(interior, err);
      else if (a > 0) edgeWorst = Math.max(edgeWorst, err);
      else if (r.final.data.slice(q, q + 4).some((v, c) => v !== img.data[q + c])) {
        const x = p % W, y = (p - x) / W;
        if (share(x, y, 12, 12, 5) > 0) other++; else outsideChanged++;
      }
      expect(r.final.data[q + 3]).toBe(255);
    }
    expect(interior, 'inside the shirt: the painted colour').toBeLessThanOrEqual(1);
    expect(edgeWorst, 'antialiased rim: share · new + (1 − share) · background').toBeLessThanOrEqual(4);
    expect(outsideChanged, 'no pixel outside the shirt changed (the generator drew it wider and drifted the background)').toBe(0);
    expect(other, 'the other green disc, not connected to the paint, is untouched').toBe(0);
  });

  it('a sequence fades the colour in: frame k of K is k/K of the way', async () => {
    const [f0, f1] = frames();
    const mid = f0!.map((v, i) => (v + f1![i]!) / 2);
    const r = await transferEditAsync({ frames: [f0!, mid, f1!], original: img, mapping: fitMapping(W, W, R), ...strokePaint([stroke], R) }, { pixelRange: [0, 1], allFrames: true });
    const q = (48 * k * W + 32 * k) * 4;
    for (let c = 0; c < 3; c++) expect(Math.abs(r.frames![0]!.data[q + c]! - (SHIRT[c]! + PAINT[c]!) / 2)).toBeLessThanOrEqual(1);
    expect(Array.from(r.frames![1]!.data.slice(q, q + 3))).toEqual(PAINT);
  });
});

describe('a stroke across two parts recolours the part under its start only', () => {
  // two flat parts side by side: A (left half of the layer) and B (right half), touching
  const A = [200, 170, 60], B = [70, 120, 210];
  const img: RgbaImage = { width: W, height: W, data: new Uint8ClampedArray(W * W * 4) };
  for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) img.data.set([...(x < W / 2 ? A : B), 255], (y * W + x) * 4);
  /** A generator that turns everything under the stroke (on both parts) halfway to the paint. */
  const twoFrames = (paint: readonly number[]): Float32Array[] => {
    const f0 = new Float32Array(3 * N), f1 = new Float32Array(3 * N);
    for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) for (let c = 0; c < 3; c++) {
      const p = y * R + x, part = (x < R / 2 ? A : B)[c]!;
      f0[c * N + p] = part / 255;
      f1[c * N + p] = (Math.abs(y + 0.5 - 32) < 6 && x > 16 && x < 52 ? (part + paint[c]!) / 2 : part) / 255;
    }
    return [f0, f1];
  };
  const PINK: [number, number, number] = [230, 60, 120];

  it('a stroke starting on A and running over B: A takes the painted colour, B is byte-identical', async () => {
    const stroke = { kind: 'color' as const, points: [[20, 32], [50, 32]] as [number, number][], width: 4, color: PINK };
    const r = await transferEditAsync({ frames: twoFrames(PINK), original: img, mapping: fitMapping(W, W, R), ...strokePaint([stroke], R) }, { pixelRange: [0, 1] });
    let aWrong = 0, bChanged = 0;
    for (let p = 0; p < W * W; p++) {
      const q = 4 * p, out = Array.from(r.final.data.slice(q, q + 4));
      if (p % W < W / 2) { if (out.some((v, c) => v !== [...PINK, 255][c])) aWrong++; }
      else if (out.some((v, c) => v !== img.data[q + c])) bChanged++;
    }
    expect(aWrong, 'every pixel of A: the painted colour').toBe(0);
    expect(bChanged, 'B, painted over but not where the stroke started: untouched').toBe(0);
  });

  it('the same stroke drawn the other way (starting on B) recolours B and leaves A untouched', async () => {
    const stroke = { kind: 'color' as const, points: [[50, 32], [20, 32]] as [number, number][], width: 4, color: PINK };
    const r = await transferEditAsync({ frames: twoFrames(PINK), original: img, mapping: fitMapping(W, W, R), ...strokePaint([stroke], R) }, { pixelRange: [0, 1] });
    const a = (32 * k * W + 8 * k) * 4, b = (32 * k * W + 56 * k) * 4;
    expect(Array.from(r.final.data.slice(a, a + 4))).toEqual([...A, 255]);
    expect(Array.from(r.final.data.slice(b, b + 4))).toEqual([...PINK, 255]);
  });
});

describe('a code edit carries the generator\'s strong change only (whole: strong)', () => {
  it('strongChangeRegion: 1 where the change is strong (and a cell around it), 0 far from it', () => {
    const f0 = new Float32Array(3 * N).fill(0.5), f1 = f0.slice();
    for (let y = 20; y < 30; y++) for (let x = 20; x < 30; x++) f1[y * R + x] = 0.9; // strong
    for (let p = 0; p < N; p++) f1[N + p] = 0.53; // drift everywhere, 8 levels
    const g = strongChangeRegion(f0, f1, R, 0.1);
    expect(g[25 * R + 25]).toBe(1);
    expect(g[25 * R + 19]).toBe(1);
    expect(g[50 * R + 50]).toBe(0);
  });

  it('strongChangeRegion with `relative`: a strong edit\'s entangled drift (above the absolute floor) stays out', () => {
    const f0 = new Float32Array(3 * N).fill(0.5), f1 = f0.slice();
    for (let y = 10; y < 30; y++) for (let x = 10; x < 30; x++) f1[y * R + x] = 0.1; // the edit: 0.4
    for (let y = 45; y < 55; y++) for (let x = 45; x < 55; x++) f1[N + y * R + x] = 0.65; // drift: 0.15, over the 0.1 floor
    const plain = strongChangeRegion(f0, f1, R, 0.1), relative = strongChangeRegion(f0, f1, R, 0.1, undefined, null, 0.5);
    expect(plain[50 * R + 50], 'without relative the drift is carried').toBe(1);
    expect(relative[50 * R + 50]).toBe(0);
    expect(relative[25 * R + 25]).toBe(1);
  });

  it('leaves the drifted rest of the layer byte for byte as it was', async () => {
    const { img } = layer();
    const f0 = new Float32Array(3 * N).fill(0.5), f1 = f0.slice();
    for (let y = 20; y < 30; y++) for (let x = 20; x < 30; x++) f1[y * R + x] = 0.1;
    for (let p = 0; p < N; p++) f1[N + p] = 0.53;
    const m = fitMapping(W, W, R);
    const strong = await transferEditAsync({ frames: [f0, f1], original: img, mapping: m, whole: 'strong' }, { pixelRange: [0, 1] });
    const all = await transferEditAsync({ frames: [f0, f1], original: img, mapping: m }, { pixelRange: [0, 1] });
    const far = (60 * k * W + 60 * k) * 4, inside = (25 * k * W + 25 * k) * 4;
    expect(Array.from(strong.final.data.slice(far, far + 4))).toEqual(Array.from(img.data.slice(far, far + 4)));
    expect(Math.abs(all.final.data[far + 1]! - img.data[far + 1]!), 'carried whole, the drift repaints it').toBeGreaterThan(4);
    expect(img.data[inside]! - strong.final.data[inside]!, 'the strong change is carried').toBeGreaterThan(60);
  });
});

describe('a part in pieces the paint does not connect (hair cut by the ears at 64²)', () => {
  // two green discs far apart: the stroke is over the big one; the generator recolours both (or only the big one)
  const { img } = layer();
  const stroke = { kind: 'color' as const, points: [[28, 48], [36, 48]] as [number, number][], width: 4, color: PAINT };
  const twoPieces = (otherChanged: boolean): Float32Array[] => {
    const [f0, f1] = frames();
    const half = SHIRT.map((v, c) => (v + PAINT[c]!) / 2);
    if (otherChanged) for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
      if (Math.hypot(x + 0.5 - 12, y + 0.5 - 12) <= 5) for (let c = 0; c < 3; c++) f1![c * N + y * R + x] = half[c]! / 255;
    }
    return [f0!, f1!];
  };
  const at = (r: RgbaImage, x: number, y: number): number[] => Array.from(r.data.slice((y * W + x) * 4, (y * W + x) * 4 + 3));

  it('a piece the generator recoloured the same way is recoloured whole, in the painted colour', async () => {
    const r = await transferEditAsync({ frames: twoPieces(true), original: img, mapping: fitMapping(W, W, R), ...strokePaint([stroke], R) }, { pixelRange: [0, 1] });
    let wrong = 0, n = 0;
    for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) {
      if (share(x, y, 12, 12, 5) < 1) continue;
      n++;
      if (at(r.final, x, y).some((v, c) => Math.abs(v - PAINT[c]!) > 1)) wrong++;
    }
    expect(n).toBeGreaterThan(1000);
    expect(wrong, 'every pixel inside the second piece: the painted colour').toBe(0);
    expect(at(r.final, 32 * k, 48 * k), 'the painted piece as before').toEqual(PAINT);
    expect(at(r.final, 60 * k, 4 * k), 'the background untouched').toEqual(BG);
  });

  it('a piece the generator left alone stays as it was', async () => {
    const r = await transferEditAsync({ frames: twoPieces(false), original: img, mapping: fitMapping(W, W, R), ...strokePaint([stroke], R) }, { pixelRange: [0, 1] });
    expect(at(r.final, 12 * k, 12 * k)).toEqual(SHIRT);
  });

  it('the panel\'s preview (a smaller render of the same prepared transfer) recolours the second piece too', async () => {
    const input = { frames: twoPieces(true), original: img, mapping: fitMapping(W, W, R), ...strokePaint([stroke], R) };
    const prepared = await prepareTransferAsync(input, { pixelRange: [0, 1] });
    const [small] = await renderTransferAsync(prepared, img, [1], { outputSize: { width: W / 4, height: W / 4 } });
    const q = (12 * (k / 4) * (W / 4) + 12 * (k / 4)) * 4;
    for (let c = 0; c < 3; c++) expect(Math.abs(small!.data[q + c]! - PAINT[c]!)).toBeLessThanOrEqual(1);
  });
});

describe('a part in two tones (a fold: the main colour under a translucent dark layer)', () => {
  // a green disc whose lower third is the fold, 0.75 × the green (not under the paint, > `near` from it)
  const FOLD = SHIRT.map((v) => Math.round(0.75 * v));
  const img: RgbaImage = { width: W, height: W, data: new Uint8ClampedArray(W * W * 4) };
  const inFold = (y: number): boolean => y >= 52 * k;
  for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) {
    const a = share(x, y, 32, 40, 16), tone = inFold(y) ? FOLD : SHIRT;
    img.data.set([0, 1, 2].map((c) => Math.round(a * tone[c]! + (1 - a) * BG[c]!)).concat(255), (y * W + x) * 4);
  }
  const stroke = { kind: 'color' as const, points: [[26, 36], [38, 36]] as [number, number][], width: 4, color: PAINT };
  /** A generator that moves both tones halfway: the green to the paint, the fold to the same shade of it. */
  const twoTones = (): Float32Array[] => {
    const f0 = new Float32Array(3 * N), f1 = new Float32Array(3 * N);
    for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
      const p = y * R + x, on = Math.hypot(x + 0.5 - 32, y + 0.5 - 40) <= 16, fold = y >= 52;
      for (let c = 0; c < 3; c++) {
        const old = on ? (fold ? FOLD[c]! : SHIRT[c]!) : BG[c]!, next = on ? (fold ? 0.75 * PAINT[c]! : PAINT[c]!) : BG[c]!;
        f0[c * N + p] = old / 255;
        f1[c * N + p] = (old + next) / 2 / 255;
      }
    }
    return [f0, f1];
  };

  it('the fold becomes the same shade of the painted colour, the rest of the part the painted colour', async () => {
    const r = await transferEditAsync({ frames: twoTones(), original: img, mapping: fitMapping(W, W, R), ...strokePaint([stroke], R) }, { pixelRange: [0, 1] });
    const at = (x: number, y: number): number[] => Array.from(r.final.data.slice((y * W + x) * 4, (y * W + x) * 4 + 3));
    expect(at(32 * k, 36 * k)).toEqual(PAINT);
    const fold = at(32 * k, 54 * k);
    for (let c = 0; c < 3; c++) expect(Math.abs(fold[c]! - 0.75 * PAINT[c]!), `fold channel ${c}: ${fold}`).toBeLessThanOrEqual(2);
    expect(at(2 * k, 2 * k), 'the background untouched').toEqual(BG);
  });
});

describe('other colours join the part only when the generator made the painted change itself', () => {
  // the shirt disc (painted) and a face disc far from it in place and colour; the generator changes
  // the face the way the paint asks of the shirt, and the shirt itself by `progress` of the way
  const FACE = [230, 180, 150];
  const img: RgbaImage = { width: W, height: W, data: new Uint8ClampedArray(W * W * 4) };
  for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) {
    const s = share(x, y, 32, 48, 10), f = share(x, y, 12, 12, 6);
    img.data.set([0, 1, 2].map((c) => Math.round(s * SHIRT[c]! + f * FACE[c]! + (1 - s - f) * BG[c]!)).concat(255), (y * W + x) * 4);
  }
  const stroke = { kind: 'color' as const, points: [[28, 48], [36, 48]] as [number, number][], width: 4, color: PAINT };
  const entangled = (progress: number): Float32Array[] => {
    const f0 = new Float32Array(3 * N), f1 = new Float32Array(3 * N);
    for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
      const p = y * R + x, shirt = Math.hypot(x + 0.5 - 32, y + 0.5 - 48) <= 10, face = Math.hypot(x + 0.5 - 12, y + 0.5 - 12) <= 6;
      for (let c = 0; c < 3; c++) {
        const old = shirt ? SHIRT[c]! : face ? FACE[c]! : BG[c]!, d = PAINT[c]! - SHIRT[c]!;
        f0[c * N + p] = old / 255;
        f1[c * N + p] = (old + (shirt ? progress * d : face ? 0.5 * d : 0)) / 255;
      }
    }
    return [f0, f1];
  };
  const run = async (progress: number): Promise<{ full: RgbaImage; small: RgbaImage }> => {
    const input = { frames: entangled(progress), original: img, mapping: fitMapping(W, W, R), ...strokePaint([stroke], R) };
    const prepared = await prepareTransferAsync(input, { pixelRange: [0, 1] });
    const [full] = await renderTransferAsync(prepared, img, [1]);
    const [small] = await renderTransferAsync(prepared, img, [1], { outputSize: { width: W / 4, height: W / 4 } });
    return { full: full!, small: small! };
  };
  const rgb = (im: RgbaImage, x: number, y: number): number[] => Array.from(im.data.slice((y * im.width + x) * 4, (y * im.width + x) * 4 + 3));

  it('the generator barely moved the painted part (5 %): the face it changed alike stays untouched, in Apply and the preview', async () => {
    const { full, small } = await run(0.05);
    expect(rgb(full, 32 * k, 48 * k), 'the painted part still takes the painted colour').toEqual(PAINT);
    let changed = 0;
    for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) if (share(x, y, 12, 12, 6) > 0 && rgb(full, x, y).some((v, c) => v !== img.data[(y * W + x) * 4 + c])) changed++;
    expect(changed, 'face pixels changed').toBe(0);
    expect(rgb(small, 12 * (k / 4), 12 * (k / 4)), 'the preview: the face as it was').toEqual(FACE);
  });

  it('the generator took the painted part halfway: the same face change joins it as a tone (the rule above is what keeps it out)', async () => {
    const { full } = await run(0.5);
    expect(rgb(full, 12 * k, 12 * k)).not.toEqual(FACE);
  });
});

describe('a part drawn a few levels from its neighbour (a shaved head: the hair cap 6.5 levels from the skin)', () => {
  const CAP = [180, 145, 139], SKIN = [185, 149, 140], PINK = [255, 223, 191], DARK: [number, number, number] = [156, 124, 120];
  const inFace = (x: number, y: number): boolean => Math.hypot(x - 32, y - 36) <= 16, inCap = (x: number, y: number): boolean => inFace(x, y) && y < 28;
  const colourAt = (x: number, y: number): number[] => (inCap(x, y) ? CAP : inFace(x, y) ? SKIN : PINK);
  const img: RgbaImage = { width: W, height: W, data: new Uint8ClampedArray(W * W * 4) };
  for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) img.data.set([...colourAt((x + 0.5) / k, (y + 0.5) / k), 255], (y * W + x) * 4);
  // the generator darkens the cap all the way to the paint, and nothing else
  const f0 = new Float32Array(3 * N), f1 = new Float32Array(3 * N);
  for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
    const c0 = colourAt(x + 0.5, y + 0.5), c1 = inCap(x + 0.5, y + 0.5) ? DARK : c0;
    for (let c = 0; c < 3; c++) { f0[c * N + y * R + x] = c0[c]! / 255; f1[c * N + y * R + x] = c1[c]! / 255; }
  }
  const stroke = { kind: 'color' as const, points: [[26, 24], [38, 24]] as [number, number][], width: 4, color: DARK };

  it('a stroke over the cap recolours the cap, and the skin a few levels from it stays byte-identical', async () => {
    const { final } = await transferEditAsync({ frames: [f0, f1], original: img, mapping: fitMapping(W, W, R), ...strokePaint([stroke], R) }, { pixelRange: [0, 1] });
    let skin = 0, skinChanged = 0, cap = 0, capOff = 0;
    for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) {
      const fx = (x + 0.5) / k, fy = (y + 0.5) / k, q = (y * W + x) * 4;
      // away from the cap's edge (a layer pixel's share of it is all or nothing here, but keep clear of the line)
      if (Math.abs(fy - 28) < 0.5) continue;
      const px = Array.from(final.data.subarray(q, q + 3));
      if (inCap(fx, fy) && Math.hypot(fx - 32, fy - 36) < 15) { cap++; if (px.some((v, c) => Math.abs(v - DARK[c]!) > 2)) capOff++; }
      else if (inFace(fx, fy) && !inCap(fx, fy)) { skin++; if (px.some((v, c) => v !== img.data[q + c])) skinChanged++; }
    }
    expect(cap).toBeGreaterThan(1000);
    expect(capOff).toBe(0);
    expect(skin).toBeGreaterThan(1000);
    expect(skinChanged).toBe(0);
  });
});

describe('chooseShades reads the generator where a tone is whole, not on thin pieces it blends with their surroundings', () => {
  // A hair part drawn as DiceBear draws it: the main tone (under the stroke start) is the base colour
  // under a light overlay, the darker tone is the base. Painted near-white, the base becomes the
  // 'screen' of the paint. The generator draws that in the base's thick block, but at 64² its thin
  // strips (a pigtail's end, 1 cell wide) come out darker, blended with the background.
  const TOP = [68, 55, 89], BASE = [54, 44, 71], T = [222, 225, 245], BGC = [209, 212, 249];
  const screen = BASE.map((c, i) => shadeChannel('screen', c, TOP[i]!, T[i]!));
  const multiply = BASE.map((c, i) => shadeChannel('multiply', c, TOP[i]!, T[i]!));
  const toneAt = (x: number, y: number, strips: boolean, block: boolean): 'top' | 'block' | 'strip' | null => {
    if (x >= 10 && x < 40 && y >= 10 && y < 30) return 'top';
    if (block && x >= 10 && x < 40 && y >= 30 && y < 36) return 'block';
    if (strips && x >= 44 && x < 60 && x % 2 === 0 && y >= 10 && y < 40) return 'strip';
    return null;
  };
  const setup = (block: boolean): { img: RgbaImage; first: Float32Array; last: Float32Array } => {
    const img: RgbaImage = { width: W, height: W, data: new Uint8ClampedArray(W * W * 4) };
    for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) {
      const t = toneAt(Math.floor(x / k), Math.floor(y / k), true, block);
      img.data.set([...(t === 'top' ? TOP : t ? BASE : BGC), 255], (y * W + x) * 4);
    }
    const first = new Float32Array(3 * N), last = new Float32Array(3 * N);
    for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
      const t = toneAt(x, y, true, block), p = y * R + x;
      for (let c = 0; c < 3; c++) {
        first[c * N + p] = (t === 'top' ? TOP : t ? BASE : BGC)[c]! / 255;
        last[c * N + p] = (t === 'top' ? T : t === 'block' ? screen : t === 'strip' ? multiply : BGC)[c]! / 255;
      }
    }
    return { img, first, last };
  };

  it('the base follows the paint as its thick block shows (screen), though its thin strips are more of its cells', () => {
    const { img, first, last } = setup(true);
    expect(chooseShades(img, fitMapping(W, W, R), [TOP, BASE], T, first, last, 12)).toEqual(['shift', 'screen']);
  });

  it('with only thin strips there is nothing whole to read: the base keeps what its colours say (the top under a black layer: multiply), else the plain offset', () => {
    const { img, first, last } = setup(false);
    expect(chooseShades(img, fitMapping(W, W, R), [TOP, BASE], T, first, last, 12)).toEqual(['shift', 'multiply']);   // BASE = 0.8 · TOP
    expect(chooseShades(img, fitMapping(W, W, R), [TOP, [54, 50, 60]], T, first, last, 12)).toEqual(['shift', 'shift']);   // no one layer makes it
  });
});

describe('a colour code\'s old value as the part\'s main colour', () => {
  const HAIR = [245, 159, 141], SHADOW = [200, 100, 80], CORAL = [242, 125, 101];
  it('the tone within 3 × near of it goes first; farther, the order stays and the old value is the main colour itself', () => {
    expect(mainFirst([HAIR, SHADOW], [205, 104, 82], 12)).toEqual([SHADOW, HAIR]);
    expect(mainFirst([HAIR, SHADOW], CORAL, 12)).toEqual([HAIR, SHADOW]);   // both 53 levels away: neither is it
    expect(virtualMain([HAIR, SHADOW], CORAL, 12)).toEqual(CORAL);
    expect(virtualMain([SHADOW, HAIR], [205, 104, 82], 12)).toBeNull();
    expect(mainFirst([HAIR, SHADOW], null, 12)).toEqual([HAIR, SHADOW]);
  });
  it('over a main colour none of them is, a lighter tone is screened and a darker one multiplied', () => {
    expect(overlayShades([HAIR, SHADOW], CORAL)).toEqual(['shift', 'screen', 'multiply']);
    // coral hair under its ~25 % white overlay, coral → brown: the overlay kept on brown (the truth renders #907575)
    expect([0, 1, 2].map((c) => Math.round(shadeChannel('screen', HAIR[c]!, CORAL[c]!, [108, 69, 69][c]!)))).toEqual([142, 118, 117]);
  });
});

describe('a tone that is the main colour under one black or white layer (layerShade)', () => {
  // DiceBear's lightest skin (#eeb4a4) as resvg draws it: the face under white at 35 %, the nose under black at 36 %
  const SKIN = [238, 180, 164], FACE = [244, 207, 197], NOSE = SKIN.map((c) => Math.round(0.64 * c));
  const DARKEST = [98, 61, 54];
  const follow = (shade: NonNullable<ReturnType<typeof layerShade>>, tone: number[]): number[] => [0, 1, 2].map((c) => Math.round(shadeChannel(shade, tone[c]!, SKIN[c]!, DARKEST[c]!)));

  it('is found from the colours alone, and takes the new main colour under the same layer', () => {
    expect(layerShade(FACE, SKIN)).toBe('screen');
    expect(layerShade(NOSE, SKIN)).toBe('multiply');
    // the darkest skin's own face and nose as resvg renders them: [155, 131, 127] and 0.64 × [98, 61, 54]
    expect(follow('screen', FACE).map((v, c) => Math.abs(v - [155, 131, 127][c]!)).every((d) => d <= 2)).toBe(true);
    expect(follow('multiply', NOSE)).toEqual([63, 39, 35]);
  });

  it('knows the Overlay blend mode (a browser or Figma drawing the same SVG), and no layer for an unrelated tone', () => {
    // black in Overlay mode at 36 % over the skin: every channel above mid-grey darkens by 0.36 · (255 − c)
    const overlaid = SKIN.map((c) => Math.round(c - 0.36 * (255 - c)));
    const shade = layerShade(overlaid, SKIN);
    expect(shade).toMatchObject({ light: false });
    expect(typeof shade === 'object' && shade ? Math.abs(shade.overlay - 0.36) : 1).toBeLessThan(0.02);
    // on the darkest skin (every channel below mid-grey) the same layer multiplies by 0.64
    expect(follow(shade!, overlaid).map((v, c) => Math.abs(v - [63, 39, 35][c]!)).every((d) => d <= 1)).toBe(true);
    expect(layerShade([90, 200, 120], SKIN)).toBeNull();
    expect(layerShade([250, 250, 250], [255, 255, 255])).toBeNull();   // white over white shows nothing
  });
});

describe('a part\'s small tones that are its main colour under a layer (shadeTones)', () => {
  it('joins a nose drawn over the face, not an eye of another colour, nor a tone common enough to be the part\'s own', () => {
    const SKIN = [215, 135, 116], NOSE = [220, 150, 134], EYE = [40, 20, 60];   // the nose: the skin under white at 12.5 %
    const img: RgbaImage = { width: W, height: W, data: new Uint8ClampedArray(W * W * 4) };
    for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) {
      const nose = x >= 20 && x < 28 && y >= 20 && y < 28, eye = x >= 40 && x < 48 && y >= 20 && y < 28;
      img.data.set([...(nose ? NOSE : eye ? EYE : SKIN), 255], (y * W + x) * 4);
    }
    const painted = new Float32Array(R * R).fill(1), m = fitMapping(W, W, R);
    const found = shadeTones(img, m, painted, [SKIN], 12, 0.04);
    expect(found.length).toBe(1);
    expect(found[0]!.every((v, c) => Math.abs(v - NOSE[c]!) <= 1)).toBe(true);
    expect(shadeTones(img, m, painted, [SKIN], 12, 0.0005)).toEqual([]);   // 0.1 % of the part: a tone of its own at this share
  });
});
