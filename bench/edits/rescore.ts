/**
 * Scores the transfer as it is now on the frames a bench:edits run saved (frames-cache.ts), without
 * the generator: a change of engine/transfer is measured on exactly the frames of the run it is
 * compared with, in a fraction of the time.
 *
 *   BENCH_EDITS_FRAMES=/tmp/frames npm run bench:edits -- --out /tmp/before.json --no-docs
 *   tsx bench/edits/rescore.ts /tmp/frames --out /tmp/after.json [--kinds 'code · Hair style'] [--only 1,3] [--labels '6c4545'] [--pictures DIR] [--options '{"snap":false}'] [--no-backdrops]
 *
 * Writes a run in bench/edits.json's format (the pack's name + "-rescored"), to compare with
 * `--against` or to merge with `npm run bench:edits -- --merge`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { diffMask, renderLayer, truthOverrides } from './avatars.js';
import { pasteGenerated } from './baselines.js';
import { readIndex } from './frames-cache.js';
import { cachedInput } from './cached-input.js';
import { pictureRow } from './pictures.js';
import { scoreEdit, type Scores } from './scores.js';
import type { EditRow, PackRun } from './report.js';
import * as transfer from '../../engine/transfer/index.js';
import type { RgbaImage } from '../../engine/transfer/index.js';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, kinds: { type: 'string' }, only: { type: 'string' }, pictures: { type: 'string' }, labels: { type: 'string' }, options: { type: 'string' }, 'no-backdrops': { type: 'boolean' }, name: { type: 'string', default: 'rescored' } },
});
const dir = positionals[0];
if (!dir || !o.out) throw new Error('usage: tsx bench/edits/rescore.ts <frames dir> --out <run.json> [--kinds PATTERN] [--only 1,3] [--pictures DIR]');
const kinds = o.kinds ? new RegExp(o.kinds) : null;
const labels = o.labels ? new RegExp(o.labels) : null;
// transfer options (e.g. a stage switched off, to picture an edit before and after a change)
const extra = o.options ? JSON.parse(o.options) as object : {};
const only = o.only ? new Set(o.only.split(',').map((i) => `bench-${i}`)) : null;
if (o.pictures) mkdirSync(o.pictures, { recursive: true });
const layers = new Map<string, RgbaImage>(), rows: EditRow[] = [];
const t0 = performance.now();
for (const e of readIndex(dir)) {
  if ((kinds && !kinds.test(e.kind)) || (only && !only.has(e.seed)) || (labels && !labels.test(e.label))) continue;
  const key = `${e.seed}/${e.background}`;
  if (!layers.has(key)) layers.set(key, renderLayer(e.seed, 512, e.background).image);
  const original = layers.get(key)!, S = original.width;
  const input = cachedInput(dir, e, original, { backdrops: o['no-backdrops'] }), frames = input.frames;
  const truth = renderLayer(e.seed, S, e.background, truthOverrides(e.attribute, e.value, e.also)).image;
  const part = diffMask(original, truth);
  const t = performance.now();
  const r = await transfer.transferEditAsync(input, { pixelRange: e.range, ...extra });
  const transferMs = performance.now() - t;
  const pasted = pasteGenerated(frames[frames.length - 1]!, e.range, original, e.mapping);
  const scores: Record<'ours' | 'untouched' | 'pasted', Scores> = {
    ours: scoreEdit(r.final, truth, original, part), untouched: scoreEdit(original, truth, original, part), pasted: scoreEdit(pasted, truth, original, part),
  };
  rows.push({ seed: e.seed, kind: e.kind, label: e.label, partShare: part.reduce((a, v) => a + v, 0) / part.length, transferMs: Math.round(transferMs), ...scores });
  if (o.pictures) writeFileSync(join(o.pictures, `${e.seed}-${e.kind}-${e.label}.png`.replace(/[^a-z0-9.]+/gi, '-')), pictureRow([original, truth, r.final, pasted]));
  const s = scores.ours;
  process.stderr.write(`${e.seed} ${e.kind} ${e.label}: in ${s.rmseIn?.toFixed(1) ?? '–'} out ${s.rmseOut.toFixed(1)} leak ${s.leakage.toFixed(2)}% ghost ${s.ghost?.toFixed(1) ?? '–'}% alpha ${s.alphaErr.toFixed(2)}\n`);
}
const run: PackRun = {
  pack: o.name!, date: new Date().toISOString().slice(0, 10), seeds: new Set(rows.map((r) => r.seed)).size, size: 512,
  backgrounds: [...new Set(readIndex(dir).map((e) => e.background))], seconds: Math.round((performance.now() - t0) / 1000), pictures: {}, skipped: [], edits: rows,
};
writeFileSync(o.out, JSON.stringify({ [run.pack]: run }, null, 1) + '\n');
