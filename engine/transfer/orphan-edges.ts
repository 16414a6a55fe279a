/**
 * Outlines left without their shape (issue 15's ghosting). When a shape code's edit removes or
 * reshapes a shape (a nose set to "small", its wrinkle lines gone), the shape's fill takes the
 * colour around it, but its antialiased outline — pixels that are a blend of the two, moved a
 * little by the flow, so no stage takes them for the shape's own tone — can stay behind: a faint
 * ring where the old nose was, a thin grey trace of each line.
 *
 * Judged on the rendered edit at full resolution: a pixel of no flat colour whose surroundings
 * (`radius` px) now hold flat pixels of one colour only, where the layer's same surroundings held
 * two or more (it was the edge between two), is an outline whose shape is gone, and takes that
 * colour. A new shape's own edge keeps its two colours round it; a thin line the layer already had,
 * with one colour round it before too, stays.
 */

export interface OrphanEdgeOptions {
  /** Looked at this many px round each pixel (an antialiased edge, moved by the flow, is 1–3 px). */
  radius: number;
  /** A pixel is flat when at least this many of its 8 neighbours are its colour… */
  same: number;
  /** …within this much on every channel (0–255). */
  near: number;
  /** Two flat pixels within this distance (0–255 RGB, Euclidean) are one colour. */
  oneColour: number;
  /** An outline needs at least this many flat pixels of the one colour round it. */
  minFlat: number;
}

export const DEFAULT_ORPHAN_EDGE_OPTIONS: Readonly<OrphanEdgeOptions> = { radius: 2, same: 5, near: 3, oneColour: 12, minFlat: 8 };

/**
 * Gives each orphaned outline pixel of `out` (the rendered edit, W×H straight RGBA) the one flat
 * colour round it, in place; `before` is the layer at the same size. Only where the edit changed
 * the layer (and its surroundings) is anything looked at. Returns the number of pixels changed.
 */
export function clearOrphanEdges(out: Uint8ClampedArray, before: Uint8Array | Uint8ClampedArray, W: number, H: number, options: Partial<OrphanEdgeOptions> = {}): number {
  const o = { ...DEFAULT_ORPHAN_EDGE_OPTIONS, ...options }, r = o.radius;
  // the box of what the edit changed, and r + 1 px round it (flatness looks one px further)
  let x0 = W, x1 = -1, y0 = H, y1 = -1;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = 4 * (y * W + x);
    if (out[i] === before[i] && out[i + 1] === before[i + 1] && out[i + 2] === before[i + 2] && out[i + 3] === before[i + 3]) continue;
    if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
  }
  if (x1 < 0) return 0;
  const m = r + 1;
  x0 = Math.max(0, x0 - m); y0 = Math.max(0, y0 - m); x1 = Math.min(W - 1, x1 + m); y1 = Math.min(H - 1, y1 + m);
  const flatOut = flatMap(out, W, H, x0, y0, x1, y1, o), flatBefore = flatMap(before, W, H, x0, y0, x1, y1, o);
  const fill: number[] = [];
  for (let y = y0 + r; y <= y1 - r; y++) for (let x = x0 + r; x <= x1 - r; x++) {
    const p = y * W + x;
    if (flatOut[p] || out[4 * p + 3]! < 250) continue;
    const now = coloursAround(out, flatOut, W, x, y, r, o);
    if (typeof now === 'string' || now.count < o.minFlat) continue;
    // (one colour round it before too, or the clear: not an edge between two of the layer's colours)
    if (coloursAround(before, flatBefore, W, x, y, r, o) !== 'mixed') continue;
    fill.push(p, now.at);
  }
  for (let i = 0; i < fill.length; i += 2) {
    const p = 4 * fill[i]!, q = 4 * fill[i + 1]!;
    out[p] = out[q]!; out[p + 1] = out[q + 1]!; out[p + 2] = out[q + 2]!; out[p + 3] = 255;
  }
  return fill.length / 2;
}

/** [W·H] 1 on the opaque pixels in the box with `same` of their 8 neighbours their colour. */
function flatMap(d: Uint8Array | Uint8ClampedArray, W: number, H: number, x0: number, y0: number, x1: number, y1: number, o: OrphanEdgeOptions): Uint8Array {
  const flat = new Uint8Array(W * H);
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) {
    const i = 4 * (y * W + x);
    if (d[i + 3]! < 250) continue;
    let n = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const X = x + dx, Y = y + dy;
      if ((dx || dy) && X >= 0 && Y >= 0 && X < W && Y < H) {
        const j = 4 * (Y * W + X);
        if (d[j + 3]! >= 250 && Math.abs(d[j]! - d[i]!) <= o.near && Math.abs(d[j + 1]! - d[i + 1]!) <= o.near && Math.abs(d[j + 2]! - d[i + 2]!) <= o.near) n++;
      }
    }
    if (n >= o.same) flat[y * W + x] = 1;
  }
  return flat;
}

/**
 * The flat pixels round (x, y): 'mixed' when they are of two colours or more; 'clear' when a pixel
 * round it is not opaque (the layer's own outline against the clear is no orphan); else one of
 * them (`at`, -1 for none) and how many.
 */
function coloursAround(d: Uint8Array | Uint8ClampedArray, flat: Uint8Array, W: number, x: number, y: number, r: number, o: OrphanEdgeOptions): { at: number; count: number } | 'mixed' | 'clear' {
  let at = -1, count = 0, mixed = false;
  const far = o.oneColour * o.oneColour;
  for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
    const q = (y + dy) * W + x + dx, j = 4 * q;
    if (d[j + 3]! < 250) return 'clear';
    if (!flat[q] || mixed) continue;
    if (at < 0) { at = q; count = 1; continue; }
    const a = 4 * at;
    if ((d[j]! - d[a]!) ** 2 + (d[j + 1]! - d[a + 1]!) ** 2 + (d[j + 2]! - d[a + 2]!) ** 2 > far) mixed = true;
    else count++;
  }
  return mixed ? 'mixed' : { at, count };
}
