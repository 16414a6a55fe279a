/**
 * A colour-stroke edit rendered as what it means: the part painted over takes the painted colour.
 *
 * The generator decides WHICH pixels the edit covers (the edit region: the change connected to the
 * paint, keeping to the layer's colours under it); it cannot decide the exact colour (a 64² model
 * meets a colour only halfway, and its affine colour model applied to the layer's colours drifts
 * to murky blends). Inside the region every pixel of the part is shifted by the same amount, the
 * painted colour minus the part's own main colour (so the part's shading stays, and a flat part
 * comes out exactly the painted colour); every other pixel is left alone. Edge pixels — a blend of
 * the part's colour and a neighbour's (antialiasing) — are shifted by their share of the part, the
 * matte α found by projecting the pixel onto the line between the two colours:
 *
 *   out = c + α·(t − c_ref)   where the region selects     c: layer colour, t: painted colour, c_ref: part colour
 *
 * so a pixel is either the old content or the new one, never a haze of both, and nothing spills
 * past the part's own edge. Alpha is untouched (a recolour changes no shape).
 */
import type { FrameMapping } from './frame-mapping.js';
import type { RgbaImage } from './types.js';
import { sampleClamped } from './sample.js';
import { spans } from './area-downscale.js';
import { forEachFrameSample } from './layer-frame.js';
import { ColourClusters, nearAny } from './colour-clusters.js';

export interface RecolourOptions {
  /** A layer colour within this distance (0–255 RGB, Euclidean) of a part colour is the part, fully. */
  near: number;
  /** Half-size of the window searched for an edge pixel's other colour, layer px. */
  window: number;
  /** Share of the samples under the paint a colour needs to count as one of the part's colours. */
  minShare: number;
  /**
   * A piece of the part the fill from the paint cannot reach joins when the generator changed it
   * alike: by at least this fraction of the painted pieces' change, the same way (piecesChangedAlike).
   * Infinity: never.
   */
  joinAlike: number;
  /**
   * Other flat colours of the layer, closer to the part's than `near` was (separatingNear): a pixel
   * within `near` of one is that colour, never an edge blend of the part (set by the transfer).
   */
  others?: number[][];
}

/** Region value (bilinear at the pixel) from which a pixel is selected. */
const SELECTED = 0.5;

export const DEFAULT_RECOLOUR_OPTIONS: Readonly<RecolourOptions> = { near: 12, window: 2, minShare: 0.04, joinAlike: 0.3 };

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

/** Within this many RecolourOptions.near of a colour code's old value, a part's tone is that colour (mainFirst, virtualMain). */
const FROM_NEAR = 3;

/** The part's colours with the one nearest `from` (a colour code's old value) first, if within FROM_NEAR·near; else as they were. */
export function mainFirst(palette: number[][], from: readonly number[] | null | undefined, near: number): number[][] {
  if (!from || palette.length < 2) return palette;
  const d = palette.map((c) => dist(c, from));
  const i = d.indexOf(Math.min(...d));
  return i > 0 && d[i]! <= FROM_NEAR * near ? [palette[i]!, ...palette.filter((_, k) => k !== i)] : palette;
}

/**
 * `from` as the part's main colour when none of its tones is it (DiceBear's hair: the named colour
 * under a light overlay, drawn nowhere as is); null when the first tone is (mainFirst put it there).
 */
export function virtualMain(palette: readonly number[][], from: readonly number[], near: number): number[] | null {
  return palette.length && dist(palette[0]!, from) > FROM_NEAR * near ? [...from] : null;
}

/**
 * Shades of the part's tones over a main colour none of them is: a lighter tone is the main under
 * a light overlay ('screen'), a darker one under a dark one ('multiply'). The first entry is the
 * main's own ('shift': it takes the paint exactly).
 */
export function overlayShades(palette: readonly number[][], main: readonly number[]): Shade[] {
  const sum = (c: readonly number[]): number => c[0]! + c[1]! + c[2]!;
  return ['shift', ...palette.map((c): Shade => layerShade(c, main) ?? (sum(c) >= sum(main) ? 'screen' : 'multiply'))];
}

