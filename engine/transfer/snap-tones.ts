/**
 * Code edits: each of the layer's flat colours is either changed or not, never half (issue 15,
 * ghosting). The carried colour model changes a pixel by as much as the 64² generator changed its
 * window, and the generator often makes a change only part of the way, or only in part of a
 * shape: hair whose lower half it recoloured 40 % of the way, a mouth half turned into a
 * moustache, skin darkened a little around new hair. Carried as is, those are blends of the old
 * and the new colour — a ghost.
 *
 * Here the layer's flat colours ("tones": its most common opaque colours) decide: for each tone,
 * the changes the carried layer made to its pixels are grouped by direction (a tone may become two
 * things: skin under new hair and skin that darkens), each group's full change is taken from its
 * strongest quarter, and every pixel of the tone then takes the full change of the group it went
 * at least half way toward, or none. A flat area so comes out in one colour, old or new, and where
 * a change stops inside it the line is sharp (the half-way level of the generator's change: a
 * curve, not a 64² step). An edge pixel between two tones (antialiasing) is recomposed from its
 * two tones' decisions by its share of each (the matte: its projection on the line between them).
 * Pixels of no tone and not between two (a gradient) keep the carried colour. Alpha is not changed.
 */

export interface SnapOptions {
  /** A pixel within this distance (0–255 RGB, Euclidean) of a tone is that tone. */
  near: number;
  /** A colour with at least this share of the layer's opaque pixels is a tone. */
  minShare: number;
  /** Changes below this (0–255, Euclidean) are not counted when finding a tone's changes. */
  minChange: number;
  /** A pixel takes its group's full change when it went at least this fraction of it. */
  half: number;
  /** Window radius (px) searched for an edge pixel's second tone and for its tones' decisions. */
  window: number;
  /**
   * A tone's full change that lands within this fraction of the way from another tone (of the
   * distance between the two tones) becomes exactly that tone's colour.
   */
  landing: number;
  /**
   * …and at most this far from it (0–255): between far-apart tones a fraction of their distance is
   * a new colour, not a miss (skin turned into new brown hair lands 60 levels from the sunglasses'
   * dark violet, 0.22 of the way from skin to it; it must stay brown).
   */
  landingMax: number;
  /** A change landing within this (0–255) of a colour the edit names takes that colour exactly (landOnNamed)… */
  namedMax: number;
  /** …and every pixel of that tone that went at least this fraction of the way takes it (`half` for the rest). */
  namedHalf: number;
  /**
   * Tones whose full changes land within this distance (0–255) of each other, from colours at least
   * twice as far apart, become one colour: a pattern the edit removes (a checked shirt turned plain).
   * Any other tone changing toward that colour, reaching past half of the way, lands on it too
   * (0: off). See `convergedLandings`.
   */
  converge: number;
}

export const DEFAULT_SNAP_OPTIONS: Readonly<SnapOptions> = { near: 12, minShare: 0.002, minChange: 20, half: 0.5, window: 2, landing: 0.3, landingMax: 40, namedMax: 80, namedHalf: 0.15, converge: 16 };

/** The layer's tones, 0–255 RGB, most common first. */
export function layerTones(data: ArrayLike<number>, W: number, H: number, o: SnapOptions = DEFAULT_SNAP_OPTIONS): number[][] {
  const stride = Math.max(1, Math.floor(Math.sqrt((W * H) / 262144)));
  const clusters: { sum: number[]; n: number }[] = [];
  let total = 0;
  for (let y = stride >> 1; y < H; y += stride) for (let x = stride >> 1; x < W; x += stride) {
    const p = (y * W + x) * 4;
    if (data[p + 3]! < 128) continue;
    total++;
    const c = [data[p]!, data[p + 1]!, data[p + 2]!];
    const k = clusters.find((k) => dist(k.sum[0]! / k.n, k.sum[1]! / k.n, k.sum[2]! / k.n, c) <= o.near / 2);
    if (k) { k.sum[0] += c[0]!; k.sum[1] += c[1]!; k.sum[2] += c[2]!; k.n++; } else if (clusters.length < 4096) clusters.push({ sum: c.slice(), n: 1 });
  }
  return clusters.filter((k) => k.n >= o.minShare * total && k.n >= 4).sort((a, b) => b.n - a.n).map((k) => k.sum.map((s) => s / k.n));
}

