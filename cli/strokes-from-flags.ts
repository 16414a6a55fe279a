import { sourceToFrame, toFrame, type FrameMapping, type RgbaImage } from '../engine/image/frame.js';
import type { Point, Stroke } from '../engine/brushes/strokes.js';

/** Parses `#rrggbb` (or `rrggbb`) to 0–255 RGB. */
export function parseHexColor(s: string, flag: string): [number, number, number] {
  const m = /^#?([0-9a-f]{6})$/i.exec(s.trim());
  if (!m) throw new Error(`${flag}: colour must be #rrggbb, got "${s}"`);
  const n = parseInt(m[1]!, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function numbers(parts: string[], count: number, flag: string, value: string, shape: string): number[] {
  if (parts.length !== count) throw new Error(`${flag}: expected ${shape}, got "${value}"`);
  return parts.map((p) => {
    const v = Number(p);
    if (!Number.isFinite(v)) throw new Error(`${flag}: "${p}" is not a number in "${value}" (expected ${shape})`);
    return v;
  });
}

export interface StrokeFlags {
  color?: string[];
  colorLine?: string[];
  sketchLine?: string[];
  warp?: string[];
  erase?: string[];
}

/**
 * Builds strokes from CLI flags. Coordinates and sizes are input-image pixels unless `frameCoords`,
 * and go through the same mapping as the projection, so a stroke lands where it was meant.
 */
export function strokesFromFlags(f: StrokeFlags, mapping: FrameMapping, frameCoords: boolean): Stroke[] {
  const pt = (x: number, y: number): Point => (frameCoords ? [x, y] : sourceToFrame(mapping, x, y));
  const len = (v: number): number => (frameCoords ? v : v * mapping.scale);
  const out: Stroke[] = [];
  for (const v of f.color ?? []) {
    const p = v.split(',');
    const [x, y, r] = numbers(p.slice(0, 3), 3, '--color', v, 'X,Y,RADIUS,#RRGGBB');
    if (p.length !== 4) throw new Error(`--color: expected X,Y,RADIUS,#RRGGBB, got "${v}"`);
    out.push({ kind: 'color', points: [pt(x!, y!)], width: 2 * len(r!), color: parseHexColor(p[3]!, '--color') });
  }
  for (const v of f.colorLine ?? []) {
    const p = v.split(',');
    if (p.length !== 6) throw new Error(`--color-line: expected X1,Y1,X2,Y2,RADIUS,#RRGGBB, got "${v}"`);
    const [x1, y1, x2, y2, r] = numbers(p.slice(0, 5), 5, '--color-line', v, 'X1,Y1,X2,Y2,RADIUS,#RRGGBB');
    out.push({ kind: 'color', points: [pt(x1!, y1!), pt(x2!, y2!)], width: 2 * len(r!), color: parseHexColor(p[5]!, '--color-line') });
  }
  for (const v of f.sketchLine ?? []) {
    const [x1, y1, x2, y2, w] = numbers(v.split(','), 5, '--sketch-line', v, 'X1,Y1,X2,Y2,WIDTH');
    out.push({ kind: 'sketch', points: [pt(x1!, y1!), pt(x2!, y2!)], width: Math.max(1, len(w!)) });
  }
  for (const v of f.warp ?? []) {
    const [fx, fy, tx, ty, r] = numbers(v.split(','), 5, '--warp', v, 'FROMX,FROMY,TOX,TOY,RADIUS');
    out.push({ kind: 'warp', from: pt(fx!, fy!), to: pt(tx!, ty!), radius: len(r!) });
  }
  for (const v of f.erase ?? []) {
    const [x, y, r] = numbers(v.split(','), 3, '--erase', v, 'X,Y,RADIUS');
    out.push({ kind: 'eraser', points: [pt(x!, y!)], width: 2 * len(r!) });
  }
  return out;
}

/**
 * A strokes image (dark or opaque-dark pixels are ink, on white or transparent) → a sketch of ink
 * coverage in the frame. It is fitted like the input when it has the input's size, else on its own.
 */
export function sketchFromImage(img: RgbaImage, input: { width: number; height: number }, R: number, fit: 'letterbox' | 'crop'): Stroke {
  const ink = new Uint8ClampedArray(img.width * img.height * 4);
  for (let p = 0; p < img.width * img.height; p++) {
    const a = img.data[p * 4 + 3]! / 255;
    const lum = (img.data[p * 4]! + img.data[p * 4 + 1]! + img.data[p * 4 + 2]!) / (3 * 255);
    const v = Math.round(255 * a * (1 - lum));
    ink.set([v, v, v, 255], p * 4);
  }
  // The mapping depends only on the size and fit, so a strokes image of the input's size lands exactly on it.
  if (img.width !== input.width || img.height !== input.height) {
    process.stderr.write(`note: strokes image is ${img.width}×${img.height}, input is ${input.width}×${input.height}; fitting it on its own\n`);
  }
  const f = toFrame({ width: img.width, height: img.height, data: ink }, R, { fit, background: [0, 0, 0], pixelRange: [0, 1] });
  const cov = new Float32Array(R * R);
  for (let p = 0; p < R * R; p++) cov[p] = f.image[p]! >= 0.25 ? Math.min(1, f.image[p]! * 2) : 0;
  return { kind: 'sketch-raster', ink: cov };
}
