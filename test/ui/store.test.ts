import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../ui/state/colours';
import { initialState, MAX_RECENT_COLOURS, MAX_SHOWN_CANDIDATES, type PanelStroke } from '../../ui/state/panel-state';
import { reduce } from '../../ui/state/reduce';
import { canApply, canvasImage, currentCandidate, shownCandidates } from '../../ui/state/selectors';
import { createStore } from '../../ui/state/store';
import { candidates, image, pack, projectedState, projection, R, run } from './fixtures';

const red: PanelStroke = { kind: 'color', points: [[1, 1], [3, 1]], width: 2, color: [255, 0, 0] };
const sketch: PanelStroke = { kind: 'sketch', points: [[0, 0], [2, 2]], width: 1 };

describe('engine and packs', () => {
  it('lists the streamed packs and starts with none when the build has none', () => {
    const s = run([{ type: 'init', command: '', assets: [
      { name: 'ort/x.wasm', kind: 'ort-wasm', bytes: 1, gzipBytes: 1, chunks: 1 },
      { name: 'packs/a/pack.json', kind: 'pack-file', packId: 'a', bytes: 1, gzipBytes: 1, chunks: 1 },
      { name: 'packs/a/weights.bin', kind: 'pack-file', packId: 'a', bytes: 1, gzipBytes: 1, chunks: 1 },
      { name: 'packs/b/pack.json', kind: 'pack-file', packId: 'b', bytes: 1, gzipBytes: 1, chunks: 1 },
    ] }]);
    expect(s.engine).toMatchObject({ status: 'waiting', packs: ['a', 'b'] });
    expect(run([{ type: 'init', command: '', assets: [] }]).engine.status).toBe('none');
  });

  it('goes loading → ready with the backend, and a failure keeps its message', () => {
    let s = run([{ type: 'engine-loading', packId: 'tiny' }]);
    expect(s.engine).toMatchObject({ status: 'loading', packId: 'tiny', pack: null });
    s = reduce(s, { type: 'engine-ready', pack, backend: 'webgpu' });
    expect(s.engine).toMatchObject({ status: 'ready', backend: 'webgpu', packId: 'tiny' });
    s = reduce(s, { type: 'engine-failed', message: 'The model could not start. (boom)' });
    expect(s.engine).toMatchObject({ status: 'failed', error: 'The model could not start. (boom)' });
  });

  it('switching packs drops the projection (it belongs to the old model) but keeps the decoded layer', () => {
    let s = projectedState();
    s = reduce(s, { type: 'decoded', nodeId: '1:2', pixels: { width: 1, height: 1, data: new Uint8ClampedArray(4) } });
    s = reduce(s, { type: 'engine-loading', packId: 'other' });
    expect(s.edit).toMatchObject({ status: 'idle', projection: null, strokes: [] });
    expect(s.edit?.pixels?.width).toBe(1);
  });
});

describe('selection', () => {
  it('starts a new edit for a new layer and keeps it for the same layer', () => {
    let s = projectedState('1:2');
    s = reduce(s, { type: 'stroke', stroke: red });
    s = reduce(s, { type: 'selection', selection: { kind: 'image', image: image('1:2') } });
    expect(s.edit?.strokes).toHaveLength(1);
    s = reduce(s, { type: 'selection', selection: { kind: 'image', image: image('3:4') } });
    expect(s.edit).toMatchObject({ nodeId: '3:4', status: 'idle', strokes: [] });
    s = reduce(s, { type: 'selection', selection: { kind: 'none' } });
    expect(s.edit).toBeNull();
  });

  it('keeps the edit going when the applied result becomes the selection', () => {
    let s = projectedState('1:2');
    s = run([{ type: 'stroke', stroke: red }, { type: 'apply-start', requestId: 'r1' }, { type: 'applied', requestId: 'r1', nodeIds: ['9:9'] }], s);
    s = reduce(s, { type: 'selection', selection: { kind: 'image', image: image('9:9') } });
    expect(s.edit).toMatchObject({ nodeId: '1:2', status: 'projected' });
    expect(s.apply.status).toBe('done');
    s = reduce(s, { type: 'selection', selection: { kind: 'none' } });
    expect(s.apply.status).toBe('idle');
  });

  it('ignores a decode answer for a layer that is no longer selected', () => {
    let s = run([{ type: 'selection', selection: { kind: 'image', image: image('1:2') } }, { type: 'selection', selection: { kind: 'image', image: image('5:5') } }]);
    s = reduce(s, { type: 'decoded', nodeId: '1:2', pixels: { width: 1, height: 1, data: new Uint8ClampedArray(4) } });
    expect(s.edit?.pixels).toBeNull();
    s = reduce(s, { type: 'decode-failed', nodeId: '5:5', message: 'This layer’s image could not be read.' });
    expect(s.edit).toMatchObject({ status: 'failed', projectError: 'This layer’s image could not be read.' });
  });
});

