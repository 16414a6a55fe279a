import type { LatentLayout } from './latent-layout.js';
import { categoryOf, setCategory } from './latent-layout.js';
import type { LatentCode } from '../pack/pack-types.js';

/** A change to one InfoGAN code of a latent (the sliders and pickers of the panel). */
export type CodeChange =
  | { code: string; set: number }        // continuous: set to a value (clipped to its range)
  | { code: string; shift: number }      // continuous: add to the value (clipped)
  | { code: string; category: number };  // categorical: switch to category index

/** The current value of every code of latent `z`: continuous → number, categorical → category index. */
export function readCodes(z: Float32Array, layout: LatentLayout): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of layout.continuous) out[c.name] = z[c.offset]!;
  for (const c of layout.categorical) out[c.name] = categoryOf(z, c, 0, layout.size);
  return out;
}

/**
 * The codes that `values` (readCodes) leave undrawn, each with the code that hides it: hair colour
 * while the hair style is bald, a cap or a beanie (the pack's `hiddenBy`).
 */
export function hiddenCodes(values: Record<string, number>, codes: readonly LatentCode[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of codes) {
    if (c.kind === 'categorical' && c.hiddenBy && c.hiddenBy.categories.includes(values[c.hiddenBy.code]!)) out.set(c.name, c.hiddenBy.code);
  }
  return out;
}

/**
 * Whether the edit from code values `before` to `after` (readCodes) moves a code that changes shapes
 * (the pack's `changes: "shape"`: a hair style, a mouth), which the transfer then draws from the
 * generator instead of bending the layer (TransferInput `reshaped`). A continuous code counts as
 * moved past 1 % of its range.
 */
export function reshapes(before: Record<string, number>, after: Record<string, number>, codes: readonly LatentCode[]): boolean {
  return codes.some((c) => c.changes === 'shape' && moved(c, before, after));
}

/**
 * Whether the edit from `before` to `after` only set colour codes (the pack's `changes: "colour"`,
 * values that are colours: hair colour, clothing colour, background, skin tone): each names the
 * colour it sets (`namedColours`), and the transfer carries the edit as a colour stroke in it
 * (TransferInput `colourStroke`). A code without colours (a variation) or a shape code moved too:
 * no.
 */
export function recoloursOnly(before: Record<string, number>, after: Record<string, number>, codes: readonly LatentCode[]): boolean {
  const movedCodes = codes.filter((c) => moved(c, before, after));
  return movedCodes.length > 0 && movedCodes.every((c) => c.changes === 'colour' && !!c.values?.length && c.values.every((v) => hexColour(v) !== null));
}

/** Whether code `c` differs between the two code values (a continuous one by more than 1 % of its range). */
function moved(c: LatentCode, before: Record<string, number>, after: Record<string, number>): boolean {
  const a = after[c.name], b = before[c.name];
  if (a === undefined || b === undefined) return false;
  return Math.abs(a - b) > (c.kind === 'continuous' ? 0.01 * (c.range[1] - c.range[0]) : 0);
}

/** What an edit's code changes tell the transfer (TransferInput `reshaped`, `colours`). */
export interface CodeEditHints {
  /** A code that changes shapes moved (`reshapes`). */
  reshaped: boolean;
  /** The colours the moved colour codes name, 0–255 RGB (`namedColours`). */
  colours: number[][];
  /** The colours the same codes named before the edit, in the same order (TransferInput `coloursBefore`). */
  coloursBefore: number[][];
  /** Only colour codes moved (`recoloursOnly`; TransferInput `colourStroke`). */
  colourStroke: boolean;
}

/** The hints for the edit from `before` to `after`: one place for the panel, the CLI and bench:edits. */
export function codeEditHints(before: Record<string, number>, after: Record<string, number>, codes: readonly LatentCode[]): CodeEditHints {
  return { reshaped: reshapes(before, after, codes), colours: namedColours(before, after, codes), coloursBefore: namedColours(after, before, codes), colourStroke: recoloursOnly(before, after, codes) };
}

