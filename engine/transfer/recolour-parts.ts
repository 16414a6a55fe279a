/**
 * Which pixels a colour stroke recolours (recolour.ts draws them): the part's own colours under
 * the paint, the frame cells it covers, the pieces of it the generator moved toward the paint,
 * the tones that changed alike, the shade each tone follows the paint by, and for several strokes
 * which paint each cell takes.
 */
import type { FrameMapping } from './frame-mapping.js';
import type { RgbaImage } from './types.js';
import { forEachFrameSample } from './layer-frame.js';
import { ColourClusters, dist, nearAny } from './colour-clusters.js';
import { layerShade, shadeChannel, type Shade } from './shades.js';

/** The part's colours: the layer's colours under the paint, clustered (0–255), most common first. */
export function partColours(original: RgbaImage, mapping: FrameMapping, painted: Float32Array, near: number, minShare: number): number[][] {
  const { clusters, total } = colourClusters(original, mapping, painted, near);
  const kept = clusters.counts.map((n, k) => ({ n, k })).filter(({ n }) => n >= minShare * total);
  return kept.sort((a, b) => b.n - a.n).map(({ k }) => clusters.mean(k));
}

/**
 * The part's small tones (fewer than `minShare` of the samples under the paint, at least `minCount`)
 * that are its main colour under a black or white layer (layerShade): a nose drawn over the skin, a
 * shadow. Too small to count as a tone of the part, their pixels were taken for edge blends and moved
 * part way (bench:edits, skin tone: the nose of a lightened face, 4–5 % of the part's pixels a ghost).
 */
export function shadeTones(original: RgbaImage, mapping: FrameMapping, painted: Float32Array, palette: readonly number[][], near: number, minShare: number, minCount = 8): number[][] {
  const { clusters, total } = colourClusters(original, mapping, painted, near);
  return clusters.counts.map((n, k) => ({ n, k })).filter(({ n }) => n < minShare * total && n >= minCount).sort((a, b) => b.n - a.n)
    .map(({ k }) => clusters.mean(k)).filter((c) => palette.every((t) => dist(c, t) > near) && layerShade(c, palette[0]!) !== null);
}

function colourClusters(original: RgbaImage, mapping: FrameMapping, painted: Float32Array, near: number): { clusters: ColourClusters; total: number } {
  const { data } = original;
  const stride = Math.max(1, Math.floor(1 / mapping.scale / 4));
  const clusters = new ColourClusters();
  let total = 0;
  forEachFrameSample(original, mapping, stride, (p, q) => {
    if (painted[q]! < 0.5 || data[p + 3]! < 128) return;
    total++;
    clusters.add(data[p]!, data[p + 1]!, data[p + 2]!, near / 2);
  });
  return { clusters, total };
}

/**
 * The distance within which a layer colour counts as one of the part's `colours`: `near`, or less
 * where another flat colour of the layer (`tones`, layerTones) lies closer to one of them — half
 * the way to it, so the two stay apart (bench:edits, bench-2: a shaved head's hair cap drawn
 * 6.5 levels from the skin; with 12 the skin was the part too, and the whole face was recoloured).
 * A tone within `same` of a part colour is that colour. At least `min`. Also returns those tones
 * (RecolourOptions.others: their pixels are not edge blends of the part either).
 */
export function separatingNear(tones: readonly number[][], colours: readonly number[][], near: number, same = 4, min = 2): { near: number; others: number[][] } {
  let out = near;
  const others: number[][] = [];
  for (const t of tones) {
    const d = Math.min(...colours.map((c) => dist(c, t)));
    if (d >= same && d < 2 * near) { out = Math.min(out, Math.max(min, d / 2)); others.push([...t]); }
  }
  return { near: out, others };
}

/**
 * For every frame cell, how much of it is the part: the share of its layer pixels (sampled) that
 * are one of the part's colours, ×4 and capped at 1 (a cell a quarter full of a
 * thin strand of hair counts fully: at 64² a strand is narrower than a cell, and the part must stay
 * connected through it). 0 outside the layer.
 */
export function partCells(original: RgbaImage, mapping: FrameMapping, palette: number[][], near: number): Float32Array {
  const R = mapping.resolution, { data } = original;
  const stride = Math.max(1, Math.floor(1 / mapping.scale / 4));
  const hit = new Float32Array(R * R), count = new Float32Array(R * R);
  forEachFrameSample(original, mapping, stride, (p, q) => {
    count[q]++;
    if (data[p + 3]! < 128) return;
    if (nearAny(data[p]!, data[p + 1]!, data[p + 2]!, palette, near)) hit[q]++;
  });
  for (let q = 0; q < R * R; q++) hit[q] = count[q] ? Math.min(1, (4 * hit[q]!) / count[q]!) : 0;
  return hit;
}

