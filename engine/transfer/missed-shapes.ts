/**
 * Shapes the carried edit missed (issue 15: a nose set to "wrinkles" or "small" came back exactly
 * as it was on 6 of 8 held-out avatars). The generator redraws a nose, its wrinkles or a soul patch
 * faintly at 64²: a shade a few levels off the skin, a line one frame pixel wide. The flow's colour
 * model explains so faint a change away, snap-tones.ts snaps every pixel back to its old tone, and
 * the edit the designer asked for does not show.
 *
 * So, after a shape code's change, when the carried edit covers almost none of what the generator
 * changed (`missed`), the generator's own change is drawn in the layer's tones: its difference
 * G(z1) − G(z0), upsampled bicubically to the layer, moves each flat pixel the edit left as it was
 * from its tone towards another of the layer's tones nearby; where it goes at least `reach` of the
 * way there (and not far off the line between the two), the pixel takes that tone whole. A faint
 * change comes out crisp, in colours the layer already has, and nothing is drawn half.
 *
 * Pixel by pixel only when the edit was missed as a whole: where the carried edit did make the
 * change, the generator's small side changes (a fringe a pixel lower, an eye's rim) stay out, as the
 * other stages leave them. Drawn on every shape edit (a first version of the rule), they made 51 of
 * bench:edits' 61 eye, mouth and hair-style edits worse, by up to 1.1 RMSE (BENCHMARKS.md, "Session 34").
 * There, only a large fill the carry left as it was (`carried`) is drawn: curls set to bald in a salmon
 * a few levels from the skin lost their sides to the flow but kept their cap, where G's change (≈ 0.15)
 * is below what the flow and the insertion stages take for new content.
 */
import type { FrameMapping } from './frame-mapping.js';
import { cubicWeights } from './sample.js';
import { toneMap } from './tone-map.js';

export interface MissedShapeOptions {
  /** A pixel changed when a channel moved by this much (0–255): in G's change, upsampled, and in the carried edit. */
  changed: number;
  /** The edit was missed when the carried edit changed less than this fraction of the pixels G changed… */
  missed: number;
  /** …and G changed at least this fraction of the layer's pixels (less is the generator's noise, not an edit). */
  minChange: number;
  /** A pixel takes another tone where G's change goes at least this far from its tone to that one (1: all the way)… */
  reach: number;
  /**
   * …or this far, in a piece that has such a pixel (hysteresis, as an edge detector's): at a thin line's
   * edge the upsampled change falls off, and without it the line's outline would stay behind.
   */
  reachEdge: number;
  /** …and G(z1) lies at least this far from the pixel's tone towards it… */
  anchor: number;
  /**
   * …or, for a `reachEdge` pixel, at least this far: past half-way, G(z1) shows the new tone there (a line's
   * edge where G drew the skin), so a faint new shape's pieces do not spread with it.
   */
  anchorEdge: number;
  /** …and passes within this fraction of the tones' distance of the line between them (the change is towards that tone). */
  off: number;
  /** A pixel is of a tone within this distance of it (0–255 RGB, snap-tones.ts `near`): edges and blends are left as they are. */
  near: number;
  /** The carried edit left a pixel as it was when no channel (alpha included) moved by more than this. */
  still: number;
  /** A pixel takes only a tone the layer has within this many frame cells of it. */
  nearby: number;
  /** A switched piece smaller than this many frame cells is G's noise and stays as it was (so is one that does not touch its new tone on the layer). */
  minPiece: number;
  /** A switched shape's antialiased rim, up to this many px wide, goes with it. */
  rim: number;
  /**
   * A flat patch of the layer (4-connected, one tone) of at least `whole[1]` frame cells with at least
   * `whole[0]` of it switched to one tone switches whole ([1, ·]: off): a large fill G recoloured in
   * places is recoloured (bench-0's stubble shadow, 233 cells, a quarter lightened, was left in
   * blotches where a soul patch replaced it). A small shape switched for the most part is reshaped,
   * and where its new outline lies is for the pieces to say: whole, a nose set to "small" vanished.
   */
  whole: readonly [number, number];
  /**
   * When the carried edit did make G's change (not missed), pieces of one old tone and at least this
   * many frame cells are still drawn (0: none): a large fill G switched that the carry left as it was.
   * There a change past a tone counts as short of it by as much (s > 1 → 1/s), so the fill takes the
   * tone G lands on, not one it passes (the bald head's skin, not the forehead's shade on the way).
   */
  carried: number;
  /** `whole`'s share then, of the patch's pixels the carry left as it was (its sides went with the flow). */
  carriedWhole: number;
  /** `nearby` then: a cap of hair lies farther than 2 cells from the skin it turns to. */
  carriedNearby: number;
}

