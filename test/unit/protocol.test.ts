import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../protocol/check';
import { LIMITS } from '../../protocol/limits';
import { parsePluginToUi, parseUiToPlugin } from '../../protocol/messages';
import { makePng, record } from './helpers';

const apply = (overrides: Record<string, unknown> = {}, result: Record<string, unknown> = {}) => ({
  type: 'apply',
  requestId: 'r1',
  sourceNodeId: '1:2',
  group: false,
  results: [{ name: 'out', bytes: makePng(4, 4), width: 4, height: 4, record: record(), ...result }],
  ...overrides,
});

describe('parseUiToPlugin', () => {
  it('accepts each well-formed message', () => {
    for (const msg of [{ type: 'ready', protocol: 1 }, apply(), apply({ layout: 'frame' }), { type: 'notify', message: 'hi' }, { type: 'error', message: 'x' }, { type: 'close' }]) {
      expect(parseUiToPlugin(msg)).toBe(msg);
    }
  });

  it('names the bad field', () => {
    expect(() => parseUiToPlugin(apply({ group: 'yes' }))).toThrow('apply.group must be a boolean');
    expect(() => parseUiToPlugin(apply({ layout: 'grid' }))).toThrow('apply.layout must be absent or one of frame');
    expect(() => parseUiToPlugin(apply({ layout: null }))).toThrow('apply.layout must be absent or one of frame');
    expect(() => parseUiToPlugin(apply({}, { width: 5000 }))).toThrow(`apply.results[0] must have integer width and height in 1–${LIMITS.maxImageSide}`);
    expect(() => parseUiToPlugin(apply({}, { bytes: [1, 2, 3] }))).toThrow('apply.results[0].bytes must be a Uint8Array');
    expect(() => parseUiToPlugin(apply({}, { record: record({ latent: [NaN] }) }))).toThrow('apply.results[0].record.latent must be an array');
    expect(() => parseUiToPlugin(apply({ results: [] }))).toThrow('apply.results must be an array of 1–');
  });

  it('rejects unknown and non-object messages', () => {
    expect(() => parseUiToPlugin({ type: 'format-disk' })).toThrow("unknown ui→plugin message type 'format-disk'");
    expect(() => parseUiToPlugin({ type: 'toString' })).toThrow('unknown');
    expect(() => parseUiToPlugin(null)).toThrow('message must be an object');
    expect(() => parseUiToPlugin('ready')).toThrow('message must be an object');
    expect(() => parseUiToPlugin({ type: 'init', protocol: 1, command: '', assets: [] })).toThrow('unknown ui→plugin');
  });

  it('rejects oversized fields', () => {
    expect(() => parseUiToPlugin({ type: 'notify', message: 'x'.repeat(LIMITS.maxText + 1) })).toThrow('notify.message must be a string of at most');
    expect(() => parseUiToPlugin(apply({ results: Array.from({ length: LIMITS.maxResults + 1 }, () => apply().results[0]) }))).toThrow('apply.results must be an array of 1–32');
  });

  it('only ever throws ProtocolError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ type: fc.constantFrom('ready', 'apply', 'notify', 'error', 'close'), protocol: fc.anything(), results: fc.anything(), message: fc.anything() })), (value) => {
        try {
          parseUiToPlugin(value);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
    );
  });
});

describe('parsePluginToUi', () => {
  const image = { nodeId: '1:2', name: 'A', nodeType: 'RECTANGLE', source: 'image-fill', bytes: makePng(2, 2), mime: 'image/png', width: 2, height: 2, nodeWidth: 2, nodeHeight: 2, record: null, fill: { scaleMode: 'FILL', hasFilters: false } };

  it('accepts each well-formed message', () => {
    for (const msg of [
      { type: 'init', protocol: 1, command: '', assets: [{ name: 'ort/x.wasm', kind: 'ort-wasm', bytes: 10, gzipBytes: 5, chunks: 1 }] },
      { type: 'asset-chunk', name: 'ort/x.wasm', index: 0, data: 'AAAA' },
      { type: 'selection', selection: { kind: 'none' } },
      { type: 'selection', selection: { kind: 'multiple', count: 3 } },
      { type: 'selection', selection: { kind: 'image', image } },
      { type: 'applied', requestId: 'r', nodeIds: ['1:3'] },
      { type: 'error', message: 'bad' },
    ]) {
      expect(parsePluginToUi(msg)).toBe(msg);
    }
  });

  it('rejects malformed selections and oversized chunks', () => {
    expect(() => parsePluginToUi({ type: 'selection', selection: { kind: 'image', image: { ...image, mime: 'image/webp' } } })).toThrow('selection.selection.image.mime must be one of');
    expect(() => parsePluginToUi({ type: 'selection', selection: { kind: 'image', image: { ...image, fill: { scaleMode: 'STRETCH', hasFilters: false } } } })).toThrow('scaleMode');
    expect(() => parsePluginToUi({ type: 'selection', selection: { kind: 'multiple', count: 1 } })).toThrow('selection.selection.count');
    expect(() => parsePluginToUi({ type: 'asset-chunk', name: 'a', index: 0, data: 'A'.repeat(LIMITS.assetChunkChars + 1) })).toThrow('asset-chunk.data must be a string of at most');
    expect(() => parsePluginToUi({ type: 'ready', protocol: 1 })).toThrow("unknown plugin→ui message type 'ready'");
  });
});
