import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEditRecord, encodeEditRecord, utf8Length } from '../../protocol/edit-record';
import { LIMITS } from '../../protocol/limits';
import { record } from './helpers';

describe('edit records', () => {
  it('round-trips through plugin data text', () => {
    const r = record();
    expect(decodeEditRecord(encodeEditRecord(r, { pluginId: 'p', key: 'k' }))).toEqual(r);
  });

  it('refuses a record over the plugin data limit, counting UTF-8 bytes', () => {
    const big = record({ constraints: { note: 'é'.repeat(LIMITS.maxPluginDataBytes / 2) } });
    expect(() => encodeEditRecord(big, { pluginId: 'p', key: 'k' })).toThrow(/bytes with the plugin id and key; setPluginData allows at most 100000/);
    const fits = record({ constraints: { note: 'a'.repeat(LIMITS.maxPluginDataBytes / 2) } });
    expect(utf8Length(encodeEditRecord(fits, { pluginId: 'p', key: 'k' }))).toBeLessThan(LIMITS.maxPluginDataBytes);
  });

  it('counts the plugin id with key and value, as the typings do (“pluginId + key + value”)', () => {
    const key = 'manifold.edit';
    const overhead = JSON.stringify(record({ constraints: { note: '' } })).length;
    // key + value is 5 bytes under the limit: fits without a plugin id, not with one.
    const nearLimit = record({ constraints: { note: 'a'.repeat(LIMITS.maxPluginDataBytes - overhead - key.length - 5) } });
    expect(utf8Length(key) + utf8Length(encodeEditRecord(nearLimit, { pluginId: '', key }))).toBe(LIMITS.maxPluginDataBytes - 5);
    expect(() => encodeEditRecord(nearLimit, { pluginId: 'manifold-gan-editor', key })).toThrow(/with the plugin id and key/);
  });

  it('decodes garbage to null', () => {
    expect(decodeEditRecord('')).toBeNull();
    expect(decodeEditRecord('{')).toBeNull();
    expect(decodeEditRecord('{"v":2}')).toBeNull();
  });

  it('counts UTF-8 like TextEncoder (the sandbox has none)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
      }),
    );
  });
});
