/** Which strokes confine an edit's transfer: Apply and the canvas's preview must carry the same edit. */
import type { EditState, PanelStroke } from '../state/panel-state';

/** A stroke edit stays where it was painted; once a code slider moved, the edit is global by intent (no strokes). */
export function transferStrokes(edit: Pick<EditState, 'codes' | 'strokes'> & { projection: { codes: Record<string, number> } | null }): PanelStroke[] {
  const codesMoved = Object.entries(edit.codes).some(([k, v]) => edit.projection?.codes[k] !== v);
  return codesMoved ? [] : edit.strokes;
}
