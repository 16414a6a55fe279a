/**
 * The engine on a model pack (PACK_DIR in pack-dir.ts: the tiny random-weight fixture by default).
 * These check behaviour, not quality; the quality thresholds of issue 4 are in real-pack.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/engine.js';
import { projectAsync, type ProjectProgress } from '../../engine/ops/project.js';
import { rankCandidates } from '../../engine/ops/rank.js';
import type { CandidateUpdate } from '../../engine/ops/edit-session.js';
import type { Stroke } from '../../engine/brushes/strokes.js';
import { createTestEngineAsync, patternLatent, sqDist } from './helpers.js';

let engine: Engine;
let R: number, L: number, N: number;
beforeAll(async () => {
  engine = await createTestEngineAsync();
  R = engine.model.R; L = engine.model.L; N = R * R;
});
afterAll(async () => { await engine?.releaseAsync(); });

/** A colour stroke whose colours come from G(zt) along a line, so the model can make them. */
async function reachableColorStrokes(zt: Float32Array): Promise<Stroke[]> {
  const img = await engine.renderAsync(zt);
  const strokes: Stroke[] = [];
  for (const [x, y] of [[16, 20], [32, 24], [48, 40], [24, 48]] as const) {
    const p = y * R + x;
    const c = [0, 1, 2].map((ch) => Math.round((img[ch * N + p]! + 1) * 127.5)) as [number, number, number];
    strokes.push({ kind: 'color', points: [[x + 0.5, y + 0.5]], width: 7, color: c });
  }
  return strokes;
}

describe('PackModel', () => {
  it('runs every graph with the contract shapes on wasm', async () => {
    expect(engine.executionProvider).toBe('wasm');
    const z = new Float32Array(3 * L).fill(0.1);
    const img = await engine.renderAsync(z);
    expect(img.length).toBe(3 * 3 * N);
    expect(Math.max(...img)).toBeLessThanOrEqual(1);
    expect((await engine.model.encodeAsync(img)).length).toBe(3 * L);
    const c = { colorTarget: new Float32Array(3 * N), colorMask: new Float32Array(N).fill(1), edgeTarget: new Float32Array(3 * N), edgeMask: new Float32Array(N) };
    const r = await engine.model.editStepAsync(z, engine.model.editInputs(c, z.slice(0, L), [1, 0.2, 0.05]));
    expect([r.loss.length, r.grad.length, r.image.length, r.terms.length]).toEqual([3, 3 * L, 3 * 3 * N, 9]);
  });
});

describe('project', () => {
  it('hybrid (encoder + L-BFGS-B) ≤ encoder-only, and the best error never rises during the run', async () => {
    const zt = patternLatent(engine, 0.7, 1);
    const target = await engine.renderAsync(zt);
    const progress: ProjectProgress[] = [];
    const r = await projectAsync(engine.model, target, new Float32Array(N).fill(1), { iterations: 15, starts: 3, onProgress: (p) => progress.push(p) });
    expect(r.loss).toBeLessThanOrEqual(r.encoderLoss);
    expect(r.terms[0]).toBeLessThan(r.encoderTerms[0]);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.loss).toBeLessThanOrEqual(progress[i - 1]!.loss);
    expect(progress.at(-1)!.iteration).toBeGreaterThan(0);
    // categorical slices stay one-hot, everything in the box
    for (const c of engine.layout.categorical) expect(r.z.subarray(c.offset, c.offset + c.size).reduce((a, v) => a + v, 0)).toBe(1);
    r.z.forEach((v, i) => { expect(v).toBeGreaterThanOrEqual(engine.layout.lower[i]!); expect(v).toBeLessThanOrEqual(engine.layout.upper[i]!); });
    console.log(`[tiny] projection: encoder-only pixel error ${r.encoderTerms[0].toExponential(3)}, hybrid ${r.terms[0].toExponential(3)} after ${r.evaluations} batched evaluations`);
  });

  it('projects an RGBA image of any size with alpha, keeping the mapping', async () => {
    const w = 90, h = 50, data = new Uint8ClampedArray(w * h * 4);
    for (let i = 0; i < w * h; i++) data.set([200, 100, 50, i % 3 === 0 ? 0 : 255], i * 4);
    const r = await engine.projectAsync({ width: w, height: h, data }, { iterations: 2, starts: 1 });
    expect(r.mapping.scale).toBeCloseTo(64 / 90);
    expect(r.mask[0]).toBe(0); // letterbox band
    expect(engine.edit.latent).toEqual(r.z); // the projection is z0 of the new edit session
  });

  it('stops when aborted', async () => {
    const ac = new AbortController();
    const before = engine.model.runs.projectStep;
    const p = projectAsync(engine.model, new Float32Array(3 * N), new Float32Array(N).fill(1), {
      iterations: 1000, signal: ac.signal, onProgress: (q) => { if (q.evaluation === 3) ac.abort(); },
    });
    await expect(p).rejects.toThrow(/abort/i);
    expect(engine.model.runs.projectStep - before).toBe(3);
  });
});

