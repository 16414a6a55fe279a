/**
 * exportAsync for the emulator: renders a node and its children into RGBA with
 * nearest-neighbour sampling at pixel centres. Solid and image paints (FILL, FIT, CROP via
 * imageTransform, TILE), rectangles, ellipses, frames (clipping), groups. PNG images are
 * decoded; JPEG and GIF images render as mid-grey (the emulator has no decoder for them).
 */
import { decode, encode } from 'fast-png';
import type { Paint } from '../../plugin/host';
import { EmuEllipse, EmuFrame, EmuGroup, EmuParentNode, type EmuSceneNode } from './nodes';

export interface Rgba {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** Decodes a PNG to 8-bit RGBA (any colour type and depth). */
export function decodePngRgba(bytes: Uint8Array): Rgba {
  const png = decode(bytes);
  const { width, height, channels } = png;
  const out = new Uint8ClampedArray(width * height * 4);
  const src = png.data;
  const shift = png.depth === 16 ? 8 : 0;
  const palette = png.palette;
  for (let p = 0; p < width * height; p++) {
    let r: number, g: number, b: number, a: number;
    if (palette) {
      const entry = palette[src[p]] ?? [0, 0, 0, 255];
      [r, g, b] = entry;
      a = entry.length > 3 ? (entry[3] ?? 255) : 255;
    } else {
      const v = (k: number) => src[p * channels + k] >> shift;
      if (channels >= 3) [r, g, b, a] = [v(0), v(1), v(2), channels === 4 ? v(3) : 255];
      else [r, g, b, a] = [v(0), v(0), v(0), channels === 2 ? v(1) : 255];
    }
    out.set([r, g, b, a], p * 4);
  }
  return { width, height, data: out };
}

export function encodePngRgba(image: Rgba): Uint8Array {
  return encode({ width: image.width, height: image.height, data: image.data, channels: 4, depth: 8 });
}

export type ImageLookup = (hash: string) => Rgba | null;

type Sampler = (u: number, v: number) => [number, number, number, number] | null;

function paintSampler(paint: Paint, w: number, h: number, image: ImageLookup): Sampler {
  const opacity = paint.opacity ?? 1;
  if (paint.type === 'SOLID') {
    const c = [paint.color.r * 255, paint.color.g * 255, paint.color.b * 255, 255 * opacity] as [number, number, number, number];
    return () => c;
  }
  if (paint.type !== 'IMAGE' || !paint.imageHash) return () => null;
  const img = image(paint.imageHash) ?? { width: 1, height: 1, data: new Uint8ClampedArray([128, 128, 128, 255]) };
  const at = (ix: number, iy: number): [number, number, number, number] | null => {
    if (ix < 0 || iy < 0 || ix >= img.width || iy >= img.height) return null;
    const k = (Math.floor(iy) * img.width + Math.floor(ix)) * 4;
    return [img.data[k], img.data[k + 1], img.data[k + 2], img.data[k + 3] * opacity];
  };
  switch (paint.scaleMode) {
    case 'FILL':
    case 'FIT': {
      const s = paint.scaleMode === 'FILL' ? Math.max(w / img.width, h / img.height) : Math.min(w / img.width, h / img.height);
      const ox = (w - img.width * s) / 2;
      const oy = (h - img.height * s) / 2;
      return (u, v) => at((u - ox) / s, (v - oy) / s);
    }
    case 'CROP': {
      // imageTransform maps the layer's unit square into the image's unit square.
      const t = paint.imageTransform ?? [
        [1, 0, 0],
        [0, 1, 0],
      ];
      return (u, v) => {
        const nx = u / w;
        const ny = v / h;
        return at((t[0][0] * nx + t[0][1] * ny + t[0][2]) * img.width, (t[1][0] * nx + t[1][1] * ny + t[1][2]) * img.height);
      };
    }
    case 'TILE': {
      const s = paint.scalingFactor ?? 1;
      return (u, v) => at((((u / s) % img.width) + img.width) % img.width, (((v / s) % img.height) + img.height) % img.height);
    }
  }
}

interface Target extends Rgba {
  scale: number;
  /** Page coordinates of the output's top-left corner. */
  ox: number;
  oy: number;
}

function blend(out: Uint8ClampedArray, k: number, c: [number, number, number, number]): void {
  const a = c[3] / 255;
  if (a <= 0) return;
  const da = out[k + 3] / 255;
  const oa = a + da * (1 - a);
  for (let i = 0; i < 3; i++) out[k + i] = (c[i] * a + out[k + i] * da * (1 - a)) / oa;
  out[k + 3] = oa * 255;
}

function drawNode(node: EmuSceneNode, target: Target, clip: [number, number, number, number], image: ImageLookup): void {
  if (!node.visible) return;
  const t = node.absoluteTransform;
  const [nx, ny, w, h] = [t[0][2], t[1][2], node.width, node.height];
  // Pixel range covered by the node, intersected with the clip (both in output pixels).
  const x0 = Math.max(clip[0], Math.floor((nx - target.ox) * target.scale));
  const y0 = Math.max(clip[1], Math.floor((ny - target.oy) * target.scale));
  const x1 = Math.min(clip[2], Math.ceil((nx + w - target.ox) * target.scale));
  const y1 = Math.min(clip[3], Math.ceil((ny + h - target.oy) * target.scale));
  if (!(node instanceof EmuGroup)) {
    const samplers = node.fills.filter((p) => p.visible !== false).map((p) => paintSampler(p, w, h, image));
    const ellipse = node instanceof EmuEllipse;
    for (let py = y0; py < y1; py++) {
      for (let px = x0; px < x1; px++) {
        const u = (px + 0.5) / target.scale + target.ox - nx;
        const v = (py + 0.5) / target.scale + target.oy - ny;
        if (u < 0 || v < 0 || u >= w || v >= h) continue;
        if (ellipse && ((u - w / 2) / (w / 2)) ** 2 + ((v - h / 2) / (h / 2)) ** 2 > 1) continue;
        for (const sample of samplers) {
          const c = sample(u, v);
          if (c) blend(target.data, (py * target.width + px) * 4, node.opacity === 1 ? c : [c[0], c[1], c[2], c[3] * node.opacity]);
        }
      }
    }
  }
  if (node instanceof EmuParentNode) {
    const childClip: [number, number, number, number] = node instanceof EmuFrame && node.clipsContent ? [x0, y0, x1, y1] : clip;
    for (const child of node.children) drawNode(child, target, childClip, image);
  }
}

export interface ExportConstraint {
  type: 'SCALE' | 'WIDTH' | 'HEIGHT';
  value: number;
}

export function renderNode(node: EmuSceneNode, constraint: ExportConstraint | undefined, image: ImageLookup): Rgba {
  const { width: w, height: h } = node;
  const c = constraint ?? { type: 'SCALE', value: 1 };
  if (!(c.value > 0)) throw new Error(`exportAsync: constraint value must be positive, got ${c.value}`);
  const scale = c.type === 'SCALE' ? c.value : c.type === 'WIDTH' ? c.value / w : c.value / h;
  const width = Math.max(1, Math.round(w * scale));
  const height = Math.max(1, Math.round(h * scale));
  const t = node.absoluteTransform;
  const target: Target = { width, height, data: new Uint8ClampedArray(width * height * 4), scale, ox: t[0][2], oy: t[1][2] };
  drawNode(node, target, [0, 0, width, height], image);
  return target;
}
