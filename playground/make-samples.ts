/**
 * Renders the playground's sample images (committed in playground/samples/): three DiceBear
 * `personas` avatars (CC BY 4.0, Draftbit) and two emoji-like drawings of our own, 256 px.
 * Run: npx tsx playground/make-samples.ts
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import { avatarSvg } from '../models/data/render-avatar';

const OUT = join(dirname(fileURLToPath(import.meta.url)), 'samples');
const SIZE = 256;

function renderPng(svg: string): Buffer {
  return new Resvg(svg, { fitTo: { mode: 'width', value: SIZE } }).render().asPng();
}

const SMILEY = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
  <defs><radialGradient id="g" cx="40%" cy="35%" r="70%"><stop offset="0" stop-color="#ffe27a"/><stop offset="1" stop-color="#f7b500"/></radialGradient></defs>
  <circle cx="32" cy="32" r="29" fill="url(#g)" stroke="#d08a00" stroke-width="1.5"/>
  <ellipse cx="23" cy="25" rx="3.5" ry="5.5" fill="#5a3a00"/><ellipse cx="41" cy="25" rx="3.5" ry="5.5" fill="#5a3a00"/>
  <path d="M17 38 Q32 52 47 38" fill="none" stroke="#5a3a00" stroke-width="3.5" stroke-linecap="round"/>
  <circle cx="16" cy="36" r="4" fill="#ff8a65" opacity="0.5"/><circle cx="48" cy="36" r="4" fill="#ff8a65" opacity="0.5"/>
</svg>`;

const PLANT = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
  <rect width="64" height="64" fill="#e8f4fd"/>
  <path d="M32 40 C20 36 14 24 16 12 C28 14 34 26 32 40Z" fill="#43a047"/>
  <path d="M32 40 C44 36 50 24 48 12 C36 14 30 26 32 40Z" fill="#66bb6a"/>
  <path d="M32 42 V22" stroke="#2e7d32" stroke-width="2"/>
  <path d="M20 40 H44 L41 58 H23 Z" fill="#d9774b"/><rect x="18" y="38" width="28" height="5" rx="2" fill="#bf5f37"/>
</svg>`;

const files: Array<[string, string]> = [
  ['avatar-ada.png', avatarSvg('ada').svg],
  ['avatar-grace.png', avatarSvg('grace').svg],
  ['avatar-linus.png', avatarSvg('linus').svg],
  ['emoji-smiley.png', SMILEY],
  ['emoji-plant.png', PLANT],
];
for (const [name, svg] of files) {
  writeFileSync(join(OUT, name), renderPng(svg));
  console.log(`wrote playground/samples/${name}`);
}
