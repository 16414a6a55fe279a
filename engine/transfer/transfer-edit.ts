/**
 * Edit transfer (issue 5): carries the change between generated frames onto the original layer.
 *
 *   frames[0] = G(z0) … frames[K] = G(z1)   ──estimateStep per pair──▶ K step fields
 *   ──composeChange──▶ total change 0→k per frame ──full-res-field + render-rows──▶ RGBA at the
 *   original's size, through the exact FrameMapping the projection used.
 *
 * Async only to stay interruptible: it yields to the event loop between chunks (one frame pair,
 * or a band of rows), so an AbortSignal fired from a Worker message is seen; after an abort it
 * rejects with the signal's reason (an AbortError) and reports no further progress.
 */
import { prepareTransferAsync } from './prepare-transfer.js';
import { renderTransferAsync } from './render-transfer.js';
import type { TransferInput, TransferOptions, TransferResult } from './transfer-input.js';
import type { TransferProgress } from './types.js';

/** prepareTransferAsync then renderTransferAsync: the whole edit, or with allFrames every frame 1…K, at the layer's size. */
export async function transferEditAsync(input: TransferInput, options: TransferOptions = {}): Promise<TransferResult> {
  const { allFrames = false, onProgress, signal } = options;
  const K = input.frames.length - 1;
  // progress: estimation counts as ~25% of a single-frame run (measured: ~25 ms CPU a pair at 64²)
  const renderCount = allFrames ? K : 1;
  const estimateWeight = K > 0 ? 0.25 / renderCount : 0;
  const report = (phase: TransferProgress['phase'], done: number, total: number, fraction: number): void => {
    if (onProgress && !signal?.aborted) onProgress({ phase, done, total, fraction });
  };
  const prepared = await prepareTransferAsync(input, { ...options, onProgress: (p) => report('estimate', p.done, p.total, estimateWeight * p.fraction) });
  const targets = allFrames ? Array.from({ length: K }, (_, k) => k + 1) : [K];
  const rendered = await renderTransferAsync(prepared, input.original, K > 0 ? targets : [0], {
    ...(signal ? { signal } : {}),
    onRows: (done, total) => report('render', done, total, estimateWeight + (1 - estimateWeight) * (done / total)),
  });
  const final = rendered[rendered.length - 1];
  const { changes, region } = prepared;
  return allFrames ? { final, frames: rendered, changes, region } : { final, changes, region };
}