export const DEFAULT_MISSED_SHAPE_OPTIONS: Readonly<MissedShapeOptions> = { changed: 12, missed: 0.15, minChange: 0.0005, reach: 0.4, reachEdge: 0.2, anchor: 0.2, anchorEdge: 0.5, off: 0.5, near: 12, still: 2, minPiece: 2, rim: 2, nearby: 2, whole: [0.25, 32], carried: 32, carriedWhole: 0.5, carriedNearby: 8 };

/** Counted on at most this many pixels a side: the share of G's change the edit made needs no more. */
const COUNT_SIDE = 1024;

/**
 * Draws the shapes a missed edit left out, in place. out: the rendered edit (W×H straight RGBA);
 * before: the layer at the same size; tones: the layer's flat colours (0–255, snap-tones.ts
 * layerTones); first, last: G(z0) and G(z1) [3, R, R] in [0, 1]; mapping: the render's frame
 * mapping. Returns the number of pixels changed (0 when the edit was not missed).
 */
export function drawMissedShapes(
  out: Uint8ClampedArray, before: Uint8Array | Uint8ClampedArray, W: number, H: number, tones: readonly (readonly number[])[],
  first: Float32Array, last: Float32Array, mapping: FrameMapping, options: Partial<MissedShapeOptions> = {},
): number {
  const o = { ...DEFAULT_MISSED_SHAPE_OPTIONS, ...options };
  if (tones.length < 2) return 0;
  const R = mapping.resolution, N = R * R;
  const delta = new Float32Array(3 * N), then = new Float32Array(3 * N);
  for (let i = 0; i < 3 * N; i++) { delta[i] = 255 * (last[i]! - first[i]!); then[i] = 255 * last[i]!; }
  // cells near which G changed at all (the bicubic taps reach 2 cells): the rest of the layer is skipped
  const quiet = 4, moved = new Uint8Array(N);
  for (let p = 0; p < N; p++) {
    if (Math.max(Math.abs(delta[p]!), Math.abs(delta[N + p]!), Math.abs(delta[2 * N + p]!)) < quiet) continue;
    const x = p % R, y = (p - x) / R;
    for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) {
      const X = x + dx, Y = y + dy;
      if (X >= 0 && Y >= 0 && X < R && Y < R) moved[Y * R + X] = 1;
    }
  }
  const d = [0, 0, 0], g = [0, 0, 0];
  // a layer pixel's frame coordinates (no arrays made: these run for every pixel of a large layer)
  const uOf = (x: number): number => (x + 0.5) * mapping.scale + mapping.offsetX - 0.5, vOf = (y: number): number => (y + 0.5) * mapping.scale + mapping.offsetY - 0.5;
  const cellOf = (x: number, y: number): number => Math.min(R - 1, Math.max(0, Math.round(vOf(y)))) * R + Math.min(R - 1, Math.max(0, Math.round(uOf(x))));
  // bicubic, separably: each layer row's vertical taps once (the change and G(z1), [3, R] each), then four taps a pixel
  const rows = new Upsampler([delta, then], R, W, uOf, vOf);
  const changeAt = (x: number, y: number): boolean => {
    if (!moved[cellOf(x, y)]) return false;
    rows.at(0, x, y, d);
    return true;
  };
  // was the edit missed? (on a grid of at most COUNT_SIDE² pixels)
  const f = Math.ceil(Math.max(W, H) / COUNT_SIDE);
  let gChanged = 0, covered = 0, counted = 0;
  for (let y = f >> 1; y < H; y += f) for (let x = f >> 1; x < W; x += f) {
    counted++;
    if (!changeAt(x, y) || Math.max(Math.abs(d[0]!), Math.abs(d[1]!), Math.abs(d[2]!)) < o.changed) continue;
    gChanged++;
    if (moveOf(out, before, 4 * (y * W + x)) >= o.changed) covered++;
  }
  if (gChanged < o.minChange * counted) return 0;
  const carried = covered >= o.missed * gChanged;
  if (carried && !o.carried) return 0;
  // the carried edit's own settings (`carried`, `carriedWhole`, `carriedNearby`)
  const [minPiece, whole, nearby] = carried ? [o.carried, o.carriedWhole, o.carriedNearby] : [o.minPiece, o.whole[0], o.nearby];
  // only the layer's pixels in the box around what G changed by `quiet` levels are looked at
  let cu0 = R, cu1 = -1, cv0 = R, cv1 = -1;
  for (let p = 0; p < N; p++) if (moved[p]) { const u = p % R, v = (p - u) / R; cu0 = Math.min(cu0, u); cu1 = Math.max(cu1, u); cv0 = Math.min(cv0, v); cv1 = Math.max(cv1, v); }
  const m = nearby + 1;
  const x0 = Math.max(0, Math.floor((cu0 - m - mapping.offsetX) / mapping.scale)), x1 = Math.min(W, Math.ceil((cu1 + 1 + m - mapping.offsetX) / mapping.scale));
  const y0 = Math.max(0, Math.floor((cv0 - m - mapping.offsetY) / mapping.scale)), y1 = Math.min(H, Math.ceil((cv1 + 1 + m - mapping.offsetY) / mapping.scale));
  // each flat pixel the edit left as it was takes the tone G's change moves it to
  // (a byte a pixel a map where the tones allow: 17 MB a map on a 4096² layer, not 34)
  const n = W * H, Labels = tones.length < 128 ? Int8Array : Int16Array;
  const from = new Labels(n).fill(-1), to = new Labels(n).fill(-1), strong = new Uint8Array(n);
  // each pixel's tone (negative: clear, a blend or an edge), looked up once
  const toneAt = toneMap(before, W, H, tones, o.near, { x0, y0, x1, y1 });
  const left = (p: number): boolean => before[4 * p + 3]! >= 250 && moveOf(out, before, 4 * p) <= o.still;
  // where on the layer each tone is, by frame cell, grown by `nearby` cells: a shape is redrawn in a
  // tone that lies beside it (the nose's shade next to the nose, the skin around a line), not in one
  // from elsewhere that G's faint change happens to point to (the lips' pink on a cheek)
  const found = new Uint8Array(tones.length * N);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
    const k = toneAt[y * W + x]!;
    if (k >= 0) found[k * N + cellOf(x, y)] = 1;
  }
  const near = new Uint8Array(tones.length * N);
  for (let k = 0; k < tones.length; k++) for (let p = 0; p < N; p++) {
    if (!found[k * N + p]) continue;
    const x = p % R, y = (p - x) / R;
    for (let dy = -nearby; dy <= nearby; dy++) for (let dx = -nearby; dx <= nearby; dx++) {
      const X = x + dx, Y = y + dy;
      if (X >= 0 && Y >= 0 && X < R && Y < R) near[k * N + Y * R + X] = 1;
    }
  }
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
    const p = y * W + x;
    const own = toneAt[p]!;
    if (own < 0 || !left(p) || !changeAt(x, y)) continue;
    const A = tones[own]!;
    rows.at(1, x, y, g);
    let take = -1, best = o.reachEdge;
    const cell = cellOf(x, y);
    for (let k = 0; k < tones.length; k++) {
      if (k === own || !near[k * N + cell]) continue;
      const B = tones[k]!, ab0 = B[0]! - A[0]!, ab1 = B[1]! - A[1]!, ab2 = B[2]! - A[2]!, L2 = ab0 * ab0 + ab1 * ab1 + ab2 * ab2;
      if (L2 === 0) continue;
      const s = (d[0]! * ab0 + d[1]! * ab1 + d[2]! * ab2) / L2;
      // past the tone counts as short of it by as much: G's change to the bald head's skin reaches the
      // face's darker shade on the way and overshoots it, and the skin itself is where it lands
      const fit = carried && s > 1 ? 1 / s : s;
      if (fit < best) continue;
      const off = (d[0]! - s * ab0) ** 2 + (d[1]! - s * ab1) ** 2 + (d[2]! - s * ab2) ** 2;
      // and G(z1) itself lies that way from the pixel's tone: beside a dark line G took away, G(z0) was
      // darker than the skin (its line is blurred wider than the layer's), so the change there is
      // lighter, yet G(z1) shows the skin the pixel already has, not a lighter tone
      const s1 = ((g[0]! - A[0]!) * ab0 + (g[1]! - A[1]!) * ab1 + (g[2]! - A[2]!) * ab2) / L2;
      if (off <= o.off * o.off * L2 && s1 >= (fit >= o.reach ? o.anchor : o.anchorEdge)) { best = fit; take = k; }
    }
    if (take >= 0) { from[p] = own; to[p] = take; if (best >= o.reach) strong[p] = 1; }
  }
  // A piece (the pixels switched to one tone, 8-connected) is drawn when it is a shape and not G's
  // noise: at least `minPiece` frame cells, and touching (within 2 px: its antialiased rim) the layer's
  // own patch of the tone it takes. So a shape grows, shrinks or goes (the nose's shade spreads from
  // the nose, a line gives way to the skin around it), but no tone appears in islands of its own:
  // a generator's faint new shape (wrinkles, a stubble's shadow) comes out as blotches, not as itself.
  const minArea = minPiece / (mapping.scale * mapping.scale), stack: number[] = [], piece: number[] = [];
  const seen = new Uint8Array(n);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
    const s0 = y * W + x;
    if (to[s0]! < 0 || seen[s0]) continue;
    // (when the edit was carried, a piece is also of one old tone: a fill the carry left, not the edge of
    // its neighbour that G's soft change reaches into as well)
    const tone = to[s0]!, was = carried ? from[s0]! : -1;
    piece.length = 0; stack.push(s0); seen[s0] = 1;
    let touches = false, seeded = false;
    while (stack.length) {
      const p = stack.pop()!, x = p % W, y = (p - x) / W;
      piece.push(p);
      if (strong[p]) seeded = true;
      for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) {
        const X = x + dx, Y = y + dy, q = Y * W + X;
        if (X < 0 || Y < 0 || X >= W || Y >= H) continue;
        if (!touches && to[q]! < 0 && toneAt[q] === tone) touches = true;
        if (Math.abs(dx) <= 1 && Math.abs(dy) <= 1 && to[q] === tone && (was < 0 || from[q] === was) && !seen[q]) { seen[q] = 1; stack.push(q); }
      }
    }
    if (piece.length < minArea || !touches || !seeded) for (const p of piece) to[p] = -1;
  }
  // a large flat patch of the layer switched in good part (`whole`) switches whole (a stubble's shadow G
  // lightened in places is gone, not left in blotches)
  if (whole < 1) {
    const comp: number[] = [], seenC = new Uint8Array(n), count = new Map<number, number>();
    let tone = -1, kept = 0;
    // (4 neighbours, no array a pixel: a patch can be most of a large layer)
    const visit = (q: number): void => { if (!seenC[q] && toneAt[q] === tone) { seenC[q] = 1; stack.push(q); } };
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
      const s0 = y * W + x;
      if (seenC[s0] || toneAt[s0]! < 0) continue;
      tone = toneAt[s0]!;
      comp.length = 0; count.clear(); stack.push(s0); seenC[s0] = 1; kept = 0;
      while (stack.length) {
        const p = stack.pop()!, px = p % W, py = (p - px) / W;
        comp.push(p);
        if (left(p)) kept++;
        if (to[p]! >= 0) count.set(to[p]!, (count.get(to[p]!) ?? 0) + 1);
        if (px > x0) visit(p - 1);
        if (px < x1 - 1) visit(p + 1);
        if (py > y0) visit(p - W);
        if (py < y1 - 1) visit(p + W);
      }
      if (comp.length < o.whole[1] / (mapping.scale * mapping.scale)) continue;
      for (const [k, c] of count) if (c >= whole * (carried ? kept : comp.length)) { for (const p of comp) if (left(p)) { from[p] = tone; to[p] = k; } break; }
    }
  }
  // a switched shape's antialiased rim (a blend of its old tone and its new one) goes with it
  for (let step = 0; step < o.rim; step++) {
    const grown: number[] = [];
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
      const p = y * W + x;
      if (to[p]! >= 0 || !left(p) || toneAt[p]! >= 0) continue;
      for (const q of [x > 0 ? p - 1 : -1, x < W - 1 ? p + 1 : -1, y > 0 ? p - W : -1, y < H - 1 ? p + W : -1]) {
        if (q < 0 || to[q]! < 0 || !onSegment(before, 4 * p, tones[from[q]!]!, tones[to[q]!]!, o.near)) continue;
        grown.push(p, q);
        break;
      }
    }
    for (let i = 0; i < grown.length; i += 2) { from[grown[i]!] = from[grown[i + 1]!]!; to[grown[i]!] = to[grown[i + 1]!]!; }
  }
  let drawn = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
    const p = y * W + x;
    if (to[p]! < 0) continue;
    const B = tones[to[p]!]!, i = 4 * p;
    out[i] = B[0]!; out[i + 1] = B[1]!; out[i + 2] = B[2]!; out[i + 3] = 255;
    drawn++;
  }
  return drawn;
}

