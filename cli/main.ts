/**
 * `manifold`: the engine on the command line (project, edit, info, bench). Run by bin/manifold.mjs.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Engine } from '../engine/engine.js';
import { fsPackSource } from '../engine/node/fs-pack-source.js';
import { contactSheet, planarToRgba, type Fit } from '../engine/image/frame.js';
import { codeEditHints, readCodes, type CodeChange } from '../engine/latent/codes.js';
import type { LatentLayout } from '../engine/latent/latent-layout.js';
import type { Stroke } from '../engine/brushes/strokes.js';
import { rasterizeStrokes } from '../engine/brushes/rasterize.js';
import { readImageAsync, writePngAsync } from './image-io.js';
import { parseHexColor, sketchFromImage, strokesFromFlags } from './strokes-from-flags.js';
import { transferToOriginalAsync } from './transfer-seam.js';

export const DEFAULT_PACK = 'models/personas64-v2';

export const HELP = `manifold — project an image onto a GAN's manifold and edit it there (iGAN + InfoGAN)

Usage:
  manifold project <in.png|jpg> -o <proj.png> [options]
  manifold edit    <in.png|jpg> -o <out.png> [strokes] [options]
  manifold info    [--pack DIR]
  manifold bench   [--pack DIR] [--candidates B] [--threads N] [--runs N]

Common options:
  --pack DIR            model pack directory (default ${DEFAULT_PACK})
  --threads N           onnxruntime-web wasm threads (default 1, as in the Figma panel)
  --fit letterbox|crop  how the image goes into the pack's square frame (default letterbox:
                        bands and transparent pixels do not count in the projection)
  --background #RRGGBB  colour under transparency and in the bands (default #ffffff)
  --iterations N        L-BFGS-B iterations of the projection (default: the pack's; 0 = encoder only)
  --starts N            projection starts optimised together (default: the pack's)
  --seed N              seed of every random choice (default 1): same inputs + seed = same output
  --latent FILE         start from a saved latent (JSON array) instead of projecting
  --latent-out FILE     write the projected (project) or chosen (edit) latent as JSON
  --json                print a JSON summary on stdout instead of text
  -h, --help            this help

Strokes (edit; repeat any of them; coordinates and sizes in input-image pixels, or in frame
pixels 0..R with --frame-coords):
  --color X,Y,RADIUS,#RRGGBB           a colour dot
  --color-line X1,Y1,X2,Y2,RADIUS,#RRGGBB   a colour stroke
  --sketch FILE                        a strokes image: dark ink on white/transparent (edge constraint)
  --sketch-line X1,Y1,X2,Y2,WIDTH      a sketch line (edge constraint)
  --warp FX,FY,TX,TY,RADIUS            move the disc at F of the projection to T
  --erase X,Y,RADIUS                   remove constraints painted before it there
  --code NAME=VALUE                    set an InfoGAN code first (continuous: a number; categorical:
                                       a label, a raw value or an index); the result is z0 for the strokes.
                                       A code another one hides (hair colour on a bald head) takes the
                                       pack's shownAs value when it appears, unless --code names it too

Edit options:
  --candidates B        candidates optimised at once, 1..64 (default: the pack's, 8)
  --steps N             Adam steps (default: the pack's, 40)
  --smooth W            weight of ‖z − z0‖² (default: the pack's)
  -o FILE               the best candidate (frame resolution, R×R PNG)
  --candidates-out FILE sheet of the kept candidates, best first (default <out>-candidates.png)
  --project-out FILE    the projection G(z0)
  --frames K            interpolation frames z0 → best, including both ends (default 16 with --frames-out)
  --frames-out DIR      write frame-00.png … into DIR
  --interp linear|slerp interpolation (default linear; categorical codes switch at the midpoint)
  --full-res FILE       transfer the edit onto the input at full resolution (engine/transfer)
  --whole-layer         with --full-res: carry the whole change, not only the region around the strokes

Examples:
  npx manifold project face.png -o proj.png --iterations 100
  npx manifold edit face.png --color 40,30,6,#d04020 --sketch lines.png --candidates 8 --seed 1 \\
      -o out.png --frames 16 --frames-out frames/ --full-res out-full.png
`;

interface Out { log: (s: string) => void; err: (s: string) => void }

function int(v: string | undefined, flag: string, lo: number, hi: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new Error(`${flag} must be an integer in [${lo}, ${hi}], got "${v}"`);
  return n;
}
function num(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} must be a number ≥ 0, got "${v}"`);
  return n;
}

function codeChange(engine: Engine, spec: string): CodeChange {
  const eq = spec.lastIndexOf('=');
  if (eq <= 0) throw new Error(`--code must be NAME=VALUE, got "${spec}"`);
  const name = spec.slice(0, eq), value = spec.slice(eq + 1);
  const cat = engine.layout.categorical.find((c) => c.name === name);
  if (cat) {
    // A category by its display label ("Short combover"), its raw value ("shortComboverChops") or its index.
    const byLabel = cat.labels.indexOf(value);
    const byValue = cat.values?.indexOf(value) ?? -1;
    return { code: name, category: byLabel >= 0 ? byLabel : byValue >= 0 ? byValue : Number(value) };
  }
  return { code: name, set: Number(value) };
}

/**
 * Codes that hide another go first (Hair style hides Hair colour on a bald head): showing the hair
 * sets its colour to the pack's `shownAs`, and a colour named on the same command line must win.
 */