describe('projection', () => {
  it('reports progress, then the reconstruction with its error and the codes', () => {
    let s = run([{ type: 'selection', selection: { kind: 'image', image: image() } }, { type: 'project-start' }, { type: 'project-progress', done: 5, total: 20, pixelError: 0.2 }]);
    expect(s.edit).toMatchObject({ status: 'projecting', progress: { done: 5, total: 20, pixelError: 0.2 } });
    s = reduce(s, { type: 'projected', projection: projection() });
    expect(s.edit).toMatchObject({ status: 'projected', progress: null, codes: { Hair: 0, Smile: 0.3 } });
    expect(s.edit?.projection?.pixelError).toBe(0.04);
  });

  it('shows a failure where it happened, and a late answer after failure is ignored', () => {
    let s = run([{ type: 'selection', selection: { kind: 'image', image: image() } }, { type: 'project-start' }, { type: 'project-failed', message: 'nope' }]);
    expect(s.edit).toMatchObject({ status: 'failed', projectError: 'nope' });
    s = reduce(s, { type: 'projected', projection: projection() });
    expect(s.edit?.status).toBe('failed');
  });

  it('ignores strokes before the projection', () => {
    const s = run([{ type: 'selection', selection: { kind: 'image', image: image() } }, { type: 'stroke', stroke: red }]);
    expect(s.edit?.strokes).toEqual([]);
  });
});

describe('strokes, undo and redo', () => {
  it('undoes and redoes strokes in order; a new stroke clears redo', () => {
    let s = run([{ type: 'stroke', stroke: red }, { type: 'stroke', stroke: sketch }], projectedState());
    s = reduce(s, { type: 'undo-stroke' });
    expect(s.edit?.strokes).toEqual([red]);
    expect(s.edit?.redo).toEqual([sketch]);
    s = reduce(s, { type: 'undo-stroke' });
    s = reduce(s, { type: 'undo-stroke' }); // nothing left: no change
    expect(s.edit?.strokes).toEqual([]);
    s = reduce(s, { type: 'redo-stroke' });
    expect(s.edit?.strokes).toEqual([red]);
    s = reduce(s, { type: 'stroke', stroke: sketch });
    expect(s.edit?.redo).toEqual([]);
  });
});

describe('brushes', () => {
  it('keeps recent colours, newest first, without repeats, at most 8', () => {
    let s = initialState;
    for (let i = 0; i < 10; i++) s = reduce(s, { type: 'color', color: [i, 0, 0] });
    s = reduce(s, { type: 'color', color: [5, 0, 0] });
    expect(s.brush.recent[0]).toBe('#050000');
    expect(s.brush.recent).toHaveLength(MAX_RECENT_COLOURS);
    expect(new Set(s.brush.recent).size).toBe(s.brush.recent.length);
  });

  it('a picked colour ends the eyedropper and selects the colour brush', () => {
    const s = run([{ type: 'tool', tool: 'warp' }, { type: 'eyedropper', on: true }, { type: 'color', color: [1, 2, 3] }]);
    expect(s.brush).toMatchObject({ tool: 'color', eyedropper: false, color: [1, 2, 3] });
  });

  it('clamps the width and round-trips hex colours', () => {
    expect(run([{ type: 'width', width: 99 }]).brush.width).toBe(24);
    expect(run([{ type: 'width', width: 0 }]).brush.width).toBe(1);
    expect(toHex([255, 0, 16])).toBe('#ff0010');
    expect(fromHex('#FF0010')).toEqual([255, 0, 16]);
    expect(fromHex('red')).toBeNull();
  });
});

