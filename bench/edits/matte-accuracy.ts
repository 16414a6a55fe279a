/**
 * How well G's own matte (engine/transfer/generator-matte.ts, from G over the pack's two backdrops)
 * matches the truth, on the bench's transparent layers: G(z0)'s matte against the layer's alpha, and
 * after hair-style changes against the re-rendered truth's, both area-averaged to the frame (64²).
 *
 *   npx tsx bench/edits/matte-accuracy.ts [--seeds 6]
 *
 * Prints, per layer and edit: the mean |α − truth| per cell and the cells off by more than one half.
 */
import { parseArgs } from 'node:util';
import { Engine } from '../../engine/engine.js';
import { fsPackSource } from '../../engine/node/fs-pack-source.js';
import { applyCodeChange } from '../../engine/latent/codes.js';
import { generatorMatte } from '../../engine/transfer/generator-matte.js';
import { layerFrame } from '../../engine/transfer/layer-frame.js';
import type { FrameMapping, RgbaImage } from '../../engine/transfer/index.js';
import { renderLayer, truthOverrides } from './avatars.js';

const { values: o } = parseArgs({ options: { seeds: { type: 'string', default: '6' }, pack: { type: 'string', default: 'models/personas64-v2' } } });
const engine = await Engine.createAsync(fsPackSource(o.pack!), { numThreads: 1 });
const [lo, hi] = engine.pack.pixelRange, S = 512;
const STYLES: [string, string][] = [['Bald', 'bald'], ['Long', 'long'], ['Short combover', 'shortCombover']];

async function matteOf(z: Float32Array): Promise<Float32Array> {
  const b = (await engine.backdropsAsync(z))!;
  const unit = (f: Float32Array) => f.map((v) => (v - lo) / (hi - lo));
  return generatorMatte(unit(b.frames[0]), unit(b.frames[1]), b.colours[0].map((v) => v / 255), b.colours[1].map((v) => v / 255)).alpha;
}
function compare(alpha: Float32Array, truth: RgbaImage, m: FrameMapping): string {
  const t = layerFrame(truth, m).coverage;
  let sum = 0, off = 0;
  for (let p = 0; p < t.length; p++) { const e = Math.abs(alpha[p]! - t[p]!); sum += e; if (e > 0.5) off++; }
  return `${(100 * sum / t.length).toFixed(1)} % | ${off}`;
}

if (!engine.pack.latent.codes.some((c) => c.kind === 'categorical' && c.background)) throw new Error(`${o.pack}: the pack names no background code`);
const hair = engine.layout.categorical.find((c) => c.name === 'Hair style')!;
console.log('| layer | edit | mean abs. α error per 64² cell | cells off by > 1/2 (of 4096) |\n|---|---|---|---|');
for (let i = 0; i < Number(o.seeds); i++) {
  const seed = `bench-${i}`, { image } = renderLayer(seed, S, 'transparent');
  const proj = await engine.projectAsync(image, { fit: 'letterbox', seed: 1 });
  console.log(`| ${seed} | none: G(z0) against the layer | ${compare(await matteOf(proj.z), image, proj.mapping)} |`);
  for (const [label, value] of STYLES) {
    const z1 = applyCodeChange(proj.z, engine.layout, { code: hair.name, category: (engine.pack.latent.codes.find((c) => c.name === hair.name) as { labels: string[] }).labels.indexOf(label) });
    const truth = renderLayer(seed, S, 'transparent', truthOverrides('hair', value)).image;
    console.log(`| ${seed} | hair style → ${label} | ${compare(await matteOf(z1), truth, proj.mapping)} |`);
  }
}
await engine.releaseAsync();