/**
 * Snaps `out` (the carried layer, straight RGBA) in place, given `moved`: the layer moved by the
 * same flow without the colour model (so out − moved is the colour change of each pixel). Returns
 * the new colours several tones landed on together (convergedLandings), 0–255 RGB.
 */
export function snapTones(out: Uint8ClampedArray, moved: Uint8ClampedArray, W: number, H: number, tones: number[][], o: SnapOptions = DEFAULT_SNAP_OPTIONS, named: readonly (readonly number[])[] = []): number[][] {
  const T = tones.length;
  if (!T) return [];
  const n = W * H;
  // each pixel's tone (-1: none), from a 5-bit colour cache
  const cache = new Map<number, number>();
  const toneOf = new Int16Array(n).fill(-1);
  const nearestTone = (r: number, g: number, b: number): number => {
    let best = -1, bd = Infinity;
    for (let k = 0; k < T; k++) { const t = tones[k]!, e = (r - t[0]!) ** 2 + (g - t[1]!) ** 2 + (b - t[2]!) ** 2; if (e < bd) { bd = e; best = k; } }
    return bd <= o.near * o.near ? best : -1;
  };
  let changed = false;
  for (let i = 0; i < n; i++) {
    const p = 4 * i;
    if (moved[p + 3] === 0) continue;
    if (out[p] !== moved[p] || out[p + 1] !== moved[p + 1] || out[p + 2] !== moved[p + 2]) changed = true;
    const r = moved[p]!, g = moved[p + 1]!, b = moved[p + 2]!, key = r | (g << 8) | (b << 16);
    let k = cache.get(key);
    if (k === undefined) { k = nearestTone(r, g, b); cache.set(key, k); }
    toneOf[i] = k;
  }
  if (!changed) return [];
  // each tone's groups of changes (direction clusters) and their full change
  const stride = Math.max(1, Math.floor(Math.sqrt(n / 262144)));
  const samples: number[][][] = tones.map(() => []);
  for (let y = stride >> 1; y < H; y += stride) for (let x = stride >> 1; x < W; x += stride) {
    const i = y * W + x, k = toneOf[i]!;
    if (k < 0) continue;
    const p = 4 * i, d = [out[p]! - moved[p]!, out[p + 1]! - moved[p + 1]!, out[p + 2]! - moved[p + 2]!];
    if (Math.hypot(d[0]!, d[1]!, d[2]!) >= o.minChange) samples[k]!.push(d);
  }
  // a change that lands near another of the layer's tones is that tone (lips that became 60 % skin become skin)
  const raw = samples.map((s) => fullChanges(s));
  const { shared, landings } = convergedLandings(tones, raw, samples.map((s) => s.length), o);
  const groups = raw.map((gs, k) => gs.map((D, h) => shared[k]![h] ?? toTone(tones, k, D, o.landing, o.landingMax)));
  // a colour the edit names (the code's value: Hair colour → Ginger, #f29c65) is taken exactly by the change landing nearest it
  // and, since the code recolours (the same shapes, another colour), every pixel of those tones G moved toward it at all takes it
  const whole = landOnNamed(groups, tones, named, samples.map((s) => s.length), o.namedMax);
  // tones landing together change shape (a pattern goes, new hair covers skin and backdrop alike): not
  // a recolour of the same shapes, so no pixel takes their landing from a small part of the way
  for (const [k, h] of whole) if (shared[k]![h]) whole.delete(k);
  // tone pixels: the full change of the group they went half way toward, or none
  const decision = new Int8Array(n).fill(-1);
  const snapped = new Uint8ClampedArray(out);
  for (let i = 0; i < n; i++) {
    const k = toneOf[i]!;
    if (k < 0) continue;
    const p = 4 * i, c = pick(groups[k]!, out[p]! - moved[p]!, out[p + 1]! - moved[p + 1]!, out[p + 2]! - moved[p + 2]!, whole.has(k) ? o.namedHalf : o.half);
    decision[i] = c;
    const D = c >= 0 ? groups[k]![c]! : ZERO;
    snapped[p] = moved[p]! + D[0]!; snapped[p + 1] = moved[p + 1]! + D[1]!; snapped[p + 2] = moved[p + 2]! + D[2]!;
  }
  // edge pixels: between two tones, each part of the pixel follows its tone's decision nearby
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = y * W + x, p = 4 * i;
    if (toneOf[i]! >= 0 || moved[p + 3] === 0) continue;
    const s = [moved[p]!, moved[p + 1]!, moved[p + 2]!];
    const edge = matte(moved, toneOf, W, H, x, y, s, tones, o);
    if (!edge) continue;
    const Di = decided(decision, toneOf, groups, W, H, x, y, edge.i, o.window), Dj = decided(decision, toneOf, groups, W, H, x, y, edge.j, o.window);
    if (!Di || !Dj) continue;
    for (let c = 0; c < 3; c++) snapped[p + c] = s[c]! + edge.a * Di[c]! + (1 - edge.a) * Dj[c]!;
  }
  out.set(snapped);
  return landings;
}

