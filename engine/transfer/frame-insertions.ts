/** A code edit's insertion of new content (insert-content.ts) for the change 0→k of a prepared transfer. */
import type { FrameMapping } from './frame-mapping.js';
import { insertionCells, insertionPlan, type InsertionPlan, type InsertOptions, type MattedInsert } from './insert-content.js';
import type { PreparedTransfer } from './prepare-transfer.js';
import type { ChangeField, RgbaImage } from './types.js';

/** The content to insert for the change first → last (null: the flow explains all of it). */
export function insertionFor(first: Float32Array, last: Float32Array, change: ChangeField, original: RgbaImage, mapping: FrameMapping, o: Partial<InsertOptions>, matted: MattedInsert | null = null, keep: Uint8Array | null = null): InsertionPlan | null {
  const cells = insertionCells(first, last, change, o);
  return cells ? insertionPlan(first, last, change, cells, original, mapping, o, null, null, matted, keep) : null;
}

/** Frame k's insertion (the change 0→k), made once per prepared transfer. */
export function insertionAt(prepared: PreparedTransfer, k: number, original: RgbaImage): InsertionPlan | null {
  const { insert, insertions, unit, changes, mapping } = prepared;
  if (!insert || k < 1) return null;
  if (!insertions.has(k)) insertions.set(k, insertionFor(unit[0]!, unit[k]!, changes[k - 1]!, original, mapping, insert));
  return insertions.get(k)!;
}
