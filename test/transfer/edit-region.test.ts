/**
 * The edit region (engine/transfer/edit-region.ts): a stroke edit's change is carried only where
 * it is connected to the paint and within reach of it; elsewhere the layer is left exactly alone.
 */
import { describe, expect, it } from 'vitest';
import { colourAffinity, editRegion } from '../../engine/transfer/edit-region.js';
import { layerFrame } from '../../engine/transfer/layer-frame.js';
import { paintedCoverage } from '../../engine/brushes/rasterize.js';
import { fitMapping } from '../../engine/transfer/frame-mapping.js';
import { transferEditAsync } from '../../engine/transfer/transfer-edit.js';
import type { RgbaImage } from '../../engine/transfer/types.js';
import { renderFrame, sinusoidTexture } from './synthetic.js';

const R = 64, N = R * R;

/** A flat grey frame with discs of other colours: [cx, cy, radius, rgb]. */
function discs(list: [number, number, number, number[]][], base = 0.5): Float32Array {
  const f = new Float32Array(3 * N).fill(base);
  for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
    for (const [cx, cy, r, rgb] of list) {
      if (Math.hypot(x + 0.5 - cx, y + 0.5 - cy) <= r) for (let c = 0; c < 3; c++) f[c * N + y * R + x] = rgb[c]!;
    }
  }
  return f;
}

const at = (x: number, y: number): number => Math.floor(y) * R + Math.floor(x);

describe('editRegion', () => {
  // the edit: a disc at (20, 20) turned red under the stroke; a disc at (50, 50) changed just as
  // much (entangled, far from the paint); faint noise everywhere
  const first = discs([]);
  const last = discs([[20, 20, 8, [0.9, 0.1, 0.1]], [50, 50, 6, [0.1, 0.1, 0.9]]]);
  for (let i = 0; i < last.length; i++) last[i] += 0.01 * Math.sin(i * 12.9898);
  const painted = paintedCoverage([{ kind: 'color', points: [[16, 20], [24, 20]], width: 4, color: [230, 20, 20] }], R);

  it('covers the changed part connected to the paint, leaves a strong change far from it out, and nothing else', () => {
    const region = editRegion(first, last, painted, R);
    expect(region[at(20, 20)]).toBe(1);
    expect(region[at(20, 13)], 'the whole changed disc, not only the stroke').toBe(1);
    expect(region[at(50, 50)], 'an entangled change out of reach').toBe(0);
    expect(region[at(40, 20)], 'unchanged pixels beyond the rim').toBe(0);
    const inside = region.filter((v) => v > 0).length;
    // the disc (~200 px) plus a rim of 3 px: well under a fifth of the frame
    expect(inside).toBeGreaterThan(150);
    expect(inside).toBeLessThan(N / 5);
  });

  it('fades over the feather rim instead of cutting', () => {
    const region = editRegion(first, last, painted, R, { feather: 3 });
    // along the row through the disc centre, right of the disc edge at x = 28
    const row = [28, 29, 30, 31, 32].map((x) => region[at(x, 20)]!);
    expect(row[0]).toBe(1);
    for (let i = 1; i < row.length; i++) expect(row[i]!).toBeLessThanOrEqual(row[i - 1]!);
    expect(row.some((v) => v > 0 && v < 1)).toBe(true);
  });

  it('keeps painted pixels even where nothing changed, and is empty without paint', () => {
    const same = discs([]);
    const region = editRegion(same, same, painted, R);
    expect(region[at(20, 20)]).toBe(1);
    expect(region[at(50, 50)]).toBe(0);
    expect(editRegion(first, last, new Float32Array(N), R).every((v) => v === 0)).toBe(true);
  });

  it('grows no farther than its reach, however far the change runs', () => {
    // the whole frame turns red: the region stops at reach·R from the paint
    const all = discs([[32, 32, 64, [0.9, 0.1, 0.1]]]);
    const region = editRegion(first, all, painted, R, { reach: 0.125, feather: 0 });
    expect(region[at(20, 20 + 7)]).toBe(1);
    expect(region[at(20, 20 + 12)]).toBe(0);
    expect(region[at(60, 60)]).toBe(0);
  });

  it('rejects mis-sized input', () => {
    expect(() => editRegion(first, last, new Float32Array(10), R)).toThrow(/painted/);
    expect(() => editRegion(first.subarray(1), last, painted, R)).toThrow(/frames/);
  });
});

