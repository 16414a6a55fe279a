/**
 * bench:edits' ghosting scores (bench/edits/scores.ts): `ghost` counts every pixel of the part that
 * is a blend of the old and the new colour; `ghostAway` only those ≥ 2 px from every edge, so a
 * half-there fill (the issue's ghost) and an edge drawn a pixel off can be told apart.
 */
import { describe, expect, it } from 'vitest';
import { ghostMap, leakMap, scoreEdit } from '../../bench/edits/scores.js';
import type { RgbaImage } from '../../engine/transfer/index.js';

const S = 64, OLD = [200, 60, 60], NEW = [40, 60, 200], BACK = [240, 240, 240];

/** A disc of radius r (its colour `fill(distance from the centre)`) on the backdrop. */
function disc(fill: (d: number) => number[]): RgbaImage {
  const data = new Uint8ClampedArray(S * S * 4);
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
    const d = Math.hypot(x - 31.5, y - 31.5), c = d <= 20 ? fill(d) : BACK, p = (y * S + x) * 4;
    data.set([c[0]!, c[1]!, c[2]!, 255], p);
  }
  return { width: S, height: S, data };
}
const mix = (a: number[], b: number[], t: number): number[] => a.map((v, i) => Math.round(v + t * (b[i]! - v)));

describe('bench:edits ghosting scores', () => {
  const original = disc(() => OLD), truth = disc(() => NEW);
  const part = new Uint8Array(S * S);
  for (let p = 0; p < S * S; p++) part[p] = truth.data[4 * p] !== original.data[4 * p] ? 1 : 0;

  it('a fill half way between the old and the new colour is a ghost, away from the edges too', () => {
    const s = scoreEdit(disc(() => mix(OLD, NEW, 0.5)), truth, original, part);
    expect(s.ghost!).toBeGreaterThan(95);
    expect(s.ghostAway!).toBeGreaterThan(60);
  });

  it('a blended rim one pixel wide is a ghost at the edge only', () => {
    const s = scoreEdit(disc((d) => (d > 19 ? mix(OLD, NEW, 0.5) : NEW)), truth, original, part);
    expect(s.ghost!).toBeGreaterThan(5);
    expect(s.ghostAway).toBe(0);
  });

  it('the truth itself has no ghost', () => {
    const s = scoreEdit(truth, truth, original, part);
    expect(s.ghost).toBe(0);
    expect(s.ghostAway).toBe(0);
  });

  it('ghostMap marks the same pixels the scores count: 2 away from edges, 1 at one', () => {
    const result = disc((d) => (d > 19 ? mix(OLD, NEW, 0.5) : d < 8 ? mix(OLD, NEW, 0.5) : NEW));
    const s = scoreEdit(result, truth, original, part), map = ghostMap(result, truth, original, part);
    let at = 0, away = 0, n = 0;
    for (let p = 0; p < S * S; p++) { if (part[p]) n++; if (map[p] === 1) at++; if (map[p] === 2) away++; }
    expect(away).toBeGreaterThan(100);                    // the centre's half-there fill
    expect(at).toBeGreaterThan(50);                       // the rim
    expect((100 * (at + away)) / n).toBeCloseTo(s.ghost!, 6);
    expect((100 * away) / n).toBeCloseTo(s.ghostAway!, 6);
    expect(map[31 * S + 31]).toBe(2);
    expect(map[31 * S + 20]).toBe(0);                     // the new colour, where it is right
  });

  it('leakMap marks the same pixels leakage counts: off the truth, more than 2 px from the part', () => {
    // the right edit, plus a stray mark on the backdrop (4 × 4 px) and one touching the part (counted by neither)
    const result = disc(() => NEW);
    for (const [x0, y0] of [[2, 2], [52, 30]]) for (let y = y0; y < y0 + 4; y++) for (let x = x0; x < x0 + 4; x++) result.data.set([0, 0, 0, 255], 4 * (y * S + x));
    const s = scoreEdit(result, truth, original, part), map = leakMap(result, truth, part);
    let leaked = 0;
    for (let p = 0; p < S * S; p++) leaked += map[p]!;
    expect(map[3 * S + 3]).toBe(1);
    expect(map[31 * S + 53]).toBe(0);                     // within 2 px of the disc (its edge at x = 51.5)
    expect(leaked).toBeGreaterThanOrEqual(16);
    expect(s.leakage).toBeGreaterThan(0);
    let far = 0;
    const band = new Uint8Array(S * S);
    for (let p = 0; p < S * S; p++) if (part[p]) { const x = p % S, y = (p - x) / S; for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) { const X = x + dx, Y = y + dy; if (X >= 0 && Y >= 0 && X < S && Y < S) band[Y * S + X] = 1; } }
    for (let p = 0; p < S * S; p++) if (!band[p]) far++;
    expect((100 * leaked) / far).toBeCloseTo(s.leakage, 6);
  });
});
