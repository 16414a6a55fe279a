/**
 * Issue 5 end to end on the default pack: a 1024 × 1024 avatar layer (rendered by our own
 * DiceBear script, not a training seed) is projected, edited with a colour stroke over the
 * hair, and the change G(z0) → G(z1) is transferred onto it at full resolution, confined to the
 * region connected to the stroke (engine/transfer/edit-region.ts: the 64² generator nudges the
 * whole image when the hair changes; the designer painted the hair). The result changes where the
 * generated image changed around the stroke, in proportion to it, and is within 2/255 of the
 * original elsewhere; a layer with transparency keeps its alpha outside the edit.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../engine/engine.js';
import { fsPackSource } from '../../engine/node/fs-pack-source.js';
import { transferEditAsync } from '../../engine/transfer/index.js';
import type { FrameMapping, RgbaImage } from '../../engine/image/frame.js';
import { renderAvatar } from '../../models/data/render-avatar.js';
import { paintedCoverage } from '../../engine/brushes/rasterize.js';

const PACK = process.env.MANIFOLD_REAL_PACK ?? 'models/personas64-v2';
const N = 1024;

/** Frame cells within `grow` cells (Chebyshev) of a cell where `flags` > 0. */
function grownCells(flags: ArrayLike<number>, R: number, grow: number): Uint8Array {
  const out = new Uint8Array(R * R);
  for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
    if (!(flags[y * R + x]! > 0)) continue;
    for (let dy = -grow; dy <= grow; dy++) for (let dx = -grow; dx <= grow; dx++) {
      const u = x + dx, v = y + dy;
      if (u >= 0 && v >= 0 && u < R && v < R) out[v * R + u] = 1;
    }
  }
  return out;
}

/** For each layer pixel, whether its frame cell is in `cells`. */
function cellOf(m: FrameMapping, x: number, y: number): number {
  const u = Math.floor((x + 0.5) * m.scale + m.offsetX), v = Math.floor((y + 0.5) * m.scale + m.offsetY);
  return v * m.resolution + u;
}