const ZERO = [0, 0, 0];

/**
 * For each named colour (0–255), the tone's change (of the tones with the most changed pixels)
 * that lands nearest it, within `max`, is set to land on it exactly; the other changes of that
 * direction and length (the same part's shading: a darker skin under the hair) move by the same
 * correction. The generator's idea of a palette colour is tens of levels off (a darkest skin tone
 * drawn greyish); the code's value is what the designer asked for. Returns the group each of those
 * tones takes whole.
 */
function landOnNamed(groups: number[][][], tones: number[][], named: readonly (readonly number[])[], counts: number[], max: number): Map<number, number> {
  const taken = new Set<string>(), whole = new Map<number, number>();
  for (const c of named) {
    let k = -1, g = -1, bd = max, bn = 0;
    for (let t = 0; t < groups.length; t++) for (let h = 0; h < groups[t]!.length; h++) {
      if (taken.has(`${t}/${h}`)) continue;
      const E = groups[t]![h]!, e = dist(tones[t]![0]! + E[0]!, tones[t]![1]! + E[1]!, tones[t]![2]! + E[2]!, c);
      // the nearest landing; of landings about as near, the tone with more changed pixels (the part, not its shading)
      if (e < bd - 8 || (e <= bd + 8 && k >= 0 && counts[t]! > bn)) { bd = Math.min(bd, e); k = t; g = h; bn = counts[t]!; }
    }
    if (k < 0) continue;
    const D = groups[k]![g]!, fix = [0, 1, 2].map((ch) => c[ch]! - tones[k]![ch]! - D[ch]!);
    groups[k]![g] = [0, 1, 2].map((ch) => c[ch]! - tones[k]![ch]!);
    taken.add(`${k}/${g}`); whole.set(k, g);
    // the same part's other tones, changed alike (within 30° and half to twice the length): corrected alike
    const len = Math.hypot(D[0]!, D[1]!, D[2]!);
    groups.forEach((gs, j) => gs.forEach((E, h) => {
      if (taken.has(`${j}/${h}`)) return;
      const l = Math.hypot(E[0]!, E[1]!, E[2]!), cos = (E[0]! * D[0]! + E[1]! * D[1]! + E[2]! * D[2]!) / (l * len || 1);
      if (cos >= Math.cos(Math.PI / 6) && l >= len / 2 && l <= 2 * len) { gs[h] = E.map((v, ch) => v + fix[ch]!); taken.add(`${j}/${h}`); whole.set(j, h); }
    }));
  }
  return whole;
}

/**
 * Where a pattern goes (a checked shirt turned plain), its tones all land on one colour, each by its
 * own change: the generator draws the new plain colour, and the colour model, a window-wide affine
 * fit, carries each tone there only roughly (bench-4's darkest check, its change taken alone, landed
 * on the light check's colour, 20 levels short of the new blue). Tones at least 2·`converge` apart
 * whose full changes land within `converge` of each other (linked pairwise) share one landing, their
 * mean weighted by pixels, snapped as the largest one's would be (toTone). A change of another tone toward it that
 * reaches at least half way lands on it too (the light check, near the new colour already, whose
 * few strong changes overshot it). Returns each tone's groups' shared change (from the tone), or
 * null where a group lands on its own, and the shared colours.
 */
