/**
 * Apply: carries the edit over to the full-size layer (the worker's transfer, on the frames the
 * engine rendered) and sends the results to the main thread as one apply — the result as a layer,
 * the sequence as a frame, or the picked candidates as layers.
 */
import type { Pack } from '../../engine/pack/pack-types';
import type { ResultImage, UiToPlugin } from '../../protocol/messages';
import { friendlyError } from '../friendly-error';
import { makeEditRecord } from '../state/edit-record';
import { candidateLatent, currentCandidate, shownCandidates } from '../state/selectors';
import type { Store } from '../state/store';
import type { ComputeWorker } from '../worker/client';
import type { RenderedSequence } from './render-sequence';
import { sequenceFrameName, sequenceFrames } from './sequence-frames';
import { transferStrokes } from './transfer-strokes';
import { transferCodes } from './transfer-codes';

export interface ApplyContext {
  store: Store;
  /** The compute worker's `transfer` (and any other panel request). */
  transfer: ComputeWorker['request'];
  send(msg: UiToPlugin): void;
  renderSequenceAsync(pack: { latent: Pack['latent'] }, from: Float32Array, to: Float32Array, frames: number): Promise<RenderedSequence>;
  /** Stops the edit in flight and waits until the engine is idle (the candidates on screen are what gets applied). */
  stopEditsAsync(): Promise<void>;
  requestId(): string;
  /** Waits, bounded, for the main thread's answer to the apply sent (apply-reply.ts). */
  watchReply(requestId: string): void;
}

export async function applyEditAsync(ctx: ApplyContext): Promise<void> {
  const { store } = ctx;
  const s = store.get();
  const edit = s.edit;
  const pack = s.engine.pack;
  if (!edit?.projection || !edit.candidates || !pack || s.apply.status === 'working') return;
  const requestId = ctx.requestId();
  const candidates = edit.candidates;
  const variant = s.variant;
  const targets = variant === 'candidates' ? (edit.picked.length ? edit.picked : shownCandidates(candidates)).slice(0, 16) : [currentCandidate(edit)!];
  // The slider's frames for every variant: the canvas previews the result from them (issue 17), so Apply writes what it showed.
  const frames = sequenceFrames(edit);
  // What it writes (the status line says so once it is written): layers, or the sequence's frames.
  store.dispatch({ type: 'apply-start', requestId, count: variant === 'sequence' ? frames : targets.length });
  await ctx.stopEditsAsync();
  try {
    const latent0 = edit.restored ? Float32Array.from(edit.restored.latent0) : edit.projection.z;
    const source = { nodeId: edit.nodeId, name: edit.name, ...(edit.imageHash ? { imageHash: edit.imageHash } : {}), ...(edit.revision ? { revision: edit.revision } : {}) };
    const localStrokes = transferStrokes(edit), codes = transferCodes(edit, pack.latent.codes);
    const results: ResultImage[] = [];
    for (let t = 0; t < targets.length; t++) {
      const z = candidateLatent(candidates, targets[t]);
      // The frames come from the engine (wherever it runs), or are the slider's when it already
      // shows this sequence (a copy: the worker takes the buffer); the worker carries them to the layer.
      const shown = edit.sequence;
      const seq = shown && shown.target === targets[t] && shown.frames === frames
        ? { latents: shown.latents, images: shown.images.slice(), backdrops: shown.backdrops ?? null }
        : await ctx.renderSequenceAsync(pack, edit.projection.z, z, frames);
      const r = await ctx.transfer(
        { type: 'transfer', images: seq.images, frames, bytes: edit.bytes.slice(), mime: edit.mime, mapping: edit.projection.mapping, pixelRange: [-1, 1], allFrames: variant === 'sequence', strokes: localStrokes, ...codes, backdrops: seq.backdrops },
        { transfer: [seq.images.buffer as ArrayBuffer], onProgress: (f) => store.dispatch({ type: 'apply-progress', requestId, fraction: (t + f) / targets.length }) },
      );
      const record = (latent: Float32Array, frame?: number) =>
        makeEditRecord({ packId: pack.id, latent, latent0, strokes: edit.strokes, codes: edit.codes, mapping: edit.projection!.mapping, variant, source, ...(frame !== undefined ? { frame, frames } : {}) });
      if (variant === 'sequence') {
        // The latents of the frames (those the engine rendered), for their records.
        const L = pack.latent.size;
        const at = (k: number) => seq.latents.slice(k * L, (k + 1) * L);
        // Frame 00 is the start: the original layer itself (the transfer of no change is the
        // original), its bytes as read; the transfer made frames 1 … frames − 1.
        results.push({ name: sequenceFrameName(0, frames), bytes: edit.bytes, width: edit.width, height: edit.height, record: record(at(0), 0) });
        r.frames.forEach((f, i) => {
          const k = i + 1;
          results.push({ name: sequenceFrameName(k, frames), bytes: f.bytes, width: f.width, height: f.height, record: record(at(k), k) });
        });
      } else {
        const name = variant === 'candidates' ? `${edit.name} · Manifold candidate ${shownCandidates(candidates).indexOf(targets[t]) + 1}` : `${edit.name} · Manifold`;
        results.push({ name, bytes: r.final.bytes, width: r.final.width, height: r.final.height, record: record(z) });
      }
    }
    // The sequence goes into one frame, side by side; several candidates into one group.
    const layout = variant === 'sequence' ? { group: false, layout: 'frame' as const } : { group: results.length > 1 };
    ctx.send({ type: 'apply', requestId, sourceNodeId: edit.nodeId, results, ...layout, ...(edit.revision ? { sourceRevision: edit.revision } : {}) });
    ctx.watchReply(requestId);
  } catch (error) {
    store.dispatch({ type: 'apply-failed', requestId, message: friendlyError('apply', error) });
  }
}
