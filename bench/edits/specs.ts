/**
 * The edits of the benchmark for one layer, each with how its ground truth is rendered:
 *  - colour strokes over the clothing, the hair and the background (opaque layers), in the palette
 *    colour farthest from the current one, generated from the part's mask;
 *  - every code the pack names (pack.json: `attribute` and `values`, or, in packs before them,
 *    `evidence.attribute` and labels like "1 · pigtails"): categorical codes to two other values
 *    (which two rotates with the seed), truth = the attribute set to that value; continuous codes
 *    on a colour attribute to both ends of their range, truth = the attribute set to the code's
 *    first or last value (pack `values`), or, for a pack without them, to the palette colour nearest
 *    to what G(z1) shows in the part (the value the generator moved to). Codes on a
 *    shape attribute without categories have no ground truth and are listed as not scored.
 */
import type { Stroke } from '../../engine/brushes/strokes.js';
import type { CodeChange } from '../../engine/latent/codes.js';
import type { FrameMapping } from '../../engine/transfer/index.js';
import { attributeChoices, canSet, hexRgb, isColourAttribute, partMask, renderLayer, type Background } from './avatars.js';
import type { RgbaImage } from '../../engine/transfer/index.js';
import { maskToFrame, strokesFromMask } from './strokes-from-mask.js';

export interface PackCode {
  name: string; kind: 'categorical' | 'continuous'; labels?: string[]; range?: [number, number];
  attribute?: string; values?: string[]; evidence?: { attribute?: string };
  hiddenBy?: { code: string; categories: number[] }; shownAs?: number;
}

export interface EditSpec {
  /** Row of the table: what kind of edit, on which kind of layer. */
  kind: string;
  /** What this instance does, e.g. "clothing → #456dff". */
  label: string;
  strokes?: Stroke[];
  code?: CodeChange;
  /** DiceBear attribute the truth overrides. */
  attribute: string;
  /** The value, or null: the palette colour nearest to G(z1) in the part (continuous colour codes). */
  value: string | null;
  /** Attributes the truth also sets: a code the change makes shown takes the pack's shownAs (hair grown on a bald head is brown). */
  also?: Record<string, string>;
  /** Frame-resolution coverage of the attribute's part (to infer a value from G(z1)). */
  partFrame?: Float32Array;
}

const STROKE_PARTS: { part: string; attribute: string }[] = [
  { part: 'clothing', attribute: 'clothingColor' },
  { part: 'hair', attribute: 'hairColor' },
  { part: 'background', attribute: 'backgroundColor' },
];

function farthest(current: string, palette: string[]): string {
  const c = hexRgb(current);
  let best = palette[0]!, bestD = -1;
  for (const v of palette) {
    const d = hexRgb(v).reduce((s, x, i) => s + (x - c[i]!) ** 2, 0);
    if (d > bestD) { bestD = d; best = v; }
  }
  return best;
}

/** The DiceBear option a code drives. The renderer reports the background as `primaryBackgroundColor`; the option is `backgroundColor`. */
export function codeAttribute(c: PackCode): string | null {
  const a = c.attribute ?? c.evidence?.attribute ?? null;
  return a === 'primaryBackgroundColor' ? 'backgroundColor' : a;
}