export function hidersFirst(changes: CodeChange[], layout: Pick<LatentLayout, 'categorical'>): CodeChange[] {
  const hiders = new Set(layout.categorical.flatMap((c) => (c.hiddenBy ? [c.hiddenBy.code] : [])));
  return [...changes.filter((c) => hiders.has(c.code)), ...changes.filter((c) => !hiders.has(c.code))];
}

export async function runCli(argv: string[], out: Out = { log: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: {
        help: { type: 'boolean', short: 'h' }, pack: { type: 'string' }, threads: { type: 'string' },
        fit: { type: 'string' }, background: { type: 'string' }, iterations: { type: 'string' }, starts: { type: 'string' },
        seed: { type: 'string' }, latent: { type: 'string' }, 'latent-out': { type: 'string' }, json: { type: 'boolean' },
        output: { type: 'string', short: 'o' }, color: { type: 'string', multiple: true }, 'color-line': { type: 'string', multiple: true },
        sketch: { type: 'string' }, 'sketch-line': { type: 'string', multiple: true }, warp: { type: 'string', multiple: true },
        erase: { type: 'string', multiple: true }, code: { type: 'string', multiple: true }, 'frame-coords': { type: 'boolean' },
        candidates: { type: 'string' }, steps: { type: 'string' }, smooth: { type: 'string' }, 'candidates-out': { type: 'string' },
        'project-out': { type: 'string' }, frames: { type: 'string' }, 'frames-out': { type: 'string' }, interp: { type: 'string' },
        'full-res': { type: 'string' }, 'whole-layer': { type: 'boolean' }, runs: { type: 'string' },
      },
    });
  } catch (e) {
    out.err(`manifold: ${(e as Error).message}\n(manifold --help lists the options)`);
    return 2;
  }
  const { values: o, positionals } = parsed;
  const [command, input, ...rest] = positionals;
  if (o.help || !command) { out.log(HELP); return o.help ? 0 : 2; }
  if (rest.length) { out.err(`manifold: unexpected arguments: ${rest.join(' ')}`); return 2; }
  if (!['project', 'edit', 'info', 'bench'].includes(command)) { out.err(`manifold: unknown command "${command}" (project, edit, info, bench)`); return 2; }

  try {
    const packDir = resolve(o.pack ?? DEFAULT_PACK);
    if (!existsSync(join(packDir, 'pack.json'))) {
      throw new Error(`no pack at ${packDir} (pack.json missing)${o.pack ? '' : `; the default pack is ${DEFAULT_PACK}: pass --pack DIR, e.g. --pack test/fixtures/packs/tiny`}`);
    }
    const threads = int(o.threads, '--threads', 1, 64) ?? 1;
    const seed = int(o.seed, '--seed', 0, 2 ** 32 - 1) ?? 1;
    const engine = await Engine.createAsync(fsPackSource(packDir), {
      numThreads: threads, executionProvider: 'wasm',
      edit: { seed, candidates: int(o.candidates, '--candidates', 1, 64), steps: int(o.steps, '--steps', 0, 10000), smoothWeight: num(o.smooth, '--smooth'), streamIntervalMs: 250 },
    });
    try {
      if (command === 'info') return info(engine, !!o.json, out);
      if (command === 'bench') return await bench(engine, int(o.candidates, '--candidates', 1, 64) ?? 8, int(o.runs, '--runs', 1, 1000) ?? 20, threads, !!o.json, out);
      if (!input) throw new Error(`${command} needs an input image (manifold ${command} <in.png> -o <out.png>)`);
      if (!o.output) throw new Error(`${command} needs -o <file.png>`);
      const fit = (o.fit ?? 'letterbox') as Fit;
      if (fit !== 'letterbox' && fit !== 'crop') throw new Error(`--fit must be letterbox or crop, got "${o.fit}"`);
      const background = o.background ? parseHexColor(o.background, '--background') : ([255, 255, 255] as [number, number, number]);
      const img = await readImageAsync(input);
      const R = engine.model.R, range = engine.pack.pixelRange;
      const t0 = performance.now();
      const quiet = !!o.json;
      const proj = await engine.projectAsync(img, {
        fit, background, seed, iterations: o.latent ? 0 : int(o.iterations, '--iterations', 0, 100000), starts: int(o.starts, '--starts', 1, 64),
        onProgress: quiet ? undefined : (p) => process.stderr.write(`\rproject: iteration ${p.iteration}/${p.iterations}  pixel error ${p.pixelError.toExponential(3)}   `),
      });
      if (!quiet) process.stderr.write('\n');
      let z0 = proj.z;
      if (o.latent) {
        const arr = JSON.parse(await readFile(o.latent, 'utf8')) as unknown;
        if (!Array.isArray(arr) || arr.length !== engine.model.L) throw new Error(`--latent: ${o.latent} must hold a JSON array of ${engine.model.L} numbers`);
        z0 = Float32Array.from(arr as number[]);
        await engine.startEditingAsync(z0);
      }
      const summary: Record<string, unknown> = {
        input, size: [img.width, img.height], pack: engine.pack.id, executionProvider: engine.executionProvider,
        mapping: proj.mapping, encoderPixelError: proj.encoderTerms[0], pixelError: proj.terms[0], projectMs: Math.round(performance.now() - t0),
      };
      if (command === 'project') {
        await writePngAsync(o.output, { width: R, height: R, data: planarToRgba(proj.image, R, range) });
        if (o['latent-out']) await writeFile(o['latent-out'], JSON.stringify(Array.from(z0)));
        summary.output = o.output;
        report(summary, !!o.json, out);
        return 0;
      }
      // edit
      if (o['project-out']) await writePngAsync(o['project-out'], { width: R, height: R, data: planarToRgba(await engine.renderAsync(engine.edit.latent), R, range) });
      for (const change of hidersFirst((o.code ?? []).map((spec) => codeChange(engine, spec)), engine.layout)) await engine.setCodeAsync(change);
      const strokes: Stroke[] = strokesFromFlags({ color: o.color, colorLine: o['color-line'], sketchLine: o['sketch-line'], warp: o.warp, erase: o.erase }, proj.mapping, !!o['frame-coords']);
      if (o.sketch) strokes.push(sketchFromImage(await readImageAsync(o.sketch), img, R, fit));
      const t1 = performance.now();
      const u = await engine.edit.setStrokesAsync(strokes);
      summary.editMs = Math.round(performance.now() - t1);
      summary.strokes = strokes.length;
      if (strokes.length === 0 && !(o.code ?? []).length) out.err('note: no strokes or codes given; the result is the projection');
      const n = 3 * R * R;
      const best = u.order[0] ?? 0;
      const bestZ = u.z.slice(best * engine.model.L, (best + 1) * engine.model.L);
      await writePngAsync(o.output, { width: R, height: R, data: planarToRgba(u.images.subarray(best * n, (best + 1) * n), R, range) });
      const order = u.order.length ? u.order : [0];
      const sheetPath = o['candidates-out'] ?? join(dirname(o.output), `${basename(o.output, extname(o.output))}-candidates.png`);
      await writePngAsync(sheetPath, contactSheet(order.map((b) => planarToRgba(u.images.subarray(b * n, (b + 1) * n), R, range)), R, Math.min(8, order.length)));
      if (o['latent-out']) await writeFile(o['latent-out'], JSON.stringify(Array.from(bestZ)));
      const c = engine.edit.currentConstraints ?? rasterizeStrokes([], R);
      summary.candidates = { kept: order.length, total: u.loss.length, bestLoss: u.loss[best], bestTerms: Array.from(u.terms.subarray(best * 3, best * 3 + 3)), colourMaskPixels: Math.round(c.colorMask.reduce((a, v) => a + v, 0)) };
      summary.output = o.output; summary.candidatesOut = sheetPath;
      const K = int(o.frames, '--frames', 2, 1024) ?? (o['frames-out'] || o['full-res'] ? 16 : 0);
      if (K > 0) {
        const interp = o.interp ?? 'linear';
        if (interp !== 'linear' && interp !== 'slerp') throw new Error(`--interp must be linear or slerp, got "${o.interp}"`);
        // From the projection, not from the z0 a --code moved: the frames must hold the code's change too.
        const f = await engine.interpolateAsync(bestZ, { frames: K, mode: interp, from: z0 });
        const frames = Array.from({ length: K }, (_, k) => f.images.slice(k * n, (k + 1) * n));
        if (o['frames-out']) {
          await mkdir(o['frames-out'], { recursive: true });
          for (let k = 0; k < K; k++) await writePngAsync(join(o['frames-out'], `frame-${String(k).padStart(2, '0')}.png`), { width: R, height: R, data: planarToRgba(frames[k]!, R, range) });
          summary.framesOut = o['frames-out'];
        }
        summary.frames = K;
        if (o['full-res']) {
          const t2 = performance.now();
          const full = await transferToOriginalAsync(frames, img, proj.mapping, range,
            quiet ? undefined : (p) => process.stderr.write(`\rtransfer: ${(100 * p).toFixed(0)}%   `),
            // a stroke edit stays where it was painted, unless codes moved too (then, as in the panel, the
            // edit is a code edit: no strokes) or --whole-layer
            (o.code ?? []).length ? [] : strokes, !!o['whole-layer'],
            // as in the panel: whether a code that changes shapes moved (its new shapes are drawn), the colours the colour codes
            // name, and G(z) over two backdrops (a transparent layer's cut told from white content)
            { ...codeEditHints(readCodes(z0, engine.layout), readCodes(bestZ, engine.layout), engine.pack.latent.codes), backdrops: await engine.backdropsAsync(bestZ) });
          if (!quiet) process.stderr.write('\n');
          await writePngAsync(o['full-res'], full);
          summary.fullRes = o['full-res']; summary.transferMs = Math.round(performance.now() - t2);
        }
      }
      report(summary, !!o.json, out);
      return 0;
    } finally {
      await engine.releaseAsync();
    }
  } catch (e) {
    out.err(`manifold ${command}: ${(e as Error).message}`);
    return 1;
  }
}

