/**
 * Peak memory of one engine job in a fresh process (stands in for the panel's worker):
 *   tsx bench/memory-child.ts edit <pack>      project + a colour stroke optimised at B = 16
 *   tsx bench/memory-child.ts transfer <pack>  a 4096² edit transfer
 * Prints {"baselineMiB", "peakMiB"}: resident set after loading the engine, and the peak.
 */
import { readFileSync } from 'node:fs';
import { Engine } from '../engine/engine.js';
import { fsPackSource } from '../engine/node/fs-pack-source.js';
import { fitMapping, transferEditAsync } from '../engine/transfer/index.js';
import { decodeImage } from '../cli/image-io.js';
import { upscale } from './transfer.js';

const [job, pack] = process.argv.slice(2) as [string, string];
const mib = (kib: number) => kib / 1024;

const engine = await Engine.createAsync(fsPackSource(pack), { numThreads: 1, edit: { candidates: 16 } });
const src = decodeImage(readFileSync('playground/samples/avatar-ada.png'));
const proj = await engine.projectAsync(src, { iterations: 10 });
const baseline = process.memoryUsage().rss / 1024;
if (job === 'edit') {
  await engine.edit.addStrokeAsync({ kind: 'color', points: [[20, 12], [44, 12]], width: 6, color: [220, 40, 40] });
} else {
  const to = proj.z.slice();
  for (let j = 0; j < 20; j++) to[j] = -to[j]!;
  const { images } = await engine.interpolateAsync(to, { frames: 17 });
  const n = 3 * engine.model.R * engine.model.R;
  const frames = Array.from({ length: 17 }, (_, k) => images.slice(k * n, (k + 1) * n));
  const N = 4096;
  await transferEditAsync({ frames, original: upscale(src, N), mapping: fitMapping(N, N, engine.model.R) });
}
await engine.releaseAsync();
process.stdout.write(JSON.stringify({ job, baselineMiB: mib(baseline), peakMiB: mib(process.resourceUsage().maxRSS) }) + '\n');
process.exit(0);
