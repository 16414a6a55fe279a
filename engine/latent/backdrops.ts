import type { LatentLayout } from './latent-layout.js';
import { setCategory } from './latent-layout.js';
import { hexColour } from './codes.js';
import type { CategoricalCode, LatentCode } from '../pack/pack-types.js';

/** Two latents that differ from `z` only in the pack's background code, and the colours (0–255 RGB) they set. */
export interface Backdrops { latents: Float32Array; colours: [number[], number[]] }

/**
 * `z` [L] with the background code (the pack's `background: true`) set to the two of its colours
 * farthest apart, as a batch [2, L] for the generator: G renders the same subject over two known
 * backdrops, from which the transfer tells it from its background (engine/transfer/generator-matte.ts).
 * null when the pack names no background code, or its values are not colours.
 */
export function backdropLatents(z: Float32Array, layout: LatentLayout, codes: readonly LatentCode[]): Backdrops | null {
  const code = codes.find((c): c is CategoricalCode => c.kind === 'categorical' && c.background === true);
  const cat = code && layout.categorical.find((c) => c.name === code.name);
  const colours = code?.values?.map(hexColour);
  if (!cat || !colours || colours.some((c) => !c)) return null;
  let pair: [number, number] | null = null, far = -1;
  colours.forEach((a, i) => colours.forEach((b, j) => {
    const d = (a![0]! - b![0]!) ** 2 + (a![1]! - b![1]!) ** 2 + (a![2]! - b![2]!) ** 2;
    if (j > i && d > far) { far = d; pair = [i, j]; }
  }));
  if (!pair) return null;
  const [i, j] = pair as [number, number], L = layout.size, latents = new Float32Array(2 * L);
  latents.set(z, 0); latents.set(z, L);
  setCategory(latents, cat, i, 0, L);
  setCategory(latents, cat, j, 1, L);
  return { latents, colours: [colours[i]!, colours[j]!] };
}
