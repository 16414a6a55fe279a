import { describe, expect, it } from 'vitest';
import { interpolateLatents } from '../../engine/ops/interpolate.js';
import { latentLayout, snapCategorical, clipToBox, topCategories } from '../../engine/latent/latent-layout.js';
import { applyCodeChange, readCodes } from '../../engine/latent/codes.js';
import { validatePack } from '../../engine/pack/validate-pack.js';
import { testPackSource } from './pack-dir.js';

const pack = validatePack(JSON.parse(new TextDecoder().decode(await testPackSource()('pack.json'))));
const layout = latentLayout(pack);
const L = layout.size;
const cat = layout.categorical[0]!;

function latent(fill: number, category: number): Float32Array {
  const z = new Float32Array(L).fill(fill);
  for (let j = 0; j < cat.size; j++) z[cat.offset + j] = j === category ? 1 : 0;
  return z;
}

describe('latentLayout', () => {
  it('frees noise and continuous dims, fixes categorical slices', () => {
    expect(layout.freeIndices.length).toBe(L - cat.size);
    for (let j = 0; j < cat.size; j++) expect(layout.free[cat.offset + j]).toBe(0);
  });
  it('snaps categorical slices to one-hot and clips to the box', () => {
    const z = new Float32Array(L).fill(3);
    z[cat.offset] = 0.2; z[cat.offset + 1] = 0.7; z[cat.offset + 2] = 0.1;
    expect(topCategories(z, cat, 2)).toEqual([1, 0]);
    clipToBox(snapCategorical(z, layout), layout);
    expect(Array.from(z.subarray(cat.offset, cat.offset + cat.size))).toEqual([0, 1, 0]);
    expect(z[0]).toBe(1);
  });
});

describe('interpolateLatents', () => {
  it('linear: ends exact, midpoint halfway, categorical switches at the midpoint', () => {
    const a = latent(-0.5, 0), b = latent(0.5, 2);
    const f = interpolateLatents(a, b, 5, layout);
    expect(f.subarray(0, L)).toEqual(a);
    expect(f.subarray(4 * L)).toEqual(b);
    expect(f[2 * L]).toBeCloseTo(0);
    expect(Array.from(f.subarray(L + cat.offset, L + cat.offset + 3))).toEqual([1, 0, 0]);
    expect(Array.from(f.subarray(2 * L + cat.offset, 2 * L + cat.offset + 3))).toEqual([0, 0, 1]);
  });
  it('slerp keeps the norm of equal-norm free vectors', () => {
    const a = latent(0, 0), b = latent(0, 0);
    a[0] = 0.8; b[1] = 0.8;
    const f = interpolateLatents(a, b, 9, layout, { mode: 'slerp' });
    for (let k = 0; k < 9; k++) expect(Math.hypot(f[k * L]!, f[k * L + 1]!)).toBeCloseTo(0.8, 5);
  });
  it('blend mixes the categorical slices', () => {
    const f = interpolateLatents(latent(0, 0), latent(0, 1), 3, layout, { categorical: 'blend' });
    expect(Array.from(f.subarray(L + cat.offset, L + cat.offset + 3))).toEqual([0.5, 0.5, 0]);
  });
  it('names a bad frame count', () => {
    expect(() => interpolateLatents(latent(0, 0), latent(0, 0), 1, layout)).toThrow('interpolate: frames must be an integer in [2, 1024], got 1');
  });
});

describe('applyCodeChange', () => {
  const cont = layout.continuous[0]!;
  it('sets, shifts (clipped) and switches', () => {
    let z = latent(0, 0);
    z = applyCodeChange(z, layout, { code: cont.name, set: 0.3 });
    expect(z[cont.offset]).toBeCloseTo(0.3);
    z = applyCodeChange(z, layout, { code: cont.name, shift: 5 });
    expect(z[cont.offset]).toBe(cont.range[1]);
    z = applyCodeChange(z, layout, { code: cat.name, category: 2 });
    expect(readCodes(z, layout)[cat.name]).toBe(2);
  });
  it('names unknown codes and wrong kinds', () => {
    expect(() => applyCodeChange(latent(0, 0), layout, { code: 'Nope', set: 1 })).toThrow('code: unknown code "Nope"');
    expect(() => applyCodeChange(latent(0, 0), layout, { code: cat.name, set: 1 })).toThrow('is categorical; use category');
    expect(() => applyCodeChange(latent(0, 0), layout, { code: cat.name, category: 3 })).toThrow('must be an integer in [0, 2], got 3');
  });
});
