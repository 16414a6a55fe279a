/**
 * Cached edits (frames-cache.ts) at full size, each cropped to its part: layer · truth · ours (once
 * per variant of the transfer's options) · G(z1) bicubic side by side, one row per edit, for
 * before/after pictures of a transfer change on the same frames.
 *
 *   tsx bench/edits/crop-edit.ts <frames dir> --edit 'bench-0|Eyes.*opaque|wink' [--edit …] --out out.png [--whole] ['{"smallInsert":false}' '{}' …]
 *
 * An edit is "seed|kind pattern|label pattern" (the first cached edit that matches). Each variant is
 * TransferOptions as JSON; none: one column, the transfer as it is. Rows are scaled to --height px;
 * --whole shows the whole image, not the part's box; --first adds G(z0) bicubic after G(z1) (what the
 * generator's change was, beside where it ended); --ghost marks what scores.ts counts as ghosting in
 * each of our columns: magenta at an edge, red ≥ 2 px from every edge (a half-there fill); --leak
 * marks what it counts as leakage in cyan (more than 2 px from the part and off the truth).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { encode } from 'fast-png';
import { readIndex, type CachedEntry } from './frames-cache.js';
import { cachedInput } from './cached-input.js';
import { diffMask, renderLayer, truthOverrides } from './avatars.js';
import { pasteGenerated } from './baselines.js';
import { ghostMap, leakMap } from './scores.js';
import * as t from '../../engine/transfer/index.js';
import type { RgbaImage } from '../../engine/transfer/index.js';

const { values: o, positionals } = parseArgs({ allowPositionals: true, options: { edit: { type: 'string', multiple: true }, out: { type: 'string' }, height: { type: 'string', default: '160' }, whole: { type: 'boolean' }, first: { type: 'boolean' }, ghost: { type: 'boolean' }, leak: { type: 'boolean' } } });
const [dir, ...variantArgs] = positionals;
if (!dir || !o.out || !o.edit?.length) throw new Error("usage: tsx bench/edits/crop-edit.ts <frames dir> --edit 'seed|kind pattern|label pattern' [--edit …] --out out.png [--height H] [--whole] [--first] [--ghost] [--leak] [variant JSON …]");
const variants = (variantArgs.length ? variantArgs : ['{}']).map((v) => JSON.parse(v) as object);
const H = Number(o.height), index = readIndex(dir), GAP = 4, BACK = 200;

/** The edit's columns, cropped to its part with 8 px around it. */
async function columns(e: CachedEntry): Promise<RgbaImage[]> {
  const original = renderLayer(e.seed, 512, e.background).image;
  const truth = renderLayer(e.seed, 512, e.background, truthOverrides(e.attribute, e.value, e.also)).image;
  const input = cachedInput(dir!, e, original), frames = input.frames;
  const ours = [];
  for (const v of variants) ours.push((await t.transferEditAsync(input, { pixelRange: e.range, ...v })).final);
  const pasted = pasteGenerated(frames[frames.length - 1]!, e.range, original, e.mapping);
  const first = o.first ? [pasteGenerated(frames[0]!, e.range, original, e.mapping)] : [];
  const part = diffMask(original, truth), S = original.width;
  if (o.ghost) for (const im of ours) markGhosts(im, ghostMap(im, truth, original, part));
  if (o.leak) for (const im of ours) markLeaks(im, leakMap(im, truth, part));
  let x0 = S, y0 = S, x1 = 0, y1 = 0;
  for (let p = 0; p < part.length; p++) if (part[p]) { const x = p % S, y = (p - x) / S; x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  x0 = Math.max(0, x0 - 8); y0 = Math.max(0, y0 - 8); x1 = Math.min(S - 1, x1 + 8); y1 = Math.min(S - 1, y1 + 8);
  if (o.whole) [x0, y0, x1, y1] = [0, 0, S - 1, S - 1];   // what the edit did away from its part too
  return [original, truth, ...ours, pasted, ...first].map((im) => crop(im, x0, y0, x1 - x0 + 1, y1 - y0 + 1));
}

/** Paints the ghosting pixels in place: magenta at an edge, red away from edges. */
function markGhosts(im: RgbaImage, map: Uint8Array): void {
  for (let p = 0; p < map.length; p++) if (map[p]) im.data.set(map[p] === 2 ? [255, 0, 0, 255] : [255, 0, 255, 255], 4 * p);
}

/** Paints the leaked pixels in place, cyan. */
function markLeaks(im: RgbaImage, map: Uint8Array): void {
  for (let p = 0; p < map.length; p++) if (map[p]) im.data.set([0, 255, 255, 255], 4 * p);
}

/** The region, composited over grey (a transparent layer's clear shows). */
function crop(im: RgbaImage, x0: number, y0: number, w: number, h: number): RgbaImage {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const s = ((y + y0) * im.width + x + x0) * 4, d = (y * w + x) * 4, a = im.data[s + 3]! / 255;
    for (let c = 0; c < 3; c++) data[d + c] = a * im.data[s + c]! + (1 - a) * BACK;
    data[d + 3] = 255;
  }
  return { width: w, height: h, data };
}

/** Nearest-neighbour resize to height `h`. */
function toHeight(im: RgbaImage, h: number): RgbaImage {
  const w = Math.max(1, Math.round((im.width * h) / im.height)), data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const s = (Math.min(im.height - 1, Math.floor((y * im.height) / h)) * im.width + Math.min(im.width - 1, Math.floor((x * im.width) / w))) * 4;
    data.set(im.data.subarray(s, s + 4), (y * w + x) * 4);
  }
  return { width: w, height: h, data };
}

const rows: RgbaImage[][] = [];
for (const spec of o.edit) {
  const [seed, kindRe, labelRe] = spec.split('|');
  const e = index.find((c) => c.seed === seed && new RegExp(kindRe!).test(c.kind) && new RegExp(labelRe!).test(c.label));
  if (!e) throw new Error(`crop-edit: no cached edit matches "${spec}"`);
  rows.push((await columns(e)).map((im) => toHeight(im, H)));
  console.log(e.seed, e.kind, e.label);
}
const W = Math.max(...rows.map((r) => r.reduce((s, im) => s + im.width + GAP, -GAP)));
const out = new Uint8Array(W * (rows.length * (H + GAP) - GAP) * 4).fill(255);
rows.forEach((r, j) => {
  let x = 0;
  for (const im of r) {
    for (let y = 0; y < H; y++) out.set(im.data.subarray(y * im.width * 4, (y + 1) * im.width * 4), (((j * (H + GAP)) + y) * W + x) * 4);
    x += im.width + GAP;
  }
});
writeFileSync(o.out, encode({ width: W, height: rows.length * (H + GAP) - GAP, data: out, channels: 4 }));
