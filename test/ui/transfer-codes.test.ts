/** Apply and the canvas's preview tell the transfer what the edit's codes mean: new shapes to draw, colours to land on. */
import { describe, expect, it } from 'vitest';
import type { LatentCode } from '../../engine/pack/pack-types';
import { transferCodes } from '../../ui/ops/transfer-codes';

const codes = [
  { name: 'Hair style', kind: 'categorical', offset: 0, size: 3, labels: ['Bald', 'Bob', 'Cap'], changes: 'shape' },
  { name: 'Hair colour', kind: 'categorical', offset: 3, size: 2, labels: ['Brown', 'Ginger'], values: ['#6c4545', 'f29c65'], changes: 'colour' },
  { name: 'Skin tone', kind: 'continuous', offset: 5, range: [-1, 1], values: ['#000000', '#646464', '#c8c8c8'], changes: 'colour' },
] as LatentCode[];
const projected = { 'Hair style': 1, 'Hair colour': 0, 'Skin tone': 0 };
const after = (changes: Record<string, number>, c = codes) => transferCodes({ codes: { ...projected, ...changes }, projection: { codes: projected } }, c);

describe('transferCodes', () => {
  it('reshapes after a hair style change, not after a colour change, before a projection, or for a pack without `changes`', () => {
    expect(after({ 'Hair style': 0 }).reshaped).toBe(true);
    expect(after({ 'Hair colour': 1 }).reshaped).toBe(false);
    expect(after({}).reshaped).toBe(false);
    expect(transferCodes({ codes: { ...projected, 'Hair style': 0 }, projection: null }, codes)).toEqual({ reshaped: false, colours: [], coloursBefore: [], colourStroke: false });
    expect(after({ 'Hair style': 0 }, codes.map(({ changes: _, ...c }) => c as LatentCode)).reshaped).toBe(false);
  });
  it('names the colour a moved colour code\'s value is; a continuous code\'s between its two nearest values', () => {
    expect(after({ 'Hair colour': 1 }).colours).toEqual([[242, 156, 101]]);
    expect(after({ 'Hair style': 0 }).colours).toEqual([]);
    expect(after({ 'Skin tone': 1 }).colours).toEqual([[200, 200, 200]]);
    expect(after({ 'Skin tone': -0.5 }).colours).toEqual([[50, 50, 50]]);
    expect(after({ 'Skin tone': 0.005 }).colours, 'within 1 % of the range: not moved').toEqual([]);
    expect(after({ 'Hair colour': 1 }, codes.map((c) => (c.name === 'Hair colour' ? { ...c, values: ['brown', 'ginger'] } : c))).colours, 'values that are no colours').toEqual([]);
  });
  it('names what the moved colour codes named before, and carries a move of colour codes only as a colour stroke', () => {
    const hair = after({ 'Hair colour': 1 });
    expect(hair.coloursBefore).toEqual([[108, 69, 69]]);
    expect(hair.colourStroke).toBe(true);
    expect(after({ 'Skin tone': 1 }).coloursBefore).toEqual([[100, 100, 100]]);
    expect(after({ 'Skin tone': 1 }).colourStroke).toBe(true);
    expect(after({ 'Hair colour': 1, 'Hair style': 0 }).colourStroke, 'a shape code moved too').toBe(false);
    expect(after({ 'Hair colour': 1, 'Skin tone': 1 }).colourStroke, 'two colour codes').toBe(true);
    expect(after({ 'Hair colour': 1 }, codes.map((c) => (c.name === 'Hair colour' ? { ...c, values: ['brown', 'ginger'] } : c))).colourStroke, 'values that are no colours').toBe(false);
    expect(after({}).colourStroke, 'nothing moved').toBe(false);
  });
});
