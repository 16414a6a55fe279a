/**
 * Property-based tests of the image intake path: the header reader and structural check
 * (protocol/), the main thread reading a selected layer whose image bytes are random or
 * mutated PNG/JPEG/GIF files, and the pure-JS decoders behind the structural check (what
 * the CLI uses; the panel decodes with createImageBitmap). Random and mutated inputs never
 * crash, always give a selection the panel accepts, and never write to the document.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EmulatedFigma } from '../../dev/emulator';
import { decodeImage } from '../../cli/image-io';
import { readSelectionAsync } from '../../plugin/read-selection';
import { inspectImage } from '../../protocol/image-inspect';
import { readImageHeader } from '../../protocol/image-header';
import { parsePluginToUi } from '../../protocol/messages';
import { GIF_1x1, makeJpeg } from '../reliability/helpers';
import { makePng } from '../unit/helpers';

const VALID = [makePng(7, 5), makePng(1, 1), makeJpeg(9, 6), GIF_1x1];

/** A valid file with a few random byte edits, a truncation, or a splice of random bytes. */
const mutatedImage = fc
  .tuple(
    fc.constantFrom(...VALID),
    fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 64 }) }),
      fc.record({ kind: fc.constant('header' as const), at: fc.integer({ min: 0, max: 30 }), value: fc.integer({ min: 0, max: 255 }) }),
    ),
  )
  .map(([file, m]) => {
    const b = file.slice();
    if (m.kind === 'flip') for (const [i, v] of m.edits) b[i % b.length] = v;
    if (m.kind === 'header') b[m.at % b.length] = m.value;
    if (m.kind === 'truncate') return b.subarray(0, m.at % b.length);
    if (m.kind === 'splice') return Uint8Array.from([...b.subarray(0, m.at % b.length), ...m.bytes, ...b.subarray(m.at % b.length)]);
    return b;
  });

const anyBytes = fc.oneof(fc.uint8Array({ maxLength: 300 }), mutatedImage);

describe('header reader and structural check', () => {
  it('never throw; an accepted file has a size within Figma’s limits and its header’s format', () => {
    fc.assert(
      fc.property(anyBytes, (bytes) => {
        const header = readImageHeader(bytes);
        const inspected = inspectImage(bytes);
        if (inspected.ok) {
          expect(inspected.header).toEqual(header);
          expect(inspected.header.width).toBeGreaterThanOrEqual(1);
          expect(inspected.header.height).toBeLessThanOrEqual(4096);
        } else expect(inspected.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts the unmutated files', () => {
    for (const file of VALID) expect(inspectImage(file)).toMatchObject({ ok: true });
  });

  it('what passes the check decodes, or fails with an Error — never a hang or a crash (PNG, JPEG)', () => {
    fc.assert(
      fc.property(mutatedImage, (bytes) => {
        const inspected = inspectImage(bytes);
        if (!inspected.ok || inspected.header.mime === 'image/gif') return;
        try {
          const img = decodeImage(bytes);
          expect(img.data.length).toBe(img.width * img.height * 4);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the main thread reading a layer with random or mutated image bytes', () => {
  it('always gives a selection the panel accepts, never throws, never writes', async () => {
    await fc.assert(
      fc.asyncProperty(
        anyBytes,
        fc.constantFrom('FILL', 'FIT', 'CROP', 'TILE'),
        fc.record({ w: fc.integer({ min: 1, max: 64 }), h: fc.integer({ min: 1, max: 64 }) }),
        fc.boolean(),
        async (bytes, scaleMode, size, overlay) => {
          const figma = new EmulatedFigma();
          const node = figma.createRectangle();
          node.resize(size.w, size.h);
          const paints: object[] = [{ type: 'IMAGE', imageHash: figma.storeImageUnchecked(bytes), scaleMode }];
          if (overlay) paints.push({ type: 'SOLID', color: { r: 0, g: 0, b: 0 }, opacity: 0.2 });
          node.fills = paints as never;
          figma.currentPage.selection = [node];
          const before = figma.snapshot();
          const selection = await readSelectionAsync(figma.pluginApi);
          expect(() => parsePluginToUi({ type: 'selection', selection })).not.toThrow();
          expect(figma.snapshot()).toBe(before);
          if (selection.kind === 'image' && selection.image.source === 'image-fill') expect(inspectImage(selection.image.bytes).ok).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
