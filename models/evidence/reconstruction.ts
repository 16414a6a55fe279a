/**
 * `npm run evidence:recon`: how close projection comes to held-out avatars, through the engine the
 * panel runs (issue 12 §4 "Reconstruction"). Held-out seeds `heldout-<i>` (never trained on) are
 * rendered by DiceBear three ways: at 64² on their own pastel background (the training style),
 * and at 512² on white and transparent (as designers' layers often are; the engine scales them
 * into the frame like the panel does). Each is projected with the pack's defaults (hybrid:
 * encoder start + L-BFGS-B); the encoder's own guess is scored from the same run.
 *
 *   npm run evidence:recon -- [--pack models/personas64-v2] [--n 32] [--only pastel-64,white-512,transparent-512]
 *
 * Writes <pack>/evidence/reconstruction.json and prints a markdown table. Error = RMSE over the
 * frame's weighted pixels (alpha), in 0–255 levels: √(mean masked MSE) · 127.5 for packs in [-1, 1].
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Engine } from '../../engine/engine.js';
import { fsPackSource } from '../../engine/node/fs-pack-source.js';
import { renderLayer } from '../../bench/edits/avatars.js';

const CONDITIONS = {
  'pastel-64': { size: 64, background: 'opaque' as const, overrides: {} },
  'white-512': { size: 512, background: 'opaque' as const, overrides: { backgroundColor: ['ffffff'] } },
  'transparent-512': { size: 512, background: 'transparent' as const, overrides: {} },
};
type Condition = keyof typeof CONDITIONS;

export interface ReconRow { condition: Condition; n: number; encoderRmse: number; hybridRmse: number; hybridMedian: number; worst: number; seconds: number }

/** √(mean of squares) in 0–255 levels, from MSEs in pixel units spanning `span` (2 for [-1, 1]). */
export function rmseLevels(mses: readonly number[], span: number): number {
  const mean = mses.reduce((a, b) => a + b, 0) / Math.max(mses.length, 1);
  return Math.sqrt(mean) * (255 / span);
}

async function main(): Promise<void> {
  const { values: o } = parseArgs({
    options: {
      pack: { type: 'string', default: 'models/personas64-v2' }, n: { type: 'string', default: '32' },
      only: { type: 'string', default: Object.keys(CONDITIONS).join(',') },
    },
  });
  const n = Number(o.n);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--n must be a positive integer, got ${o.n}`);
  const conditions = o.only!.split(',').map((c) => {
    if (!(c in CONDITIONS)) throw new Error(`--only: unknown condition "${c}" (${Object.keys(CONDITIONS).join(', ')})`);
    return c as Condition;
  });
  const engine = await Engine.createAsync(fsPackSource(o.pack!), { numThreads: 1 });
  const span = engine.pack.pixelRange[1] - engine.pack.pixelRange[0];
  const rows: ReconRow[] = [];
  for (const condition of conditions) {
    const { size, background, overrides } = CONDITIONS[condition];
    const enc: number[] = [], hyb: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const { image } = renderLayer(`heldout-${i}`, size, background, overrides);
      const r = await engine.projectAsync(image);
      enc.push(r.encoderTerms[0]); hyb.push(r.terms[0]);
    }
    const perImage = hyb.map((m) => rmseLevels([m], span)).sort((a, b) => a - b);
    rows.push({
      condition, n, encoderRmse: rmseLevels(enc, span), hybridRmse: rmseLevels(hyb, span),
      hybridMedian: perImage[Math.floor(n / 2)]!, worst: perImage[n - 1]!, seconds: (performance.now() - t0) / 1000,
    });
    console.error(`[recon] ${condition}: hybrid ${rows.at(-1)!.hybridRmse.toFixed(1)}/255, encoder ${rows.at(-1)!.encoderRmse.toFixed(1)}/255`);
  }
  await engine.releaseAsync();
  const out = join(o.pack!, 'evidence');
  mkdirSync(out, { recursive: true });
  const record = { pack: engine.pack.id, date: new Date().toISOString().slice(0, 10), seeds: `heldout-0…heldout-${n - 1}`, defaults: engine.pack.defaults.project, rows };
  writeFileSync(join(out, 'reconstruction.json'), JSON.stringify(record, null, 2) + '\n');
  console.log(`| pack | layers | n | hybrid RMSE | median | worst | encoder only |`);
  console.log(`|---|---|---|---|---|---|---|`);
  for (const r of rows) {
    console.log(`| ${record.pack} | ${r.condition} | ${r.n} | ${r.hybridRmse.toFixed(1)} | ${r.hybridMedian.toFixed(1)} | ${r.worst.toFixed(1)} | ${r.encoderRmse.toFixed(1)} |`);
  }
}

if (process.argv[1]?.endsWith('reconstruction.ts')) {
  main().catch((e: Error) => { console.error(`evidence:recon: ${e.message}`); process.exit(1); });
}
