import { renderLayer } from './avatars.js';
import { strokeSpecs } from './specs.js';
import { fitMapping, strokePaint } from '../../engine/transfer/index.js';
import { partCells, partColours } from '../../engine/transfer/recolour.js';
const seed = process.argv[2]!, R = 64;
const { image, attrs } = renderLayer(seed, 512, 'opaque');
const m = fitMapping(512, 512, 64);
const spec = strokeSpecs(seed, 512, 'opaque', attrs, m).find((s) => s.label.startsWith(process.argv[3] ?? 'hair'))!;
const sp = strokePaint(spec.strokes!, R);
const pal = partColours(image, m, sp.painted!, 22, 0.04);
console.log(pal.map((c) => c.map(Math.round).join(',')));
const cells = partCells(image, m, pal, 22);
for (let y = 0; y < R; y += 2) { let s = ''; for (let x = 0; x < R; x++) s += cells[y * R + x]! >= 0.5 ? '#' : cells[y * R + x]! > 0 ? '+' : '.'; console.log(s); }
