/**
 * Leftovers of a removed shape (issue 15: long hair set to bald left two slivers of the pigtails'
 * ends beside the head, and a strand of the old hair down the neck). A thin end of a shape is a
 * blend at 64², so the projection barely draws it, the generator's change there is faint, and
 * neither the insertion nor the outcome stages see it: the flow carries it as it was.
 *
 * Judged on the rendered edit at full resolution, after a shape code's change, on an opaque layer:
 * a flat patch of one of the layer's tones (4-connected) that the edit took away for the most part
 * (`lost` of its pixels no longer that tone) is gone. Around it, what the patch became is the tones
 * covering `share` of that zone (the background, the skin). A piece of the gone tone still there is
 * a leftover when it is small, thin, and G(z1) shows there what the patch became rather than the
 * piece's own colour (a new eye drawn in the old eye's dark stays; so does the forehead above a new
 * beard, which is thick). Each leftover, with its antialiased rim, takes whole the one of those
 * colours G(z1) shows there: the background beside the head, the skin over an old eye's arc.
 */
import type { FrameMapping } from './frame-mapping.js';
import { sampleClamped } from './sample.js';
import { dist } from './colour-clusters.js';
import { CLEAR, NONE, toneMap } from './tone-map.js';

export interface FragmentOptions {
  /** A patch the edit took this fraction of (or more) is gone… */
  lost: number;
  /**
   * …when it covered at least this fraction of the layer (a hair or lips, not an eye's highlight; from 0.005
   * to 0.002 in session 38: the teeth's white ring round bench-1's new lips, an old lower lip's rim under a frown).
   */
  minPatch: number;
  /** What it became: the tones (or clear) covering at least this fraction of the zone around it. */
  share: number;
  /** A pixel within this distance (0–255 RGB) of a tone is that tone (snap-tones.ts `near`). */
  near: number;
  /** The rim: pixels of no tone (blends) at most this many px from a piece go with it. */
  rim: number;
  /** Pieces are looked for this far around the patch (a fraction of the layer's longer side: the flow moves a thin end)… */
  reach: number;
  /** …and a piece larger than this fraction of the layer is content, not a leftover… */
  maxPiece: number;
  /** …and so is one thicker than this (its area over its edge pixels, at 8 layer px a frame cell: a strip w px wide gives about w / 2). */
  thin: number;
  /** A layer with more of its pixels clear than this is left alone (transparent: G's matte would decide the outline, see fragmentFill). */
  maxClear: number;
}

export const DEFAULT_FRAGMENT_OPTIONS: Readonly<FragmentOptions> = { lost: 0.8, share: 0.1, minPatch: 0.002, near: 12, rim: 2, reach: 0.04, maxPiece: 0.01, thin: 2.5, maxClear: 0.01 };

const WORK = 1024;

/**
 * Removes the leftovers of shapes the edit took away, in place. out: the rendered edit; before:
 * the layer at the same size (straight RGBA); tones: the layer's flat colours (0–255, snap-tones.ts
 * layerTones); last: G(z1) [3, R, R] in [0, 1]; mapping: the render's frame mapping. Returns the
 * number of pixels changed.
 */
export function removeFragments(out: Uint8ClampedArray, before: Uint8Array | Uint8ClampedArray, W: number, H: number, tones: readonly (readonly number[])[], last: Float32Array, mapping: FrameMapping, options: Partial<FragmentOptions> = {}): number {
  const o = { ...DEFAULT_FRAGMENT_OPTIONS, ...options };
  if (!tones.length) return 0;
  // found on at most WORK px a side (a 4096² layer's own labels would take ~270 MB): the layer's
  // pixels sampled every f px, the fill written back to each pixel of a working one
  const f = Math.ceil(Math.max(W, H) / WORK);
  if (f === 1) return applyFill(out, fragmentFill(out, before, W, H, tones, last, mapping, o), tones, W, H, 1, W);
  const w = Math.ceil(W / f), h = Math.ceil(H / f);
  const sample = (d: Uint8Array | Uint8ClampedArray): Uint8ClampedArray => {
    const s = new Uint8ClampedArray(w * h * 4);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const i = 4 * (Math.min(H - 1, y * f + (f >> 1)) * W + Math.min(W - 1, x * f + (f >> 1)));
      s.set(d.subarray(i, i + 4), 4 * (y * w + x));
    }
    return s;
  };
  const fillSmall = fragmentFill(sample(out), sample(before), w, h, tones, last, { ...mapping, scale: mapping.scale * f }, o);
  return applyFill(out, fillSmall, tones, W, H, f, w);
}