/** Within this (0–255, RMS over channels) a tone is the main under a black or white layer (layerShade): 8-bit rounding. */
const LAYER_FIT = 2.5;

/** The Overlay blend (CSS's and Figma's mode) of black (light false) or white over the backdrop b, per channel 0–255. */
function overlayBlend(b: number, light: boolean): number {
  return light ? (b <= 127.5 ? 2 * b : 255) : b <= 127.5 ? 0 : 2 * b - 255;
}

/**
 * The shade by which tone `c` is the main colour under one black or white layer at some opacity, when
 * one explains all three channels within LAYER_FIT (one opacity for three channels: no coincidence);
 * else null. A layer blended normally is 'multiply' (black) or 'screen' (white) — how resvg draws
 * DiceBear's noses, faces and highlights — and one blended in Overlay mode (as a browser or Figma
 * draws the same SVG) is `overlay`. Opacity fitted by least squares, each way; the closer fit wins.
 */
export function layerShade(c: readonly number[], main: readonly number[]): Shade | null {
  const light = c[0]! + c[1]! + c[2]! > main[0]! + main[1]! + main[2]!;
  const fits: { shade: Shade; e: number }[] = [];
  for (const blend of ['normal', 'overlay'] as const) {
    const top = (b: number): number => (blend === 'normal' ? (light ? 255 : 0) : overlayBlend(b, light));
    let num = 0, den = 0;
    for (let i = 0; i < 3; i++) { const d = top(main[i]!) - main[i]!; num += (c[i]! - main[i]!) * d; den += d * d; }
    if (den < 100) continue;   // the layer would not show on this main (white over white)
    const alpha = num / den;
    if (!(alpha > 0.02 && alpha < 1)) continue;
    let e = 0;
    for (let i = 0; i < 3; i++) e += (main[i]! + alpha * (top(main[i]!) - main[i]!) - c[i]!) ** 2;
    fits.push({ shade: blend === 'normal' ? (light ? 'screen' : 'multiply') : { overlay: alpha, light }, e: Math.sqrt(e / 3) });
  }
  const best = fits.sort((a, b) => a.e - b.e)[0];
  return best && best.e <= LAYER_FIT ? best.shade : null;
}

/** How a translucent part is drawn: its colour laid over the layer tone `under` at opacity `alpha`. */
export interface TranslucentFit {
  under: number[];
  blend: 'normal' | 'multiply';
  alpha: number;
}

/**
 * The translucent layer that draws the part `c`: `from` laid over one of the layer's other tones
 * at some opacity — blended normally (DiceBear's side shave, 30 %) or multiplied (its buzz cut,
 * 20 %) — when one opacity explains all three channels within LAYER_FIT (as layerShade); the best
 * fit, or null when no tone and blend explain `c`.
 */
export function translucentFit(c: readonly number[], from: readonly number[], tones: readonly (readonly number[])[]): TranslucentFit | null {
  let best: (TranslucentFit & { e: number }) | null = null;
  for (const u of tones) {
    if (dist(u, c) < 4) continue;   // the part itself
    for (const blend of ['normal', 'multiply'] as const) {
      const wf = overTone(u, from, blend), den = wf[0]! ** 2 + wf[1]! ** 2 + wf[2]! ** 2;
      if (den < 24 ** 2) continue;   // the layer would hardly show over u: any opacity fits
      const a = [0, 1, 2].reduce((sum, i) => sum + (c[i]! - u[i]!) * wf[i]!, 0) / den;
      if (!(a > 0.05 && a < 0.95)) continue;
      const e = Math.sqrt([0, 1, 2].reduce((sum, i) => sum + (u[i]! + a * wf[i]! - c[i]!) ** 2, 0) / 3);
      if (e <= LAYER_FIT && (!best || e < best.e)) best = { e, under: [...u], blend, alpha: a };
    }
  }
  return best;
}

/** The same translucent layer in the colour `to`, over the same tone. */
export function translucentToneOf(fit: TranslucentFit, to: readonly number[]): number[] {
  const w = overTone(fit.under, to, fit.blend);
  return [0, 1, 2].map((i) => Math.min(255, Math.max(0, fit.under[i]! + fit.alpha * w[i]!)));
}