describe('transferEditAsync with painted strokes', () => {
  it('changes the layer inside the region and leaves every pixel outside it exactly as it was', async () => {
    const W = 512, H = 384, m = fitMapping(W, H, R);
    const tex = sinusoidTexture(5);
    const original: RgbaImage = { width: W, height: H, data: new Uint8ClampedArray(W * H * 4) };
    const c = [0, 0, 0];
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      tex(m.scale * (x + 0.5) + m.offsetX, m.scale * (y + 0.5) + m.offsetY, c);
      original.data.set([255 * c[0]!, 255 * c[1]!, 255 * c[2]!, 200], (y * W + x) * 4);
    }
    // the edit darkens a disc around (20, 24) and, entangled, brightens the far corner
    const before = renderFrame(tex, R);
    const after = Float32Array.from(before);
    for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
      const p = y * R + x, near = Math.hypot(x + 0.5 - 20, y + 0.5 - 24) <= 7, far = x > 50 && y > 50;
      for (let ch = 0; ch < 3; ch++) if (near) after[ch * N + p] *= 0.5; else if (far) after[ch * N + p] = Math.min(1, after[ch * N + p]! + 0.3);
    }
    const painted = paintedCoverage([{ kind: 'color', points: [[18, 24], [22, 24]], width: 4, color: [0, 0, 0] }], R);
    const local = await transferEditAsync({ frames: [before, after], original, mapping: m, painted }, { pixelRange: [0, 1] });
    const whole = await transferEditAsync({ frames: [before, after], original, mapping: m }, { pixelRange: [0, 1] });
    expect(whole.region).toBeNull();
    const region = local.region!;
    const frameCell = (x: number, y: number): number => at(m.scale * (x + 0.5) + m.offsetX, m.scale * (y + 0.5) + m.offsetY);
    let outsideMax = 0, insideMean = 0, insideCount = 0, farWhole = 0, farCount = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 4, cell = frameCell(x, y), cx = cell % R, cy = Math.floor(cell / R);
      let d = 0;
      for (let ch = 0; ch < 4; ch++) d = Math.max(d, Math.abs(local.final.data[i + ch]! - original.data[i + ch]!));
      // outside the region grown by 4 cells (the guided filter reaches 3, the mid-grid interpolation 1)
      let nearRegion = false;
      for (let dy = -4; dy <= 4 && !nearRegion; dy++) for (let dx = -4; dx <= 4; dx++) {
        const u = cx + dx, v = cy + dy;
        if (u >= 0 && v >= 0 && u < R && v < R && region[v * R + u]! > 0) { nearRegion = true; break; }
      }
      if (!nearRegion) outsideMax = Math.max(outsideMax, d);
      if (Math.hypot(cx + 0.5 - 20, cy + 0.5 - 24) <= 4) { insideMean += d; insideCount++; }
      if (cx > 53 && cy > 53) { farWhole += Math.abs(whole.final.data[i]! - original.data[i]!); farCount++; }
    }
    expect(outsideMax).toBe(0);
    expect(insideMean / insideCount, 'the disc was darkened by about half').toBeGreaterThan(30);
    expect(farWhole / farCount, 'without paint, the far change is carried too').toBeGreaterThan(30);
  });
});

describe('recolouring edits keep to the colours painted over', () => {
  // a 256² layer: a green "shirt" disc at frame (32, 48) r 10 on a pink background; the generator
  // recolours the shirt blue AND draws it wider (r 13), so a rim of background changes too
  const W = 256, m = fitMapping(W, W, R), k = W / R;
  const layer: RgbaImage = { width: W, height: W, data: new Uint8ClampedArray(W * W * 4) };
  for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) {
    const inShirt = Math.hypot((x + 0.5) / k - 32, (y + 0.5) / k - 48) <= 10;
    layer.data.set(inShirt ? [90, 190, 90, 255] : [250, 210, 215, 255], (y * W + x) * 4);
  }
  const first = discs([[32, 48, 10, [0.35, 0.75, 0.35]]], 0.9);
  const last = discs([[32, 48, 13, [0.2, 0.3, 0.8]]], 0.9);
  const painted = paintedCoverage([{ kind: 'color', points: [[28, 48], [36, 48]], width: 4, color: [40, 90, 200] }], R);

  it('layerFrame sees the layer at frame resolution', () => {
    const lf = layerFrame(layer, m);
    expect(lf.colour[at(32, 48)]).toBeCloseTo(90 / 255, 2);
    expect(lf.colour[2 * N + at(5, 5)]).toBeCloseTo(215 / 255, 2);
    expect(lf.coverage[at(5, 5)]).toBe(1);
  });

  it('colourAffinity is 1 on the painted-over colour and 0 on the background', () => {
    const aff = colourAffinity(layerFrame(layer, m), painted, R);
    expect(aff[at(32, 40)]).toBe(1);
    expect(aff[at(32, 59.5)]).toBe(0);
    expect(aff[at(5, 5)]).toBe(0);
  });

  it('the rim the generator added around the shirt is left out of the region, the shirt is in', () => {
    const rimCell = at(32 + 11.5, 48); // background in the layer, shirt in G(z1), within reach of the paint
    const shape = editRegion(first, last, painted, R);
    expect(shape[rimCell], 'without the colour rule the rim is in').toBe(1);
    const recolour = editRegion(first, last, painted, R, {}, colourAffinity(layerFrame(layer, m), painted, R));
    expect(recolour[rimCell]).toBe(0);
    expect(recolour[at(32, 40)]).toBe(1);
    expect(recolour[at(24, 48)]).toBe(1);
  });

  it('carries through transferEditAsync: the layer\'s background next to the shirt stays as it was', async () => {
    const toUnit = (f: Float32Array) => f; // discs() is already in [0, 1]
    const r = await transferEditAsync({ frames: [toUnit(first), toUnit(last)], original: layer, mapping: m, painted, paintKind: 'recolour' }, { pixelRange: [0, 1] });
    const px = (fx: number, fy: number): number => (Math.floor(fy * k) * W + Math.floor(fx * k)) * 4;
    const rim = px(32 + 11.75, 48), shirt = px(32, 44);
    for (let c = 0; c < 4; c++) expect(Math.abs(r.final.data[rim + c]! - layer.data[rim + c]!), 'within 2/255').toBeLessThanOrEqual(2);
    expect(r.final.data[shirt + 2]!, 'the shirt turned blue').toBeGreaterThan(150);
    expect(r.final.data[shirt + 1]!).toBeLessThan(130);
  });
});
