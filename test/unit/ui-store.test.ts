import { describe, expect, it } from 'vitest';
import { initialState } from '../../ui/state/panel-state';
import { reduce } from '../../ui/state/reduce';
import { createStore } from '../../ui/state/store';
import { makePng } from './helpers';

const image = { nodeId: '1:2', name: 'A', nodeType: 'RECTANGLE', source: 'image-fill' as const, bytes: makePng(2, 2), mime: 'image/png' as const, width: 2, height: 2, nodeWidth: 2, nodeHeight: 2, record: null };

describe('panel store', () => {
  it('tracks asset streaming to ready', () => {
    let s = reduce(initialState, { type: 'init', command: '', assets: [{ name: 'a', kind: 'ort-wasm', bytes: 1, gzipBytes: 1, chunks: 1 }, { name: 'b', kind: 'pack-file', packId: 'p', bytes: 1, gzipBytes: 1, chunks: 1 }] });
    expect(s.assets.status).toBe('loading');
    s = reduce(s, { type: 'asset-received', name: 'a' });
    s = reduce(s, { type: 'asset-received', name: 'b' });
    expect(s.assets.status).toBe('ready');
    expect(reduce(initialState, { type: 'init', command: '', assets: [] }).assets.status).toBe('ready');
  });

  it('keeps the outcome of an apply while its result is selected, clears it otherwise', () => {
    const store = createStore();
    store.dispatch({ type: 'apply-start', requestId: 'r1' });
    store.dispatch({ type: 'applied', requestId: 'r1', nodeIds: ['9:9'] });
    store.dispatch({ type: 'selection', selection: { kind: 'image', image: { ...image, nodeId: '9:9' } } });
    expect(store.get().apply.status).toBe('done');
    store.dispatch({ type: 'selection', selection: { kind: 'none' } });
    expect(store.get().apply.status).toBe('idle');
  });

  it('ignores answers to an older request', () => {
    let s = reduce(initialState, { type: 'apply-start', requestId: 'r2' });
    s = reduce(s, { type: 'applied', requestId: 'r1', nodeIds: [] });
    expect(s.apply.status).toBe('working');
    s = reduce(s, { type: 'apply-failed', requestId: 'r2', message: 'nope' });
    expect(s.apply).toMatchObject({ status: 'failed', message: 'nope' });
  });
});
