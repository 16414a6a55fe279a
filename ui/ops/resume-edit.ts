/**
 * Resume: a kept edit (issue 16: each layer's edit lives while the plugin is open) is on screen
 * again. The store brought back its projection, strokes, candidates and codes; the engine's edit
 * session is seeded with its z0 so the next stroke, code or Fix goes on from there.
 */
import type { EngineClient } from '../../engine/worker/engine-client';
import { friendlyError } from '../friendly-error';
import { isAbort } from './is-abort';
import type { EditState } from '../state/panel-state';
import type { Store } from '../state/store';

export interface ResumeContext {
  store: Store;
  engine: Pick<EngineClient, 'request'>;
  /** Waits until the engine finished what was cancelled. */
  editsIdleAsync(): Promise<void>;
  /** Re-runs the strokes of the edit on screen. */
  sendStrokes(): void;
  /** Tells the controller the engine's z0 (to start it again elsewhere if the GPU is lost). */
  engineZ0(z: Float32Array): void;
}

/**
 * The candidates on screen stay (Fix then sends a candidate's latent: the engine's batch is a new
 * one), and strokes whose optimisation was cut short by the switch run again.
 */
export async function resumeEditAsync(edit: EditState, ctx: ResumeContext): Promise<void> {
  const { store } = ctx;
  const onScreen = () => store.get().edit?.nodeId === edit.nodeId;
  if (!edit.projection || store.get().engine.status !== 'ready') return;
  await ctx.editsIdleAsync();
  if (!onScreen()) return;
  const z0 = edit.z0 ?? edit.projection.z;
  try {
    await ctx.engine.request({ type: 'start-editing', z: z0 });
    ctx.engineZ0(z0.slice());
  } catch (error) {
    if (!isAbort(error)) store.dispatch({ type: 'edit-failed', message: friendlyError('edit', error) });
    return;
  }
  if (!onScreen()) return;
  store.dispatch({ type: 'resumed' });
  if (edit.strokes.length && !edit.candidates?.final) ctx.sendStrokes();
}
