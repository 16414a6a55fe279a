/**
 * One cached edit (frames-cache.ts) at full size, cropped to its part: layer · truth · ours · G(z1)
 * bicubic side by side, for before/after pictures of a transfer change on the same frames.
 *
 *   tsx bench/edits/crop-edit.ts <frames dir> bench-0 'Eyes.*opaque' wink out.png ['{"smallInsert":false}']
 */
import { writeFileSync } from 'node:fs';
import { encode } from 'fast-png';
import { loadFrames, readIndex } from './frames-cache.js';
import { diffMask, renderLayer, truthOverrides } from './avatars.js';
import { pasteGenerated } from './baselines.js';
import * as t from '../../engine/transfer/index.js';
const [dir, seed, kindRe, labelRe, outPng, opts] = process.argv.slice(2);
for (const e of readIndex(dir!)) {
  if (e.seed !== seed || !new RegExp(kindRe!).test(e.kind) || !new RegExp(labelRe!).test(e.label)) continue;
  const original = renderLayer(e.seed, 512, e.background).image;
  const truth = renderLayer(e.seed, 512, e.background, truthOverrides(e.attribute, e.value, e.also)).image;
  const { frames, backdrops } = loadFrames(dir!, e);
  const r = await t.transferEditAsync({ frames, original, mapping: e.mapping, ...t.strokePaint([], 64), reshaped: e.reshaped === true, colours: e.colours ?? [], coloursBefore: e.coloursBefore ?? [], colourStroke: e.colourStroke === true, backdrops }, { pixelRange: e.range, ...(opts ? JSON.parse(opts) : {}) });
  const pasted = pasteGenerated(frames[frames.length - 1]!, e.range, original, e.mapping);
  const part = diffMask(original, truth);
  let x0 = 512, y0 = 512, x1 = 0, y1 = 0;
  for (let p = 0; p < part.length; p++) if (part[p]) { const x = p % 512, y = (p - x) / 512; x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  x0 = Math.max(0, x0 - 8); y0 = Math.max(0, y0 - 8); x1 = Math.min(511, x1 + 8); y1 = Math.min(511, y1 + 8);
  const w = x1 - x0 + 1, h = y1 - y0 + 1, imgs = [original, truth, r.final, pasted];
  const W = w * 4 + 12, out = new Uint8Array(W * h * 4).fill(255);
  imgs.forEach((im, i) => { for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) { const s = ((y + y0) * 512 + x + x0) * 4, d = (y * W + i * (w + 4) + x) * 4; const a = im.data[s + 3]! / 255; for (let c = 0; c < 3; c++) out[d + c] = a * im.data[s + c]! + (1 - a) * 200; out[d + 3] = 255; } });
  writeFileSync(outPng!, encode({ width: W, height: h, data: out, channels: 4 }));
  console.log(e.label, w, h);
  break;
}