describe('edit', () => {
  it('the same inputs and seed give the same candidates; another seed differs', async () => {
    const z0 = patternLatent(engine, 0.3, 0);
    const strokes = await reachableColorStrokes(patternLatent(engine, 0.8, 0, 1));
    const run = async (seed: number) => {
      const s = await engine.startEditingAsync(z0, { seed, steps: 5 });
      return s.setStrokesAsync(strokes);
    };
    const a = await run(3), b = await run(3), c = await run(4);
    expect(b.z).toEqual(a.z);
    expect(b.loss).toEqual(a.loss);
    expect(c.z).not.toEqual(a.z);
  });

  it('a colour stroke reduces the masked colour error; candidates stream, ranked, categorical one-hot', async () => {
    const z0 = patternLatent(engine, 0.3, 0);
    const strokes = await reachableColorStrokes(patternLatent(engine, 0.8, 0, 1));
    const updates: CandidateUpdate[] = [];
    const s = await engine.startEditingAsync(z0, { seed: 1, steps: 30, streamIntervalMs: 0, smoothWeight: 0.001, onUpdate: (u) => updates.push(u) });
    const u = await s.setStrokesAsync(strokes);
    // The batch as it stands first (while the category search runs), then steps 0 … 30.
    expect(updates.length).toBe(32);
    expect(updates.map((x) => x.step)).toEqual([0, ...Array.from({ length: 31 }, (_, i) => i)]);
    expect(updates.at(-1)).toBe(u);
    expect(u.done).toBe(true);
    const start = updates[0]!.terms[0]!; // candidate 0 of the first step is z0 itself
    const best = u.terms[u.order[0]! * 3]!;
    console.log(`[tiny] colour error: z0 ${start.toExponential(3)} → best ${best.toExponential(3)} (${(best / start).toFixed(3)}×)`);
    expect(best).toBeLessThan(start);
    // The best first; the kept set is iGAN's (≤ 2× the best costs), shown most different first.
    expect(u.order[0]).toBe(rankCandidates(u.loss)[0]);
    expect([...u.order].sort((a, b) => a - b)).toEqual([...rankCandidates(u.loss)].sort((a, b) => a - b));
    // Adam never moves a categorical slice: each stays one-hot (the first half keeps z0's categories;
    // the category search may have started the last half from a switch).
    const cat = engine.layout.categorical[0]!;
    for (let b = 0; b < 8; b++) {
      const slice = Array.from(u.z.slice(b * L + cat.offset, b * L + cat.offset + cat.size));
      expect(slice.filter((v) => v === 1).length).toBe(1);
      expect(slice.filter((v) => v === 0).length).toBe(cat.size - 1);
      if (b < 4) expect(slice).toEqual(Array.from(z0.slice(cat.offset, cat.offset + cat.size)));
    }
    expect(u.images.length).toBe(8 * 3 * N);
  });

  it('a stroke that only another category can meet is met by a categorical switch, and not without the search', async () => {
    const cat = engine.layout.categorical[0]!;
    const z0 = patternLatent(engine, 0.3, 0);
    const zt = patternLatent(engine, 0.3, 2);   // the same noise, category 2
    // G(zt) painted over the whole frame as a 32×32 grid of small dabs in its colours
    const img = await engine.renderAsync(zt);
    const strokes: Stroke[] = [];
    for (let gy = 0; gy < 32; gy++) for (let gx = 0; gx < 32; gx++) {
      const x = gx * 2 + 1, y = gy * 2 + 1, p = y * R + x;
      const color = [0, 1, 2].map((ch) => Math.round((img[ch * N + p]! + 1) * 127.5)) as [number, number, number];
      strokes.push({ kind: 'color', points: [[x, y]], width: 2, color });
    }
    const chosen = async (categorySearch: boolean) => {
      const s = await engine.startEditingAsync(z0, { seed: 3, steps: 5, smoothWeight: 0.001, categorySearch });
      const u = await s.setStrokesAsync(strokes);
      const b = u.order[0]!;
      return { category: Array.from(u.z.slice(b * L + cat.offset, b * L + cat.offset + cat.size)).indexOf(1), loss: u.loss[b]! };
    };
    const withSearch = await chosen(true), without = await chosen(false);
    console.log(`[tiny] category search: best candidate's category ${withSearch.category} (cost ${withSearch.loss.toExponential(3)}), without ${without.category} (${without.loss.toExponential(3)})`);
    expect(withSearch.category).toBe(2);
    expect(without.category).toBe(0);
    expect(withSearch.loss).toBeLessThan(without.loss);
  });

  it('new strokes show candidates after one edit step, before the category search; the final candidates are the same without a listener', async () => {
    const z0 = patternLatent(engine, 0.3, 0);
    const strokes = await reachableColorStrokes(patternLatent(engine, 0.8, 0, 1));
    const options = { seed: 2, steps: 6, streamIntervalMs: 0, categorySearch: true };
    // (Edit options carry over between sessions of an engine: no listener left from another test.)
    const quietSession = await engine.startEditingAsync(z0, { ...options, onUpdate: undefined });
    const quietBefore = engine.model.runs.editStep;
    const quiet = await quietSession.setStrokesAsync(strokes);
    const quietRan = engine.model.runs.editStep - quietBefore;
    const s = await engine.startEditingAsync(z0, options);
    const batch = s.batch;
    const stepsAtUpdate: number[] = [];
    const updates: CandidateUpdate[] = [];
    s.onUpdate = (u) => { stepsAtUpdate.push(engine.model.runs.editStep); updates.push(u); };
    const before = engine.model.runs.editStep;
    const u = await s.setStrokesAsync(strokes);
    const ran = engine.model.runs.editStep - before;
    // The first update came from the first graph run of this change: the batch as it was, unseeded.
    expect(stepsAtUpdate[0]! - before).toBe(1);
    expect(updates[0]!.z).toEqual(batch);
    expect(updates[0]!.done).toBe(false);
    // The search ran after it (more runs before Adam's first update), and the listener cost one run in all.
    expect(stepsAtUpdate[1]! - stepsAtUpdate[0]!).toBeGreaterThan(1);
    expect(ran).toBe(quietRan + 1);
    expect(u.z).toEqual(quiet.z);
    expect(u.loss).toEqual(quiet.loss);
    expect(u.images).toEqual(quiet.images);
  });

  it('a sketch stroke reduces the HOG (edge) term in its mask', async () => {
    const z0 = patternLatent(engine, 0.3, 2);
    const first: CandidateUpdate[] = [];
    const s = await engine.startEditingAsync(z0, { seed: 2, steps: 30, streamIntervalMs: 0, smoothWeight: 0.001, onUpdate: (u) => { if (first.length === 0) first.push(u); } });
    const u = await s.setStrokesAsync([{ kind: 'sketch', points: [[10, 12], [54, 12], [54, 50], [10, 50], [10, 12]], width: 2 }]);
    const start = first[0]!.terms[1]!, best = u.terms[u.order[0]! * 3 + 1]!;
    console.log(`[tiny] edge (HOG) error: z0 ${start.toExponential(3)} → best ${best.toExponential(3)}`);
    expect(best).toBeLessThan(start);
  });

  it('a larger smoothness weight keeps candidates nearer z0', async () => {
    const z0 = patternLatent(engine, 0.3, 0);
    const strokes = await reachableColorStrokes(patternLatent(engine, 0.8, 0, 2));
    const spread = async (smoothWeight: number) => {
      const u = await (await engine.startEditingAsync(z0, { seed: 5, steps: 20, smoothWeight })).setStrokesAsync(strokes);
      let s = 0;
      for (let b = 0; b < 8; b++) s += sqDist(u.z, z0, b * L, 0, L);
      return s / 8;
    };
    const loose = await spread(0.001), tight = await spread(5);
    console.log(`[tiny] mean ‖z − z0‖²: smooth 0.001 → ${loose.toFixed(3)}, smooth 5 → ${tight.toFixed(3)}`);
    expect(tight).toBeLessThan(loose);
  });

  it('a warp grabs the current result when added', async () => {
    const s = await engine.startEditingAsync(patternLatent(engine, 0.3, 1), { seed: 1, steps: 2 });
    await s.setStrokesAsync([{ kind: 'warp', from: [20, 20], to: [40, 40], radius: 6 }]);
    const w = s.currentStrokes[0]!;
    expect(w.kind === 'warp' && w.source?.length).toBe(3 * N);
    expect(s.currentConstraints!.colorMask[40 * R + 40]).toBe(1);
  });

  it('cancelling stops work: no further step runs after abort', async () => {
    // No category search: every graph run counted below is an Adam step.
    const s = await engine.startEditingAsync(patternLatent(engine, 0.3, 0), { seed: 1, steps: 500, streamIntervalMs: 0, categorySearch: false });
    const ac = new AbortController();
    let seen = 0;
    s.onUpdate = (u) => { seen = u.step; if (u.step === 4) ac.abort(); };
    const before = engine.model.runs.editStep;
    await expect(s.setStrokesAsync([{ kind: 'color', points: [[30, 30]], width: 10, color: [0, 0, 0] }], ac.signal)).rejects.toThrow(/abort/i);
    const ran = engine.model.runs.editStep - before;
    await new Promise((r) => setTimeout(r, 100));
    expect(engine.model.runs.editStep - before).toBe(ran);
    expect(ran).toBe(5);
    expect(seen).toBe(4);
  });

  it('a new stroke cancels the run in flight and restarts from its current batch', async () => {
    const s = await engine.startEditingAsync(patternLatent(engine, 0.3, 0), { seed: 1, steps: 40, streamIntervalMs: 0 });
    let stepsSeen = 0;
    s.onUpdate = () => { stepsSeen++; };
    const first = s.setStrokesAsync([{ kind: 'color', points: [[30, 30]], width: 10, color: [0, 0, 0] }]);
    await new Promise((r) => setTimeout(r, 30));
    const batchBefore = s.batch;
    const second = s.addStrokeAsync({ kind: 'color', points: [[10, 10]], width: 6, color: [255, 255, 255] });
    await expect(first).rejects.toThrow(/superseded/);
    const u = await second;
    expect(s.currentStrokes.length).toBe(2);
    expect(u.done).toBe(true);
    expect(stepsSeen).toBeLessThan(41 + 41);
    expect(batchBefore).not.toEqual(s.batch);
  });
});

