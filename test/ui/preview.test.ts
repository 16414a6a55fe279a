/**
 * Issue 17: the canvas's preview of Apply. Which preview the edit wants (preview-target.ts), the
 * previewer's lifecycle (one in flight, cancelled by the next want, every preview kept per key and
 * frame) and its wiring to the store (watch-preview.ts), without a worker.
 */
import { describe, expect, it } from 'vitest';
import { createPreviewer } from '../../ui/preview/previewer';
import { previewTarget, previewUpdating, type PreviewTarget } from '../../ui/preview/preview-target';
import { watchPreview } from '../../ui/preview/watch-preview';
import { handleShortcut, handleShortcutUp } from '../../ui/state/shortcuts';
import type { PanelState, Sequence } from '../../ui/state/panel-state';
import { reduce } from '../../ui/state/reduce';
import { createStore } from '../../ui/state/store';
import type { Controller } from '../../ui/controller';
import type { ComputeWorker } from '../../ui/worker/client';
import type { Rgba } from '../../ui/worker/protocol';
import { candidates, projectedState, R, run } from './fixtures';

const sequence = (target = 0, frames = 4): Sequence => ({ latents: new Float32Array(frames * 5), images: new Uint8ClampedArray(frames * R * R * 4).fill(target), frames, target });
const stroke = { kind: 'color' as const, points: [[1, 1]] as [number, number][], width: 2, color: [255, 0, 0] as [number, number, number] };

/** Projected, one stroke, final candidates, the sequence to candidate 0. */
function settled(): PanelState {
  return run([{ type: 'stroke', stroke }, { type: 'edit-start' }, { type: 'candidates', candidates: candidates(3, [0, 1, 2]), codes: {} }, { type: 'sequence', sequence: sequence(0) }], projectedState());
}

const img = (v: number): Rgba => ({ width: 2, height: 2, data: new Uint8ClampedArray(16).fill(v) });
const target = (key: string, frame = 3): PreviewTarget => ({ key, sourceKey: 's', frame, sequence: sequence(), strokes: [] });

