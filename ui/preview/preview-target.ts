/**
 * Which preview the canvas should show now (issue 17), as a pure function of the edit: the
 * transfer of the chosen candidate's sequence onto the layer, at the frame on the slider. None
 * while the candidates are still moving, or when the strokes changed since the sequence was made
 * (its frames belong to the old edit): the preview waits for the next settled batch.
 */
import type { EditState, PanelStroke, Sequence } from '../state/panel-state';
import { editKey } from '../state/selectors';
import { transferStrokes } from '../ops/transfer-strokes';

export interface PreviewTarget {
  /** The estimation's identity: the layer, the sequence's frames, the strokes that confine it. */
  key: string;
  /** The layer's identity (the worker keeps it decoded and scaled down). */
  sourceKey: string;
  /** 1 … sequence.frames − 1; frame 0 is the layer itself and needs no preview. */
  frame: number;
  sequence: Sequence;
  strokes: PanelStroke[];
}

const ids = new WeakMap<object, number>();
let nextId = 1;
/** A number per object (a sequence, a strokes array), stable while the object lives. */
function idOf(o: object): number {
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = nextId++));
  return id;
}

export function previewTarget(edit: EditState | null): PreviewTarget | null {
  if (edit?.status !== 'projected' || !edit.projection || !edit.candidates?.final || edit.optimising) return null;
  const sequence = edit.sequence;
  if (!sequence) return null;
  if (sequence.strokes && sequence.strokes !== edit.strokes) return null;
  const frame = edit.frame ?? sequence.frames - 1;
  if (frame < 1) return null;
  const strokes = transferStrokes(edit);
  const sourceKey = editKey(edit);
  return { key: `${sourceKey}#${idOf(sequence)}/${strokes.length ? idOf(strokes) : 0}`, sourceKey, frame, sequence, strokes };
}

/** Whether the canvas's preview is behind what it should show (the quiet "updating" indicator). */
export function previewUpdating(edit: EditState | null): boolean {
  if (!edit?.candidates || edit.previewError) return false;
  if (edit.frame === 0) return false;
  const target = previewTarget(edit);
  if (!target) return true; // the candidates or their sequence are still coming
  return edit.preview?.key !== target.key || edit.preview.frame !== target.frame;
}