/** Writes `fill` (a tone, CLEAR, or NONE: unchanged; one per f×f block of a w-wide grid) into out; returns the pixels changed. */
function applyFill(out: Uint8ClampedArray, fill: Int16Array | null, tones: readonly (readonly number[])[], W: number, H: number, f: number, w: number): number {
  if (!fill) return 0;
  let changed = 0;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const t = fill[Math.floor(y / f) * w + Math.floor(x / f)]!;
    if (t === NONE) continue;
    const j = 4 * (y * W + x);
    if (t === CLEAR) { out[j] = out[j + 1] = out[j + 2] = out[j + 3] = 0; }
    else { const c = tones[t]!; out[j] = c[0]!; out[j + 1] = c[1]!; out[j + 2] = c[2]!; out[j + 3] = 255; }
    changed++;
  }
  return changed;
}

/** The fill of each pixel (a tone, CLEAR, or NONE: left as it is), or null when nothing is a leftover. */
function fragmentFill(out: Uint8Array | Uint8ClampedArray, before: Uint8Array | Uint8ClampedArray, W: number, H: number, tones: readonly (readonly number[])[], last: Float32Array, mapping: FrameMapping, o: FragmentOptions): Int16Array | null {
  const n = W * H;
  const toneBefore = toneMap(before, W, H, tones, o.near);
  // opaque layers only: on a transparent one a piece beside the outline is told from the face by G's
  // matte, whose jaw is narrower than the layer's (bench:edits, bench-1's long hair → mohawk: the
  // strands' pixels were face in the truth, and came out clear: 11.75 → 13.91 RMSE)
  let clear = 0;
  for (let p = 0; p < n; p++) if (toneBefore[p] === CLEAR) clear++;
  if (clear > o.maxClear * n) return null;
  const toneAfter = toneMap(out, W, H, tones, o.near);
  // the layer's patches of one tone, and how much of each the edit kept
  const patch = new Int32Array(n).fill(-1), sizes: number[] = [], kept: number[] = [];
  const queue = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    const k = toneBefore[s]!;
    if (k < 0 || patch[s]! >= 0) continue;
    const id = sizes.length;
    const len = fill(s, queue, patch, id, (q) => toneBefore[q] === k && patch[q]! < 0, W, H);
    let keep = 0;
    for (let i = 0; i < len; i++) if (toneAfter[queue[i]!] === k) keep++;
    sizes.push(len); kept.push(keep);
  }
  const gone = sizes.map((size, id) => size >= o.minPatch * n && kept[id]! <= (1 - o.lost) * size);
  if (!gone.some(Boolean)) return null;
  // around them (`reach` px: the flow moves a thin end a little), what they became: the tones (or
  // clear) covering at least `share` of the zone in the edit
  const goneAt = new Uint8Array(n);
  for (let p = 0; p < n; p++) if (patch[p]! >= 0 && gone[patch[p]!]) goneAt[p] = 1;
  const zone = grow(goneAt, W, H, Math.max(1, Math.round(o.reach * Math.max(W, H))), () => true);
  const count = new Map<number, number>();
  let zoneSize = 0;
  for (let p = 0; p < n; p++) if (zone[p]) { zoneSize++; count.set(toneAfter[p]!, (count.get(toneAfter[p]!) ?? 0) + 1); }
  const became = [...count.entries()].filter(([t, c]) => t !== NONE && c >= o.share * zoneSize).map(([t]) => t);
  const R = mapping.resolution, N = R * R;
  const g = (x: number, y: number): number[] => {
    const u = (x + 0.5) * mapping.scale + mapping.offsetX - 0.5, v = (y + 0.5) * mapping.scale + mapping.offsetY - 0.5;
    return [0, 1, 2].map((c) => sampleClamped(last.subarray(c * N, (c + 1) * N), R, R, u, v));
  };
  const gAt = (p: number): number[] => { const x = p % W; return g(x, (p - x) / W); };
  // how G(z1) draws what the zone became (the snapped pack draws the layer's colours; clear is its own)
  const lookOf = new Map<number, number[]>();
  for (let p = 0; p < n; p += 7) {
    if (!zone[p] || !became.includes(toneAfter[p]!)) continue;
    const c = gAt(p), m = lookOf.get(toneAfter[p]!) ?? [0, 0, 0, 0];
    m[0] += c[0]!; m[1] += c[1]!; m[2] += c[2]!; m[3]++;
    lookOf.set(toneAfter[p]!, m);
  }
  const lookTones = [...lookOf.keys()], looks = [...lookOf.values()].map((m) => [m[0]! / m[3]!, m[1]! / m[3]!, m[2]! / m[3]!]);
  const fillTone = new Int16Array(n).fill(NONE);
  const goneTones = new Set<number>();
  for (let p = 0; p < n; p++) if (goneAt[p]) goneTones.add(toneBefore[p]!);
  // the pieces left there: patches of a gone tone (a pigtail's end, a strand down the neck), followed
  // beyond the zone (a shape reaching into it, the glasses under the old fringe, is whole, and large)
  const region = new Uint8Array(n), piece = new Int32Array(n).fill(-1);
  let pieces = 0;
  for (let s = 0; s < n; s++) {
    const t = toneAfter[s]!;
    // (of a tone taken away: not a lens or a shirt's check, which the flow may have moved a little)
    if (!zone[s] || piece[s]! >= 0 || t < 0 || became.includes(t) || !goneTones.has(t)) continue;
    const len = fill(s, queue, piece, pieces++, (q) => piece[q]! < 0 && toneAfter[q] === t, W, H);
    // a large one is content (new hair in another colour, an ear the hair uncovered)
    if (len > o.maxPiece * n) continue;
    // thin (a strand, an arc's end): a thick one is a part that stays (the forehead above a new beard)
    let edge = 0;
    for (let i = 0; i < len; i++) {
      const p = queue[i]!, x = p % W, y = (p - x) / W;
      if (x === 0 || x === W - 1 || y === 0 || y === H - 1 || piece[p - 1] !== piece[p] || piece[p + 1] !== piece[p] || piece[p - W] !== piece[p] || piece[p + W] !== piece[p]) edge++;
    }
    if (len > Math.max(1, o.thin / (8 * mapping.scale)) * edge) continue;
    // and only where G(z1) shows what the zone became, not the piece's own colour (a new eye in the old eye's dark)
    const m = [0, 0, 0], own = tones[t]!.map((v) => v / 255);
    for (let i = 0; i < len; i++) { const c = gAt(queue[i]!); m[0] += c[0]! / len; m[1] += c[1]! / len; m[2] += c[2]! / len; }
    let take = -1, bd = dist(m, own);
    looks.forEach((l, k) => { const d = dist(m, l); if (d < bd) { bd = d; take = k; } });
    if (take < 0) continue;
    // the piece takes, whole, what G(z1) shows there: the background beside the head, the skin over an old eye's arc
    for (let i = 0; i < len; i++) { region[queue[i]!] = 1; fillTone[queue[i]!] = lookTones[take]!; }
  }
  // with its antialiased rim (no tone of its own, within `rim` px)
  const rimmed = grow(region, W, H, o.rim, (q) => toneAfter[q] === NONE);
  // its rim takes the choice of the piece pixel nearest it
  let len = 0;
  for (let p = 0; p < n; p++) if (region[p]) queue[len++] = p;
  for (let i = 0; i < len; i++) {
    const p = queue[i]!, x = p % W, y = (p - x) / W;
    for (const q of [x > 0 ? p - 1 : -1, x < W - 1 ? p + 1 : -1, y > 0 ? p - W : -1, y < H - 1 ? p + W : -1]) {
      if (q < 0 || !rimmed[q] || fillTone[q] !== NONE) continue;
      fillTone[q] = fillTone[p]!; queue[len++] = q;
    }
  }
  return len ? fillTone : null;
}

