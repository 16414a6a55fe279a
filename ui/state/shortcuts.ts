/**
 * Keyboard shortcuts, as a pure function of the key, the state and the controller's intents
 * (tested without a DOM). Every shortcut has a button too.
 */
import type { Controller } from '../controller';
import type { PanelEvent } from './panel-events';
import { WIDTH_RANGE, type PanelState, type Tool } from './panel-state';
import { canApply, shownCandidates } from './selectors';

export const TOOL_KEYS: Record<string, Tool> = { b: 'color', s: 'sketch', w: 'warp', e: 'eraser' };

export interface KeyLike {
  key: string;
  metaKey?: boolean;
  ctrlKey?: boolean;
  shiftKey?: boolean;
  altKey?: boolean;
  /** A key held down repeats its keydown. */
  repeat?: boolean;
  target?: unknown;
}

/** The key that shows the model's view while it is held (the canvas's toggle says so). */
export const MODEL_VIEW_KEY = 'm';

/** A key let go: the model's view ends when its key is released. */
export function handleShortcutUp(e: KeyLike, state: PanelState, controller: Controller): boolean {
  if (e.key.toLowerCase() !== MODEL_VIEW_KEY || !state.view.peek) return false;
  controller.setModelView(false, true);
  return true;
}

function isTyping(target: unknown): boolean {
  const el = target as { tagName?: string; type?: string; isContentEditable?: boolean } | null | undefined;
  if (!el) return false;
  if (el.tagName === 'INPUT') return !['range', 'color', 'checkbox', 'radio', 'button'].includes(el.type ?? '');
  return el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable === true;
}

/** Keyboard shortcuts; every one has a button too. */
export function handleShortcut(e: KeyLike, state: PanelState, controller: Controller, dispatch: (e: PanelEvent) => void): boolean {
  if (isTyping(e.target)) return false;
  const mod = e.metaKey || e.ctrlKey;
  const key = e.key.toLowerCase();
  const edit = state.edit;
  const projected = edit?.status === 'projected';
  if (mod && key === 'z') {
    if (!projected) return false;
    if (e.shiftKey) controller.redo();
    else controller.undo();
    return true;
  }
  if (mod && key === 'y' && projected) return controller.redo(), true;
  if (mod && key === 'enter') {
    if (canApply(state)) void controller.apply();
    return true;
  }
  if (mod || e.altKey) return false;
  if (key === 'p' && edit && !projected) return void controller.project(), true;
  if (!projected) return false;
  const tool = TOOL_KEYS[key];
  if (tool) return dispatch({ type: 'tool', tool }), true;
  const isButton = (e.target as { tagName?: string } | null | undefined)?.tagName === 'BUTTON';
  switch (key) {
    case 'i':
      dispatch({ type: 'eyedropper', on: !state.brush.eyedropper });
      return true;
    case 'o':
      dispatch({ type: 'overlay', on: !state.brush.overlay });
      return true;
    case MODEL_VIEW_KEY:
      if (!e.repeat) controller.setModelView(true, true);
      return true;
    case '[':
      dispatch({ type: 'width', width: Math.max(WIDTH_RANGE[0], state.brush.width - 1) });
      return true;
    case ']':
      dispatch({ type: 'width', width: state.brush.width + 1 });
      return true;
    case ' ':
      if (isButton) return false; // Space presses the focused button
      controller.play(!edit.playing);
      return true;
    case 'f':
      void controller.fix();
      return true;
    case 'r':
      void controller.reset();
      return true;
    case 'escape':
      if (state.brush.eyedropper) dispatch({ type: 'eyedropper', on: false });
      return true;
  }
  if (/^[1-9]$/.test(key)) {
    const k = shownCandidates(edit.candidates)[Number(key) - 1];
    if (k !== undefined) controller.selectCandidate(k, e.shiftKey === true);
    return true;
  }
  return false;
}

