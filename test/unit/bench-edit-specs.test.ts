import { describe, expect, it } from 'vitest';
import { codeSpecs, shownCodes, type PackCode } from '../../bench/edits/specs';
import { fitMapping } from '../../engine/transfer/frame-mapping';
import { truthOverrides } from '../../bench/edits/avatars';

describe('bench:edits truth follows what the engine shows', () => {
  const codes: PackCode[] = [
    { name: 'Hair style', kind: 'categorical', labels: ['Bald', 'Long', 'Cap'], values: ['bald', 'long', 'cap'], attribute: 'hair' },
    { name: 'Hair colour', kind: 'categorical', labels: ['Violet', 'Brown'], values: ['#362c47', '#6c4545'], attribute: 'hairColor', hiddenBy: { code: 'Hair style', categories: [0, 2] }, shownAs: 1 },
  ];
  it('hair grown on a bald head is brown in the truth too; a change between shown or hidden styles sets nothing else', () => {
    expect(shownCodes(codes, 'Hair style', 0, 1)).toEqual({ hairColor: '6c4545' });
    expect(shownCodes(codes, 'Hair style', 1, 2)).toBeNull();
    expect(shownCodes(codes, 'Hair style', 0, 2)).toBeNull();
    expect(shownCodes(codes, 'Hair colour', 0, 1)).toBeNull();
  });
  it('the truth renders the attribute and what the edit also shows', () => {
    expect(truthOverrides('hair', 'long', { hairColor: '6c4545' })).toEqual({ hair: ['long'], hairColor: ['6c4545'] });
    expect(truthOverrides('hair', 'long')).toEqual({ hair: ['long'] });
  });
  it('a continuous colour code\'s ends are its first and last values when the pack names them; else G(z1) is read', () => {
    const tone = (values?: string[]): PackCode[] => [{ name: 'Skin tone', kind: 'continuous', range: [-1, 1], attribute: 'skinColor', ...(values ? { values } : {}) }];
    const specs = (values?: string[]) => codeSpecs('bench-0', 0, 64, 'opaque', tone(values), { 'Skin tone': 0 }, fitMapping(64, 64, 64), new Set());
    expect(specs(['#eeb4a4', '#d78774', '#623d36']).map((e) => [e.label, e.value])).toEqual([['Skin tone → -1 (eeb4a4)', 'eeb4a4'], ['Skin tone → 1 (623d36)', '623d36']]);
    expect(specs().map((e) => e.value)).toEqual([null, null]);
  });
});
