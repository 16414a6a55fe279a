import { describe, expect, it } from 'vitest';
import { tracedCells, tracedLabel } from '../../engine/transfer/traced-samples.js';
import { sampleClamped } from '../../engine/transfer/sample.js';

describe('traced samples: a new shape whose drawn cells end at its edge', () => {
  // new hair fills rows ≥ 6 of a 16² frame; G draws its edge half-way across row 6 (y = 6.5 in
  // sample coordinates, cell centres at integers); above, the labels keep old content (bench-4's
  // bob: the drawn cells ended at the hair's edge row, the rows above were the kept background)
  const R = 16, N = R * R, PINK = [0.9, 0.48, 0.59], BG = [0.71, 0.89, 0.96], EDGE = 6;
  const at = new Uint8Array(N), labels = new Float32Array(3 * N), colour = new Float32Array(3 * N);
  for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
    const p = y * R + x, cover = Math.min(1, Math.max(0, y + 0.5 - EDGE));
    if (y >= EDGE) { at[p] = 1; labels[p] = 1; } else labels[2 * N + p] = 1;   // palette 0 (pink) or old content (the last plane)
    for (let c = 0; c < 3; c++) colour[c * N + p] = cover * PINK[c]! + (1 - cover) * BG[c]!;
  }
  const t = tracedCells(at, [[0, 1]], colour, [PINK, BG], R, labels);

  it('counts the fill inside as traced, so the one-cell rim next to old content is traced too', () => {
    // dropped from tracing (a list of one entry), the inside left the rim at share 1/3: labelled, in 64² steps
    for (let x = 1; x < R - 1; x++) expect(sampleClamped(t.share, R, R, x, EDGE)).toBeGreaterThanOrEqual(0.5);
    expect(t.cells[(EDGE + 2) * R + 8]).toBeGreaterThan(0);
    expect(t.lists[t.cells[(EDGE + 2) * R + 8]! - 1]).toEqual([0]);   // inside: the fill's one colour
    expect(t.lists[t.cells[EDGE * R + 8]! - 1]).toEqual([0, 1]);     // the rim: the edge is G's to place
  });
  it('places the edge where G draws it half-way within the rim cell', () => {
    const p = EDGE * R + 8;
    expect(tracedLabel(t, R, p, 8, EDGE - 0.2)).toBe(1);   // above G's half-way line: the background
    expect(tracedLabel(t, R, p, 8, EDGE + 0.2)).toBe(0);   // below: the new hair
    expect(tracedLabel(t, R, (EDGE + 2) * R + 8, 8, EDGE + 2)).toBe(0);
  });
});