function report(summary: Record<string, unknown>, json: boolean, out: Out): void {
  if (json) { out.log(JSON.stringify(summary, null, 2)); return; }
  for (const [k, v] of Object.entries(summary)) out.log(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
}

function info(engine: Engine, json: boolean, out: Out): number {
  const p = engine.pack;
  const s = {
    id: p.id, title: p.title, resolution: p.resolution, latent: p.latent.size,
    noise: p.latent.noise.size,
    codes: p.latent.codes.map((c) => (c.kind === 'categorical' ? `${c.name}: categorical ${c.labels.join(' | ')}` : `${c.name}: continuous [${c.range.join(', ')}]`)),
    defaults: p.defaults, license: p.license, provenance: p.provenance,
  };
  report(s, json, out);
  return 0;
}

async function bench(engine: Engine, B: number, runs: number, threads: number, json: boolean, out: Out): Promise<number> {
  const { model } = engine, L = model.L, R = model.R;
  const z = new Float32Array(B * L);
  for (let b = 0; b < B; b++) for (const i of model.layout.freeIndices) z[b * L + i] = Math.sin(b * 7 + i);
  for (const c of model.layout.categorical) for (let b = 0; b < B; b++) z[b * L + c.offset] = 1;
  const c = rasterizeStrokes([{ kind: 'color', points: [[R / 4, R / 4], [R / 2, R / 2]], width: R / 8, color: [200, 40, 40] }, { kind: 'sketch', points: [[R / 4, (3 * R) / 4], [(3 * R) / 4, (3 * R) / 4]], width: 2 }], R);
  const ei = model.editInputs(c, z.slice(0, L), [1, 0.2, 0.05]);
  const pi = model.projectInputs(new Float32Array(3 * R * R), new Float32Array(R * R).fill(1), [1, 0.1]);
  const time = async (f: () => Promise<unknown>): Promise<{ median: number; min: number }> => {
    await f(); await f(); // warm-up
    const t: number[] = [];
    for (let i = 0; i < runs; i++) { const s = performance.now(); await f(); t.push(performance.now() - s); }
    t.sort((a, b) => a - b);
    return { median: +t[Math.floor(t.length / 2)]!.toFixed(2), min: +t[0]!.toFixed(2) };
  };
  const result = {
    pack: engine.pack.id, executionProvider: engine.executionProvider, threads, candidates: B, runs,
    editStepMs: await time(() => model.editStepAsync(z, ei)),
    projectStepMs: await time(() => model.projectStepAsync(z, pi)),
    generatorMs: await time(() => model.generateAsync(z)),
  };
  report(result, json, out);
  return 0;
}
