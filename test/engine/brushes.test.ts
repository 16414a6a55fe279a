import { describe, expect, it } from 'vitest';
import { rasterizeStrokes, polylineCoverage, dilate } from '../../engine/brushes/rasterize.js';
import { validateStroke } from '../../engine/brushes/strokes.js';

const R = 64, N = R * R;
const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);

describe('polylineCoverage', () => {
  it('a dot of radius r covers about πr² pixels', () => {
    expect(sum(polylineCoverage([[32, 32]], 5, R))).toBeCloseTo(Math.PI * 25, -0.5);
  });
  it('a horizontal line of width w covers about w·length', () => {
    expect(sum(polylineCoverage([[10, 32], [50, 32]], 2, R))).toBeCloseTo(40 * 4 + Math.PI * 4, -0.7);
  });
});

describe('rasterizeStrokes', () => {
  it('a colour stroke paints the colour target and mask, nothing else', () => {
    const c = rasterizeStrokes([{ kind: 'color', points: [[20, 20]], width: 6, color: [255, 0, 0] }], R);
    const p = 20 * R + 20;
    expect(c.colorMask[p]).toBe(1);
    expect([c.colorTarget[p], c.colorTarget[N + p], c.colorTarget[2 * N + p]]).toEqual([1, -1, -1]);
    expect(c.colorMask[5 * R + 5]).toBe(0);
    expect(sum(c.edgeMask)).toBe(0);
    expect(c.edgeTarget.every((v) => v === 1)).toBe(true);
  });
  it('a sketch stroke draws black on white with a dilated mask', () => {
    const c = rasterizeStrokes([{ kind: 'sketch', points: [[10, 32], [54, 32]], width: 2 }], R);
    const p = 32 * R + 30;
    expect(c.edgeTarget[p]).toBeCloseTo(-1);
    expect(c.edgeTarget[20 * R + 30]).toBe(1);
    expect(c.edgeMask[36 * R + 30]).toBeGreaterThan(0); // 4 px off the line: inside the dilation
    expect(c.edgeMask[45 * R + 30]).toBe(0);
    expect(sum(c.colorMask)).toBe(0);
  });
  it('the eraser removes constraints painted before it, not after', () => {
    const c = rasterizeStrokes([
      { kind: 'color', points: [[10, 10], [50, 10]], width: 4, color: [0, 255, 0] },
      { kind: 'eraser', points: [[30, 10]], width: 10 },
      { kind: 'color', points: [[30.5, 10.5]], width: 2, color: [0, 0, 255] },
    ], R);
    expect(c.colorMask[10 * R + 15]).toBe(1);
    expect(c.colorMask[10 * R + 26]).toBe(0);
    expect(c.colorMask[10 * R + 30]).toBe(1);
  });
  it('a warp copies the source disc from `from` to `to` into both targets', () => {
    const source = new Float32Array(3 * N).fill(-1);
    for (let y = 8; y < 16; y++) for (let x = 8; x < 16; x++) source[y * R + x] = 1; // red square at (12, 12)
    const c = rasterizeStrokes([{ kind: 'warp', from: [12, 12], to: [44, 40], radius: 6, source }], R);
    const p = 40 * R + 44;
    expect(c.colorMask[p]).toBe(1);
    expect(c.colorTarget[p]).toBeCloseTo(1);
    expect(c.edgeTarget[p]).toBeCloseTo(1);
    expect(c.edgeMask[p]).toBe(1);
    expect(c.colorMask[12 * R + 12]).toBe(0);
  });
  it('a warp without a source says how to get one', () => {
    expect(() => rasterizeStrokes([{ kind: 'warp', from: [1, 1], to: [2, 2], radius: 3 }], R)).toThrow('warp stroke has no source image');
  });
});

describe('dilate', () => {
  it('grows a dot', () => {
    const d = polylineCoverage([[32, 32]], 1, R);
    expect(sum(dilate(d, R, 4))).toBeGreaterThan(sum(d) * 5);
  });
});

describe('validateStroke', () => {
  it('names the field and range', () => {
    expect(() => validateStroke({ kind: 'color', points: [[1, 2]], width: 0, color: [0, 0, 0] }, R, 3)).toThrow('strokes[3].width must be a number in (0, 256], got 0');
    expect(() => validateStroke({ kind: 'color', points: [[1, 2]], width: 2, color: [0, 0, 300] }, R)).toThrow('strokes[0].color must be [r, g, b] with each in [0, 255]');
    expect(() => validateStroke({ kind: 'sketch', points: [], width: 2 }, R)).toThrow('strokes[0].points must be a non-empty array');
  });
});
