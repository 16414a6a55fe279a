/** What an edit's code changes tell its transfer: Apply and the canvas's preview must carry the same edit. */
import { namedColours, reshapes } from '../../engine/latent/codes';
import type { LatentCode } from '../../engine/pack/pack-types';
import type { EditState } from '../state/store';

export interface TransferCodes {
  /** A code the pack says changes shapes (a hair style, a mouth) moved since the projection (engine/latent/codes.ts `reshapes`). */
  reshaped: boolean;
  /** The colours the moved colour codes name (Hair colour → Ginger: #f29c65), 0–255 RGB (`namedColours`). */
  colours: number[][];
}

export function transferCodes(edit: Pick<EditState, 'codes'> & { projection: { codes: Record<string, number> } | null }, codes: readonly LatentCode[]): TransferCodes {
  if (!edit.projection) return { reshaped: false, colours: [] };
  return { reshaped: reshapes(edit.projection.codes, edit.codes, codes), colours: namedColours(edit.projection.codes, edit.codes, codes) };
}
