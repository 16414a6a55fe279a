/** The markdown tables of bench:edits: one per pack run, a row per edit kind (means over its edits), and the picture rows. */
import type { Scores } from './scores.js';

export interface EditRow {
  seed: string; kind: string; label: string; partShare: number; transferMs: number;
  ours: Scores; untouched: Scores; pasted: Scores;
}
export interface PackRun {
  pack: string;
  /** The run this one is compared with in the before → after table (default: "<pack>-before"). */
  against?: string;
  date: string; seeds: number; size: number; backgrounds: string[]; seconds: number;
  pictures: Record<string, string>; skipped: string[]; edits: EditRow[];
}

const mean = (xs: (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
};
const f = (x: number | null, d = 1): string => (x === null ? '–' : x.toFixed(d));

export interface KindSummary {
  kind: string; n: number;
  rmseIn: { ours: number | null; untouched: number | null; pasted: number | null };
  rmseOut: { ours: number | null; pasted: number | null };
  leakage: number | null; leakageMax: number; alphaErr: number | null; ghost: number | null; beats: number;
}

export function summarise(edits: EditRow[]): KindSummary[] {
  const kinds = [...new Set(edits.map((e) => e.kind))];
  return kinds.map((kind) => {
    const es = edits.filter((e) => e.kind === kind);
    return {
      kind, n: es.length,
      rmseIn: { ours: mean(es.map((e) => e.ours.rmseIn)), untouched: mean(es.map((e) => e.untouched.rmseIn)), pasted: mean(es.map((e) => e.pasted.rmseIn)) },
      rmseOut: { ours: mean(es.map((e) => e.ours.rmseOut)), pasted: mean(es.map((e) => e.pasted.rmseOut)) },
      leakage: mean(es.map((e) => e.ours.leakage)), leakageMax: Math.max(...es.map((e) => e.ours.leakage)),
      alphaErr: mean(es.map((e) => e.ours.alphaErr)), ghost: mean(es.map((e) => e.ours.ghost)),
      beats: es.filter((e) => e.ours.rmse < e.untouched.rmse && e.ours.rmse < e.pasted.rmse).length,
    };
  });
}

/** Before → after per edit kind, for each run that names the run it is compared with (--against), or has a "<id>-before" twin (a --tag before run of an older transfer). */
function comparisons(runs: PackRun[]): string[] {
  const out: string[] = [];
  for (const after of runs) {
    const before = runs.find((r) => r.pack === (after.against ?? `${after.pack}-before`));
    if (!before) continue;
    // only the edits both runs made (a shorter run is compared on its own seeds)
    const key = (e: EditRow): string => `${e.seed}|${e.kind}|${e.label}`;
    const inAfter = new Set(after.edits.map(key)), inBefore = new Set(before.edits.map(key));
    const b = new Map(summarise(before.edits.filter((e) => inAfter.has(key(e)))).map((k) => [k.kind, k]));
    const a = summarise(after.edits.filter((e) => inBefore.has(key(e))));
    out.push(`### Before → after this change of the transfer: run \`${before.pack}\` → \`${after.pack}\` (means over the same edits)`, '');
    out.push('| edit kind | RMSE in the part | RMSE outside | leakage % | ghosting % | alpha error | beats both baselines |');
    out.push('|---|---|---|---|---|---|---|');
    for (const k of a) {
      const o = b.get(k.kind);
      if (!o) continue;
      out.push(`| ${k.kind} | ${f(o.rmseIn.ours)} → **${f(k.rmseIn.ours)}** | ${f(o.rmseOut.ours)} → **${f(k.rmseOut.ours)}** | ${f(o.leakage, 2)} → **${f(k.leakage, 2)}** | ${f(o.ghost)} → **${f(k.ghost)}** | ${f(o.alphaErr, 2)} → **${f(k.alphaErr, 2)}** | ${o.beats}/${o.n} → **${k.beats}/${k.n}** |`);
    }
    out.push('');
  }
  return out;
}

export function renderMarkdown(runs: PackRun[]): string {
  const out: string[] = comparisons(runs);
  for (const r of runs) {
    out.push(`### Pack \`${r.pack}\` (${r.date}: ${r.seeds} seeds bench-0…bench-${r.seeds - 1}, ${r.size}², ${r.backgrounds.join(' and ')}, ${r.edits.length} edits in ${r.seconds} s)`, '');
    out.push('| edit kind | n | RMSE in the part: ours | untouched | G(z1) bicubic | RMSE outside: ours | G(z1) | leakage % (worst) | alpha error | ghosting % | beats both baselines |');
    out.push('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const s of summarise(r.edits)) {
      out.push(`| ${s.kind} | ${s.n} | ${f(s.rmseIn.ours)} | ${f(s.rmseIn.untouched)} | ${f(s.rmseIn.pasted)} | ${f(s.rmseOut.ours)} | ${f(s.rmseOut.pasted)} | ${f(s.leakage, 2)} (${s.leakageMax.toFixed(2)}) | ${f(s.alphaErr, 2)} | ${f(s.ghost)} | ${s.beats}/${s.n} |`);
    }
    out.push('');
    if (r.skipped.length) out.push(`Not scored: ${r.skipped.join('; ')}.`, '');
    // a rescored run (no generator) keeps no pictures of its own
    if (Object.keys(r.pictures).length) out.push('Pictures, one edit of each kind: layer · ground truth · our result · G(z1) bicubic (the other baseline is the layer itself).', '');
    for (const [kind, what] of Object.entries(r.pictures)) {
      const file = `${kind.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`;
      out.push(`${kind} (${what}):`, '', `![${kind}](bench/edits/pictures/${r.pack}/${file})`, '');
    }
  }
  return out.join('\n');
}
