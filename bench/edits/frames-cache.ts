/**
 * The engine's frames of each bench:edits edit, saved (BENCH_EDITS_FRAMES=<dir> npm run bench:edits)
 * so that a change of the transfer can be scored on exactly the same frames without running the
 * generator again (`tsx bench/edits/rescore.ts <dir>`): the generator is most of a run's time.
 * One <n>.bin per edit (the frames in 8 bits, as the panel's worker receives them) and index.jsonl.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Stroke } from '../../engine/brushes/strokes.js';
import type { FrameMapping } from '../../engine/transfer/index.js';
import type { Background } from './avatars.js';

export interface CachedEdit {
  seed: string; background: Background; kind: string; label: string; attribute: string; value: string;
  /** Attributes the truth also sets (EditSpec `also`). */
  also?: Record<string, string>;
  strokes: Stroke[] | null; mapping: FrameMapping;
  /** The transfer's `reshaped` (a shape code moved); absent in frames saved before it existed. */
  reshaped?: boolean;
  /** The transfer's `colours` (what the moved colour codes name); absent in frames saved before it existed. */
  colours?: number[][];
  /** The transfer's `coloursBefore` (what the same codes named before); absent in frames saved before it existed. */
  coloursBefore?: number[][];
  /** The transfer's `colourStroke`; absent in frames saved before it existed. */
  colourStroke?: boolean;
  /** The colours (0–255 RGB) of the transfer's `backdrops`, whose two frames follow the sequence's in the file; absent: none. */
  backdropColours?: [number[], number[]];
}

export interface CachedEntry extends CachedEdit { file: string; frames: number; range: [number, number] }

/** Saves `frames` (and after them the two backdrop renders, when the edit has `backdropColours`). */
export function saveFrames(dir: string, edit: CachedEdit, frames: Float32Array[], range: readonly [number, number]): void {
  mkdirSync(dir, { recursive: true });
  const n = frames[0]!.length, q = new Uint8Array(frames.length * n), k = 255 / (range[1] - range[0]);
  frames.forEach((f, t) => { for (let i = 0; i < n; i++) q[t * n + i] = Math.min(255, Math.max(0, Math.round((f[i]! - range[0]) * k))); });
  const sequence = frames.length - (edit.backdropColours ? 2 : 0);
  const index = join(dir, 'index.jsonl');
  const file = `${existsSync(index) ? readFileSync(index, 'utf8').split('\n').filter(Boolean).length : 0}.bin`;
  writeFileSync(join(dir, file), q);
  appendFileSync(index, JSON.stringify({ ...edit, file, frames: sequence, range: [range[0], range[1]] } satisfies CachedEntry) + '\n');
}

/** The sequence's frames, and the backdrop renders when the edit has them. */
export function loadFrames(dir: string, e: CachedEntry): { frames: Float32Array[]; backdrops: { frames: [Float32Array, Float32Array]; colours: [number[], number[]] } | null } {
  const extra = e.backdropColours ? 2 : 0;
  const q = readFileSync(join(dir, e.file)), n = q.length / (e.frames + extra), [lo, hi] = e.range, k = (hi - lo) / 255;
  const all = Array.from({ length: e.frames + extra }, (_, t) => { const f = new Float32Array(n); for (let i = 0; i < n; i++) f[i] = lo + q[t * n + i]! * k; return f; });
  const frames = all.slice(0, e.frames);
  return { frames, backdrops: extra ? { frames: [all[e.frames]!, all[e.frames + 1]!], colours: e.backdropColours! } : null };
}

/** The edits saved in `dir`, each once. */
export function readIndex(dir: string): CachedEntry[] {
  const all = readFileSync(join(dir, 'index.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as CachedEntry);
  // a directory used again keeps each edit's latest frames (a rescore scored each edit once per run saved)
  const latest = new Map<string, CachedEntry>();
  for (const e of all) latest.set(`${e.seed}|${e.kind}|${e.label}`, e);
  return all.filter((e) => latest.get(`${e.seed}|${e.kind}|${e.label}`) === e);
}
