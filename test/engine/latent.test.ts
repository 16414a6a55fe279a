import { describe, expect, it } from 'vitest';
import { interpolateLatents } from '../../engine/ops/interpolate.js';
import { latentLayout, snapCategorical, clipToBox, topCategories } from '../../engine/latent/latent-layout.js';
import { applyCodeChange, hiddenCodes, readCodes, reshapes } from '../../engine/latent/codes.js';
import { backdropLatents } from '../../engine/latent/backdrops.js';
import { validatePack } from '../../engine/pack/validate-pack.js';
import type { LatentCode, Pack } from '../../engine/pack/pack-types.js';
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

describe('a code another one hides (hair colour on a bald head)', () => {
  // Hair style (0 bald, 1 long, 2 cap) hides Hair colour (0 white, 1 brown, 2 red) when bald or a cap.
  const hairPack = {
    ...pack,
    latent: {
      size: L, noise: { offset: 0, size: L - 6, range: [-1, 1] },   // the test pack's graphs take L
      codes: [
        { name: 'Hair style', kind: 'categorical', offset: L - 6, size: 3, labels: ['Bald', 'Long', 'Cap'] },
        { name: 'Hair colour', kind: 'categorical', offset: L - 3, size: 3, labels: ['White', 'Brown', 'Red'], hiddenBy: { code: 'Hair style', categories: [0, 2] }, shownAs: 1 },
      ],
    },
  } as Pack;
  const lay = latentLayout(hairPack);
  const at = (noise: number, style: number, colour: number) => Float32Array.from({ length: L }, (_, i) => (i < L - 6 ? noise : i === L - 6 + style || i === L - 3 + colour ? 1 : 0));
  const bald = at(0.1, 0, 0);   // bald, the projection's arbitrary white
  it('says which codes are hidden, and by what', () => {
    expect([...hiddenCodes(readCodes(bald, lay), hairPack.latent.codes)]).toEqual([['Hair colour', 'Hair style']]);
    expect(hiddenCodes({ 'Hair style': 1, 'Hair colour': 0 }, hairPack.latent.codes).size).toBe(0);
  });
  it('hair grown on a bald head takes the pack\'s shownAs; a colour set afterwards wins; nothing else moves', () => {
    const long = applyCodeChange(bald, lay, { code: 'Hair style', category: 1 });
    expect(readCodes(long, lay)).toEqual({ 'Hair style': 1, 'Hair colour': 1 });
    expect(Array.from(long.subarray(0, L - 6))).toEqual(Array.from(bald.subarray(0, L - 6)));
    expect(readCodes(applyCodeChange(long, lay, { code: 'Hair colour', category: 2 }), lay)['Hair colour']).toBe(2);
  });
  it('a style change between shown styles, or to another hiding one, keeps the colour', () => {
    const red = at(0, 1, 2);   // long, red
    const cap = applyCodeChange(red, lay, { code: 'Hair style', category: 2 });
    expect(readCodes(cap, lay)['Hair colour']).toBe(2);
    expect(readCodes(applyCodeChange(cap, lay, { code: 'Hair style', category: 0 }), lay)['Hair colour']).toBe(2);   // cap → bald: still hidden
    expect(readCodes(applyCodeChange(bald, lay, { code: 'Hair style', category: 2 }), lay)['Hair colour']).toBe(0);
  });
  it('the pack must name another categorical code and categories it has', () => {
    const bad = (hiddenBy: unknown, shownAs: unknown = 1) => () => validatePack({ ...hairPack, latent: { ...hairPack.latent, codes: [hairPack.latent.codes[0], { ...hairPack.latent.codes[1], hiddenBy, shownAs }] } });
    expect(bad({ code: 'Hair style', categories: [0, 2] })).not.toThrow();
    expect(bad({ code: 'Hair', categories: [0] })).toThrow('latent.codes[1].hiddenBy.code: must name another categorical code of this pack, got "Hair"');
    expect(bad({ code: 'Hair colour', categories: [0] })).toThrow('must name another categorical code');
    expect(bad({ code: 'Hair style', categories: [3] })).toThrow('latent.codes[1].hiddenBy.categories[0]');
    expect(bad({ code: 'Hair style', categories: [] })).toThrow('must be a non-empty array');
    expect(bad({ code: 'Hair style', categories: [0] }, 3)).toThrow('latent.codes[1].shownAs');
  });
});