/** Category k's DiceBear value: `values[k]`, else the label's part after "·"; colours as DiceBear takes them (hex without "#"). */
export function categoryValue(c: PackCode, k: number): string {
  return (c.values?.[k] ?? c.labels![k]!.split('·').pop()!.trim()).replace(/^#/, '');
}

export function strokeSpecs(seed: string, size: number, background: Background, attrs: Record<string, string>, m: FrameMapping): EditSpec[] {
  const out: EditSpec[] = [];
  for (const { part, attribute } of STROKE_PARTS) {
    if (attribute === 'backgroundColor' && background === 'transparent') continue;
    const palette = attributeChoices(attribute)!;
    const current = (attribute === 'backgroundColor' ? attrs.primaryBackgroundColor : attrs[attribute])!.replace('#', '');
    const value = farthest(current, palette);
    const mask = partMask(seed, size, attribute);
    const cov = maskToFrame(mask, size, size, m);
    // painted in the colour the part shows in the truth (DiceBear draws some parts under a tint),
    // as a designer picks the colour they want to see
    const strokes = strokesFromMask(cov, m.resolution, shownColour(renderLayer(seed, size, background, { [attribute]: [value] }).image, mask));
    if (!strokes.length) continue; // e.g. a bald head: no hair to paint
    out.push({ kind: `stroke · ${part} · ${background}`, label: `${part} → #${value}`, strokes, attribute, value });
  }
  return out;
}

export function codeSpecs(seed: string, seedIndex: number, size: number, background: Background, codes: PackCode[], currentCodes: Record<string, number>, m: FrameMapping, skipped: Set<string>): EditSpec[] {
  const out: EditSpec[] = [];
  for (const c of codes) {
    const attribute = codeAttribute(c);
    const choices = attribute ? attributeChoices(attribute) : null;
    if (!attribute || !choices) { skipped.add(`${c.name}: no DiceBear attribute named`); continue; }
    if (attribute === 'backgroundColor' && background === 'transparent') { skipped.add(`${c.name} on a transparent layer: it has no background to change`); continue; }
    if (c.kind === 'categorical') {
      const K = c.labels!.length, cur = currentCodes[c.name] ?? 0;
      const picks = [...new Set([(cur + 1 + seedIndex) % K, (cur + 1 + seedIndex + (K >> 1)) % K])].filter((k) => k !== cur);
      for (const k of picks) {
        const value = categoryValue(c, k);
        if (!canSet(attribute, value)) { skipped.add(`${c.name} = ${value}: not a value of ${attribute}`); continue; }
        const also = shownCodes(codes, c.name, cur, k);
        out.push({ kind: `code · ${c.name} · ${background}`, label: `${c.name} → ${value}`, code: { code: c.name, category: k }, attribute, value, ...(also ? { also } : {}) });
      }
    } else if (isColourAttribute(attribute)) {
      const partFrame = maskToFrame(partMask(seed, size, attribute), size, size, m);
      // a pack whose code names its values (v2's Skin tone: "#eeb4a4" … "#623d36", spread evenly over the range)
      // means them: each end is its first or last value; without them, the colour G(z1) shows is the best guess
      const ends = c.values?.length ? [c.values[0]!, c.values[c.values.length - 1]!].map((v) => v.replace(/^#/, '').toLowerCase()) : null;
      c.range!.forEach((v, i) => out.push({ kind: `code · ${c.name} · ${background}`, label: `${c.name} → ${v}${ends ? ` (${ends[i]})` : ''}`, code: { code: c.name, set: v }, attribute, value: ends ? ends[i]! : null, partFrame }));
    } else {
      skipped.add(`${c.name} (continuous, ${attribute}): a shape attribute has no value to render for a slider position`);
    }
  }
  return out;
}

/**
 * Hair-style edits of a bald avatar (its projection's `currentCodes`): `n` styles that show hair,
 * spread over the code's categories, each with its truth's hair colour the engine gives it.
 */
export function baldSpecs(codes: PackCode[], currentCodes: Record<string, number>, background: Background, n = 4): EditSpec[] {
  const hair = codes.find((c) => c.kind === 'categorical' && codeAttribute(c) === 'hair');
  if (!hair) return [];
  const hides = new Set(codes.flatMap((d) => (d.hiddenBy?.code === hair.name ? d.hiddenBy.categories : [])));
  const shown = hair.labels!.map((_, k) => k).filter((k) => !hides.has(k));
  const picks = Array.from({ length: Math.min(n, shown.length) }, (_, i) => shown[Math.floor(((i + 0.5) * shown.length) / n)]!);
  const cur = currentCodes[hair.name] ?? 0;
  return picks.map((k) => {
    const value = categoryValue(hair, k), also = shownCodes(codes, hair.name, cur, k);
    return { kind: `code · ${hair.name} on a bald head · ${background}`, label: `${hair.name} → ${value}`, code: { code: hair.name, category: k }, attribute: 'hair', value, ...(also ? { also } : {}) };
  });
}

/**
 * The attributes a change of `code` from category `from` to `to` shows, at the value the engine
 * gives them (engine/latent/codes.ts: a code hidden by `code` takes its `shownAs`), or null.
 */
export function shownCodes(codes: PackCode[], code: string, from: number, to: number): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const d of codes) {
    const hides = d.hiddenBy?.code === code ? d.hiddenBy.categories : null, attribute = codeAttribute(d);
    if (hides && d.shownAs !== undefined && attribute && hides.includes(from) && !hides.includes(to)) out[attribute] = categoryValue(d, d.shownAs);
  }
  return Object.keys(out).length ? out : null;
}

/** The palette value nearest to the mean colour G(z1) shows where the part is (cells fully inside it). */
export function inferValue(frame: Float32Array, range: readonly [number, number], partFrame: Float32Array, palette: string[]): string | null {
  const N = partFrame.length, k = 255 / (range[1] - range[0]);
  const sum = [0, 0, 0];
  let n = 0;
  for (let q = 0; q < N; q++) {
    if (partFrame[q]! < 0.99) continue;
    for (let c = 0; c < 3; c++) sum[c] += (frame[c * N + q]! - range[0]) * k;
    n++;
  }
  if (n < 4) return null;
  const mean = sum.map((s) => s / n);
  let best: string | null = null, bestD = Infinity;
  for (const v of palette) {
    const d = hexRgb(v).reduce((s, x, i) => s + (x - mean[i]!) ** 2, 0);
    if (d < bestD) { bestD = d; best = v; }
  }
  return best;
}

/** The most common opaque colour of `img` inside `mask` (0–255). */
export function shownColour(img: RgbaImage, mask: Uint8Array): [number, number, number] {
  const counts = new Map<number, number>();
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p] || img.data[4 * p + 3]! < 255) continue;
    const key = (img.data[4 * p]! << 16) | (img.data[4 * p + 1]! << 8) | img.data[4 * p + 2]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let best = 0, n = -1;
  for (const [k, c] of counts) if (c > n) { n = c; best = k; }
  return [(best >> 16) & 255, (best >> 8) & 255, best & 255];
}