describe('candidates', () => {
  it('shows at most 16 kept candidates best first, live while optimising', () => {
    let s = reduce(projectedState(), { type: 'edit-start' });
    expect(s.edit?.optimising).toBe(true);
    const order = Array.from({ length: 20 }, (_, i) => 19 - i);
    s = reduce(s, { type: 'candidates', candidates: candidates(20, order, false, 3), codes: {} });
    expect(s.edit?.optimising).toBe(true);
    expect(shownCandidates(s.edit!.candidates)).toHaveLength(MAX_SHOWN_CANDIDATES);
    expect(currentCandidate(s.edit)).toBe(19);
    s = reduce(s, { type: 'candidates', candidates: candidates(20, order), codes: { Hair: 1, Smile: 0 } });
    expect(s.edit).toMatchObject({ optimising: false, codes: { Hair: 1, Smile: 0 } });
  });

  it('keeps the chosen candidate across updates and shows it on the canvas', () => {
    let s = reduce(projectedState(), { type: 'candidates', candidates: candidates(4, [2, 0, 1]), codes: {} });
    expect(canvasImage(s.edit, R)?.[0]).toBe(2);
    s = reduce(s, { type: 'select-candidate', index: 1 });
    expect(canvasImage(s.edit, R)?.[0]).toBe(1);
    s = reduce(s, { type: 'candidates', candidates: candidates(4, [0, 1, 2]), codes: {} });
    expect(currentCandidate(s.edit)).toBe(1);
    // A smaller batch (after fix) forgets a choice that no longer exists.
    s = reduce(s, { type: 'select-candidate', index: 3 });
    s = reduce(s, { type: 'candidates', candidates: candidates(2, [1, 0]), codes: {} });
    expect(currentCandidate(s.edit)).toBe(1);
    expect(s.edit?.selected).toBeNull();
  });

  it('picks several candidates with additive selection', () => {
    let s = reduce(projectedState(), { type: 'candidates', candidates: candidates(4, [0, 1, 2, 3]), codes: {} });
    s = run([{ type: 'select-candidate', index: 1 }, { type: 'select-candidate', index: 3, additive: true }, { type: 'select-candidate', index: 2, additive: true }, { type: 'select-candidate', index: 3, additive: true }], s);
    expect(s.edit?.picked).toEqual([1, 2]);
    expect(s.edit?.selected).toBe(3);
  });

  it('shows the projection before any candidate and an error where the edit failed', () => {
    let s = projectedState();
    expect(canvasImage(s.edit, R)?.[0]).toBe(100);
    s = run([{ type: 'edit-start' }, { type: 'edit-failed', message: 'The edit stopped.' }], s);
    expect(s.edit).toMatchObject({ optimising: false, editError: 'The edit stopped.' });
  });
});

describe('sequence and play', () => {
  const seq = (target: number, frames = 4) => ({ latents: new Float32Array(frames * 5), images: new Uint8ClampedArray(frames * R * R * 4).map((_, i) => Math.floor(i / (R * R * 4)) + 50), frames, target });

  it('scrubs frames and plays once to the end', () => {
    let s = run([{ type: 'candidates', candidates: candidates(2, [0, 1]), codes: {} }, { type: 'sequence', sequence: seq(0) }], projectedState());
    s = reduce(s, { type: 'frame', frame: 1 });
    expect(canvasImage(s.edit, R)?.[0]).toBe(51);
    s = reduce(s, { type: 'frame', frame: 99 });
    expect(s.edit?.frame).toBe(3);
    s = reduce(s, { type: 'play', on: true }); // at the end: starts over
    expect(s.edit).toMatchObject({ playing: true, frame: 0 });
    s = run([{ type: 'tick' }, { type: 'tick' }, { type: 'tick' }, { type: 'tick' }], s);
    expect(s.edit).toMatchObject({ playing: false, frame: 3 });
    s = reduce(s, { type: 'frame', frame: null });
    expect(canvasImage(s.edit, R)?.[0]).toBe(0);
  });

  it('drops the sequence when the candidates move on or another candidate is chosen', () => {
    let s = run([{ type: 'candidates', candidates: candidates(2, [0, 1]), codes: {} }, { type: 'sequence', sequence: seq(0) }], projectedState());
    expect(run([{ type: 'select-candidate', index: 0 }], s).edit?.sequence).not.toBeNull();
    expect(run([{ type: 'select-candidate', index: 1 }], s).edit?.sequence).toBeNull();
    s = reduce(s, { type: 'candidates', candidates: candidates(2, [1, 0], false, 1), codes: {} });
    expect(s.edit?.sequence).toBeNull();
  });
});

