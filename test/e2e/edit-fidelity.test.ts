/**
 * Issue 15 end to end on the default pack, scored against DiceBear ground truth as
 * `npm run bench:edits` does: a held-out 512² avatar, a colour stroke across its shirt in the
 * colour of the re-rendered truth, through the panel's path (projection → Adam on the
 * candidates → 16 slerp frames → transfer with strokePaint). The shirt must come out within
 * 12/255 of the truth, nothing outside it may change, and the result must beat both baselines
 * (the untouched layer and G(z1) pasted in).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../engine/engine.js';
import { fsPackSource } from '../../engine/node/fs-pack-source.js';
import { diffMask, renderLayer } from '../../bench/edits/avatars.js';
import { pasteGenerated } from '../../bench/edits/baselines.js';
import { runEditAsync } from '../../bench/edits/run-edit.js';
import { scoreEdit } from '../../bench/edits/scores.js';
import { strokeSpecs } from '../../bench/edits/specs.js';

const PACK = process.env.MANIFOLD_REAL_PACK ?? 'models/personas64-v2';
const S = 512, SEED = 'bench-0';

describe.skipIf(!existsSync(join(PACK, 'pack.json')))('a colour stroke against ground truth (issue 15)', () => {
  let engine: Engine;
  beforeAll(async () => { engine = await Engine.createAsync(fsPackSource(PACK), { numThreads: 1 }); }, 120_000);
  afterAll(async () => { await engine?.releaseAsync(); });

  it('paints the shirt within 12/255 of the re-rendered truth and leaves everything else as it was', async () => {
    const { image: original, attrs } = renderLayer(SEED, S, 'opaque');
    const proj = await engine.projectAsync(original, { fit: 'letterbox', seed: 1 });
    const spec = strokeSpecs(SEED, S, 'opaque', attrs, proj.mapping).find((s) => s.kind.startsWith('stroke · clothing'))!;
    const run = await runEditAsync(engine, proj.z.slice(), original, proj.mapping, spec);
    const truth = renderLayer(SEED, S, 'opaque', { [spec.attribute]: [spec.value!] }).image;
    const part = diffMask(original, truth);
    const ours = scoreEdit(run.result, truth, original, part);
    const untouched = scoreEdit(original, truth, original, part);
    const pasted = scoreEdit(pasteGenerated(run.last, engine.pack.pixelRange, original, proj.mapping), truth, original, part);
    expect(ours.rmseIn!, 'RMSE to the truth inside the shirt').toBeLessThanOrEqual(12);
    expect(ours.leakage, '% changed beyond 2 px of the shirt').toBeLessThan(0.5);
    expect(ours.alphaErr).toBe(0);
    expect(ours.rmse).toBeLessThan(untouched.rmse);
    expect(ours.rmse).toBeLessThan(pasted.rmse);
  }, 300_000);
});
