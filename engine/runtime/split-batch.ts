/**
 * Splitting a batch across workers and joining the answers: every batched input and every
 * output of a pack's graphs has the batch as its first dimension (pack.json says `"B"` there),
 * and each row is computed from its own latent alone, so the rows of the parts concatenated are
 * the rows of the whole batch.
 */
import type { PlainTensor } from './graph-shard.js';

/** Rows per part, as even as can be, no part empty: 8 over 2 → [4, 4]; 5 over 2 → [3, 2]; 1 over 2 → [1]. */
export function splitCounts(rows: number, parts: number): number[] {
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`split: rows must be a positive integer, got ${rows}`);
  const n = Math.max(1, Math.min(parts, rows));
  return Array.from({ length: n }, (_, i) => Math.floor(rows / n) + (i < rows % n ? 1 : 0));
}

/** Rows [start, start + count) of a batch-first tensor (a view, not a copy). */
export function sliceRows(t: PlainTensor, start: number, count: number): PlainTensor {
  const row = t.data.length / t.dims[0]!;
  return { data: t.data.subarray(start * row, (start + count) * row), dims: [count, ...t.dims.slice(1)] };
}

/** Concatenates each output's parts along the first dimension, in order. */
export function concatRows(parts: Record<string, Float32Array>[]): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const name of Object.keys(parts[0]!)) {
    const all = new Float32Array(parts.reduce((n, p) => n + p[name]!.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p[name]!, at);
      at += p[name]!.length;
    }
    out[name] = all;
  }
  return out;
}
