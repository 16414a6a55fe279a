import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validatePack } from '../../engine/pack/validate-pack.js';
import { loadPackAsync } from '../../engine/pack/load-pack.js';
import { memoryPackSource } from '../../engine/pack/pack-source.js';
import { sha256HexAsync } from '../../engine/pack/sha256.js';
import { checkSessionIo } from '../../engine/runtime/pack-model.js';
import { testPackSource } from './pack-dir.js';

async function packJson(): Promise<any> {
  return JSON.parse(new TextDecoder().decode(await testPackSource()('pack.json')));
}
function mutate(p: any, f: (p: any) => void): any {
  const c = structuredClone(p);
  f(c);
  return c;
}

/** The fixture's pack.json, parsed once; each test mutates a copy. */
const base = await packJson();

describe('validatePack', () => {
  it('accepts the fixture pack', async () => {
    const p = validatePack(await packJson());
    expect(p.resolution).toBe(64);
  });

  it.each([
    [(p: any) => { p.format = 2; }, 'pack: format: must be 1'],
    [(p: any) => { p.resolution = 4; }, 'pack: resolution: must be an integer in [8, 1024], got number 4'],
    [(p: any) => { delete p.latent.noise; }, 'pack: latent.noise: must be an object, got nothing (missing)'],
    [(p: any) => { p.latent.codes[0].offset = 7; }, 'pack: latent.codes[0].offset: overlaps the slice before it'],
    [(p: any) => { p.latent.size += 1; }, 'is 14 but noise and codes cover 13 dims'],
    [(p: any) => { p.latent.codes[0].labels.pop(); }, 'latent.codes[0].labels: must be an array of 3 strings'],
    [(p: any) => { p.latent.codes[1].kind = 'discrete'; }, 'latent.codes[1].kind: must be "categorical" or "continuous"'],
    [(p: any) => { p.latent.codes[0].values = ['a']; }, 'latent.codes[0].values: must be absent or an array of 3 strings (the raw attribute values, in the order of labels)'],
    [(p: any) => { p.latent.codes[0].values = ['a', '', 'c']; }, 'latent.codes[0].values[1]: must be a non-empty string'],
    [(p: any) => { p.latent.codes[1].attribute = 3; }, 'latent.codes[1].attribute: must be a non-empty string, got number 3'],
    [(p: any) => { p.latent.codes[1].range = [1, -1]; }, 'latent.codes[1].range: low must be below high'],
    [(p: any) => { p.defaults.edit.candidates = 65; }, 'defaults.edit.candidates: must be an integer in [1, 64], got number 65'],
    [(p: any) => { p.defaults.edit.lr = 0; }, 'defaults.edit.lr: must be a number in (0, 10]'],
    [(p: any) => { p.weights.sha256 = 'abc'; }, 'weights.sha256: must be 64 lowercase hex digits'],
    [(p: any) => { p.graphs.encoder.file = '../x.onnx'; }, 'graphs.encoder.file: must be a plain file name'],
    [(p: any) => { delete p.graphs.editStep.inputs.edge_mask; }, 'graphs.editStep.inputs.edge_mask: is missing; the graph contract needs edge_mask [1, 1, 64, 64]'],
    [(p: any) => { p.graphs.editStep.inputs.extra = { dtype: 'float32', shape: [1] }; }, 'graphs.editStep.inputs.extra: is not in the graph contract'],
    [(p: any) => { p.graphs.generator.outputs.image.shape = ['B', 3, 32, 32]; }, 'graphs.generator.outputs.image.shape: must be [B, 3, 64, 64], got [B, 3, 32, 32]'],
    [(p: any) => { p.graphs.projectStep.inputs.z.dtype = 'float16'; }, 'graphs.projectStep.inputs.z.dtype: must be "float32"'],
    [(p: any) => { p.snap = { levels: 0, colours: ['#ffffff'] }; }, 'snap.levels: must be a number in (0, 255]'],
    [(p: any) => { p.snap = { levels: 6, colours: [] }; }, 'snap.colours: must be a non-empty array of "#rrggbb" colours'],
    [(p: any) => { p.snap = { levels: 6, colours: ['#FFFFFF'] }; }, 'snap.colours[0]: must be "#rrggbb", lowercase'],
  ])('rejects a bad field with a message naming it (%#)', async (f, message) => {
    expect(() => validatePack(mutate(base, f))).toThrow(message);
  });

  it('accepts display labels with the raw values and the attribute beside them (docs/pack-format.md)', () => {
    const p = validatePack(mutate(base, (p: any) => {
      p.latent.codes[0].labels = ['Short combover', 'Bob with bangs', 'Pigtails'];
      p.latent.codes[0].values = ['shortComboverChops', 'bobBangs', 'pigtails'];
      p.latent.codes[0].attribute = 'hair';
    }));
    const code = p.latent.codes[0];
    expect(code.kind === 'categorical' && [code.labels[0], code.values?.[0], code.attribute]).toEqual(['Short combover', 'shortComboverChops', 'hair']);
  });

  it('accepts an output snap: the flat colours the graphs snap their images to (docs/pack-format.md)', () => {
    const p = validatePack(mutate(base, (p: any) => { p.snap = { levels: 6, colours: ['#ffffff', '#362c47'] }; }));
    expect(p.snap).toEqual({ levels: 6, colours: ['#ffffff', '#362c47'] });
  });

});

