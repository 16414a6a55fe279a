/**
 * Renders the training set: DiceBear "personas" avatars at 64×64 RGB from
 * deterministic seeds, with the attributes DiceBear chose for each.
 *
 *   npm run dataset -- [--train 30000] [--heldout 512] [--out data/avatars] [--backgrounds b6e3f4,…,ffffff]
 *
 * --backgrounds replaces the style's five pastel backgrounds (v2 adds white: designers'
 * layers are often on white, and a generator that never saw white cannot project them).
 *
 * Output (git-ignored): <split>.u8 (N×64×64×3 bytes, row-major RGB) and
 * <split>.jsonl (one {index, seed, attrs} per image, same order).
 * Train seeds are "train-<i>", held-out seeds "heldout-<i>": the namespaces never
 * overlap. resvg can abort the whole process on some SVGs, so rendering happens in
 * child processes; a seed whose child dies is logged and skipped.
 */
import { fork } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATASET_STYLE, renderAvatar } from './render-avatar.ts';

interface Rendered { index: number; seed: string; attrs: Record<string, unknown>; rgb: string }
type ChildMsg = { kind: 'image'; image: Rendered } | { kind: 'done' };

const here = fileURLToPath(import.meta.url);

function argValue(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** Child side: render seeds [start, end) of a split and send each image to the parent. */
async function child(split: string, start: number, end: number, size: number, backgrounds: string[] | undefined): Promise<void> {
  for (let i = start; i < end; i++) {
    const seed = `${split}-${i}`;
    const { rgb, attrs } = renderAvatar(seed, size, backgrounds);
    process.send!({ kind: 'image', image: { index: i, seed, attrs, rgb: Buffer.from(rgb).toString('base64') } } satisfies ChildMsg);
  }
  process.send!({ kind: 'done' } satisfies ChildMsg);
}

/** Parent side: renders one split with `workers` children, in seed order, skipping crashing seeds. */
async function renderSplit(outDir: string, split: string, count: number, size: number, workers: number, backgrounds: string): Promise<void> {
  const per = Math.ceil(count / workers);
  const results: (Rendered | null)[] = new Array(count).fill(null);
  const skipped: number[] = [];
  const runRange = (start: number, end: number): Promise<void> =>
    new Promise((done) => {
      if (start >= end) return done();
      let next = start;
      const proc = fork(here, ['--child', split, String(start), String(end), String(size), backgrounds], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      let finished = false;
      proc.on('message', (m: ChildMsg) => {
        if (m.kind === 'image') { results[m.image.index] = m.image; next = m.image.index + 1; }
        else finished = true;
      });
      proc.on('exit', (code) => {
        if (finished) return done();
        // The child died on seed `next`: skip it and carry on after it.
        console.warn(`[dataset] ${split}-${next}: renderer exited with ${code}; skipped`);
        skipped.push(next);
        void runRange(next + 1, end).then(done);
      });
    });
  let lastLog = Date.now();
  const timer = setInterval(() => {
    const n = results.filter(Boolean).length;
    if (Date.now() - lastLog > 10_000) { console.log(`[dataset] ${split}: ${n}/${count}`); lastLog = Date.now(); }
  }, 1000);
  await Promise.all(Array.from({ length: workers }, (_, w) => runRange(w * per, Math.min(count, (w + 1) * per))));
  clearInterval(timer);

  const ok = results.filter((r): r is Rendered => r !== null);
  const pixels = createWriteStream(join(outDir, `${split}.u8`));
  const table = createWriteStream(join(outDir, `${split}.jsonl`));
  for (const r of ok) {
    pixels.write(Buffer.from(r.rgb, 'base64'));
    table.write(JSON.stringify({ index: r.index, seed: r.seed, attrs: r.attrs }) + '\n');
  }
  await Promise.all([new Promise((r) => pixels.end(r)), new Promise((r) => table.end(r))]);
  console.log(`[dataset] ${split}: wrote ${ok.length} images (${skipped.length} skipped)`);
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    const [, , , split, start, end, size, backgrounds] = process.argv;
    return child(split, Number(start), Number(end), Number(size), backgrounds ? backgrounds.split(',') : undefined);
  }
  const outDir = resolve(argValue('out', 'data/avatars'));
  const train = Number(argValue('train', '30000'));
  const heldout = Number(argValue('heldout', '512'));
  const size = Number(argValue('size', '64'));
  const workers = Number(argValue('workers', '2'));
  const backgrounds = argValue('backgrounds', DATASET_STYLE.backgroundColor.join(','));
  mkdirSync(outDir, { recursive: true });
  const t0 = Date.now();
  await renderSplit(outDir, 'heldout', heldout, size, workers, backgrounds);
  await renderSplit(outDir, 'train', train, size, workers, backgrounds);
  writeFileSync(join(outDir, 'meta.json'), JSON.stringify({ style: { ...DATASET_STYLE, backgroundColor: backgrounds.split(',') }, size, channels: 3, train, heldout, seconds: (Date.now() - t0) / 1000 }, null, 2));
}

void main();
