/**
 * `npm run evidence:pictures`: what a pack's named codes do to a designer's layer (issue 12 §4
 * "Pictures"). Two held-out avatars (never trained on) rendered at 512²: a bald one set to every
 * hair style, a dark-haired one set to every hair colour, each through the CLI's own code path
 * (`manifold edit <layer> --code "NAME=VALUE" --full-res`, run in-process: the same runCli as
 * `npx manifold`), from one projection saved with --latent-out so every tile starts from the same z.
 *
 *   npm run evidence:pictures -- [--pack models/personas64-v2] [--bald heldout-69] [--dark heldout-63] [--size 512]
 *
 * Writes <pack>/evidence/pictures-<code>.png (the layer, then one tile per value, 1/4 size) and
 * pictures.json (the commands and the tiles' labels), which evidence.md shows.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from '../../cli/main.js';
import { readImageAsync, writePngAsync } from '../../cli/image-io.js';
import { renderLayer } from '../../bench/edits/avatars.js';
import { pictureGrid } from '../../bench/edits/pictures.js';
import type { RgbaImage } from '../../engine/transfer/index.js';

interface PackCode { name: string; kind: string; labels?: string[]; attribute?: string }
interface Sheet { title: string; code: string; seed: string; file: string; modelFile: string; command: string; labels: string[] }

/** Nearest-neighbour upscale by an integer factor (the generator's pixels, shown as they are). */
function upscale(img: RgbaImage, f: number): RgbaImage {
  const w = img.width * f, h = img.height * f, data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(img.data.subarray(((y / f | 0) * img.width + (x / f | 0)) * 4, ((y / f | 0) * img.width + (x / f | 0)) * 4 + 4), (y * w + x) * 4);
  return { width: w, height: h, data };
}

async function cli(args: string[]): Promise<void> {
  const errs: string[] = [];
  const rc = await runCli(args, { log: () => {}, err: (s) => errs.push(s) });
  if (rc !== 0) throw new Error(`manifold ${args.join(' ')} failed: ${errs.join(' ')}`);
}

async function sheetAsync(pack: string, code: PackCode, seed: string, size: number, dir: string, out: string): Promise<Sheet> {
  const layer = renderLayer(seed, size, 'opaque').image;
  const input = join(dir, `${seed}.png`), z = join(dir, `${seed}.json`);
  await writePngAsync(input, layer);
  await cli(['project', input, '--pack', pack, '-o', join(dir, `${seed}-proj.png`), '--latent-out', z]);
  const tiles: RgbaImage[] = [layer];
  const model: RgbaImage[] = [await readImageAsync(join(dir, `${seed}-proj.png`))];   // what the generator draws, at its 64²
  for (const label of code.labels ?? []) {
    const full = join(dir, `${seed}-${tiles.length}.png`), frame = join(dir, `${seed}-${tiles.length}-frame.png`);
    await cli(['edit', input, '--pack', pack, '--latent', z, '--code', `${code.name}=${label}`, '-o', frame, '--full-res', full]);
    tiles.push(await readImageAsync(full));
    model.push(await readImageAsync(frame));
    process.stderr.write(`\r[pictures] ${code.name}: ${tiles.length - 1}/${code.labels!.length}   `);
  }
  process.stderr.write('\n');
  const file = `pictures-${code.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.png`;
  writeFileSync(join(out, file), pictureGrid(tiles, 7, Math.max(1, Math.round(size / 128))));
  const modelFile = file.replace('.png', '-model.png');
  writeFileSync(join(out, modelFile), pictureGrid(model.map((m) => upscale(m, 2)), 7, 1));
  return {
    title: `${seed}: ${code.name}`, code: code.name, seed, file, modelFile, labels: code.labels ?? [],
    command: `npx manifold edit ${seed}.png --pack ${pack} --latent z.json --code "${code.name}=<label>" -o frame.png --full-res out.png`,
  };
}

async function main(): Promise<void> {
  const { values: o } = parseArgs({
    options: {
      pack: { type: 'string', default: 'models/personas64-v2' }, size: { type: 'string', default: '512' },
      bald: { type: 'string', default: 'heldout-69' }, dark: { type: 'string', default: 'heldout-63' },
    },
  });
  const size = Number(o.size);
  const codes = (JSON.parse(readFileSync(join(o.pack!, 'pack.json'), 'utf8')) as { latent: { codes: PackCode[] } }).latent.codes;
  const byAttribute = (a: string) => {
    const c = codes.find((k) => k.kind === 'categorical' && k.attribute === a);
    if (!c) throw new Error(`${o.pack} has no categorical code on the attribute "${a}" (its codes: ${codes.map((k) => k.name).join(', ')})`);
    return c;
  };
  const bald = renderLayer(o.bald!, 16, 'opaque').attrs, dark = renderLayer(o.dark!, 16, 'opaque').attrs;
  if (bald.hair !== 'bald') throw new Error(`--bald ${o.bald} is not bald (hair: ${bald.hair})`);
  if (!['#362c47', '#6c4545'].includes(String(dark.hairColor))) throw new Error(`--dark ${o.dark} is not dark-haired (hairColor: ${dark.hairColor})`);
  const dir = mkdtempSync(join(tmpdir(), 'manifold-pictures-'));
  const out = join(o.pack!, 'evidence');
  const sheets = [
    await sheetAsync(o.pack!, byAttribute('hair'), o.bald!, size, dir, out),
    await sheetAsync(o.pack!, byAttribute('hairColor'), o.dark!, size, dir, out),
  ];
  writeFileSync(join(out, 'pictures.json'), JSON.stringify({ pack: o.pack, size, sheets }, null, 2) + '\n');
  console.log(sheets.map((s) => `${s.file}: ${s.title}`).join('\n'));
}

main().catch((e: Error) => { console.error(`evidence:pictures: ${e.message}`); process.exit(1); });
