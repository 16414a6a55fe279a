/**
 * A pattern the edit removes (bench-4's checked shirt turned plain): the tones of the checks, each
 * carried by its own rough change, land together on the new colour (snap-tones.ts
 * convergedLandings), and an insertion's palette entry G drew in that colour is not pulled onto the
 * old check's colour nearby (insert-content.ts relandPalette).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SNAP_OPTIONS, snapTones } from '../../engine/transfer/snap-tones.js';
import { relandPalette, type InsertionPlan } from '../../engine/transfer/insert-content.js';

const S = 64, BACK = [182, 227, 244];
// a checked shirt: base, light check, mid check, dark check (as bench-4's, 0–255)
const BASE = [69, 109, 255], LIGHT = [101, 134, 255], MID = [77, 97, 255], DARK = [41, 65, 255];
const TONES = [BACK, BASE, LIGHT, MID, DARK];
const toneAt = (x: number, y: number): number[] => {
  if (y < 16) return BACK;
  const cx = Math.floor(x / 8) % 2, cy = Math.floor(y / 8) % 2;
  return cx && cy ? DARK : cx ? LIGHT : cy ? MID : BASE;
};
// each tone's change as the colour model carries it: the base, mid and dark ones land near one new
// blue, each a little off; the light check moves a little toward it (15 % of its pixels overshoot)
const changeOf = (tone: number[], x: number, y: number): number[] =>
  tone === BASE ? [46, 44, 0] : tone === MID ? [43, 47, 0] : tone === DARK ? [72, 76, 0] : tone === LIGHT ? ((x * 7 + y * 3) % 20 < 3 ? [34, 34, 0] : [14, 13, 0]) : [0, 0, 0];

function layers(): { out: Uint8ClampedArray; moved: Uint8ClampedArray } {
  const out = new Uint8ClampedArray(S * S * 4), moved = new Uint8ClampedArray(S * S * 4);
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
    const t = toneAt(x, y), d = changeOf(t, x, y), p = (y * S + x) * 4;
    moved.set([...t, 255], p);
    out.set([...t.map((v, c) => v + d[c]!), 255], p);
  }
  return { out, moved };
}

/** The colours (0–255 RGB, as strings) of the shirt's pixels, with their counts. */
function shirtColours(out: Uint8ClampedArray): Map<string, number> {
  const m = new Map<string, number>();
  for (let p = 16 * S; p < S * S; p++) { const k = Array.from(out.subarray(4 * p, 4 * p + 3)).join(','); m.set(k, (m.get(k) ?? 0) + 1); }
  return m;
}

describe('a removed pattern: its tones land on one new colour (convergedLandings)', () => {
  it('every check of the shirt becomes the one colour its tones agree on, and that colour is returned', () => {
    const { out, moved } = layers();
    const landings = snapTones(out, moved, S, S, TONES);
    expect(landings).toHaveLength(1);
    const X = landings[0]!;
    // the base, mid and dark checks' landings, weighted by their pixels: about (116, 147, 255)
    expect(Math.abs(X[0]! - 116)).toBeLessThan(3);
    expect(Math.abs(X[1]! - 147)).toBeLessThan(3);
    const colours = shirtColours(out);
    expect(colours.size).toBe(1);
    expect([...colours.keys()][0]).toBe(X.map(Math.round).join(','));
    // the backdrop, which did not change, is as it was
    expect(Array.from(out.subarray(0, 3))).toEqual(BACK);
  });

  it('without it (converge 0) the shirt keeps checks: the dark one lands on the light check, the light one mostly stays', () => {
    const { out, moved } = layers();
    expect(snapTones(out, moved, S, S, TONES, { ...DEFAULT_SNAP_OPTIONS, converge: 0 })).toEqual([]);
    const colours = shirtColours(out);
    expect(colours.get(LIGHT.join(','))! / (48 * S)).toBeGreaterThan(0.3);    // dark checks as light ones, light ones left
    expect(colours.size).toBeGreaterThan(2);
  });

  it('tones that land apart (a hair and its darker shade, both recoloured) keep their own landings', () => {
    const HAIR = [225, 99, 129], SHADE = [190, 70, 100];
    const tones = [BACK, HAIR, SHADE];
    const out = new Uint8ClampedArray(S * S * 4), moved = new Uint8ClampedArray(S * S * 4);
    for (let p = 0; p < S * S; p++) {
      const t = p < 16 * S ? BACK : (p % S) < 32 ? HAIR : SHADE, d = t === BACK ? [0, 0, 0] : [-120, -40, -60];
      moved.set([...t, 255], 4 * p); out.set([...t.map((v, c) => v + d[c]!), 255], 4 * p);
    }
    expect(snapTones(out, moved, S, S, tones)).toEqual([]);
    expect(shirtColours(out).size).toBe(2);
  });
});

describe('an insertion palette entry G drew in a converged colour takes it, not a layer colour nearby (relandPalette)', () => {
  const plan = (): InsertionPlan => ({
    R: 4, cells: new Float32Array(16), carried: new Float32Array(16), mask: new Float32Array(16), labels: new Float32Array(64),
    palette: [[101, 134, 255, 255], [225, 99, 129, 255], [0, 0, 0, 0]],
    seen: [[117, 147, 253], [225, 110, 108], [182, 227, 244]],
  });

  it('the entry G drew within `within` of the landing, nearer it than its layer colour, takes the landing; the others and the plan stay', () => {
    const p = plan(), out = relandPalette(p, [[116, 146, 255]], 23);
    expect(out.palette[0]).toEqual([116, 146, 255, 255]);
    expect(out.palette[1]).toEqual([225, 99, 129, 255]);
    expect(out.palette[2]).toEqual([0, 0, 0, 0]);                // clear stays clear
    expect(p.palette[0]).toEqual([101, 134, 255, 255]);          // the plan itself is not changed
  });

  it('no landing near G’s colour, or none at all: the same plan', () => {
    const p = plan();
    expect(relandPalette(p, [], 23)).toBe(p);
    expect(relandPalette(p, [[160, 200, 255]], 23)).toBe(p);
    expect(relandPalette(p, [[116, 146, 255]], 2)).toBe(p);      // 2.4 levels from G's colour: beyond `within`
  });
});