describe('loadPackAsync', () => {
  it('loads and verifies every file', async () => {
    const l = await loadPackAsync(testPackSource());
    expect(l.weights.byteLength).toBe(l.pack.weights.bytes);
    expect(Object.keys(l.graphs).sort()).toEqual(['editStep', 'encoder', 'generator', 'projectStep']);
  });

  it('rejects a file whose SHA-256 differs, naming it', async () => {
    const src = testPackSource();
    const files: Record<string, Uint8Array> = {};
    for (const f of ['pack.json', 'weights.bin', 'generator.onnx', 'encoder.onnx', 'edit_step.onnx', 'project_step.onnx']) files[f] = Uint8Array.from(await src(f));
    files['encoder.onnx']![100] ^= 1;
    await expect(loadPackAsync(memoryPackSource(files))).rejects.toThrow(/graphs\.encoder\.sha256: encoder\.onnx has SHA-256 [0-9a-f]{64}, pack\.json says/);
  });

  it('says which file is missing from a memory source', async () => {
    await expect(loadPackAsync(memoryPackSource({ 'pack.json': await testPackSource()('pack.json') }))).rejects.toThrow('file "weights.bin" is not among the 1 files given');
  });
});

describe('sha256HexAsync', () => {
  it('matches the known digest of "abc"', async () => {
    expect(await sha256HexAsync(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('checkSessionIo', () => {
  it('rejects a graph whose input names differ from pack.json', () => {
    const spec = base.graphs.generator;
    expect(() => checkSessionIo('generator', spec, { inputNames: ['latent'], outputNames: ['image'] }))
      .toThrow('pack: graphs.generator.inputs: generator.onnx has inputs [latent], pack.json says [z]; missing: z; unexpected: latent');
  });
  it('rejects a fixed batch dim where pack.json says B', () => {
    const spec = base.graphs.generator;
    expect(() => checkSessionIo('generator', spec, {
      inputNames: ['z'], outputNames: ['image'],
      inputMetadata: [{ name: 'z', isTensor: true, type: 'float32', shape: [8, 13] }],
      outputMetadata: [],
    })).toThrow('graphs.generator.inputs.z.shape: generator.onnx has [8, 13], pack.json says [B, 13]');
  });
});

describe('the committed packs show display labels (issue 16)', () => {
  const dirs = ['models/personas64-v2', 'models/archive/personas64'].filter((d) => existsSync(join(d, 'pack.json')));
  it.each(dirs)('%s: categorical labels are words for designers; the raw attribute values are in `values`', (dir) => {
    const p = validatePack(JSON.parse(readFileSync(join(dir, 'pack.json'), 'utf8')));
    for (const c of p.latent.codes) {
      if (c.kind !== 'categorical') continue;
      // Sentence case words: no camelCase identifier ("shortComboverChops"), no "1 · pigtails".
      for (const label of c.labels) expect(label).toMatch(/^[A-Z][a-z]*( [a-z]+)*$/);
      expect(c.values).toHaveLength(c.size);
      expect(c.attribute).toBeTruthy();
    }
  });
});
