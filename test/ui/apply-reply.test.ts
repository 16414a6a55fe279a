/** The panel's bounded wait for the main thread's answer to an apply. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { UiToPlugin } from '../../protocol/messages';
import { applyTimeoutMessage, watchApplyReply } from '../../ui/apply-reply';
import { appliedText } from '../../ui/components/app';
import { createStore } from '../../ui/state/store';

afterEach(() => vi.useRealTimers());

describe('waiting for an apply’s answer', () => {
  it('stops waiting after the limit with a clear message, and withdraws the request', () => {
    vi.useFakeTimers();
    const store = createStore();
    const sent: UiToPlugin[] = [];
    store.dispatch({ type: 'apply-start', requestId: 'r1' });
    watchApplyReply(store, (m) => sent.push(m), 'r1', 60_000);
    vi.advanceTimersByTime(59_999);
    expect(store.get().apply.status).toBe('working');
    vi.advanceTimersByTime(1);
    expect(store.get().apply).toMatchObject({ status: 'failed', requestId: 'r1', message: applyTimeoutMessage(60_000) });
    expect(store.get().apply.message).toMatch(/^Figma did not answer within 60 s/);
    expect(sent).toEqual([{ type: 'cancel', requestId: 'r1' }]);
    // The cancel's own reply (the request never arrived, or was withdrawn) keeps the wait's message.
    store.dispatch({ type: 'apply-failed', requestId: 'r1', message: 'Cancelled: nothing was added.' });
    expect(store.get().apply.message).toBe(applyTimeoutMessage(60_000));
    // A late answer still wins: the result was written after all.
    store.dispatch({ type: 'applied', requestId: 'r1', nodeIds: ['9:9'] });
    expect(store.get().apply).toMatchObject({ status: 'done', nodeIds: ['9:9'] });
    // …and the cancel's error reply that follows does not turn it back into a failure.
    store.dispatch({ type: 'apply-failed', requestId: 'r1', message: 'cancel: apply r1 is not waiting to be written' });
    expect(store.get().apply.status).toBe('done');
  });

  it('does nothing when the answer came in time', () => {
    vi.useFakeTimers();
    const store = createStore();
    const sent: UiToPlugin[] = [];
    store.dispatch({ type: 'apply-start', requestId: 'r1' });
    watchApplyReply(store, (m) => sent.push(m), 'r1', 1000);
    store.dispatch({ type: 'applied', requestId: 'r1', nodeIds: ['9:9'], notes: ['“Ada” changed while you were editing; the result is based on the version you started from.'] });
    vi.advanceTimersByTime(5000);
    expect(store.get().apply).toMatchObject({ status: 'done', notes: [expect.stringContaining('changed while you were editing')] });
    expect(sent).toEqual([]);
  });

  it('an error reply under the requestId ends the wait at once (the main thread echoes it)', () => {
    const store = createStore();
    store.dispatch({ type: 'apply-start', requestId: 'r1' });
    store.dispatch({ type: 'apply-failed', requestId: 'r1', message: 'main thread rejected a message: apply.results[0].width' });
    expect(store.get().apply).toMatchObject({ status: 'failed', requestId: 'r1' });
  });

  it('the panel shows the main thread’s notes in full under the apply', () => {
    const store = createStore();
    const note = '“Ada” changed while you were editing; the result is based on the version you started from.';
    store.dispatch({ type: 'apply-start', requestId: 'r1' });
    store.dispatch({ type: 'applied', requestId: 'r1', nodeIds: ['9:9'], notes: [note] });
    expect(appliedText(store.get().apply)).toBe(`Added 1 layer beside the original. ⌘Z in Figma removes it. ${note}`);
  });
});