describe('codes that change shapes (the pack\'s `changes`): what the transfer draws from the generator', () => {
  const codes = [
    { name: 'Hair style', kind: 'categorical', offset: 0, size: 3, labels: ['Bald', 'Long', 'Cap'], changes: 'shape' },
    { name: 'Hair colour', kind: 'categorical', offset: 3, size: 3, labels: ['White', 'Brown', 'Red'], changes: 'colour' },
    { name: 'Mouth open', kind: 'continuous', offset: 6, range: [-1, 1], changes: 'shape' },
    { name: 'Variation', kind: 'continuous', offset: 7, range: [-1, 1] },
  ] as LatentCode[];
  const z0 = { 'Hair style': 1, 'Hair colour': 2, 'Mouth open': 0.2, Variation: 0 };
  it('a shape code moved reshapes; a colour code, a code without `changes` or a continuous move within 1 % of its range does not', () => {
    expect(reshapes(z0, { ...z0, 'Hair style': 0 }, codes)).toBe(true);
    expect(reshapes(z0, { ...z0, 'Mouth open': 0.5 }, codes)).toBe(true);
    expect(reshapes(z0, { ...z0, 'Hair colour': 0 }, codes)).toBe(false);
    expect(reshapes(z0, { ...z0, Variation: 1 }, codes)).toBe(false);
    expect(reshapes(z0, { ...z0, 'Mouth open': 0.21 }, codes)).toBe(false);
    expect(reshapes(z0, { ...z0, 'Hair colour': 0, 'Hair style': 2 }, codes)).toBe(true);
    expect(reshapes(z0, z0, codes)).toBe(false);
  });
  it('the validator takes "shape", "colour" or nothing', () => {
    const withChanges = (changes: unknown) => () => validatePack({ ...pack, latent: { ...pack.latent, codes: pack.latent.codes.map((c, i) => (i === 0 ? { ...c, changes } : c)) } } as Pack);
    expect(withChanges('shape')).not.toThrow();
    expect(withChanges('colour')).not.toThrow();
    expect(withChanges(undefined)).not.toThrow();
    expect(withChanges('color')).toThrow('latent.codes[0].changes: must be absent, "shape" or "colour", got "color"');
  });
});

describe('the background code (the pack\'s `background`): G(z1) over two backdrops', () => {
  const bgPack = {
    ...pack,
    latent: {
      size: L, noise: { offset: 0, size: L - 5, range: [-1, 1] },
      codes: [
        { name: 'Style', kind: 'categorical', offset: L - 5, size: 2, labels: ['One', 'Two'] },
        { name: 'Background', kind: 'categorical', offset: L - 3, size: 3, labels: ['Sky', 'Lilac', 'White'], values: ['#b6e3f4', '#c0aede', '#ffffff'], background: true },
      ],
    },
  } as Pack;
  it('sets the code to the two colours farthest apart, nothing else, on a copy', () => {
    const lay = latentLayout(bgPack);
    const z = Float32Array.from({ length: L }, (_, i) => (i < L - 5 ? 0.3 : i === L - 5 || i === L - 3 ? 1 : 0));
    const bd = backdropLatents(z, lay, bgPack.latent.codes)!;
    expect(bd.colours).toEqual([[192, 174, 222], [255, 255, 255]]);   // lilac and white are 108 apart, sky and white 79
    expect(readCodes(bd.latents.subarray(0, L), lay).Background).toBe(1);
    expect(readCodes(bd.latents.subarray(L), lay).Background).toBe(2);
    for (const b of [0, 1]) expect(Array.from(bd.latents.subarray(b * L, b * L + L - 3))).toEqual(Array.from(z.subarray(0, L - 3)));
    expect(readCodes(z, lay).Background).toBe(0);
  });
  it('none without a background code; the validator wants colours, and one such code at most', () => {
    expect(backdropLatents(new Float32Array(L), layout, pack.latent.codes)).toBeNull();
    const codes = bgPack.latent.codes as LatentCode[];
    const withCodes = (cs: unknown[]) => () => validatePack({ ...bgPack, latent: { ...bgPack.latent, codes: cs } });
    expect(withCodes(codes)).not.toThrow();
    expect(withCodes([codes[0], { ...codes[1], values: ['sky', 'lilac', 'white'] }])).toThrow('latent.codes[1].values: of the background code must be the background colours');
    expect(withCodes([codes[0], { ...codes[1], values: undefined }])).toThrow('of the background code must be the background colours');
    expect(withCodes([codes[0], { ...codes[1], background: 'yes' }])).toThrow('latent.codes[1].background: must be absent, true or false');
    expect(withCodes([{ ...codes[0], values: ['#000000', '#ffffff'], background: true }, codes[1]])).toThrow('at most one code may be the background code');
  });
});