/**
 * The part a designer meant: the one under where each stroke STARTS, not every part its paint
 * crosses (a stroke over the hair that runs onto the background must not turn the background).
 * Each path (a colour stroke's points, frame coordinates) is walked from its first point, in
 * steps of a quarter cell, to the first opaque layer pixel within `near` of a palette colour:
 * that colour is the stroke's part (a start off the layer or on an edge blend takes the next
 * sample). Returns the colours picked (palette order, so the most common stays first) and the
 * frame cells where they were found.
 */
export function startParts(original: RgbaImage, mapping: FrameMapping, palette: number[][], paths: readonly (readonly (readonly [number, number])[])[], near: number): { palette: number[][]; cells: number[] } {
  const R = mapping.resolution, { width: W, height: H, data } = original;
  const picked = new Set<number>(), cells: number[] = [];
  const at = (fx: number, fy: number): number => {
    const x = Math.floor((fx - mapping.offsetX) / mapping.scale), y = Math.floor((fy - mapping.offsetY) / mapping.scale);
    if (x < 0 || y < 0 || x >= W || y >= H || fx < 0 || fy < 0 || fx >= R || fy >= R) return -1;
    const p = (y * W + x) * 4;
    if (data[p + 3]! < 128) return -1;
    let k = -1, best = near;
    palette.forEach((c, i) => { const e = dist([data[p]!, data[p + 1]!, data[p + 2]!], c); if (e <= best) { best = e; k = i; } });
    return k;
  };
  for (const path of paths) {
    const pts = path.length === 1 ? [path[0]!, path[0]!] : path;
    walk: for (let i = 0; i + 1 < pts.length; i++) {
      const [x0, y0] = pts[i]!, [x1, y1] = pts[i + 1]!, n = Math.max(1, Math.ceil(4 * Math.hypot(x1 - x0, y1 - y0)));
      for (let j = 0; j <= n; j++) {
        const fx = x0 + ((x1 - x0) * j) / n, fy = y0 + ((y1 - y0) * j) / n, k = at(fx, fy);
        if (k < 0) continue;
        picked.add(k);
        cells.push(Math.floor(fy) * R + Math.floor(fx));
        break walk;
      }
    }
  }
  return { palette: palette.filter((_, i) => picked.has(i)), cells };
}

/**
 * The paint over the part connected (8-connected over cells ≥ 0.5 of `part`) to the start cells;
 * paint over anything else is dropped, so it neither seeds the recolour nor gives it its colour.
 */
export function paintOnStartPart(painted: Float32Array, part: Float32Array, starts: readonly number[], R: number): Float32Array {
  const seen = new Uint8Array(R * R), stack = [...starts];
  for (const p of starts) seen[p] = 1; // a start cell joins even when the part fills little of it
  while (stack.length) {
    const p = stack.pop()!, x = p % R, y = (p - x) / R;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const u = x + dx, v = y + dy, q = v * R + u;
      if (u < 0 || v < 0 || u >= R || v >= R || seen[q] || part[q]! < 0.5) continue;
      seen[q] = 1;
      stack.push(q);
    }
  }
  return painted.map((c, p) => (seen[p] ? c : 0));
}

/**
 * The paint's seeds plus every other piece of the part that the generator changed alike. At 64²
 * a part is often cut in pieces (long hair by the ears, a background by the head) and the fill
 * from the paint cannot reach them; but the generator, asked to recolour the part, recolours those
 * pieces too. A piece (8-connected cells ≥ 0.5 of `part` without paint) joins when its mean change
 * (last − first, [3, R, R] frames) goes the same way as the painted pieces' mean change, by at
 * least `minAlike` of it (its projection onto that change over the change's length²). Returns
 * `painted` with the joining pieces' cells set to 1 (seeds of the fill; the paint's colour still
 * comes from `painted` alone).
 */
export function piecesChangedAlike(painted: Float32Array, part: Float32Array, first: Float32Array, last: Float32Array, R: number, minAlike: number, seed = 0.5): Float32Array {
  const { pieces, ref } = paintedPieces(painted, part, first, last, R, seed);
  const out = painted.slice();
  if (!ref) return out;
  const len2 = ref.reduce((a, v) => a + v * v, 0);
  for (const k of pieces) {
    if (k.painted) continue;
    const along = k.d.reduce((a, v, c) => a + (v / k.cells.length) * ref[c]!, 0) / len2;
    if (along >= minAlike) for (const p of k.cells) out[p] = 1;
  }
  return out;
}

