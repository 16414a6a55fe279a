/** bench/targets.ts: the targets read from the sections a run measured, met or not. */
import { describe, expect, it } from 'vitest';
import { targetsFrom } from '../../bench/targets';

describe('targetsFrom', () => {
  it('lists only what was measured, ratios met when ≥ target, times when below it', () => {
    const t = targetsFrom({
      workers: { workers: 2, vsTorch1t: 1.2, vsTorch2t: 1.05, settleSeconds: { parallel: 1.7 }, speedupB8: 1.8 },
      transfer: { workers: 2, rows: [{ size: 4096, ms: 1250, parallelMs: 900 }] },
    });
    expect(t.map((x) => [x.id, x.measured, x.met])).toEqual([
      ['edit-step-b8-vs-pytorch-1t', 1.2, false],
      ['edit-step-b8-vs-pytorch-2t', 1.05, true],
      ['settle-40-steps-s', 1.7, false],
      ['workers-speedup-b8', 1.8, true],
      ['transfer-4096-whole-s', 0.9, true],
    ]);
    expect(targetsFrom({})).toEqual([]);
  });

  it('reads the panel timeline: the projection against the CLI (lower is better) and the designer’s waits', () => {
    const t = targetsFrom({ coldStart: { panelProjectionVsCli: 1.3, data: { median: { select: 400, projected: 2000, guess: 300, firstCandidates: 500, engine: 2500 } } } });
    expect(Object.fromEntries(t.map((x) => [x.id, x.met]))).toEqual({
      'panel-projection-vs-cli': false, 'select-to-projection-shown-s': true, 'encoder-guess-shown-s': true,
      'stroke-first-candidates-s': false, 'page-load-to-engine-ready-s': true,
    });
  });
});
