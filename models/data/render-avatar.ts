/** One DiceBear avatar rendered to RGB bytes: shared by the dataset and the sample images. */
import { createAvatar } from '@dicebear/core';
import { personas } from '@dicebear/collection';
import { Resvg } from '@resvg/resvg-js';

/** The style and options the default pack is trained on (recorded in the pack's provenance). */
export const DATASET_STYLE = {
  name: 'personas',
  creator: personas.meta?.creator ?? 'Draftbit',
  license: personas.meta?.license?.name ?? 'CC BY 4.0',
  source: personas.meta?.source ?? '',
  backgroundColor: ['b6e3f4', 'c0aede', 'd1d4f9', 'ffd5dc', 'ffdfbf'],
};

export function avatarSvg(seed: string, backgroundColor: string[] = DATASET_STYLE.backgroundColor): { svg: string; attrs: Record<string, unknown> } {
  const avatar = createAvatar(personas, { seed, backgroundColor });
  const { svg, extra } = avatar.toJson();
  return { svg, attrs: extra as Record<string, unknown> };
}

/** Renders `seed` at size×size; returns RGB bytes (the backgrounds are opaque). */
export function renderAvatar(seed: string, size: number, backgroundColor?: string[]): { rgb: Uint8Array; rgba: Uint8Array; attrs: Record<string, unknown> } {
  const { svg, attrs } = avatarSvg(seed, backgroundColor);
  const png = new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render();
  const rgba = new Uint8Array(png.pixels);
  const rgb = new Uint8Array(size * size * 3);
  for (let p = 0; p < size * size; p++) {
    rgb[3 * p] = rgba[4 * p]; rgb[3 * p + 1] = rgba[4 * p + 1]; rgb[3 * p + 2] = rgba[4 * p + 2];
  }
  return { rgb, rgba, attrs };
}