describe('fix, codes, interpolate', () => {
  it('fix makes a candidate z0 and starts a jittered batch around it within the box', async () => {
    const s = await engine.startEditingAsync(patternLatent(engine, 0.3, 0), { seed: 9, steps: 5, jitter: 0.5, streamIntervalMs: 0 });
    const u = await s.setStrokesAsync([{ kind: 'color', points: [[30, 30]], width: 10, color: [20, 20, 20] }]);
    const pick = u.order[0]!;
    const chosen = u.z.slice(pick * L, (pick + 1) * L);
    let batch: Float32Array = new Float32Array(0);
    s.onUpdate = (v) => { if (v.step === 0) batch = v.z; }; // the new batch, before the strokes re-optimise it
    await s.fixAsync(pick);
    expect(s.latent).toEqual(chosen);
    expect(batch.slice(0, L)).toEqual(chosen);
    for (let b = 1; b < 8; b++) {
      for (let i = 0; i < L; i++) {
        const v = batch[b * L + i]!;
        if (engine.layout.free[i]) expect(Math.abs(v - chosen[i]!)).toBeLessThanOrEqual(0.5 + 1e-6);
        else expect(v).toBe(chosen[i]);
        expect(v).toBeGreaterThanOrEqual(engine.layout.lower[i]!);
        expect(v).toBeLessThanOrEqual(engine.layout.upper[i]!);
      }
    }
  });

  it('a code change becomes z0 and re-renders at once', async () => {
    await engine.startEditingAsync(patternLatent(engine, 0.3, 0), { seed: 1 });
    const cont = engine.layout.continuous[0]!, cat = engine.layout.categorical[0]!;
    const u = await engine.setCodeAsync({ code: cont.name, set: 0.75 });
    expect(engine.codes()[cont.name]).toBeCloseTo(0.75);
    const g = await engine.renderAsync(engine.edit.latent);
    expect(u.images.slice(0, 3 * N)).toEqual(g); // candidate 0 is z0, rendered
    await engine.setCodeAsync({ code: cat.name, category: 2 });
    expect(engine.codes()[cat.name]).toBe(2);
    expect(engine.codes()[cont.name]).toBeCloseTo(0.75);
  });

  it('interpolates K frames from z0 to a candidate; ends render G(z0) and G(z)', async () => {
    const s = await engine.startEditingAsync(patternLatent(engine, 0.3, 0), { seed: 1, steps: 3 });
    const u = await s.setStrokesAsync([{ kind: 'color', points: [[30, 30]], width: 10, color: [20, 20, 20] }]);
    const f = await engine.interpolateAsync(u.order[0]!, { frames: 16, mode: 'slerp' });
    expect(f.latents.length).toBe(16 * L);
    expect(f.images.length).toBe(16 * 3 * N);
    const g0 = await engine.renderAsync(s.latent);
    expect(sqDist(f.images, g0, 0, 0, 3 * N)).toBeLessThan(1e-8);
  });
});