/** A translucent part's tone after its colour changes from → to (translucentFit, translucentToneOf); null when no layer explains `c`. */
export function translucentTone(c: readonly number[], from: readonly number[], to: readonly number[], tones: readonly (readonly number[])[]): number[] | null {
  const fit = translucentFit(c, from, tones);
  return fit && translucentToneOf(fit, to);
}

/** What a fully opaque layer of colour h adds over the tone u (c − u = alpha · this). */
function overTone(u: readonly number[], h: readonly number[], blend: TranslucentFit['blend']): number[] {
  return [0, 1, 2].map((i) => (blend === 'normal' ? h[i]! - u[i]! : (u[i]! * (h[i]! - 255)) / 255));
}

function dist(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
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

export interface RecolourPlan {
  region: Float32Array;
  /** [3, R, R] the painted colour each cell takes, 0–255. */
  target: Float32Array;
  /** The part's colours (0–255), the main one first. */
  palette: number[][];
  /** How each colour follows the main one to the painted colour (shadeOf); absent: all 'shift'. */
  shades?: Shade[];
  options: RecolourOptions;
}

/**
 * How a second tone of the part (a fold, a highlight: the main colour under a translucent dark or
 * light layer) becomes the same tone of the painted colour t:
 *  - 'shift':    t + (c − main)                      (the same offset)
 *  - 'multiply': t · c / main, per channel           (a dark layer over it: a fold, a shadow)
 *  - 'screen':   255 − (255 − t) · (255 − c) / (255 − main)   (a light layer over it: a highlight)
 *  - overlay:    t under the same black or white layer, blended in Overlay mode at opacity `overlay` (layerShade)
 */
export type Shade = 'shift' | 'multiply' | 'screen' | { overlay: number; light: boolean };

/** Channel i of the colour tone `c` of the part (whose main colour is `main`) takes when the main one becomes `t`. */
export function shadeChannel(shade: Shade, c: number, main: number, t: number): number {
  if (typeof shade === 'object') return t + shade.overlay * (overlayBlend(t, shade.light) - t);
  if (shade === 'multiply' && main > 0) return (t * c) / main;
  if (shade === 'screen' && main < 255) return 255 - ((255 - t) * (255 - c)) / (255 - main);
  return t + c - main;
}

/**
 * Renders rows [y0, y1) of the recoloured layer at fraction `amount` of the edit (1: the whole
 * edit; a sequence frame k of K uses k/K). Pixels outside the region are copied byte for byte.
 */
export function recolourRows(original: RgbaImage, mapping: FrameMapping, plan: RecolourPlan, amount: number, out: Uint8ClampedArray, y0: number, y1: number): void {
  const { width: W, height: H, data } = original, R = mapping.resolution, N = R * R;
  const { region, target, palette, options: o } = plan;
  const main = palette[0], ref = { k: 0 };
  for (let y = y0; y < y1; y++) {
    const fy = (y + 0.5) * mapping.scale + mapping.offsetY;
    const v = Math.min(R - 1, Math.max(0, Math.floor(fy)));
    for (let x = 0; x < W; x++) {
      const p = (y * W + x) * 4;
      const fx = (x + 0.5) * mapping.scale + mapping.offsetX;
      out[p] = data[p]!; out[p + 1] = data[p + 1]!; out[p + 2] = data[p + 2]!; out[p + 3] = data[p + 3]!;
      // the region selects (connected to the paint or not); the matte alone makes the soft edges,
      // so a pixel of the part is never half recoloured by a frame-resolution rim
      if (!main || data[p + 3] === 0 || sampleClamped(region, R, R, fx - 0.5, fy - 0.5) < SELECTED) continue;
      const a = matte(data, W, H, x, y, palette, o, ref);
      if (a <= 0) continue;
      const q = v * R + Math.min(R - 1, Math.max(0, Math.floor(fx))), k = amount * a, tone = palette[ref.k]!, shade = plan.shades?.[ref.k] ?? 'shift';
      for (let c = 0; c < 3; c++) out[p + c] = data[p + c]! + k * (shadeChannel(shade, tone[c]!, main![c]!, target[c * N + q]!) - tone[c]!);
    }
  }
}

/**
 * The recolour at a smaller size (the panel's preview): each output pixel is `scaled` (the layer
 * area-averaged, areaDownscale) plus the mean change recolourRows makes over the layer pixels it
 * covers, alpha-weighted as the area average is — so it is the applied layer scaled down. Pixels
 * whose footprint is outside the region are copied; inside, at most `maxSamples`² layer pixels a
 * footprint are read (evenly spread: exact up to that footprint, sampled beyond).
 */
export function recolourScaledRows(original: RgbaImage, mapping: FrameMapping, plan: RecolourPlan, amount: number, scaled: RgbaImage, out: Uint8ClampedArray, j0: number, j1: number, maxSamples = 4): void {
  const { width: W, height: H, data } = original, { width: w } = scaled, R = mapping.resolution, N = R * R;
  const { region, target, palette, options: o } = plan;
  const main = palette[0], ref = { k: 0 };
  const xs = sampleSpans(W, w, maxSamples), ys = sampleSpans(H, scaled.height, maxSamples);
  const cellMax = regionCellMax(region, R);
  for (let j = j0; j < j1; j++) {
    const fy0 = Math.floor(ys.lo[j]! * mapping.scale + mapping.offsetY), fy1 = Math.floor(ys.hi[j]! * mapping.scale + mapping.offsetY);
    for (let i = 0; i < w; i++) {
      const q = (j * w + i) * 4;
      out[q] = scaled.data[q]!; out[q + 1] = scaled.data[q + 1]!; out[q + 2] = scaled.data[q + 2]!; out[q + 3] = scaled.data[q + 3]!;
      if (!main || scaled.data[q + 3] === 0) continue;
      const fx0 = Math.floor(xs.lo[i]! * mapping.scale + mapping.offsetX), fx1 = Math.floor(xs.hi[i]! * mapping.scale + mapping.offsetX);
      if (cellMax(fx0, fy0, fx1, fy1) < SELECTED) continue; // no layer pixel under it can be selected
      let dr = 0, dg = 0, db = 0, wa = 0;
      for (let b = ys.start[j]!; b < ys.start[j + 1]!; b++) {
        const y = ys.index[b]!, fy = (y + 0.5) * mapping.scale + mapping.offsetY, v = Math.min(R - 1, Math.max(0, Math.floor(fy)));
        for (let a = xs.start[i]!; a < xs.start[i + 1]!; a++) {
          const x = xs.index[a]!, p = (y * W + x) * 4, wt = xs.weight[a]! * ys.weight[b]! * data[p + 3]!;
          if (wt === 0) continue;
          wa += wt;
          const fx = (x + 0.5) * mapping.scale + mapping.offsetX;
          if (sampleClamped(region, R, R, fx - 0.5, fy - 0.5) < SELECTED) continue;
          const m = matte(data, W, H, x, y, palette, o, ref);
          if (m <= 0) continue;
          const c = v * R + Math.min(R - 1, Math.max(0, Math.floor(fx))), k = amount * m, tone = palette[ref.k]!, shade = plan.shades?.[ref.k] ?? 'shift';
          // the applied pixel (rounded and clamped as recolourRows stores it) minus the layer's
          dr += wt * (byte(data[p]! + k * (shadeChannel(shade, tone[0]!, main[0]!, target[c]!) - tone[0]!)) - data[p]!);
          dg += wt * (byte(data[p + 1]! + k * (shadeChannel(shade, tone[1]!, main[1]!, target[N + c]!) - tone[1]!)) - data[p + 1]!);
          db += wt * (byte(data[p + 2]! + k * (shadeChannel(shade, tone[2]!, main[2]!, target[2 * N + c]!) - tone[2]!)) - data[p + 2]!);
        }
      }
      if (wa > 0) { out[q] = scaled.data[q]! + dr / wa; out[q + 1] = scaled.data[q + 1]! + dg / wa; out[q + 2] = scaled.data[q + 2]! + db / wa; }
    }
  }
}

/** As a Uint8ClampedArray stores a value: rounded (half to even), clamped to 0…255. */
function byte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v) - (v % 1 === 0.5 && Math.round(v) % 2 ? 1 : 0);
}

