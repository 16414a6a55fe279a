/**
 * A colour code's edit painted as a colour stroke (issue 15, bench:edits "code · Hair colour").
 *
 * A code that only recolours (the pack's `changes: "colour"`: hair colour, clothing colour, skin
 * tone, background) names the colour it sets, and the generator shows where: the cells it changed
 * that way. Given
 * as a colour stroke over those cells (recolour.ts), the part under them takes the named colour
 * exactly and nothing else of the layer moves. Carried as a generator change instead, the edit also
 * carried the generator's entangled drift (a lens filled in, the face shaded where the new hair
 * colour sits: bench:edits, opaque hair colour 8.6 levels RMSE outside the part, 1.7 % leakage),
 * and a change to a nearby colour (pink → red) fell under the strong-change threshold and was lost.
 */

export interface ColourCodePaintOptions {
  /** A cell is painted when G(z1) lands within this (0–255 RGB, Euclidean) of a named colour… */
  land: number;
  /**
   * …having come closer to it than G(z0) was by at least `move[0]` (0–255) and `move[1]` of the way
   * (with the old colours known: a code whose colour moved less than `move[0]` paints nothing).
   * Not all the way: the named colour is one tone of the part (DiceBear's hair is the named colour
   * under a lighter overlay on top), and the generator's 64² rendering of it is tens of levels off.
   */
  move: readonly [number, number];
  /**
   * With the old colours known: a cell counts when its change is `along[0]`…`along[1]` times the
   * code's own change (new − old colour) in that direction — a part drawn under an overlay or a
   * shadow changes by a fraction of it —…
   */
  along: readonly [number, number];
  /** …and strays from that direction by at most this fraction of the code's change (or 16 levels). */
  across: number;
  /** Only cells whose 8 neighbours are painted too (1), or every cell found (0): the rim of a part at 64² is a blend with its neighbours. */
  erode: number;
  /** At least this many painted cells, or no paint (null): a few stray cells are drift, not the part. */
  minCells: number;
  /**
   * With the old colours known and no part found: a part drawn translucent over another (DiceBear's
   * buzz cut, the hair colour multiplied over the skin at 20 %) changes by a small share of the code's
   * change (bench:edits, bench-2: 0.02–0.2 of it). A cell then counts when its change is at least
   * `share` of the code's and `levels` in all, and strays from the code's direction by at most
   * `across` of the cell's own change (relative to the code's, as above, any drift would pass);
   * `minCells` after erosion, or no paint.
   */
  faint: Readonly<{ share: number; levels: number; across: number; minCells: number }>;
}

export const DEFAULT_COLOUR_CODE_PAINT: Readonly<ColourCodePaintOptions> = { land: 100, move: [12, 0.35], along: [0.35, 1.6], across: 0.35, erode: 1, minCells: 4, faint: { share: 0.02, levels: 3, across: 0.5, minCells: 12 } };

export interface ColourCodePaint {
  /** Coverage [R·R] (0/1) of the cells the generator turned toward a named colour. */
  painted: Float32Array;
  /** [3, R, R] in [0, 1]: the named colour each painted cell turned toward (0 elsewhere). */
  paintColour: Float32Array;
  /**
   * A translucent part (ColourCodePaintOptions `faint`): the median share of the code's change the
   * generator made in the painted cells. The layer's part moves that share of the way; absent: all of it.
   */
  paintShare?: number;
}

/**
 * The paint for a colour-only code edit: first → last ([3, R, R] in [0, 1]) and the colours the
 * edit names (0–255 RGB). With `before` (what each named the edit replaced, in the same order), a
 * cell counts where the generator changed it as the code changed its colour (`along`, `across`):
 * toward the named colour alone, drift toward a dark one (a lens the generator grew over skin)
 * looks like a move toward dark brown hair. When no part moved most of the way, a translucent one
 * that moved a small share of it (`faint`), with that share (`paintShare`). Null when the generator
 * turned too few cells.
 */
