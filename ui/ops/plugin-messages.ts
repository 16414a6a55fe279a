/** The main thread's messages to the panel, turned into store events (and selection handling). */
import type { PluginToUi, SelectionState } from '../../protocol/messages';
import { friendlyError } from '../friendly-error';
import type { Store } from '../state/store';

export interface PluginMessageContext {
  store: Store;
  selectionChangedAsync(selection: SelectionState): Promise<void>;
}

export async function handlePluginMessageAsync(ctx: PluginMessageContext, msg: PluginToUi): Promise<void> {
  const { store } = ctx;
  switch (msg.type) {
    case 'selection':
      await ctx.selectionChangedAsync(msg.selection);
      return;
    case 'removed':
      store.dispatch({ type: 'results-removed', nodeIds: msg.nodeIds });
      return;
    case 'applied':
      store.dispatch({ type: 'applied', requestId: msg.requestId, nodeIds: msg.nodeIds, ...(msg.notes ? { notes: msg.notes } : {}) });
      return;
    case 'error':
      if (msg.requestId) store.dispatch({ type: 'apply-failed', requestId: msg.requestId, message: friendlyError('write', msg.message) });
      else store.dispatch({ type: 'error', message: msg.message });
      return;
    default:
      return;
  }
}
