/** Reset: back to the projection, with no strokes and no candidates until the next stroke or code. */
import type { EditIntentContext } from './edit-intents';

export async function resetEditAsync(ctx: EditIntentContext): Promise<void> {
  const { store } = ctx;
  const edit = store.get().edit;
  if (edit?.status !== 'projected' || !edit.projection) return;
  ctx.edits.cancel();
  ctx.playback.stop();
  store.dispatch({ type: 'reset' });
  await ctx.edits.runAsync({ type: 'start-editing', z: edit.projection.z });
  store.dispatch({ type: 'reset' }); // back to "nothing changed yet": no candidates until a stroke or a code
}
