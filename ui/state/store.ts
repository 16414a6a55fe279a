/** The store the controller dispatches to and the panel subscribes to; the state changes in reduce.ts. */
import type { PanelEvent } from './panel-events';
import { initialState, type PanelState } from './panel-state';
import { reduce } from './reduce';

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
      const next = reduce(state, event);
      if (next === state) return;
      state = next;
      for (const l of listeners) l(state);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