describe.skipIf(!existsSync(join(PACK, 'pack.json')))('edit transfer on a 1024² avatar layer (issue 5)', () => {
  let engine: Engine;
  let original: RgbaImage;
  beforeAll(async () => {
    engine = await Engine.createAsync(fsPackSource(PACK), { numThreads: 1 });
    const { rgba } = renderAvatar('e2e-transfer-1', N);
    original = { width: N, height: N, data: new Uint8ClampedArray(rgba) };
  }, 120_000);
  afterAll(async () => { await engine?.releaseAsync(); });

  // on the layer's red hair (frame rows 11–28, columns 16–36 on the left), painted deep red
  const stroke = { kind: 'color' as const, points: [[21, 18], [35, 18]] as [number, number][], width: 4, color: [150, 20, 40] as [number, number, number] };

  async function editAndTransferAsync(img: RgbaImage) {
    const proj = await engine.projectAsync(img, { iterations: 40 });
    const R = engine.model.R;
    // A red stroke over the top of the head (the hair), in frame pixels.
    const update = await engine.edit.addStrokeAsync(stroke);
    const { images } = await engine.interpolateAsync(update.order[0]!, { frames: 17 });
    const n = 3 * R * R;
    const frames = Array.from({ length: 17 }, (_, k) => images.slice(k * n, (k + 1) * n));
    const result = await transferEditAsync({ frames, original: img, mapping: proj.mapping, painted: paintedCoverage([stroke], R), paintKind: 'recolour' });
    return { proj, frames, result, R };
  }

  it('changes the layer where the generated image changed around the stroke, and stays within 2/255 elsewhere', async () => {
    const { proj, frames, result, R } = await editAndTransferAsync(original);
    const region = result.region!;
    expect(region, 'a stroke edit is confined to a region').not.toBeNull();
    // "elsewhere": frame cells more than 4 cells from the region (the guided filter reaches 3 frame px, the render interpolates 1)
    const near = grownCells(region, R, 4);
    const dG = new Float64Array(R * R), dL = new Float64Array(R * R), nL = new Float64Array(R * R);
    for (let p = 0; p < R * R; p++) {
      for (let c = 0; c < 3; c++) dG[p] = Math.max(dG[p]!, (Math.abs(frames[16]![c * R * R + p]! - frames[0]![c * R * R + p]!) / 2) * 255);
    }
    const out = result.final.data, src = original.data;
    let elsewhereMax = 0, elsewhereCount = 0;
    for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) {
      const i = (y * N + x) * 4, cell = cellOf(proj.mapping, x, y);
      let d = 0;
      for (let c = 0; c < 4; c++) d = Math.max(d, Math.abs(out[i + c]! - src[i + c]!));
      dL[cell] += d; nL[cell]++;
      if (!near[cell]) { elsewhereMax = Math.max(elsewhereMax, d); elsewhereCount++; }
    }
    for (let p = 0; p < R * R; p++) dL[p] = nL[p] ? dL[p]! / nL[p]! : 0;
    // inside the region the layer's change follows the generated change, cell by cell
    const inside = [...region.keys()].filter((p) => region[p] === 1);
    const mean = (ps: number[], a: Float64Array) => ps.reduce((s, p) => s + a[p]!, 0) / ps.length;
    const mg = mean(inside, dG), ml = mean(inside, dL);
    let cov = 0, vg = 0, vl = 0;
    for (const p of inside) { cov += (dG[p]! - mg) * (dL[p]! - ml); vg += (dG[p]! - mg) ** 2; vl += (dL[p]! - ml) ** 2; }
    const r = cov / Math.sqrt(vg * vl);
    const big = inside.filter((p) => dG[p]! > 24);
    console.log(`[e2e] region ${inside.length} of ${R * R} cells; generated change there ${mg.toFixed(1)}/255 (${big.length} cells > 24/255), layer change ${ml.toFixed(1)}/255, correlation ${r.toFixed(3)}; elsewhere ${(100 * elsewhereCount / (N * N)).toFixed(0)}% of the layer, max change ${elsewhereMax}/255`);
    expect(big.length, 'the stroke recoloured part of the generated image').toBeGreaterThan(20);
    expect(mean(big, dL), 'the layer changed where the generated image changed').toBeGreaterThan(24);
    // cell by cell the layer (white hair) and the generated frame (its reconstruction) differ, so
    // their changes agree in size on the whole and only loosely per cell (all region cells changed a lot)
    expect(ml / mg).toBeGreaterThan(0.5);
    expect(ml / mg).toBeLessThan(1.5);
    expect(r).toBeGreaterThan(0.5);
    expect(elsewhereCount / (N * N), 'most of the layer is away from the edit').toBeGreaterThan(0.5);
    expect(elsewhereMax).toBeLessThanOrEqual(2);
  }, 300_000);

  it('keeps the alpha of a transparent layer outside the edit', async () => {
    // The same avatar with a transparent ring around it (alpha falls to 0 towards the corners).
    const img: RgbaImage = { width: N, height: N, data: new Uint8ClampedArray(original.data) };
    for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) {
      const r = Math.hypot(x - N / 2, y - N / 2) / (N / 2);
      img.data[(y * N + x) * 4 + 3] = Math.round(255 * Math.min(1, Math.max(0, (1.15 - r) / 0.3)));
    }
    const { proj, result, R } = await editAndTransferAsync(img);
    const changed = grownCells(result.region!, R, 4);
    let maxAlpha = 0;
    for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) {
      if (changed[cellOf(proj.mapping, x, y)]) continue;
      const i = (y * N + x) * 4 + 3;
      maxAlpha = Math.max(maxAlpha, Math.abs(result.final.data[i]! - img.data[i]!));
    }
    expect(maxAlpha).toBeLessThanOrEqual(1);
  }, 300_000);
});
