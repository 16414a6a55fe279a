/** The candidates: picking one (its sequence follows) and Fix (a new batch around the one shown). */
import { candidateLatent, currentCandidate } from '../state/selectors';
import type { EditIntentContext } from './edit-intents';
import type { SequenceScheduler } from './sequence-scheduler';

export function selectCandidate(ctx: Pick<EditIntentContext, 'store' | 'playback'> & { sequence: Pick<SequenceScheduler, 'schedule'> }, index: number, additive: boolean): void {
  ctx.store.dispatch({ type: 'select-candidate', index, additive });
  ctx.playback.stop();
  ctx.sequence.schedule();
}

export async function fixCandidateAsync(ctx: Pick<EditIntentContext, 'store' | 'edits' | 'playback'>): Promise<void> {
  const edit = ctx.store.get().edit;
  const k = currentCandidate(edit);
  if (k === null || !edit?.candidates) return;
  ctx.playback.stop();
  const z = candidateLatent(edit.candidates, k);
  ctx.store.dispatch({ type: 'new-batch' });
  // A resumed edit's candidates are not the engine's batch: send the latent itself.
  await ctx.edits.runAsync(edit.resumed ? { type: 'set-latent', z } : { type: 'fix', index: k });
}