/** spans() with at most `max` samples an output pixel: all with their coverage, or `max` evenly spread, equally weighted. */
function sampleSpans(N: number, n: number, max: number): { start: Int32Array; index: Int32Array; weight: Float64Array; lo: Float64Array; hi: Float64Array } {
  const full = spans(N, n), s = N / n;
  const start = new Int32Array(n + 1), index: number[] = [], weight: number[] = [], lo = new Float64Array(n), hi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    start[i] = index.length;
    lo[i] = i * s; hi[i] = Math.min(N - 1e-6, (i + 1) * s);
    const a = full.start[i]!, b = full.start[i + 1]!;
    if (b - a <= max) {
      for (let k = a; k < b; k++) { index.push(full.index[k]!); weight.push(full.weight[k]!); }
    } else {
      for (let k = 0; k < max; k++) { index.push(Math.min(N - 1, Math.floor(i * s + ((k + 0.5) * s) / max))); weight.push(1); }
    }
  }
  start[n] = index.length;
  return { start, index: Int32Array.from(index), weight: Float64Array.from(weight), lo, hi };
}

/** The largest region value over the frame cells [x0−1, x1+1]×[y0−1, y1+1] (bilinear sampling never exceeds it). */
function regionCellMax(region: Float32Array, R: number): (x0: number, y0: number, x1: number, y1: number) => number {
  return (x0, y0, x1, y1) => {
    let m = 0;
    for (let v = Math.max(0, y0 - 1); v <= Math.min(R - 1, y1 + 1); v++) for (let u = Math.max(0, x0 - 1); u <= Math.min(R - 1, x1 + 1); u++) m = Math.max(m, region[v * R + u]!);
    return m;
  };
}

