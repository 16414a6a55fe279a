/** What an edit's code changes tell its transfer: Apply and the canvas's preview must carry the same edit. */
import { codeEditHints, type CodeEditHints } from '../../engine/latent/codes';
import type { LatentCode } from '../../engine/pack/pack-types';
import type { EditState } from '../state/panel-state';

/** The hints for the codes moved since the projection (none before one). */
export function transferCodes(edit: Pick<EditState, 'codes'> & { projection: { codes: Record<string, number> } | null }, codes: readonly LatentCode[]): CodeEditHints {
  if (!edit.projection) return { reshaped: false, colours: [], coloursBefore: [], colourStroke: false };
  return codeEditHints(edit.projection.codes, edit.codes, codes);
}