/**
 * How far the generator moved the painted piece toward the painted colour, in levels (0–255): its
 * mean change a cell (`ref`, paintedPieces, [0, 1] units) projected on the wanted change t − main
 * (0–255). The generator's other changes tell what else belongs to the part only when this one
 * stands out from its drift: where it barely moved the part (a background it left as it was, a
 * small change of a sparse part), "changed alike" is alike to drift, and the face it changed for
 * its own reasons joins. 0 when the wanted change is none.
 */
export function paintedMove(ref: readonly number[], main: readonly number[], t: readonly number[]): number {
  const want = [0, 1, 2].map((c) => t[c]! - main[c]!), len = Math.hypot(want[0]!, want[1]!, want[2]!);
  return len === 0 ? 0 : want.reduce((a, v, c) => a + v * 255 * ref[c]!, 0) / len;
}

interface Piece { cells: number[]; painted: boolean; d: number[] }

/**
 * The 8-connected pieces of `part` (cells ≥ 0.5), each with its summed change last − first and
 * whether it holds paint; and `ref`, the painted pieces' mean change a cell (null: none, or no change).
 */
export function paintedPieces(painted: Float32Array, part: Float32Array, first: Float32Array, last: Float32Array, R: number, seed = 0.5): { pieces: Piece[]; ref: number[] | null } {
  const N = R * R, piece = new Int32Array(N).fill(-1), pieces: Piece[] = [];
  for (let s = 0; s < N; s++) {
    if (piece[s]! >= 0 || part[s]! < 0.5) continue;
    const info: Piece = { cells: [s], painted: false, d: [0, 0, 0] };
    piece[s] = pieces.length;
    for (let i = 0; i < info.cells.length; i++) {
      const p = info.cells[i]!, x = p % R, y = (p - x) / R;
      if (painted[p]! >= seed) info.painted = true;
      for (let c = 0; c < 3; c++) info.d[c] += last[c * N + p]! - first[c * N + p]!;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const u = x + dx, v = y + dy, q = v * R + u;
        if (u < 0 || v < 0 || u >= R || v >= R || piece[q]! >= 0 || part[q]! < 0.5) continue;
        piece[q] = pieces.length;
        info.cells.push(q);
      }
    }
    pieces.push(info);
  }
  const ref = [0, 0, 0];
  let n = 0;
  for (const k of pieces) if (k.painted) { for (let c = 0; c < 3; c++) ref[c] += k.d[c]!; n += k.cells.length; }
  if (!n || ref.every((v) => v === 0)) return { pieces, ref: null };
  return { pieces, ref: ref.map((v) => v / n) };
}

/**
 * Other tones of the part, not under the paint: the layer's colours (clustered within near/2) that
 * the generator changed alike wherever they are (its change in at least `share` of their samples'
 * cells goes the way of `ref` by ≥ minAlike of it), with at least `minCount` samples and at most
 * `maxRatio` times as many as the palette's own — a part drawn in two tones (hair lighter on top
 * under a highlight, a fold in a shirt) is recoloured in both, but a larger part the generator
 * changed with it (the face darkened with sparse hair) is not a tone of it. Colours within `near`
 * of the palette are not new.
 */
export function alikeTones(original: RgbaImage, mapping: FrameMapping, palette: number[][], first: Float32Array, last: Float32Array, ref: number[], o: { near: number; minAlike: number; share: number; minCount: number; maxRatio: number }): number[][] {
  const R = mapping.resolution, N = R * R, { data } = original;
  const stride = Math.max(1, Math.floor(1 / mapping.scale / 4));
  const len2 = ref.reduce((a, v) => a + v * v, 0);
  const alike = new Uint8Array(N);
  for (let q = 0; q < N; q++) {
    let along = 0;
    for (let c = 0; c < 3; c++) along += (last[c * N + q]! - first[c * N + q]!) * ref[c]!;
    if (along / len2 >= o.minAlike) alike[q] = 1;
  }
  const clusters = new ColourClusters(), alikeIn: number[] = [];
  let own = 0;
  forEachFrameSample(original, mapping, stride, (p, q) => {
    if (data[p + 3]! < 255) return;
    const r = data[p]!, g = data[p + 1]!, b = data[p + 2]!;
    if (nearAny(r, g, b, palette, o.near)) { own++; return; }
    const k = clusters.add(r, g, b, o.near / 2);
    alikeIn[k] = (alikeIn[k] ?? 0) + alike[q]!;
  });
  const kept = clusters.counts.map((n, k) => ({ n, k })).filter(({ n, k }) => n >= o.minCount && n <= o.maxRatio * own && alikeIn[k]! >= o.share * n);
  return kept.sort((a, b) => b.n - a.n).map(({ k }) => clusters.mean(k));
}

/**
 * For every frame cell, the colour painted at the nearest painted cell (0–255): strokes of
 * different colours each recolour the part of the region nearest to them.
 */
