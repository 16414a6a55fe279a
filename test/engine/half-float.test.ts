import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../engine/engine.js';
import { fsPackSource } from '../../engine/node/fs-pack-source.js';
import { floatToHalf, floatToHalfBytes, halfToFloatBytes } from '../../engine/pack/half-float.js';
import { sha256HexAsync } from '../../engine/pack/sha256.js';
import { PACK_DIR } from './pack-dir.js';

const widen = (xs: number[]) => Array.from(new Float32Array(halfToFloatBytes(floatToHalfBytes(new Uint8Array(Float32Array.from(xs).buffer))).buffer));

describe('float16 weight storage', () => {
  it('round-trips floats within half precision, with the special values exact', () => {
    const xs = [0, -0, 1, -1, 0.1, 3.14159, -2.5e-3, 1234.5, 65504, 6.1e-5, 3e-7];
    const back = widen(xs);
    xs.forEach((x, i) => expect(Math.abs(back[i]! - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11 + 2 ** -25));
    expect(widen([Infinity, -Infinity, 1e6])).toEqual([Infinity, -Infinity, Infinity]);   // beyond 65504: overflow
    expect(Number.isNaN(widen([NaN])[0])).toBe(true);
    expect(floatToHalf(1)).toBe(0x3c00);
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00);          // a tie rounds to even
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(() => halfToFloatBytes(new Uint8Array(3))).toThrow(/even number of bytes/);
  });

  it('a pack stored as float16 loads, and its generator matches the float32 pack to half precision', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifold-half-'));
    cpSync(PACK_DIR, dir, { recursive: true });
    const pack = JSON.parse(readFileSync(join(dir, 'pack.json'), 'utf8'));
    const half = floatToHalfBytes(new Uint8Array(readFileSync(join(dir, pack.weights.file))));
    writeFileSync(join(dir, pack.weights.file), half);
    pack.weights = { ...pack.weights, bytes: half.byteLength, sha256: await sha256HexAsync(half), storage: 'float16' };
    writeFileSync(join(dir, 'pack.json'), JSON.stringify(pack));

    // One after the other: onnxruntime-web mounts external data by file name, process-wide, while a session is made.
    const a = await Engine.createAsync(fsPackSource(PACK_DIR));
    const b = await Engine.createAsync(fsPackSource(dir));
    const z = new Float32Array(a.layout.size).map((_, i) => Math.sin(i));
    const [ia, ib] = [await a.renderAsync(z), await b.renderAsync(z)];
    let worst = 0;
    for (let i = 0; i < ia.length; i++) worst = Math.max(worst, Math.abs(ia[i]! - ib[i]!));
    expect(worst).toBeGreaterThan(0);          // the weights really are the rounded ones
    expect(worst).toBeLessThan(0.02);          // in [-1, 1] pixel units: < 2.6/255
    await Promise.all([a.releaseAsync(), b.releaseAsync()]);

    pack.weights.storage = 'bfloat16';
    writeFileSync(join(dir, 'pack.json'), JSON.stringify(pack));
    await expect(Engine.createAsync(fsPackSource(dir))).rejects.toThrow(/weights.storage/);
  });
});
