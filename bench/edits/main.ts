/**
 * `npm run bench:edits`: edit fidelity against ground truth (issue 15). Held-out avatars
 * ("bench-<i>", a namespace the training seeds "train-<i>" / "heldout-<i>" never use), rendered at
 * 512² on their opaque background and transparent, are projected and edited through the panel's
 * engine path (run-edit.ts); every edit has its truth re-rendered by DiceBear (specs.ts) and is
 * scored against it together with two baselines (scores.ts, baselines.ts).
 *
 *   npm run bench:edits -- [--pack models/personas64-v2] [--seeds 6] [--size 512] [--backgrounds opaque,transparent] [--tag before] [--against RUN]
 *   npm run bench:edits -- --only 1,3 --kinds 'stroke · hair' --out /tmp/x.json --no-docs   (a subset, while iterating)
 *   npm run bench:edits -- --merge other.json      (fold runs written elsewhere with --out into bench/edits.json)
 *
 * A run is named for the pack's directory (models/personas64-v2 → "personas64-v2", so a retrained
 * pack with the same id keeps its own rows), plus "-<tag>". --against names the run it is compared
 * with in the "before → after" table (default "<run>-before").
 *
 * Writes bench/edits.json (one entry per pack: a new pack's run keeps the others' rows),
 * bench/edits/pictures/<pack>/<kind>.png and the section between the bench:edits markers of
 * BENCHMARKS.md (all packs' rows).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Engine } from '../../engine/engine.js';
import { fsPackSource } from '../../engine/node/fs-pack-source.js';
import { readCodes } from '../../engine/latent/codes.js';
import type { FrameMapping, RgbaImage } from '../../engine/transfer/index.js';
import { attributeChoices, diffMask, renderLayer, truthOverrides, type Background } from './avatars.js';
import { pasteGenerated } from './baselines.js';
import { pictureRow } from './pictures.js';
import { runEditAsync } from './run-edit.js';
import { scoreEdit, type Scores } from './scores.js';
import { baldSpecs, codeSpecs, inferValue, strokeSpecs, type EditSpec, type PackCode } from './specs.js';
import { renderMarkdown, type EditRow, type PackRun } from './report.js';
import { saveFrames } from './frames-cache.js';

const { values: o } = parseArgs({
  options: {
    pack: { type: 'string', default: 'models/personas64-v2' }, seeds: { type: 'string', default: '6' },
    size: { type: 'string', default: '512' }, backgrounds: { type: 'string', default: 'opaque,transparent' },
    out: { type: 'string', default: 'bench/edits.json' }, 'no-docs': { type: 'boolean' },
    tag: { type: 'string' }, merge: { type: 'string' }, against: { type: 'string' },
    // while iterating: only these seed indices (e.g. "1,3"), only the kinds matching a pattern (e.g. "stroke · hair")
    only: { type: 'string' }, kinds: { type: 'string' },
    // a bald held-out avatar whose hair-style edits grow hair where there was none ("" leaves it out)
    bald: { type: 'string', default: 'heldout-69' },
  },
});
if (o.merge) {
  // fold the runs of another file (e.g. a run written elsewhere with --out) into --out, rewrite the docs
  const all: Record<string, PackRun> = existsSync(o.out!) ? JSON.parse(readFileSync(o.out!, 'utf8')) : {};
  Object.assign(all, JSON.parse(readFileSync(o.merge, 'utf8')));
  writeOutputs(all);
  process.exit(0);
}
const packDir = resolve(o.pack!);
if (!existsSync(join(packDir, 'pack.json'))) throw new Error(`bench:edits: no pack at ${packDir} (pack.json missing)`);
const seeds = Number(o.seeds), S = Number(o.size);
if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`--seeds must be a positive integer, got ${o.seeds}`);
const only = o.only ? o.only.split(',').map(Number) : null;
if (only?.some((i) => !Number.isInteger(i) || i < 0 || i >= seeds)) throw new Error(`--only: seed indices 0…${seeds - 1}, got "${o.only}"`);
const kinds = o.kinds ? new RegExp(o.kinds) : null;
const backgrounds = o.backgrounds!.split(',') as Background[];
for (const b of backgrounds) if (b !== 'opaque' && b !== 'transparent') throw new Error(`--backgrounds: opaque and/or transparent, got "${b}"`);

const packJson = JSON.parse(readFileSync(join(packDir, 'pack.json'), 'utf8')) as { id: string; latent: { codes: PackCode[] } };
const engine = await Engine.createAsync(fsPackSource(packDir), { numThreads: 1 });
const range = engine.pack.pixelRange;
// --tag names a variant of the run (e.g. "before": another transfer, BENCH_EDITS_TRANSFER); its rows are kept apart
const packName = basename(packDir);
const runId = o.tag ? `${packName}-${o.tag.replace(/[^a-z0-9]+/gi, '-')}` : packName;
// a subset written elsewhere (--no-docs) keeps its pictures beside its --out, not over the run's own in the repository
const picturesDir = o['no-docs'] ? join(dirname(resolve(o.out!)), `pictures-${runId}`) : join('bench/edits/pictures', runId);
mkdirSync(picturesDir, { recursive: true });
const rows: EditRow[] = [], skipped = new Set<string>(), pictured = new Map<string, string>();
const t0 = performance.now();

for (let i = 0; i < seeds; i++) {
  if (only && !only.includes(i)) continue;
  const seed = `bench-${i}`;
  for (const background of backgrounds) {
    const { image: original, attrs } = renderLayer(seed, S, background);
    const proj = await engine.projectAsync(original, { fit: 'letterbox', seed: 1 });
    const z0 = proj.z.slice(), m = proj.mapping;
    const specs = [...strokeSpecs(seed, S, background, attrs, m), ...codeSpecs(seed, i, S, background, packJson.latent.codes, readCodes(z0, engine.layout), m, skipped)];
    for (const spec of specs) {
      if (kinds && !kinds.test(spec.kind)) continue;
      await runOne(seed, background, original, z0, m, spec);
    }
  }
}
// hair grown on a bald head: new content the flow cannot carry (§2), a few styles on each background
for (const background of o.bald ? backgrounds : []) {
  const seed = o.bald!;
  const { image: original, attrs } = renderLayer(seed, S, background);
  if (attrs.hair !== 'bald') throw new Error(`--bald: ${seed} is not bald (its hair is ${attrs.hair})`);
  const proj = await engine.projectAsync(original, { fit: 'letterbox', seed: 1 });
  for (const spec of baldSpecs(packJson.latent.codes, readCodes(proj.z, engine.layout), background)) {
    if (kinds && !kinds.test(spec.kind)) continue;
    await runOne(seed, background, original, proj.z.slice(), proj.mapping, spec);
  }
}
await engine.releaseAsync();

/** One edit: run through the engine, scored against its truth and the baselines, a row (and its frames, its picture). */
async function runOne(seed: string, background: Background, original: RgbaImage, z0: Float32Array, m: FrameMapping, spec: EditSpec): Promise<void> {
  const run = await runEditAsync(engine, z0, original, m, spec);
  const value = spec.value ?? inferValue(run.last, range, spec.partFrame!, attributeChoices(spec.attribute)!);
  if (value === null) { skipped.add(`${spec.label} on ${seed}: the part is too small to read a colour from G(z1)`); return; }
  const truth = renderLayer(seed, S, background, truthOverrides(spec.attribute, value, spec.also)).image;
  const part = diffMask(original, truth);
  const pasted = pasteGenerated(run.last, range, original, m);
  const scores: Record<'ours' | 'untouched' | 'pasted', Scores> = {
    ours: scoreEdit(run.result, truth, original, part),
    untouched: scoreEdit(original, truth, original, part),
    pasted: scoreEdit(pasted, truth, original, part),
  };
  const partShare = part.reduce((a, v) => a + v, 0) / part.length;
  rows.push({ seed, kind: spec.kind, label: spec.label + (spec.value === null ? ` (truth: #${value})` : ''), partShare, transferMs: Math.round(run.transferMs), ...scores });
  // the engine's frames of every edit (8-bit, as the worker gets them), to score a changed transfer on them without the generator (rescore.ts)
  if (process.env.BENCH_EDITS_FRAMES) saveFrames(process.env.BENCH_EDITS_FRAMES, { seed, background, kind: spec.kind, label: rows[rows.length - 1]!.label, attribute: spec.attribute, value, ...(spec.also ? { also: spec.also } : {}), strokes: spec.strokes ?? null, mapping: m, reshaped: run.reshaped, colours: run.colours, coloursBefore: run.coloursBefore, colourStroke: run.colourStroke, ...(run.backdrops ? { backdropColours: run.backdrops.colours } : {}) }, run.backdrops ? [...run.frames, ...run.backdrops.frames] : run.frames, range);
  if (process.env.BENCH_EDITS_ALL_PICTURES) writeFileSync(join(process.env.BENCH_EDITS_ALL_PICTURES, `${seed}-${spec.label.replace(/[^a-z0-9]+/gi, '-')}.png`), pictureRow([original, truth, run.result, pasted]));
  if (!pictured.has(spec.kind)) {
    const file = `${spec.kind.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`;
    writeFileSync(join(picturesDir, file), pictureRow([original, truth, run.result, pasted]));
    pictured.set(spec.kind, `${seed}, ${spec.label}`);
  }
  const s = scores.ours;
  process.stderr.write(`${seed} ${spec.kind} ${spec.label}: in ${s.rmseIn?.toFixed(1) ?? '–'} (untouched ${scores.untouched.rmseIn?.toFixed(1) ?? '–'}, G(z1) ${scores.pasted.rmseIn?.toFixed(1) ?? '–'}) out ${s.rmseOut.toFixed(1)} leak ${s.leakage.toFixed(2)}% ghost ${s.ghost?.toFixed(1) ?? '–'}%\n`);
}

const run: PackRun = {
  pack: runId, ...(o.against ? { against: o.against } : {}), date: new Date().toISOString().slice(0, 10), seeds, size: S, backgrounds,
  seconds: Math.round((performance.now() - t0) / 1000), pictures: Object.fromEntries(pictured), skipped: [...skipped], edits: rows,
};
const all: Record<string, PackRun> = existsSync(o.out!) ? JSON.parse(readFileSync(o.out!, 'utf8')) : {};
all[runId] = run;
writeOutputs(all);

function writeOutputs(all: Record<string, PackRun>): void {
  writeFileSync(o.out!, JSON.stringify(all, null, 1) + '\n');
  const md = renderMarkdown(Object.values(all));
  process.stdout.write(md + '\n');
  if (o['no-docs'] || !existsSync('BENCHMARKS.md')) return;
  const doc = readFileSync('BENCHMARKS.md', 'utf8'), a = '<!-- bench:edits -->', b = '<!-- /bench:edits -->';
  const i = doc.indexOf(a), j = doc.indexOf(b);
  if (i >= 0 && j > i) writeFileSync('BENCHMARKS.md', doc.slice(0, i + a.length) + '\n' + md + '\n' + doc.slice(j));
}
