/** The codes (InfoGAN's sliders and categories): each change makes a new batch around the moved z0. */
import type { EditIntentContext } from './edit-intents';

export type CodeChange = { set: number } | { category: number };

/** A code setter with its own throttle (sliders fire while dragging). */
export function createCodeSetter(ctx: Pick<EditIntentContext, 'store' | 'edits'>): (name: string, change: CodeChange) => void {
  const { store } = ctx;
  let codeTimer: ReturnType<typeof setTimeout> | undefined;
  return (name, change) => {
    const value = 'set' in change ? change.set : change.category;
    // The batch in flight started from the old codes, and its answers carry them: drop it now, not when the
    // throttled request below goes out, or its late answers move the slider back under the designer's hand.
    ctx.edits.cancel();
    store.dispatch({ type: 'code', name, value });
    // A new batch around the moved z0: the canvas follows its best candidate, not an old index.
    store.dispatch({ type: 'new-batch' });
    store.dispatch({ type: 'edit-start' }); // optimising from now: the candidates on screen are about to change
    // Sliders fire while dragging: send the latest value at most every 150 ms.
    clearTimeout(codeTimer);
    codeTimer = setTimeout(() => void ctx.edits.runAsync({ type: 'set-code', change: { code: name, ...change } }), 'set' in change ? 150 : 0);
  };
}
