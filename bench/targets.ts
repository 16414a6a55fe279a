/**
 * The issue-14 targets, read from whatever sections a run measured: `{ id, measured, target,
 * unit, met }` for bench/results.json's `targets` list. A target whose section did not run is
 * left out (never guessed).
 */
export interface Target {
  id: string;
  measured: number;
  target: number;
  unit: string;
  /** measured ≥ target for ratios ("×"), measured < target for times ("s"). */
  met: boolean;
  note?: string;
}

type Results = Record<string, any>;

export function targetsFrom(r: Results): Target[] {
  const out: Target[] = [];
  const ratio = (id: string, measured: unknown, target: number, note?: string) => {
    if (typeof measured === 'number' && Number.isFinite(measured)) out.push({ id, measured: round(measured), target, unit: '×', met: measured >= target, ...(note ? { note } : {}) });
  };
  const below = (id: string, measured: unknown, target: number, unit: string, note?: string) => {
    if (typeof measured === 'number' && Number.isFinite(measured)) out.push({ id, measured: round(measured), target, unit, met: measured < target, ...(note ? { note } : {}) });
  };
  const w = r.workers;
  if (w) {
    const n = `${w.workers} workers`;
    ratio('edit-step-b8-vs-pytorch-1t', w.vsTorch1t, 1.6, `parallel engine (${n}) against PyTorch eager + autograd, 1 thread`);
    ratio('edit-step-b8-vs-pytorch-2t', w.vsTorch2t, 1.0, `parallel engine (${n}) against PyTorch eager + autograd, 2 threads`);
    below('settle-40-steps-s', w.settleSeconds?.parallel, 1.5, 's', `40 steps at B = 8, ${n}`);
    ratio('workers-speedup-b8', w.speedupB8, 1.7, `${n} against 1, edit step at B = 8`);
  }
  const c = r.coldStart;
  const data = c?.data?.median;
  if (c && data) {
    // "≤ 1.2×": a ratio where lower is better.
    if (typeof c.panelProjectionVsCli === 'number') out.push({ id: 'panel-projection-vs-cli', measured: round(c.panelProjectionVsCli), target: 1.2, unit: '× (lower is better)', met: c.panelProjectionVsCli <= 1.2 });
    below('select-to-projection-shown-s', (data.select + data.projected) / 1000, 3, 's', 'data hosting: select → ready, then Project → projection settled');
    below('encoder-guess-shown-s', data.guess / 1000, 0.5, 's', 'data hosting: Project → the encoder’s guess on screen');
    below('stroke-first-candidates-s', data.firstCandidates / 1000, 0.3, 's', 'data hosting: pointer lifted → first candidates on screen');
    below('page-load-to-engine-ready-s', data.engine / 1000, 3, 's', 'data hosting');
    below('candidates-settled-to-preview-s', data.preview / 1000, 0.5, 's', 'data hosting: final candidates on screen → the canvas’s preview of Apply up to date (issue 17)');
  }
  const row4096 = (r.transfer?.rows as { size: number; ms: number; parallelMs?: number }[] | undefined)?.find((x) => x.size === 4096);
  if (row4096) below('transfer-4096-whole-s', (row4096.parallelMs ?? row4096.ms) / 1000, 1, 's', row4096.parallelMs ? `whole change, frame pairs estimated by ${r.transfer.workers} workers` : 'whole change, 1 worker');
  return out;
}

const round = (v: number) => Math.round(v * 1000) / 1000;