export function nearestPaint(paintColour: Float32Array, painted: Float32Array, R: number): Float32Array {
  const N = R * R, out = new Float32Array(3 * N), seen = new Uint8Array(N), queue: number[] = [];
  for (let p = 0; p < N; p++) {
    if (painted[p]! < 0.5) continue;
    // the rasteriser blends the colour by coverage from black: undo that
    for (let c = 0; c < 3; c++) out[c * N + p] = Math.min(255, (255 * paintColour[c * N + p]!) / painted[p]!);
    seen[p] = 1;
    queue.push(p);
  }
  const visit = (p: number, u: number, v: number): void => {
    const q = v * R + u;
    if (u < 0 || v < 0 || u >= R || v >= R || seen[q]) return;
    seen[q] = 1;
    for (let c = 0; c < 3; c++) out[c * N + q] = out[c * N + p]!;
    queue.push(q);
  };
  for (let i = 0; i < queue.length; i++) {
    const p = queue[i]!, x = p % R, y = (p - x) / R;
    // right, left, down, up (the order decides which paint a cell equidistant from two takes)
    visit(p, x + 1, y); visit(p, x - 1, y); visit(p, x, y + 1); visit(p, x, y - 1);
  }
  return out;
}

/**
 * The shade each of the part's tones follows (palette[0], the main one: 'shift', its offset is
 * the edit). Chosen by the generator: of the candidates, the one whose change of the tone (t_k −
 * c_k, scaled by how far the generator moved the main colour toward t) is nearest to the change
 * G made in the cells of that tone, inside the part (bench:edits, bench-5's pigtails painted
 * near-white: read on the thin ends too, 'multiply' won and the ends came out grey, 24.1 → 7.7/255
 * in the part). A tone with fewer than 3 such cells of its own takes the layer it is the main one
 * under (layerShade), else 'shift'; a layer in Overlay mode, which none of the candidates can express,
 * is kept whatever G did.
 */
export function chooseShades(original: RgbaImage, mapping: FrameMapping, palette: number[][], t: readonly number[], first: Float32Array, last: Float32Array, near: number): Shade[] {
  const R = mapping.resolution, N = R * R;
  const tones = palette.map((c) => partCells(original, mapping, [c], near));
  // the part's interior: a cell whose 4 neighbours are the part too. At 64² the generator blends a
  // thin piece (a pigtail's end) with what is beside it, so its change there says little of the tone's
  const inPart = (q: number): boolean => tones.some((o) => o[q]! >= 0.5);
  const interior = new Uint8Array(N);
  for (let y = 1; y < R - 1; y++) for (let x = 1; x < R - 1; x++) {
    const q = y * R + x;
    interior[q] = inPart(q - 1) && inPart(q + 1) && inPart(q - R) && inPart(q + R) ? 1 : 0;
  }
  const changeOf = (k: number): number[] | null => {
    const d = [0, 0, 0];
    let n = 0;
    for (let q = 0; q < N; q++) {
      // cells of this tone and of no other of the part's (partCells counts a quarter full as full)
      if (tones[k]![q]! < 1 || tones.some((o, j) => j !== k && o[q]! >= 0.5) || !interior[q]) continue;
      for (let c = 0; c < 3; c++) d[c] += 255 * (last[c * N + q]! - first[c * N + q]!);
      n++;
    }
    return n >= 3 ? d.map((v) => v / n) : null;
  };
  const main = palette[0]!, dm = changeOf(0);
  // a tone that is exactly the main under a black or white layer (a nose, a face's highlight) starts as that: a
  // thin tone has no reading of G's change (bench:edits, skin tone); G's reading decides below where there is one
  const shades: Shade[] = palette.map((c, k) => (k > 0 && layerShade(c, main)) || 'shift');
  if (!dm) return shades;
  const want = [0, 1, 2].map((c) => t[c]! - main[c]!), w2 = want.reduce((a, v) => a + v * v, 0);
  if (w2 === 0) return shades;
  const progress = Math.max(0.1, [0, 1, 2].reduce((a, c) => a + dm[c]! * want[c]!, 0) / w2);
  for (let k = 1; k < palette.length; k++) {
    const dk = changeOf(k);
    if (!dk || typeof shades[k] === 'object') continue;
    let best = Infinity;
    for (const shade of ['shift', 'multiply', 'screen'] as const) {
      const e = [0, 1, 2].reduce((a, c) => a + (progress * (shadeChannel(shade, palette[k]![c]!, main[c]!, t[c]!) - palette[k]![c]!) - dk[c]!) ** 2, 0);
      if (e < best) { best = e; shades[k] = shade; }
    }
  }
  return shades;
}