/** Whether the colour at byte offset i lies within `near` of the segment between tones A and B (a blend of the two). */
function onSegment(d: Uint8Array | Uint8ClampedArray, i: number, A: readonly number[], B: readonly number[], near: number): boolean {
  const ab0 = B[0]! - A[0]!, ab1 = B[1]! - A[1]!, ab2 = B[2]! - A[2]!, L2 = ab0 * ab0 + ab1 * ab1 + ab2 * ab2;
  const c0 = d[i]! - A[0]!, c1 = d[i + 1]! - A[1]!, c2 = d[i + 2]! - A[2]!;
  const s = L2 > 0 ? Math.min(1, Math.max(0, (c0 * ab0 + c1 * ab1 + c2 * ab2) / L2)) : 0;
  return (c0 - s * ab0) ** 2 + (c1 - s * ab1) ** 2 + (c2 - s * ab2) ** 2 <= near * near;
}

/** The largest change of a channel (alpha included) between out and before at byte offset i. */
function moveOf(out: Uint8ClampedArray, before: Uint8Array | Uint8ClampedArray, i: number): number {
  return Math.max(Math.abs(out[i]! - before[i]!), Math.abs(out[i + 1]! - before[i + 1]!), Math.abs(out[i + 2]! - before[i + 2]!), Math.abs(out[i + 3]! - before[i + 3]!));
}

