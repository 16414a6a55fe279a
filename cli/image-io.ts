import { readFile, writeFile } from 'node:fs/promises';
import { decode as decodePng, encode as encodePng, convertIndexedToRgb } from 'fast-png';
import jpeg from 'jpeg-js';
import type { RgbaImage } from '../engine/image/frame.js';

/** Decodes PNG (any bit depth, grey/palette/alpha) or JPEG bytes to straight 8-bit RGBA. */
export function decodeImage(bytes: Uint8Array, name = 'image'): RgbaImage {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    const png = decodePng(bytes);
    const { width, height } = png;
    let data = png.data;
    let channels = png.channels;
    if (png.palette) { data = convertIndexedToRgb(png); channels = png.palette[0]?.length ?? 3; }
    const shift = png.depth === 16 ? 8 : 0;
    const out = new Uint8ClampedArray(width * height * 4);
    for (let p = 0; p < width * height; p++) {
      const v = (c: number): number => data[p * channels + c]! >> shift;
      const grey = channels <= 2;
      out[p * 4] = v(0);
      out[p * 4 + 1] = grey ? v(0) : v(1);
      out[p * 4 + 2] = grey ? v(0) : v(2);
      out[p * 4 + 3] = channels === 2 ? v(1) : channels === 4 ? v(3) : 255;
    }
    return { width, height, data: out };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    const j = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
    return { width: j.width, height: j.height, data: new Uint8ClampedArray(j.data.buffer, j.data.byteOffset, j.data.byteLength) };
  }
  throw new Error(`${name}: not a PNG or JPEG file`);
}

export async function readImageAsync(path: string): Promise<RgbaImage> {
  const buf = await readFile(path);
  return decodeImage(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), path);
}

export async function writePngAsync(path: string, img: RgbaImage): Promise<void> {
  const data = new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  await writeFile(path, encodePng({ width: img.width, height: img.height, data, channels: 4, depth: 8 }));
}