/** Flood fill (4-connected) from s over pixels `joins` accepts, labelling them `id` in `label`; the pixels are queue[0 … returned length). */
function fill(s: number, queue: Int32Array, label: Int32Array, id: number, joins: (q: number) => boolean, W: number, H: number): number {
  let len = 0;
  queue[len++] = s; label[s] = id;
  for (let i = 0; i < len; i++) {
    const p = queue[i]!, x = p % W, y = (p - x) / W;
    if (x > 0 && joins(p - 1)) { label[p - 1] = id; queue[len++] = p - 1; }
    if (x < W - 1 && joins(p + 1)) { label[p + 1] = id; queue[len++] = p + 1; }
    if (y > 0 && joins(p - W)) { label[p - W] = id; queue[len++] = p - W; }
    if (y < H - 1 && joins(p + W)) { label[p + W] = id; queue[len++] = p + W; }
  }
  return len;
}

/** `mask` grown by up to `steps` px (4-connected) over pixels `joins` accepts (a new array). */
function grow(mask: Uint8Array, W: number, H: number, steps: number, joins: (q: number) => boolean): Uint8Array {
  const out = mask.slice();
  let front: number[] = [];
  for (let p = 0; p < out.length; p++) if (out[p]) front.push(p);
  for (let s = 0; s < steps && front.length; s++) {
    const next: number[] = [];
    for (const p of front) {
      const x = p % W, y = (p - x) / W;
      for (const q of [x > 0 ? p - 1 : -1, x < W - 1 ? p + 1 : -1, y > 0 ? p - W : -1, y < H - 1 ? p + W : -1]) {
        if (q >= 0 && !out[q] && joins(q)) { out[q] = 1; next.push(q); }
      }
    }
    front = next;
  }
  return out;
}