describe('codes, reset, apply', () => {
  it('moves a code at once and reset returns to the projection', () => {
    let s = run([{ type: 'code', name: 'Smile', value: -0.5 }, { type: 'stroke', stroke: red }, { type: 'candidates', candidates: candidates(2, [0, 1]), codes: { Hair: 1, Smile: -0.5 } }], projectedState());
    expect(s.edit?.codes).toEqual({ Hair: 1, Smile: -0.5 });
    s = reduce(s, { type: 'reset' });
    expect(s.edit).toMatchObject({ strokes: [], redo: [], candidates: null, codes: { Hair: 0, Smile: 0.3 } });
  });

  it('can apply only once there is a candidate, and not twice at once', () => {
    let s = projectedState();
    expect(canApply(s)).toBe(false);
    s = reduce(s, { type: 'candidates', candidates: candidates(2, [0, 1]), codes: {} });
    expect(canApply(s)).toBe(true);
    s = reduce(s, { type: 'apply-start', requestId: 'a' });
    expect(canApply(s)).toBe(false);
    s = reduce(s, { type: 'apply-progress', requestId: 'a', fraction: 0.5 });
    expect(s.apply.fraction).toBe(0.5);
    s = reduce(s, { type: 'apply-progress', requestId: 'old', fraction: 0.9 });
    expect(s.apply.fraction).toBe(0.5);
    s = reduce(s, { type: 'applied', requestId: 'a', nodeIds: ['7:7'] });
    expect(s.apply).toMatchObject({ status: 'done', nodeIds: ['7:7'] });
  });

  it('restores strokes and codes from a record', () => {
    const record = { v: 1 as const, packId: 'tiny', latent: [0, 0, 1, 0, 0.5], latent0: [0, 0, 1, 0, 0], constraints: {}, source: { nodeId: '1:2', name: 'A' }, createdAt: 5 };
    const s = run([{ type: 'selection', selection: { kind: 'image', image: image('9:9', { record }) } }, { type: 'restore', record, projection: { ...projection(), pixelError: NaN }, strokes: [red] }]);
    expect(s.edit).toMatchObject({ status: 'projected', strokes: [red], restored: record });
  });

  it('seeds the recent colours from the restored colour strokes: the last painted first, no repeats, at most 8', () => {
    const record = { v: 1 as const, packId: 'tiny', latent: [0, 0, 1, 0, 0.5], latent0: [0, 0, 1, 0, 0], constraints: {}, source: { nodeId: '1:2', name: 'A' }, createdAt: 5 };
    const colour = (c: [number, number, number]): PanelStroke => ({ kind: 'color', points: [[1, 1]], width: 2, color: c });
    const restore = (strokes: PanelStroke[], from = projectedState()) => reduce(from, { type: 'restore', record, projection: { ...projection(), pixelError: NaN }, strokes });
    // Only colour strokes count; a colour painted twice is listed once, where it was last painted.
    let s = restore([colour([255, 0, 0]), sketch, colour([0, 0, 255]), { kind: 'warp', from: [1, 1], to: [2, 2], radius: 1 }, colour([255, 0, 0]), colour([0, 128, 0])]);
    expect(s.brush.recent).toEqual(['#008000', '#ff0000', '#0000ff']);
    expect(s.brush.color).toEqual(initialState.brush.color); // the brush itself is left as it was
    // Colours already there (picked in this session) follow; the cap stays.
    s = restore([colour([1, 1, 1])], run([{ type: 'color', color: [9, 9, 9] }, { type: 'color', color: [1, 1, 1] }], projectedState()));
    expect(s.brush.recent).toEqual(['#010101', '#090909']);
    s = restore(Array.from({ length: 12 }, (_, i) => colour([i, 0, 0])));
    expect(s.brush.recent).toEqual(Array.from({ length: MAX_RECENT_COLOURS }, (_, i) => toHex([11 - i, 0, 0])));
    // No colour strokes: nothing to seed; no edit: nothing restored at all.
    expect(restore([sketch]).brush.recent).toEqual([]);
    expect(reduce(initialState, { type: 'restore', record, projection: projection(), strokes: [colour([1, 2, 3])] })).toBe(initialState);
  });
});

describe('store', () => {
  it('notifies subscribers only when the state changes', () => {
    const store = createStore();
    let calls = 0;
    store.subscribe(() => calls++);
    store.dispatch({ type: 'stroke', stroke: red }); // no edit: no change
    store.dispatch({ type: 'tool', tool: 'sketch' });
    expect(calls).toBe(1);
  });
});
