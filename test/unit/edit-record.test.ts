import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEditRecord, encodeEditRecord, utf8Length } from '../../protocol/edit-record';
import { LIMITS } from '../../protocol/limits';
import { record } from './helpers';

describe('edit records', () => {
  it('round-trips through plugin data text', () => {
    const r = record();
    expect(decodeEditRecord(encodeEditRecord(r, 'k'))).toEqual(r);
  });

  it('refuses a record over the plugin data limit, counting UTF-8 bytes', () => {
    const big = record({ constraints: { note: 'é'.repeat(LIMITS.maxPluginDataBytes / 2) } });
    expect(() => encodeEditRecord(big, 'k')).toThrow(/bytes; setPluginData allows at most 100000/);
    const fits = record({ constraints: { note: 'a'.repeat(LIMITS.maxPluginDataBytes / 2) } });
    expect(utf8Length(encodeEditRecord(fits, 'k'))).toBeLessThan(LIMITS.maxPluginDataBytes);
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
