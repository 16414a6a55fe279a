/**
 * Model packs that are missing, truncated, fail their hash or whose graph does not match
 * pack.json, tested through the engine's public API (Engine.createAsync over a PackSource,
 * as the panel's worker and the CLI use it) on damaged copies of the tiny fixture pack; and
 * the runtime facts we can check in Node: no WebGPU adapter → wasm; a fully transparent
 * image gives an all-zero frame mask (what the panel must refuse).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Engine } from '../../engine/engine';
import { toFrame } from '../../engine/image/frame';
import { fsPackSource } from '../../engine/node/fs-pack-source';
import { PackError } from '../../engine/pack/pack-error';
import { memoryPackSource } from '../../engine/pack/pack-source';
import { chooseExecutionProviderAsync } from '../../engine/runtime/runtime';

const FIXTURE = 'test/fixtures/packs/tiny';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of the fixture pack in a temp dir, damaged by `damage`. */
function damagedCopy(damage: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'manifold-pack-'));
  dirs.push(dir);
  cpSync(FIXTURE, dir, { recursive: true });
  damage(dir);
  return dir;
}

const editJson = (dir: string, f: (p: Record<string, any>) => void) => {
  const p = JSON.parse(readFileSync(join(dir, 'pack.json'), 'utf8'));
  f(p);
  writeFileSync(join(dir, 'pack.json'), JSON.stringify(p));
};

const open = (dir: string) => Engine.createAsync(fsPackSource(dir), { executionProvider: 'wasm' });

describe('a damaged model pack is refused with a message naming what is wrong', () => {
  it('missing pack (no such directory): rejects, naming pack.json', async () => {
    await expect(open(join(tmpdir(), 'manifold-no-such-pack'))).rejects.toThrow(/pack\.json/);
  });

  it('missing pack in the panel (its files were never streamed): rejects, naming the file', async () => {
    await expect(Engine.createAsync(memoryPackSource({}))).rejects.toThrow('pack: file "pack.json" is not among the 0 files given');
  });

  it('a file named by pack.json is missing', async () => {
    const dir = damagedCopy((d) => rmSync(join(d, 'encoder.onnx')));
    await expect(open(dir)).rejects.toThrow(/encoder\.onnx/);
  });

  it('truncated pack.json: not valid JSON', async () => {
    const dir = damagedCopy((d) => truncateSync(join(d, 'pack.json'), 200));
    await expect(open(dir)).rejects.toThrow(/pack: pack\.json: is not valid JSON/);
  });

  it('truncated weights: fails its hash, naming weights.bin', async () => {
    const dir = damagedCopy((d) => truncateSync(join(d, 'weights.bin'), 1000));
    const error = await open(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PackError);
    expect((error as PackError).field).toBe('weights.sha256');
    expect((error as Error).message).toMatch(/weights\.bin has SHA-256 [0-9a-f]{64}, pack\.json says [0-9a-f]{64}: the file is damaged or from another pack/);
  });

  it('truncated graph: fails its hash, naming the graph', async () => {
    const dir = damagedCopy((d) => truncateSync(join(d, 'generator.onnx'), 64));
    await expect(open(dir)).rejects.toThrow(/pack: graphs\.generator\.sha256: generator\.onnx has SHA-256/);
  });

  it('one flipped bit in a graph: fails its hash', async () => {
    const dir = damagedCopy((d) => {
      const b = readFileSync(join(d, 'edit_step.onnx'));
      b[b.length >> 1] ^= 0x04;
      writeFileSync(join(d, 'edit_step.onnx'), b);
    });
    await expect(open(dir)).rejects.toThrow(/pack: graphs\.editStep\.sha256: edit_step\.onnx has SHA-256/);
  });

  it('a graph whose inputs do not match pack.json (the encoder shipped as the generator, hashes updated): refused by the session check', async () => {
    const dir = damagedCopy((d) => {
      const encoder = readFileSync(join(d, 'encoder.onnx'));
      writeFileSync(join(d, 'generator.onnx'), encoder);
      editJson(d, (p) => (p.graphs.generator.sha256 = createHash('sha256').update(encoder).digest('hex')));
    });
    const error = await open(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PackError);
    expect((error as Error).message).toMatch(/pack: graphs\.generator\.(inputs|outputs)/);
  });

  it('a pack.json whose declared inputs break the graph contract: refused before any graph is read', async () => {
    const dir = damagedCopy((d) => editJson(d, (p) => (p.graphs.generator.inputs = { latent: p.graphs.generator.inputs.z })));
    await expect(open(dir)).rejects.toThrow(/pack: graphs\.generator\.inputs/);
  });

  it('the undamaged fixture still opens (the damage above is what was refused)', async () => {
    const engine = await open(damagedCopy(() => undefined));
    expect(engine.executionProvider).toBe('wasm');
  });
});

describe('runtime: no WebGPU adapter', () => {
  afterEach(() => vi.unstubAllGlobals());

  it.each([
    ['no navigator.gpu (a data: iframe)', {}],
    ['requestAdapter() resolves null', { gpu: { requestAdapter: async () => null } }],
    ['requestAdapter() rejects', { gpu: { requestAdapter: async () => Promise.reject(new Error('GPU process crashed')) } }],
  ])('%s → wasm', async (_what, navigator) => {
    vi.stubGlobal('navigator', navigator);
    expect(await chooseExecutionProviderAsync('auto')).toBe('wasm');
  });

  it('asking for webgpu explicitly without an adapter is a clear error', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => null } });
    await expect(chooseExecutionProviderAsync('webgpu')).rejects.toThrow('no WebGPU adapter is available');
  });

  it('an adapter that answers → webgpu', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({}) } });
    expect(await chooseExecutionProviderAsync('auto')).toBe('webgpu');
  });
});

describe('image intake facts the panel relies on', () => {
  it('a fully transparent image gives an all-zero frame mask (the panel must refuse it: nothing to edit)', () => {
    const frame = toFrame({ width: 8, height: 8, data: new Uint8ClampedArray(8 * 8 * 4) }, 64);
    expect(frame.mask.every((v) => v === 0)).toBe(true);
  });

  it('an image whose pixel data does not match its size is refused before anything is allocated for it', () => {
    expect(() => toFrame({ width: 100_000, height: 100_000, data: new Uint8ClampedArray(16) }, 64)).toThrow('frame: data has 16 bytes, expected');
  });
});

describe('running out of memory: the panel says so in words (ui/friendly-error.ts)', () => {
  it('an allocation failure while editing becomes "too large for this computer", with the detail kept', async () => {
    const { friendlyError } = await import('../../ui/friendly-error');
    let error: unknown;
    try {
      new ArrayBuffer(2 ** 45); // V8: "Array buffer allocation failed"
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RangeError);
    const message = friendlyError('apply', error);
    expect(message).toContain('too large for this computer');
    expect(message).toContain('Array buffer allocation failed');
  });
});
