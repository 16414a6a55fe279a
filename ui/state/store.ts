/**
 * Panel state as a plain reducer: events in, state out. Preact only draws it, so the
 * panel's behaviour can be tested by sending events (test/unit/ui-store.test.ts).
 */
import type { AssetInfo, SelectionState } from '../../protocol/messages';
import type { Capabilities } from '../capabilities';

export interface PanelState {
  command: string;
  assets: { expected: AssetInfo[]; received: string[]; status: 'waiting' | 'loading' | 'ready' | 'failed'; error?: string };
  caps: Capabilities | null;
  /** null until the main thread has told us. */
  selection: SelectionState | null;
  apply: { status: 'idle' | 'working' | 'done' | 'failed'; requestId?: string; message?: string; nodeIds?: string[] };
  /** The last message the host or the panel rejected. */
  lastError: string | null;
}

export type PanelEvent =
  | { type: 'init'; command: string; assets: AssetInfo[] }
  | { type: 'asset-received'; name: string }
  | { type: 'assets-failed'; error: string }
  | { type: 'caps'; caps: Capabilities }
  | { type: 'selection'; selection: SelectionState }
  | { type: 'apply-start'; requestId: string }
  | { type: 'applied'; requestId: string; nodeIds: string[] }
  | { type: 'apply-failed'; requestId?: string; message: string }
  | { type: 'error'; message: string };

export const initialState: PanelState = {
  command: '',
  assets: { expected: [], received: [], status: 'waiting' },
  caps: null,
  selection: null,
  apply: { status: 'idle' },
  lastError: null,
};

export function reduce(state: PanelState, event: PanelEvent): PanelState {
  switch (event.type) {
    case 'init':
      return { ...state, command: event.command, assets: { expected: event.assets, received: [], status: event.assets.length ? 'loading' : 'ready' } };
    case 'asset-received': {
      const received = [...state.assets.received, event.name];
      const status = received.length >= state.assets.expected.length ? 'ready' : 'loading';
      return { ...state, assets: { ...state.assets, received, status } };
    }
    case 'assets-failed':
      return { ...state, assets: { ...state.assets, status: 'failed', error: event.error } };
    case 'caps':
      return { ...state, caps: event.caps };
    case 'selection': {
      // Selecting something else clears the outcome of the last apply; the result itself
      // (which the main thread selects after writing it) keeps it on screen.
      const sel = event.selection;
      const isResult = sel.kind === 'image' && (state.apply.nodeIds ?? []).includes(sel.image.nodeId);
      const apply = state.apply.status === 'working' || isResult ? state.apply : { status: 'idle' as const };
      return { ...state, selection: event.selection, apply };
    }
    case 'apply-start':
      return { ...state, apply: { status: 'working', requestId: event.requestId } };
    case 'applied':
      if (state.apply.requestId !== event.requestId) return state;
      return { ...state, apply: { status: 'done', requestId: event.requestId, nodeIds: event.nodeIds } };
    case 'apply-failed':
      if (event.requestId !== undefined && state.apply.requestId !== event.requestId) return state;
      return { ...state, apply: { status: 'failed', requestId: event.requestId, message: event.message } };
    case 'error':
      return { ...state, lastError: event.message };
  }
}

export interface Store {
  get(): PanelState;
  dispatch(event: PanelEvent): void;
  subscribe(listener: (state: PanelState) => void): () => void;
}

export function createStore(state: PanelState = initialState): Store {
  const listeners = new Set<(state: PanelState) => void>();
  return {
    get: () => state,
    dispatch(event) {
      state = reduce(state, event);
      for (const l of listeners) l(state);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
