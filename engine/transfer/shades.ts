/**
 * How a part's shading follows its new colour (recolour.ts): each tone of the part as a shade of
 * its main colour — shifted, multiplied, screened, or an overlay — or as a translucent layer over
 * it, fitted on the layer and replayed on the painted colour; and which tone is the main one.
 */
import { dist } from './colour-clusters.js';

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

/**
 * Shades of the part's tones over a main colour none of them is: a lighter tone is the main under
 * a light overlay ('screen'), a darker one under a dark one ('multiply'). The first entry is the
 * main's own ('shift': it takes the paint exactly).
 */
export function overlayShades(palette: readonly number[][], main: readonly number[]): Shade[] {
  const sum = (c: readonly number[]): number => c[0]! + c[1]! + c[2]!;
  return ['shift', ...palette.map((c): Shade => layerShade(c, main) ?? (sum(c) >= sum(main) ? 'screen' : 'multiply'))];
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