/**
 * Planes [3, R, R] upsampled bicubically (Catmull-Rom, clamped to the border) at layer pixels: each
 * column's taps and weights are made once, and a row's vertical interpolation when a pixel of a new
 * row is asked for, so a pixel costs twelve multiply-adds a plane set.
 */
class Upsampler {
  private readonly rows: Float64Array[];
  private y = -1;
  private readonly w = new Float64Array(4);
  private readonly taps: Int32Array;
  private readonly weights: Float64Array;

  constructor(private readonly planes: readonly Float32Array[], private readonly R: number, W: number, columnAt: (x: number) => number, private readonly rowAt: (y: number) => number) {
    this.rows = planes.map(() => new Float64Array(3 * R));
    this.taps = new Int32Array(4 * W); this.weights = new Float64Array(4 * W);
    for (let x = 0; x < W; x++) {
      const u = columnAt(x), u0 = Math.floor(u);
      cubicWeights(u - u0, this.w);
      for (let t = 0; t < 4; t++) { this.taps[4 * x + t] = Math.min(R - 1, Math.max(0, u0 - 1 + t)); this.weights[4 * x + t] = this.w[t]!; }
    }
  }

  /** Plane set `k` at layer pixel (x, y), into `to`. */
  at(k: number, x: number, y: number, to: number[]): void {
    const R = this.R;
    if (y !== this.y) {
      this.y = y;
      const v = this.rowAt(y), v0 = Math.floor(v), w = this.w;
      cubicWeights(v - v0, w);
      this.planes.forEach((src, j) => {
        const row = this.rows[j]!;
        for (let c = 0; c < 3; c++) for (let u = 0; u < R; u++) {
          let s = 0;
          for (let t = 0; t < 4; t++) s += w[t]! * src[c * R * R + Math.min(R - 1, Math.max(0, v0 - 1 + t)) * R + u]!;
          row[c * R + u] = s;
        }
      });
    }
    const row = this.rows[k]!, i = 4 * x, taps = this.taps, wt = this.weights;
    const a = taps[i]!, b = taps[i + 1]!, c = taps[i + 2]!, d = taps[i + 3]!, wa = wt[i]!, wb = wt[i + 1]!, wc = wt[i + 2]!, wd = wt[i + 3]!;
    to[0] = wa * row[a]! + wb * row[b]! + wc * row[c]! + wd * row[d]!;
    to[1] = wa * row[R + a]! + wb * row[R + b]! + wc * row[R + c]! + wd * row[R + d]!;
    to[2] = wa * row[2 * R + a]! + wb * row[2 * R + b]! + wc * row[2 * R + c]! + wd * row[2 * R + d]!;
  }
}