export function colourCodePaint(first: Float32Array, last: Float32Array, R: number, named: readonly (readonly number[])[], options: Partial<ColourCodePaintOptions> = {}, before: readonly (readonly number[])[] = []): ColourCodePaint | null {
  const o = { ...DEFAULT_COLOUR_CODE_PAINT, ...options }, N = R * R;
  if (!named.length) return null;
  const which = new Int16Array(N), share = new Float32Array(N);
  const find = (lo: number, relative: boolean): number => {
    let found = 0;
    for (let p = 0; p < N; p++) {
      const c0 = [0, 1, 2].map((c) => 255 * first[c * N + p]!), c1 = [0, 1, 2].map((c) => 255 * last[c * N + p]!);
      const [k, s] = before.length === named.length ? alongCode(c0, c1, named, before, o, lo, relative) : [towardNamed(c0, c1, named, o), 1];
      which[p] = k; share[p] = s;
      if (k >= 0) found++;
    }
    return found;
  };
  const paint = (minCells: number): ColourCodePaint | null => {
    const painted = new Float32Array(N), paintColour = new Float32Array(3 * N), shares: number[] = [];
    for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
      const p = y * R + x, k = which[p]!;
      if (k < 0) continue;
      let inside = true;
      for (let dy = -o.erode; dy <= o.erode && inside; dy++) for (let dx = -o.erode; dx <= o.erode; dx++) {
        const u = x + dx, v = y + dy;
        if (u >= 0 && v >= 0 && u < R && v < R && which[v * R + u] !== k) { inside = false; break; }
      }
      if (!inside) continue;
      painted[p] = 1;
      for (let c = 0; c < 3; c++) paintColour[c * N + p] = named[k]![c]! / 255;
      shares.push(share[p]!);
    }
    return shares.length >= minCells ? { painted, paintColour, paintShare: shares.sort((a, b) => a - b)[shares.length >> 1]! } : null;
  };
  find(o.along[0], false);
  const full = paint(o.minCells);
  if (full) { delete full.paintShare; return full; }
  // nothing moved most of the way: a translucent part moves a small share of it (only with the old colours known)
  if (before.length !== named.length || !(o.faint.share < o.along[0]) || !find(o.faint.share, true)) return null;
  return paint(o.faint.minCells);
}

/**
 * The code whose own change (old → named colour) the cell's change c0 → c1 (0–255) follows, nearest
 * in direction, and the share of it the cell made: [−1, 0] when none does. From `lo` of the way on;
 * `faint`: by at least `faint.levels`, straying by at most `faint.across` of the cell's own change.
 */
function alongCode(c0: readonly number[], c1: readonly number[], named: readonly (readonly number[])[], before: readonly (readonly number[])[], o: ColourCodePaintOptions, lo: number, faint: boolean): [number, number] {
  const d = [0, 1, 2].map((c) => c1[c]! - c0[c]!), size = Math.hypot(d[0]!, d[1]!, d[2]!);
  let best = -1, bestOff = Infinity, bestShare = 0;
  if (faint && size < o.faint.levels) return [best, bestShare];
  named.forEach((n, k) => {
    const v = [0, 1, 2].map((c) => n[c]! - before[k]![c]!), v2 = v[0]! ** 2 + v[1]! ** 2 + v[2]! ** 2;
    if (v2 < o.move[0] ** 2) return;
    const s = (d[0]! * v[0]! + d[1]! * v[1]! + d[2]! * v[2]!) / v2;
    const off = Math.hypot(d[0]! - s * v[0]!, d[1]! - s * v[1]!, d[2]! - s * v[2]!);
    const maxOff = faint ? o.faint.across * size : Math.max(16, o.across * Math.sqrt(v2));
    if (s >= lo && s <= o.along[1] && off <= maxOff && off < bestOff) { bestOff = off; best = k; bestShare = s; }
  });
  return [best, bestShare];
}

/** The named colour c1 (0–255) landed nearest, when it came close enough to it from c0; −1: none. */
function towardNamed(c0: readonly number[], c1: readonly number[], named: readonly (readonly number[])[], o: ColourCodePaintOptions): number {
  let best = -1, d1 = Infinity;
  named.forEach((n, k) => { const d = dist(c1, n); if (d < d1) { d1 = d; best = k; } });
  const d0 = best >= 0 ? dist(c0, named[best]!) : 0;
  return d1 <= o.land && d0 - d1 >= Math.max(o.move[0], o.move[1] * d0) ? best : -1;
}

function dist(a: readonly number[], b: readonly number[]): number {
  return Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
}
