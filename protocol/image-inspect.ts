/**
 * A structural check of PNG, JPEG and GIF bytes without decoding them (Figma's main-thread
 * sandbox has no image decoder): the header is readable, the size is within Figma's limits,
 * and the file is complete — every PNG chunk is in bounds with a matching CRC up to IEND,
 * a JPEG's segments lead to its scan and an end-of-image marker follows, a GIF's blocks
 * lead to its trailer with at least one image. It never throws: anything else is a
 * `problem` with a sentence for the user. What it cannot see (a damaged deflate or Huffman
 * stream inside intact framing) is left to the decoder, whose failure the panel reports.
 */
import { readImageHeader, type ImageHeader } from './image-header';
import { LIMITS } from './limits';

export type ImageProblem = 'unknown-format' | 'empty' | 'too-large' | 'truncated' | 'corrupt';

export type ImageInspection = { ok: true; header: ImageHeader } | { ok: false; problem: ImageProblem; message: string; header?: ImageHeader };

let crcTable: Uint32Array | null = null;

function crc32(bytes: Uint8Array, start: number, end: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

type Framing = 'ok' | 'truncated' | 'corrupt';

function checkPng(bytes: Uint8Array): Framing {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 8;
  let first = true;
  let idat = false;
  while (i + 12 <= bytes.length) {
    const length = view.getUint32(i);
    const type = String.fromCharCode(bytes[i + 4], bytes[i + 5], bytes[i + 6], bytes[i + 7]);
    if (!/^[A-Za-z]{4}$/.test(type)) return 'corrupt';
    if (first && type !== 'IHDR') return 'corrupt';
    first = false;
    const end = i + 8 + length;
    if (length > 0x7fffffff || end + 4 > bytes.length) return 'truncated';
    if (crc32(bytes, i + 4, end) !== view.getUint32(end)) return 'corrupt';
    if (type === 'IDAT') idat = true;
    if (type === 'IEND') return idat ? 'ok' : 'corrupt';
    i = end + 4;
  }
  return 'truncated';
}

function checkJpeg(bytes: Uint8Array): Framing {
  const n = bytes.length;
  let i = 2;
  while (i + 4 <= n) {
    if (bytes[i] !== 0xff) return 'corrupt';
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i += 1;
      continue;
    }
    if (marker === 0xd9) return 'corrupt'; // end of image before any scan
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    const length = (bytes[i + 2] << 8) | bytes[i + 3];
    if (length < 2) return 'corrupt';
    if (i + 2 + length > n) return 'truncated';
    if (marker === 0xda) {
      // Entropy-coded data follows; the file must end with EOI (FF D9), allowing padding after it.
      for (let j = n - 2; j >= i + 2 + length; j--) if (bytes[j] === 0xff && bytes[j + 1] === 0xd9) return 'ok';
      return 'truncated';
    }
    i += 2 + length;
  }
  return 'truncated';
}

function checkGif(bytes: Uint8Array): Framing {
  const n = bytes.length;
  let i = 13;
  if (bytes[10] & 0x80) i += 3 * (1 << ((bytes[10] & 7) + 1));
  let images = 0;
  const skipSubBlocks = (): boolean => {
    while (i < n) {
      const size = bytes[i];
      i += 1 + size;
      if (size === 0) return i <= n;
    }
    return false;
  };
  while (i < n) {
    const block = bytes[i];
    if (block === 0x3b) return images > 0 ? 'ok' : 'corrupt';
    if (block === 0x21) {
      i += 2; // introducer + label
      if (!skipSubBlocks()) return 'truncated';
    } else if (block === 0x2c) {
      if (i + 10 > n) return 'truncated';
      const flags = bytes[i + 9];
      i += 10;
      if (flags & 0x80) i += 3 * (1 << ((flags & 7) + 1));
      i += 1; // LZW minimum code size
      if (i > n || !skipSubBlocks()) return 'truncated';
      images++;
    } else return 'corrupt';
  }
  return 'truncated';
}

const FRAMING_MESSAGE: Record<'truncated' | 'corrupt', string> = {
  truncated: 'The image file is incomplete (truncated).',
  corrupt: 'The image file is damaged.',
};

/** Never throws. `ok` means the bytes are a complete PNG, JPEG or GIF that Figma would accept. */
export function inspectImage(bytes: Uint8Array, maxSide: number = LIMITS.maxImageSide): ImageInspection {
  if (Object.prototype.toString.call(bytes) !== '[object Uint8Array]') return { ok: false, problem: 'unknown-format', message: 'The image is not a byte array.' };
  const header = readImageHeader(bytes);
  if (!header) return { ok: false, problem: 'unknown-format', message: 'The image is not PNG, JPEG or GIF.' };
  if (!(header.width >= 1 && header.height >= 1)) return { ok: false, problem: 'empty', message: `The image says it is ${header.width}×${header.height} px: it has no pixels.`, header };
  if (header.width > maxSide || header.height > maxSide) {
    return { ok: false, problem: 'too-large', message: `The image is ${header.width}×${header.height} px; at most ${maxSide} px a side can be used.`, header };
  }
  const framing = header.mime === 'image/png' ? checkPng(bytes) : header.mime === 'image/jpeg' ? checkJpeg(bytes) : checkGif(bytes);
  if (framing !== 'ok') return { ok: false, problem: framing, message: FRAMING_MESSAGE[framing], header };
  return { ok: true, header };
}