function convergedLandings(tones: number[][], groups: number[][][], counts: readonly number[], o: SnapOptions): { shared: (number[] | null)[][]; landings: number[][] } {
  const out: (number[] | null)[][] = groups.map((gs) => gs.map(() => null)), landings: number[][] = [];
  if (!o.converge) return { shared: out, landings };
  const ends = groups.flatMap((gs, k) => gs.map((D, h) => ({ k, h, at: [0, 1, 2].map((c) => tones[k]![c]! + D[c]!) })));
  // single linkage over pairs of different tones, far apart, landing together
  const root = ends.map((_, i) => i), find = (i: number): number => (root[i] === i ? i : (root[i] = find(root[i]!)));
  for (let a = 0; a < ends.length; a++) for (let b = a + 1; b < ends.length; b++) {
    const A = ends[a]!, B = ends[b]!;
    if (A.k === B.k || dist(A.at[0]!, A.at[1]!, A.at[2]!, B.at) > o.converge || dist(tones[A.k]![0]!, tones[A.k]![1]!, tones[A.k]![2]!, tones[B.k]!) < 2 * o.converge) continue;
    root[find(a)] = find(b);
  }
  const clusters = new Map<number, number[]>();
  ends.forEach((_, i) => { const r = find(i); if (!clusters.has(r)) clusters.set(r, []); clusters.get(r)!.push(i); });
  const joined = new Set<number>();
  for (const members of clusters.values()) {
    if (members.length < 2) continue;
    const w = members.reduce((s, i) => s + counts[ends[i]!.k]!, 0);
    const X = [0, 1, 2].map((c) => members.reduce((s, i) => s + counts[ends[i]!.k]! * ends[i]!.at[c]!, 0) / w);
    const big = ends[members.reduce((b, i) => (counts[ends[i]!.k]! > counts[ends[b]!.k]! ? i : b), members[0]!)]!.k;
    const D = toTone(tones, big, [0, 1, 2].map((c) => X[c]! - tones[big]![c]!), o.landing, o.landingMax), at = [0, 1, 2].map((c) => tones[big]![c]! + D[c]!);
    landings.push(at);
    for (const i of members) { const e = ends[i]!; out[e.k]![e.h] = [0, 1, 2].map((c) => at[c]! - tones[e.k]![c]!); joined.add(i); }
    // other tones heading for it
    ends.forEach((e, i) => {
      if (joined.has(i)) return;
      const to = [0, 1, 2].map((c) => at[c]! - tones[e.k]![c]!), G = groups[e.k]![e.h]!;
      const lt = Math.hypot(to[0]!, to[1]!, to[2]!), lg = Math.hypot(G[0]!, G[1]!, G[2]!);
      if (!lt || (to[0]! * G[0]! + to[1]! * G[1]! + to[2]! * G[2]!) / (lt * lg) < Math.cos(Math.PI / 9) || lg < lt / 2) return;
      out[e.k]![e.h] = to; joined.add(i);
    });
  }
  return { shared: out, landings };
}

/** D, or the change from tone k to the tone it lands near (within `landing` of the distance between them, and `max`). */
function toTone(tones: number[][], k: number, D: number[], landing: number, max: number): number[] {
  const from = tones[k]!, to = [0, 1, 2].map((c) => from[c]! + D[c]!);
  let best = D, bd = Infinity;
  tones.forEach((t, j) => {
    if (j === k) return;
    const e = dist(to[0]!, to[1]!, to[2]!, t);
    if (e <= Math.min(max, landing * dist(from[0]!, from[1]!, from[2]!, t)) && e < bd) { bd = e; best = [0, 1, 2].map((c) => t[c]! - from[c]!); }
  });
  return best;
}

/** Index of the group whose direction the change d follows most closely, when d went at least `half` of its full change; -1: none. */
function pick(groups: number[][], d0: number, d1: number, d2: number, half: number): number {
  let best = -1, bc = -Infinity;
  for (let c = 0; c < groups.length; c++) {
    const D = groups[c]!, cos = (d0 * D[0]! + d1 * D[1]! + d2 * D[2]!) / (Math.hypot(D[0]!, D[1]!, D[2]!) || 1);
    if (cos > bc) { bc = cos; best = c; }
  }
  if (best < 0) return -1;
  const D = groups[best]!, a = (d0 * D[0]! + d1 * D[1]! + d2 * D[2]!) / (D[0]! ** 2 + D[1]! ** 2 + D[2]! ** 2);
  return a >= half ? best : -1;
}

/**
 * The full changes of one tone's changed pixels: their changes grouped by direction (up to three
 * groups at least 30° apart, each 10 % of the samples at least), each group's full change the mean
 * of its strongest tenth (the generator takes a part all the way in some cells, part of it in others).
 */
