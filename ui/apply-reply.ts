/**
 * The panel's bounded wait for the main thread's answer to an apply. The main thread answers
 * every apply (`applied`, or `error` with its requestId); if none comes — a main thread that
 * crashed or an older build — the panel says so instead of showing “Applying…” for ever, and
 * withdraws the request (a late `applied` still wins: the store takes it).
 */
import type { UiToPlugin } from '../protocol/messages';
import type { Store } from './state/store';

/** Writing 16 frames at 4096 px takes Figma seconds, not minutes. */
export const APPLY_REPLY_TIMEOUT_MS = 60_000;

export function applyTimeoutMessage(ms: number): string {
  return `Figma did not answer within ${Math.round(ms / 1000)} s, so the panel stopped waiting. Look at the canvas: if the result is not there, apply again.`;
}

/** After `ms`, fails the apply `requestId` if it is still waiting, and withdraws it. Returns a cancel. */
export function watchApplyReply(store: Store, send: (msg: UiToPlugin) => void, requestId: string, ms: number): () => void {
  const timer = setTimeout(() => {
    const apply = store.get().apply;
    if (apply.status !== 'working' || apply.requestId !== requestId) return;
    store.dispatch({ type: 'apply-failed', requestId, message: applyTimeoutMessage(ms) });
    send({ type: 'cancel', requestId });
  }, ms);
  return () => clearTimeout(timer);
}
