/**
 * The sequence from the projection to the chosen candidate (the slider's frames, and what Apply
 * writes): rendered once a batch settles or a candidate is picked, one at a time, and again if the
 * pick changed while it rendered.
 */
import type { Pack } from '../../engine/pack/pack-types';
import type { EngineRequests } from '../engine-host/host-state';
import { friendlyError } from '../friendly-error';
import { candidateLatent, currentCandidate } from '../state/selectors';
import type { Store } from '../state/store';
import { renderSequenceAsync, type RenderedSequence } from './render-sequence';
import { sequenceFrames } from './sequence-frames';

export interface SequenceContext {
  store: Store;
  engine: EngineRequests;
  /** Whether an edit request is out (its candidates are not final yet). */
  editsInFlight(): boolean;
}

export interface SequenceScheduler {
  /** `ms`: a pause that lets quick candidate clicks through first; none once a batch settles (the preview waits on it). */
  schedule(ms?: number): void;
  /** Renders the chosen candidate's sequence now, unless it is there already or cannot be made yet. */
  runAsync(): Promise<void>;
  /** The render under way, if one is (edits and transfers wait for it: same runtime). */
  busy(): Promise<void> | null;
  /** Renders a sequence on the engine (Apply's frames when the slider does not show them). */
  render(pack: { latent: Pack['latent'] }, from: Float32Array, to: Float32Array, frames: number): Promise<RenderedSequence>;
}

export function createSequenceScheduler(ctx: SequenceContext): SequenceScheduler {
  const { store } = ctx;
  const state = () => store.get();
  let sequenceBusy: Promise<void> | null = null;
  let sequenceTimer: ReturnType<typeof setTimeout> | undefined;

  function schedule(ms = 120): void {
    clearTimeout(sequenceTimer);
    sequenceTimer = setTimeout(() => void runAsync(), ms);
  }

  function render(pack: { latent: Pack['latent'] }, from: Float32Array, to: Float32Array, frames: number): Promise<RenderedSequence> {
    return renderSequenceAsync(ctx.engine, pack, from, to, frames);
  }

  async function runAsync(): Promise<void> {
    const s = state();
    const edit = s.edit;
    const pack = s.engine.pack;
    const k = currentCandidate(edit);
    if (!edit?.projection || !edit.candidates?.final || !pack || k === null || ctx.editsInFlight() || sequenceBusy) return;
    if (edit.sequence?.target === k) return;
    const candidates = edit.candidates;
    // As many frames as Apply writes, so the slider's frames are the written frames.
    const frames = sequenceFrames(edit);
    const run = (async () => {
      try {
        const r = await render(pack, edit.projection!.z, candidateLatent(candidates, k), frames);
        // Only if nothing moved on meanwhile.
        if (state().edit?.candidates === candidates && currentCandidate(state().edit) === k) {
          store.dispatch({ type: 'sequence', sequence: { latents: r.latents, images: r.images, backdrops: r.backdrops, frames, target: k } });
        }
      } catch (error) {
        store.dispatch({ type: 'sequence-failed', message: friendlyError('sequence', error) });
      }
    })();
    sequenceBusy = run;
    await run;
    sequenceBusy = null;
    // The user may have picked another candidate while this one rendered.
    if (currentCandidate(state().edit) !== k) schedule();
  }

  return { schedule, runAsync, busy: () => sequenceBusy, render };
}