/** A render the test settles by hand. */
function deferredRenders() {
  const calls: { target: PreviewTarget; signal: AbortSignal; resolve(i: Rgba): void; reject(e: unknown): void }[] = [];
  const renderAsync = (t: PreviewTarget, signal: AbortSignal) => new Promise<Rgba>((resolve, reject) => {
    calls.push({ target: t, signal, resolve, reject });
    signal.addEventListener('abort', () => { const e = new Error('cancelled'); e.name = 'AbortError'; reject(e); });
  });
  return { calls, renderAsync };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('previewTarget', () => {
  it('wants the last frame of the chosen candidate’s sequence once the candidates settle', () => {
    const s = settled();
    const t = previewTarget(s.edit)!;
    expect(t).toMatchObject({ frame: 3, sourceKey: '1:2@', strokes: [stroke] });
    expect(t.sequence).toBe(s.edit!.sequence);
    // the slider's frame; frame 00 is the layer itself (nothing to render)
    expect(previewTarget(reduce(s, { type: 'frame', frame: 2 }).edit)).toMatchObject({ key: t.key, frame: 2 });
    expect(previewTarget(reduce(s, { type: 'frame', frame: 0 }).edit)).toBeNull();
  });

  it('wants nothing while the candidates move, or once a stroke was added over an old sequence', () => {
    const s = settled();
    expect(previewTarget(reduce(s, { type: 'edit-start' }).edit)).toBeNull();
    expect(previewTarget(reduce(s, { type: 'stroke', stroke }).edit)).toBeNull();
    // and the canvas says it is being brought up to date
    expect(previewUpdating(reduce(s, { type: 'stroke', stroke }).edit)).toBe(true);
  });

  it('keys the estimation by the sequence and the strokes: a new sequence is a new key, the same one the same', () => {
    const s = settled();
    const a = previewTarget(s.edit)!;
    expect(previewTarget({ ...s.edit! })!.key).toBe(a.key);
    const other = reduce(s, { type: 'sequence', sequence: sequence(1) });
    expect(previewTarget(other.edit)!.key).not.toBe(a.key);
    // a code moved: the edit is global, no strokes confine it (as Apply does)
    const coded = reduce(s, { type: 'code', name: 'Smile', value: 0.9 });
    expect(previewTarget(coded.edit)!.strokes).toEqual([]);
  });

  it('is up to date once the preview for its key and frame is in the store', () => {
    const s = settled();
    const t = previewTarget(s.edit)!;
    expect(previewUpdating(s.edit)).toBe(true);
    const shown = reduce(s, { type: 'preview', key: t.key, frame: t.frame, image: img(1) });
    expect(previewUpdating(shown.edit)).toBe(false);
    expect(previewUpdating(reduce(shown, { type: 'frame', frame: 1 }).edit)).toBe(true);
    expect(previewUpdating(reduce(s, { type: 'preview-failed', key: t.key, message: 'no' }).edit)).toBe(false);
  });
});

describe('createPreviewer', () => {
  it('cancels the preview in flight when another is wanted; the cancelled one is never shown', async () => {
    const { calls, renderAsync } = deferredRenders();
    const shown: string[] = [];
    const p = createPreviewer({ renderAsync, onImage: (t) => shown.push(`${t.key}@${t.frame}`), onError: () => shown.push('error') });
    p.show(target('a'));
    p.show(target('a')); // the same again: not started twice
    expect(calls).toHaveLength(1);
    p.show(target('b'));
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(p.inFlight).toEqual({ key: 'b', frame: 3 });
    calls[0]!.resolve(img(1)); // too late: it was cancelled
    calls[1]!.resolve(img(2));
    await tick();
    expect(shown).toEqual(['b@3']);
    expect(p.inFlight).toBeNull();
  });

  it('stops when nothing is wanted (a stroke), and says nothing of the cancel', async () => {
    const { calls, renderAsync } = deferredRenders();
    const shown: string[] = [];
    const p = createPreviewer({ renderAsync, onImage: (t) => shown.push(t.key), onError: () => shown.push('error') });
    p.show(target('a'));
    p.show(null);
    expect(calls[0]!.signal.aborted).toBe(true);
    await tick();
    expect(shown).toEqual([]);
  });

  it('makes each frame once: a scrubbed frame or a candidate chosen again comes from the cache', async () => {
    const { calls, renderAsync } = deferredRenders();
    const shown: number[] = [];
    const p = createPreviewer({ renderAsync, onImage: (_t, i) => shown.push(i.data[0]!), onError: () => undefined, keep: 2 });
    p.show(target('a', 3));
    calls[0]!.resolve(img(3));
    await tick();
    p.show(target('a', 1));
    calls[1]!.resolve(img(1));
    await tick();
    p.show(target('a', 3));
    p.show(target('a', 1));
    expect(calls).toHaveLength(2);
    expect(shown).toEqual([3, 1, 3, 1]);
    // only the last `keep` keys are kept
    p.show(target('b'));
    calls[2]!.resolve(img(5));
    await tick();
    p.show(target('c'));
    calls[3]!.resolve(img(6));
    await tick();
    p.show(target('a', 3));
    expect(calls).toHaveLength(5);
  });

  it('reports a failure (not a cancel) once', async () => {
    const { calls, renderAsync } = deferredRenders();
    const errors: unknown[] = [];
    const p = createPreviewer({ renderAsync, onImage: () => undefined, onError: (_t, e) => errors.push(e) });
    p.show(target('a'));
    calls[0]!.reject(new Error('out of memory'));
    await tick();
    expect(errors).toHaveLength(1);
  });
});

describe('watchPreview', () => {
  it('asks the worker for the preview when the candidates settle, cancels it on a stroke, and puts the result in the store', async () => {
    const store = createStore(projectedState());
    const asked: { key: string; frame: number; signal: AbortSignal; resolve(i: Rgba): void }[] = [];
    const request = ((body: { type: 'preview'; key: string; frame: number; prepare?: { frames: number; strokes: unknown[] } }, o: { signal: AbortSignal }) => new Promise((resolve) => {
      expect(body.prepare?.frames).toBe(4);
      asked.push({ key: body.key, frame: body.frame, signal: o.signal, resolve: (image) => resolve({ type: 'previewed', key: body.key, frame: body.frame, image }) });
    })) as unknown as ComputeWorker['request'];
    watchPreview(store, request, 32);
    for (const e of [{ type: 'stroke', stroke }, { type: 'edit-start' }, { type: 'candidates', candidates: candidates(3, [0, 1, 2]), codes: {} }, { type: 'sequence', sequence: sequence(0) }] as const) store.dispatch(e);
    expect(asked).toHaveLength(1);
    // a new stroke: the preview in flight stops
    store.dispatch({ type: 'stroke', stroke });
    expect(asked[0]!.signal.aborted).toBe(true);
    // the next batch settles: its preview is asked for and shown
    store.dispatch({ type: 'edit-start' });
    store.dispatch({ type: 'candidates', candidates: candidates(3, [1, 0, 2]), codes: {} });
    store.dispatch({ type: 'sequence', sequence: sequence(1) });
    expect(asked).toHaveLength(2);
    asked[1]!.resolve(img(7));
    await tick();
    expect(store.get().edit!.preview).toMatchObject({ key: asked[1]!.key, frame: 3 });
    expect(previewUpdating(store.get().edit)).toBe(false);
  });
});

describe('the model’s view', () => {
  const calls: string[] = [];
  const controller = { setModelView: (on: boolean, held?: boolean) => calls.push(`${on}${held ? ' held' : ''}`) } as unknown as Controller;
  it('is a toggle in the state, and M held peeks at it until released', () => {
    let s = reduce(settled(), { type: 'model-view', on: true });
    expect(s.view).toEqual({ model: true, peek: false });
    s = reduce(s, { type: 'model-view', on: true, held: true });
    expect(s.view).toEqual({ model: true, peek: true });
    expect(handleShortcut({ key: 'm' }, settled(), controller, () => undefined)).toBe(true);
    expect(handleShortcut({ key: 'm', repeat: true }, settled(), controller, () => undefined)).toBe(true);
    expect(handleShortcutUp({ key: 'm' }, reduce(settled(), { type: 'model-view', on: true, held: true }), controller)).toBe(true);
    expect(calls).toEqual(['true held', 'false held']);
  });
});

describe('the worker’s PreviewCache', () => {
  const R2 = 16, W2 = 48;
  const original = (): Rgba => {
    const data = new Uint8ClampedArray(W2 * W2 * 4);
    for (let p = 0; p < W2 * W2; p++) data.set([(p * 7) % 255, 120, (p >> 4) % 255, 255], p * 4);
    return { width: W2, height: W2, data };
  };
  /** Frames brightening step by step (RGBA, 4 frames of R2²). */
  const images = () => {
    const out = new Uint8ClampedArray(4 * R2 * R2 * 4);
    for (let k = 0; k < 4; k++) for (let p = 0; p < R2 * R2; p++) out.set([100 + 20 * k, 100, 100 - 10 * k, 255], (k * R2 * R2 + p) * 4);
    return out;
  };
  const request = (key: string, frame: number, maxSide = 24) => ({
    id: 1, type: 'preview' as const, key, sourceKey: 'layer@1', frame, maxSide,
    prepare: { images: images(), frames: 4, bytes: new Uint8Array([1]), mime: 'image/png', mapping: { resolution: R2, sourceWidth: W2, sourceHeight: W2, scale: R2 / W2, offsetX: 0, offsetY: 0 }, pixelRange: [-1, 1] as [number, number], strokes: [], reshaped: false, colours: [] },
  });

  it('decodes the layer once, estimates once per key, and renders frames at the preview size', async () => {
    const { PreviewCache } = await import('../../ui/worker/preview-cache');
    let decodes = 0, estimations = 0;
    const { estimateStep } = await import('../../engine/transfer');
    const cache = new PreviewCache({
      decodeAsync: async () => (decodes++, original()),
      estimateSteps: () => async (pairs, size, o) => (estimations++, pairs.map(([a, b]) => estimateStep(a, b, size, o))),
    });
    const signal = new AbortController().signal;
    const last = await cache.renderAsync(request('a', 3), signal);
    expect([last.width, last.height]).toEqual([24, 24]);
    const mid = await cache.renderAsync(request('a', 1), signal);
    await cache.renderAsync({ ...request('a', 2), prepare: undefined }, signal); // a scrubbed frame needs no frames sent
    expect(estimations).toBe(1);
    expect(decodes).toBe(1);
    // frame 1 of 3 is a third of the way: less changed than the last
    const change = (img: Rgba) => img.data.reduce((s, v, i) => s + Math.abs(v - last.data[i]!), 0);
    expect(change(mid)).toBeGreaterThan(0);
    await cache.renderAsync(request('b', 3), signal);
    expect(estimations).toBe(2);
    await expect(cache.renderAsync({ ...request('c', 3), prepare: undefined }, signal)).rejects.toThrow(/nothing estimated under c/);
    const aborted = new AbortController();
    aborted.abort();
    await expect(cache.renderAsync(request('d', 3), aborted.signal)).rejects.toBeTruthy();
  });

  it('starts from the layer the worker decoded for the panel when the bytes are the same, else decodes them', async () => {
    const { PreviewCache } = await import('../../ui/worker/preview-cache');
    let decodes = 0;
    const cache = new PreviewCache({ decodeAsync: async () => (decodes++, original()) });
    const signal = new AbortController().signal;
    const img = original();
    cache.rememberDecoded(new Uint8Array([1]), img);
    const fromKept = await cache.renderAsync(request('a', 3), signal);
    expect(decodes).toBe(0);
    // Another layer's bytes: decoded, and a fresh decode of the first gives the same preview.
    cache.rememberDecoded(new Uint8Array([2]), img);
    await cache.renderAsync({ ...request('b', 3), sourceKey: 'layer@2' }, signal);
    expect(decodes).toBe(1);
    const fromDecode = await cache.renderAsync({ ...request('c', 3), sourceKey: 'layer@3' }, signal);
    expect(decodes).toBe(2);
    expect(fromDecode.data).toEqual(fromKept.data);
  });
});
