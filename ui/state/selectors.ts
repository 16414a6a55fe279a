/**
 * What the panel reads off its state, in one place so that the components, the controller's
 * operations and the shortcuts agree on which candidate is on the canvas and what Apply writes.
 */
import { MAX_SHOWN_CANDIDATES, type Candidates, type EditState, type PanelState } from './panel-state';

/** Which kept edit a layer resumes: the same node at the same source revision (an edited layer starts afresh). */
export function editKey(e: { nodeId: string; revision?: string }): string {
  return `${e.nodeId}@${e.revision ?? ''}`;
}

/** The kept candidates in display order (best first), at most 16. */
export function shownCandidates(c: Candidates | null): number[] {
  return c ? c.order.slice(0, MAX_SHOWN_CANDIDATES) : [];
}

/** The batch index on the canvas: the one the user chose if still kept, else the best. */
export function currentCandidate(edit: EditState | null): number | null {
  const c = edit?.candidates;
  if (!c || !c.order.length) return null;
  if (edit.selected !== null && edit.selected < c.count) return edit.selected;
  return c.order[0];
}

/** The latent of a candidate, [L]. */
export function candidateLatent(c: Candidates, index: number): Float32Array {
  const L = c.z.length / c.count;
  return c.z.slice(index * L, (index + 1) * L);
}

/** What the canvas shows: a sequence frame, the chosen candidate, or the projection. */
export function canvasImage(edit: EditState | null, R: number): Uint8ClampedArray | null {
  if (!edit) return null;
  const n = R * R * 4;
  if (edit.frame !== null && edit.sequence && edit.frame < edit.sequence.frames) return edit.sequence.images.subarray(edit.frame * n, (edit.frame + 1) * n);
  const k = currentCandidate(edit);
  if (k !== null && edit.candidates) return edit.candidates.images.subarray(k * n, (k + 1) * n);
  return edit.projection?.image ?? null;
}

/** Whether an edit has something to apply (a change from the projection). */
export function canApply(state: PanelState): boolean {
  const e = state.edit;
  if (!e || e.status !== 'projected' || !e.candidates || state.apply.status === 'working') return false;
  if (state.variant === 'candidates') return e.picked.length > 0 || shownCandidates(e.candidates).length > 0;
  return currentCandidate(e) !== null;
}
