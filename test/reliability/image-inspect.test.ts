/** The structural image check (protocol/image-inspect.ts) on complete, truncated, damaged and foreign files. */
import { describe, expect, it } from 'vitest';
import { inspectImage } from '../../protocol/image-inspect';
import { GIF_1x1, makeJpeg, makePng } from './helpers';

const FILES = { png: makePng(12, 9), jpeg: makeJpeg(12, 9), gif: GIF_1x1 };

describe('inspectImage', () => {
  it.each(Object.entries(FILES))('accepts a complete %s', (_name, bytes) => {
    expect(inspectImage(bytes)).toMatchObject({ ok: true });
  });

  it.each(Object.entries(FILES))('says a truncated %s is incomplete, at every cut past its header', (_name, bytes) => {
    for (let cut = 30; cut < bytes.length; cut += Math.max(1, bytes.length >> 5)) {
      const got = inspectImage(bytes.subarray(0, cut));
      expect(got.ok, `cut at ${cut}`).toBe(false);
      expect(['truncated', 'corrupt', 'unknown-format']).toContain((got as { problem: string }).problem);
    }
  });

  it('says a PNG with a damaged chunk (CRC mismatch) is damaged', () => {
    const b = FILES.png.slice();
    b[b.length - 20] ^= 0x01; // inside IDAT
    expect(inspectImage(b)).toMatchObject({ ok: false, problem: 'corrupt', message: 'The image file is damaged.' });
  });

  it('says a GIF without an image is damaged', () => {
    const b = Uint8Array.from([...GIF_1x1.subarray(0, 19), 0x3b]);
    expect(inspectImage(b)).toMatchObject({ ok: false, problem: 'corrupt' });
  });

  it('refuses sizes Figma refuses: 0 px, over 4096 px a side', () => {
    const zero = FILES.png.slice();
    new DataView(zero.buffer).setUint32(16, 0);
    expect(inspectImage(zero)).toMatchObject({ ok: false, problem: 'empty' });
    const big = FILES.png.slice();
    new DataView(big.buffer).setUint32(20, 4097);
    expect(inspectImage(big)).toMatchObject({ ok: false, problem: 'too-large', message: 'The image is 12×4097 px; at most 4096 px a side can be used.' });
  });

  it.each([
    ['WebP', new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 ')],
    ['SVG', new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['empty', new Uint8Array(0)],
    ['not bytes', [137, 80, 78, 71] as unknown as Uint8Array],
  ])('says %s is not PNG, JPEG or GIF', (_name, bytes) => {
    expect(inspectImage(bytes)).toMatchObject({ ok: false, problem: 'unknown-format' });
  });
});
