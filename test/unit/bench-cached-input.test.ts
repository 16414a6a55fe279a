import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { saveFrames, readIndex, type CachedEdit } from '../../bench/edits/frames-cache.js';
import { cachedInput } from '../../bench/edits/cached-input.js';
import { fitMapping } from '../../engine/transfer/frame-mapping.js';

// bench/edits/rescore.ts and crop-edit.ts redo a cached edit's transfer: its input must be the one
// bench:edits gave, also for caches saved before a hint was recorded (derived as the panel derives it)
const dir = mkdtempSync(join(tmpdir(), 'cached-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const R = 64, frame = (v: number) => new Float32Array(3 * R * R).fill(v);
const base: CachedEdit = { seed: 'bench-0', background: 'opaque', kind: '', label: '', attribute: '', value: '', strokes: null, mapping: fitMapping(512, 512, R) };
const original = { width: 512, height: 512, data: new Uint8ClampedArray(512 * 512 * 4) };
const old: CachedEdit[] = [
  { ...base, kind: 'code · Hair colour · opaque', label: 'Hair colour → #f29c65', attribute: 'hairColor', value: 'f29c65' },
  { ...base, kind: 'code · Hair style · opaque', label: 'Hair style → bobCut', attribute: 'hair', value: 'bobCut' },
  { ...base, kind: 'code · Hair style on a bald head · opaque', label: 'Hair style → fade', attribute: 'hair', value: 'fade', also: { hairColor: '6c4545' } },
];
for (const e of old) saveFrames(dir, e, [frame(-1), frame(0), frame(1)], [-1, 1]);
saveFrames(dir, { ...base, kind: 'code · Hair style · opaque', attribute: 'hair', value: 'bald', reshaped: false, colours: [[1, 2, 3]], colourStroke: true, backdropColours: [[255, 255, 255], [192, 174, 222]] }, [frame(-1), frame(1), frame(1), frame(-1)], [-1, 1]);
const entries = readIndex(dir);

describe('bench:edits cached input (cached-input.ts)', () => {
  it('an old cache: a colour code names its colour and is carried as a colour stroke', () => {
    const i = cachedInput(dir, entries[0]!, original);
    expect([i.reshaped, i.colourStroke, i.colours]).toEqual([false, true, [[0xf2, 0x9c, 0x65]]]);
    expect(i.frames).toHaveLength(3);
    expect(i.frames[2]![0]).toBeCloseTo(1, 5);
  });
  it('an old cache: a shape code reshapes, and hair grown on a bald head also names the colour the truth sets', () => {
    expect([cachedInput(dir, entries[1]!, original).reshaped, cachedInput(dir, entries[1]!, original).colourStroke]).toEqual([true, false]);
    const grown = cachedInput(dir, entries[2]!, original);
    expect([grown.reshaped, grown.colours]).toEqual([true, [[0x6c, 0x45, 0x45]]]);
  });
  it('what a cache recorded wins, and its backdrops come after the sequence (or are left out when asked)', () => {
    const i = cachedInput(dir, entries[3]!, original);
    expect([i.reshaped, i.colourStroke, i.colours, i.frames.length]).toEqual([false, true, [[1, 2, 3]], 2]);
    expect(i.backdrops?.colours).toEqual([[255, 255, 255], [192, 174, 222]]);
    expect(i.backdrops?.frames[1][0]).toBeCloseTo(-1, 5);
    expect(cachedInput(dir, entries[3]!, original, { backdrops: true }).backdrops).toBeNull();
  });
});
