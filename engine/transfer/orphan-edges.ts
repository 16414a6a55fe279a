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
 * colour round it, in place; `before` is the layer at the same size. Only pixels within `radius`
 * of one the edit changed are looked at. Returns the number of pixels changed.
 */
export function clearOrphanEdges(out: Uint8ClampedArray, before: Uint8Array | Uint8ClampedArray, W: number, H: number, options: Partial<OrphanEdgeOptions> = {}): number {
  const o = { ...DEFAULT_ORPHAN_EDGE_OPTIONS, ...options }, r = o.radius, n = W * H;
  // the pixels within r of one the edit changed (rows, then columns: two passes of a running count)
  const changed = new Uint8Array(n);
  let any = false;
  for (let p = 0, i = 0; p < n; p++, i += 4) {
    if (out[i] !== before[i] || out[i + 1] !== before[i + 1] || out[i + 2] !== before[i + 2] || out[i + 3] !== before[i + 3]) { changed[p] = 1; any = true; }
  }
  if (!any) return 0;
  const near = spread(spread(changed, W, H, r, 1), W, H, r, W);
  // flatness is looked up lazily (-1: not yet): only the windows of candidates need it
  const flatOut = new Int8Array(n).fill(-1), flatBefore = new Int8Array(n).fill(-1);
  const isFlat = (d: Uint8Array | Uint8ClampedArray, memo: Int8Array, p: number): boolean => (memo[p]! >= 0 ? memo[p] === 1 : (memo[p] = flatAt(d, W, H, p, o) ? 1 : 0) === 1);
  const fill: number[] = [];
  for (let y = r; y < H - r; y++) for (let x = r; x < W - r; x++) {
    const p = y * W + x;
    if (!near[p] || out[4 * p + 3]! < 250 || isFlat(out, flatOut, p)) continue;
    const now = coloursAround(out, (q) => isFlat(out, flatOut, q), W, x, y, r, o);
    if (typeof now === 'string' || now.count < o.minFlat) continue;
    // (one colour round it before too, or the clear: not an edge between two of the layer's colours)
    if (coloursAround(before, (q) => isFlat(before, flatBefore, q), W, x, y, r, o) !== 'mixed') continue;
    fill.push(p, now.at);
  }
  for (let i = 0; i < fill.length; i += 2) {
    const p = 4 * fill[i]!, q = 4 * fill[i + 1]!;
    out[p] = out[q]!; out[p + 1] = out[q + 1]!; out[p + 2] = out[q + 2]!; out[p + 3] = 255;
  }
  return fill.length / 2;
}

/** `m` spread by r along one axis (step 1: rows, W: columns): 1 where a 1 lies within r. */
function spread(m: Uint8Array, W: number, H: number, r: number, step: number): Uint8Array {
  const out = new Uint8Array(W * H), lines = step === 1 ? H : W, len = step === 1 ? W : H, stride = step === 1 ? W : 1;
  for (let l = 0; l < lines; l++) {
    const base = l * stride;
    let count = 0;
    for (let t = 0; t < Math.min(r, len); t++) count += m[base + t * step]!;
    for (let t = 0; t < len; t++) {
      if (t + r < len) count += m[base + (t + r) * step]!;
      if (t - r - 1 >= 0) count -= m[base + (t - r - 1) * step]!;
      if (count > 0) out[base + t * step] = 1;
    }
  }
  return out;
}

/** Whether pixel p is opaque with `same` of its 8 neighbours its colour. */
function flatAt(d: Uint8Array | Uint8ClampedArray, W: number, H: number, p: number, o: OrphanEdgeOptions): boolean {
  const i = 4 * p, x = p % W, y = (p - x) / W;
  if (d[i + 3]! < 250) return false;
  let k = 0;
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
    const X = x + dx, Y = y + dy;
    if (!(dx || dy) || X < 0 || Y < 0 || X >= W || Y >= H) continue;
    const j = 4 * (Y * W + X);
    if (d[j + 3]! >= 250 && Math.abs(d[j]! - d[i]!) <= o.near && Math.abs(d[j + 1]! - d[i + 1]!) <= o.near && Math.abs(d[j + 2]! - d[i + 2]!) <= o.near) k++;
  }
  return k >= o.same;
}

/**
 * The flat pixels round (x, y): 'mixed' when they are of two colours or more; 'clear' when a pixel
 * round it is not opaque (the layer's own outline against the clear is no orphan); else one of
 * them (`at`, -1 for none) and how many.
 */
function coloursAround(d: Uint8Array | Uint8ClampedArray, flat: (p: number) => boolean, W: number, x: number, y: number, r: number, o: OrphanEdgeOptions): { at: number; count: number } | 'mixed' | 'clear' {
  let at = -1, count = 0, mixed = false;
  const far = o.oneColour * o.oneColour;
  for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
    const q = (y + dy) * W + x + dx, j = 4 * q;
    if (d[j + 3]! < 250) return 'clear';
    if (mixed || !flat(q)) continue;
    if (at < 0) { at = q; count = 1; continue; }
    const a = 4 * at;
    if ((d[j]! - d[a]!) ** 2 + (d[j + 1]! - d[a + 1]!) ** 2 + (d[j + 2]! - d[a + 2]!) ** 2 > far) mixed = true;
    else count++;
  }
  return mixed ? 'mixed' : { at, count };
}