/**
 * How much of pixel (x, y) is the part: 1 near one of its colours; for a blend of a part colour
 * and a neighbour colour (an antialiased edge), the blend's share of the part; else 0. `which.k`
 * is set to the index of the part colour nearest to the pixel.
 */
function matte(d: ArrayLike<number>, W: number, H: number, x: number, y: number, palette: number[][], o: RecolourOptions, which: { k: number }): number {
  const p = (y * W + x) * 4, c = [d[p]!, d[p + 1]!, d[p + 2]!];
  let ref = palette[0]!, best = Infinity;
  palette.forEach((k, i) => { const e = dist(c, k); if (e < best) { best = e; ref = k; which.k = i; } });
  if (best <= o.near) return 1;
  if (o.others?.some((t) => dist(c, t) <= o.near)) return 0;
  // the other colour of the blend: the window's pixel farthest from the part colour
  let other: number[] | null = null, far = 0;
  for (let v = Math.max(0, y - o.window); v <= Math.min(H - 1, y + o.window); v++) {
    for (let u = Math.max(0, x - o.window); u <= Math.min(W - 1, x + o.window); u++) {
      const q = (v * W + u) * 4;
      if (d[q + 3]! < 128) continue;
      const e = Math.hypot(d[q]! - ref[0]!, d[q + 1]! - ref[1]!, d[q + 2]! - ref[2]!);
      if (e > far) { far = e; other = [d[q]!, d[q + 1]!, d[q + 2]!]; }
    }
  }
  if (!other || far <= o.near) return 0;
  // project c onto the segment other → ref; a blend lies on it
  let dot = 0, len2 = 0, off = 0;
  for (let i = 0; i < 3; i++) { dot += (c[i]! - other[i]!) * (ref[i]! - other[i]!); len2 += (ref[i]! - other[i]!) ** 2; }
  const a = dot / len2;
  for (let i = 0; i < 3; i++) off += (c[i]! - other[i]! - a * (ref[i]! - other[i]!)) ** 2;
  if (Math.sqrt(off) > o.near) return 0; // not on the line: a third colour, not this part
  return a <= 0 ? 0 : a >= 1 ? 1 : a;
}