/**
 * The colours (0–255 RGB) the edit from `before` to `after` (readCodes) names: for each colour code
 * (`changes: "colour"`) that moved and whose `values` are colours ("#f29c65"), its new value's
 * colour — a continuous code's between its two nearest values. The transfer lands the layer's
 * matching flat colour exactly on it (TransferInput `colours`): the code's value is what the
 * designer asked for, the 64² generator's rendering of it is tens of levels off.
 */
export function namedColours(before: Record<string, number>, after: Record<string, number>, codes: readonly LatentCode[]): number[][] {
  const out: number[][] = [];
  for (const c of codes) {
    if (c.changes !== 'colour' || !c.values?.length || !moved(c, before, after)) continue;
    const hex = c.values.map(hexColour), a = after[c.name]!;
    if (hex.some((h) => !h)) continue;
    if (c.kind === 'categorical') out.push(hex[a]!);
    else {
      const t = Math.min(1, Math.max(0, (a - c.range[0]) / (c.range[1] - c.range[0]))) * (hex.length - 1), i = Math.min(hex.length - 2, Math.floor(t)), f = t - i;
      out.push(hex[i]!.map((v, ch) => Math.round((1 - f) * v + f * hex[i + 1]![ch]!)));
    }
  }
  return out;
}

/** "#f29c65" or "f29c65" → [242, 156, 101]; null for anything else. */
export function hexColour(v: string): number[] | null {
  const m = /^#?([0-9a-f]{6})$/i.exec(v);
  return m ? [0, 2, 4].map((i) => parseInt(m[1]!.slice(i, i + 2), 16)) : null;
}

/**
 * Returns a copy of the single latent `z` with `change` applied. Throws on an unknown code or a wrong kind of change.
 * A categorical change that makes a hidden code shown also sets that code to its `shownAs`: on a bald
 * head a projection leaves the hair colour arbitrary (nothing shows it), and the styles came out in
 * whatever it was — mostly white, barely visible on light skin.
 */
export function applyCodeChange(z: Float32Array, layout: LatentLayout, change: CodeChange): Float32Array {
  const out = Float32Array.from(z);
  const cont = layout.continuous.find((c) => c.name === change.code);
  const cat = layout.categorical.find((c) => c.name === change.code);
  if (!cont && !cat) {
    const names = [...layout.continuous, ...layout.categorical].map((c) => `"${c.name}"`).join(', ');
    throw new Error(`code: unknown code "${change.code}" (this pack has ${names})`);
  }
  if (cont) {
    let v: number;
    if ('set' in change) v = change.set;
    else if ('shift' in change) v = out[cont.offset]! + change.shift;
    else throw new Error(`code: "${cont.name}" is continuous; use set or shift, not category`);
    if (!Number.isFinite(v)) throw new Error(`code: value for "${cont.name}" must be a finite number, got ${v}`);
    out[cont.offset] = Math.min(cont.range[1], Math.max(cont.range[0], v));
  } else if (cat) {
    if (!('category' in change)) throw new Error(`code: "${cat.name}" is categorical; use category, not set/shift`);
    const k = change.category;
    if (!Number.isInteger(k) || k < 0 || k >= cat.size) throw new Error(`code: category for "${cat.name}" must be an integer in [0, ${cat.size - 1}], got ${k}`);
    const before = categoryOf(z, cat, 0, layout.size);
    setCategory(out, cat, k, 0, layout.size);
    for (const d of layout.categorical) {
      const hides = d.hiddenBy?.code === cat.name ? d.hiddenBy.categories : null;
      if (hides && d.shownAs !== undefined && hides.includes(before) && !hides.includes(k)) setCategory(out, d, d.shownAs, 0, layout.size);
    }
  }
  return out;
}
