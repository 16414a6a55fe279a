/**
 * The benchmark's layers and their ground truth: DiceBear "personas" avatars rendered at S²,
 * on their own opaque background or transparent, with any attribute overridden (DiceBear picks
 * every other attribute the same way for the same seed, so an override changes that part only).
 * Part masks come from the renderer: render the part in two loud colours and diff.
 */
import { createAvatar } from '@dicebear/core';
import { personas } from '@dicebear/collection';
import { Resvg } from '@resvg/resvg-js';
import { DATASET_STYLE } from '../../models/data/render-avatar.js';
import type { RgbaImage } from '../../engine/transfer/index.js';

export type Background = 'opaque' | 'transparent';
export type Overrides = Record<string, string[] | number>;

/** The DiceBear option schema of the style: attribute → allowed values (enums) or default palette. */
export const SCHEMA = (personas as unknown as { schema: { properties: Record<string, { default?: unknown; items?: { enum?: string[] } }> } }).schema.properties;

export function attributeChoices(attribute: string): string[] | null {
  if (attribute === 'backgroundColor') return [...DATASET_STYLE.backgroundColor]; // a core option: the dataset's palette
  const p = SCHEMA[attribute];
  if (!p) return null;
  return p.items?.enum ?? (Array.isArray(p.default) ? (p.default as string[]) : null);
}

/** Colour attributes (palettes of hex values), as opposed to shape attributes (enums). */
export function isColourAttribute(attribute: string): boolean {
  return attribute === 'backgroundColor' || (!!SCHEMA[attribute] && !SCHEMA[attribute]!.items?.enum && /color$/i.test(attribute));
}

/**
 * The options that render `attribute` set to `value`. An attribute DiceBear draws only by chance
 * (`<attribute>Probability`, e.g. facialHair at 10 %) is forced to show; the dataset's "none" (the
 * category of the avatars without it) forces it off.
 */
export function setTo(attribute: string, value: string): Overrides {
  const chance = `${attribute}Probability`;
  if (!SCHEMA[chance]) return { [attribute]: [value] };
  return value === NONE ? { [chance]: 0 } : { [attribute]: [value], [chance]: 100 };
}

/** The overrides of an edit's truth: its attribute set to `value`, and any attributes the edit also shows (EditSpec `also`). */
export function truthOverrides(attribute: string, value: string, also?: Record<string, string>): Overrides {
  return Object.entries(also ?? {}).reduce((o, [a, v]) => ({ ...o, ...setTo(a, v) }), setTo(attribute, value));
}

/** The dataset's value of an optional attribute that is absent (models/train/attributes.py `missing`). */
export const NONE = 'none';

/** Whether `setTo(attribute, value)` can render the value: one of the attribute's choices, or "none" of an optional one. */
export function canSet(attribute: string, value: string): boolean {
  return !!attributeChoices(attribute)?.includes(value) || (value === NONE && !!SCHEMA[`${attribute}Probability`]);
}

export interface Rendered { image: RgbaImage; attrs: Record<string, string> }

export function renderLayer(seed: string, size: number, background: Background, overrides: Overrides = {}): Rendered {
  const options = { seed, backgroundColor: background === 'opaque' ? DATASET_STYLE.backgroundColor : [], ...overrides };
  if (background === 'transparent') options.backgroundColor = [];
  const { svg, extra } = createAvatar(personas, options as never).toJson();
  const px = new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().pixels;
  return { image: { width: size, height: size, data: new Uint8ClampedArray(px) }, attrs: extra as Record<string, string> };
}

/** [S·S] 1 where the two renders differ by more than `tol` levels in any channel (alpha included). */
export function diffMask(a: RgbaImage, b: RgbaImage, tol = 6): Uint8Array {
  const n = a.width * a.height, out = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 4; c++) {
      if (Math.abs(premult(a.data, p, c) - premult(b.data, p, c)) > tol) { out[p] = 1; break; }
    }
  }
  return out;
}

/** Channel c of pixel p, premultiplied by alpha (c = 3: alpha itself), 0–255. */
export function premult(d: ArrayLike<number>, p: number, c: number): number {
  const a = d[4 * p + 3]!;
  return c === 3 ? a : (d[4 * p + c]! * a) / 255;
}

/**
 * Where a colour attribute shows: render it in two loud colours and diff. `backgroundColor` is
 * the opaque render against the transparent one.
 */
export function partMask(seed: string, size: number, attribute: string, overrides: Overrides = {}): Uint8Array {
  if (attribute === 'backgroundColor') {
    return diffMask(renderLayer(seed, size, 'opaque', overrides).image, renderLayer(seed, size, 'transparent', overrides).image);
  }
  const a = renderLayer(seed, size, 'transparent', { ...overrides, [attribute]: ['00ff00'] }).image;
  const b = renderLayer(seed, size, 'transparent', { ...overrides, [attribute]: ['ff00ff'] }).image;
  return diffMask(a, b);
}

export function hexRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.replace('#', ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