function fullChanges(samples: number[][]): number[][] {
  if (samples.length < 8) return [];
  const unit = samples.map((d) => { const l = Math.hypot(d[0]!, d[1]!, d[2]!) || 1; return [d[0]! / l, d[1]! / l, d[2]! / l]; });
  const cosOf = (a: number[], b: number[]): number => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
  let centres = [unit[0]!];
  // farthest-first seeds, then k-means on the directions
  for (let k = 1; k < 3; k++) {
    let worst = 2, wi = 0;
    unit.forEach((u, i) => { const c = Math.max(...centres.map((d) => cosOf(d, u))); if (c < worst) { worst = c; wi = i; } });
    if (worst > Math.cos(Math.PI / 6)) break;
    centres.push(unit[wi]!);
  }
  let assign = new Int32Array(unit.length);
  for (let it = 0; it < 8; it++) {
    assign = new Int32Array(unit.map((u) => { let b = 0, bc = -2; centres.forEach((c, k) => { const e = cosOf(c, u); if (e > bc) { bc = e; b = k; } }); return b; }));
    centres = centres.map((c, k) => {
      const m = [0, 0, 0];
      unit.forEach((u, i) => { if (assign[i] === k) { m[0] += u[0]!; m[1] += u[1]!; m[2] += u[2]!; } });
      const l = Math.hypot(m[0]!, m[1]!, m[2]!);
      return l ? m.map((v) => v / l) : c;
    });
  }
  const out: number[][] = [];
  centres.forEach((c, k) => {
    const mine = samples.filter((_, i) => assign[i] === k);
    if (mine.length < Math.max(8, 0.1 * samples.length)) return;
    const along = mine.map((d) => cosOf(d, c)).sort((a, b) => b - a);
    const cut = along[Math.max(0, Math.floor(mine.length / 10) - 1)]!;
    const top = mine.filter((d) => cosOf(d, c) >= cut);
    out.push([0, 1, 2].map((ch) => top.reduce((a, d) => a + d[ch]!, 0) / top.length));
  });
  return out;
}

/**
 * An edge pixel s as a blend of two tones: i the nearest tone, j the tone of the window's pixel
 * farthest from it; a = s's share of tone i. null when s is not on the line between them.
 */
function matte(moved: Uint8ClampedArray, toneOf: Int16Array, W: number, H: number, x: number, y: number, s: number[], tones: number[][], o: SnapOptions): { i: number; j: number; a: number } | null {
  let i = -1, bi = Infinity;
  for (let k = 0; k < tones.length; k++) { const e = dist(tones[k]![0]!, tones[k]![1]!, tones[k]![2]!, s); if (e < bi) { bi = e; i = k; } }
  const ti = tones[i]!;
  let j = -1, far = 0;
  for (let v = Math.max(0, y - o.window); v <= Math.min(H - 1, y + o.window); v++) for (let u = Math.max(0, x - o.window); u <= Math.min(W - 1, x + o.window); u++) {
    const k = toneOf[v * W + u]!;
    if (k < 0 || k === i) continue;
    const e = dist(ti[0]!, ti[1]!, ti[2]!, tones[k]!);
    if (e > far) { far = e; j = k; }
  }
  if (j < 0) return null;
  const tj = tones[j]!;
  let dot = 0, len2 = 0, off = 0;
  for (let c = 0; c < 3; c++) { dot += (s[c]! - tj[c]!) * (ti[c]! - tj[c]!); len2 += (ti[c]! - tj[c]!) ** 2; }
  const a = Math.min(1, Math.max(0, dot / len2));
  for (let c = 0; c < 3; c++) off += (s[c]! - tj[c]! - a * (ti[c]! - tj[c]!)) ** 2;
  return Math.sqrt(off) <= o.near ? { i, j, a } : null;
}

/** The full change decided for tone k at the nearest pixel of that tone in the window (null: none there). */
function decided(decision: Int8Array, toneOf: Int16Array, groups: number[][][], W: number, H: number, x: number, y: number, k: number, r: number): number[] | null {
  let best = -2, bd = Infinity;
  for (let v = Math.max(0, y - r); v <= Math.min(H - 1, y + r); v++) for (let u = Math.max(0, x - r); u <= Math.min(W - 1, x + r); u++) {
    const i = v * W + u;
    if (toneOf[i] !== k) continue;
    const e = (u - x) ** 2 + (v - y) ** 2;
    if (e < bd) { bd = e; best = decision[i]!; }
  }
  if (best === -2) return null;
  return best >= 0 ? groups[k]![best]! : ZERO;
}

function dist(r: number, g: number, b: number, c: ArrayLike<number>): number {
  return Math.hypot(r - c[0]!, g - c[1]!, b - c[2]!);
}
