/** The main thread against the emulated Figma: selection in, layers out, one undo step. */
import { crc32 } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { decodePngRgba } from '../../dev/emulator';
import { EDIT_RECORD_KEY } from '../../plugin/edit-record-key';
import { RESULT_GAP, SEQUENCE_GAP } from '../../plugin/placement';
import { decodeEditRecord } from '../../protocol/edit-record';
import type { PluginToUi } from '../../protocol/messages';
import { makeJpeg } from '../reliability/helpers';
import { flush, harness, imageLayer, makePng, record } from './helpers';

/** `png` with a tEXt chunk after IHDR (valid: ancillary chunks may appear there). */
function withTextChunk(png: Uint8Array, key: string, text: string): Uint8Array {
  const data = Buffer.from(`${key}\0${text}`, 'latin1');
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write('tEXt', 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  const ihdrEnd = 8 + 25;
  return new Uint8Array(Buffer.concat([png.subarray(0, ihdrEnd), chunk, png.subarray(ihdrEnd)]));
}

function applyMsg(sourceNodeId: string, count = 1, group = false, bytes = makePng(32, 24, 9)) {
  return {
    type: 'apply' as const,
    requestId: 'req-1',
    sourceNodeId,
    group,
    results: Array.from({ length: count }, (_, i) => ({ name: `result ${i + 1}`, bytes, width: 32, height: 24, record: record({ source: { nodeId: sourceNodeId, name: 'src' } }) })),
  };
}

const isApplied = (m: PluginToUi) => m.type === 'applied' || m.type === 'error';

describe('start-up', () => {
  it('opens the panel with theme colours and streams the assets in chunks after ready', async () => {
    const data = 'QUJDREVGR0g='; // 12 chars
    const h = harness({ assets: [{ name: 'ort/a.wasm', kind: 'ort-wasm', bytes: 8, gzipBytes: 8, chunks: 0, data }], chunkChars: 5 });
    h.start();
    expect(h.figma.uiOptions).toMatchObject({ themeColors: true });
    const got = await h.send({ type: 'ready', protocol: 1 }, (m) => m.type === 'selection');
    expect(got[0]).toEqual({ type: 'init', protocol: 1, command: '', assets: [{ name: 'ort/a.wasm', kind: 'ort-wasm', bytes: 8, gzipBytes: 8, chunks: 3 }] });
    const chunks = got.filter((m) => m.type === 'asset-chunk');
    expect(chunks.map((c) => (c as { data: string }).data).join('')).toBe(data);
    expect(got.at(-1)).toEqual({ type: 'selection', selection: { kind: 'none' } });
  });

  it('answers a malformed or unknown message with an error and keeps working', async () => {
    const h = harness();
    h.start();
    for (const bad of [null, 42, { type: 'explode' }, { type: 'apply', requestId: 'x' }, { type: 'notify', message: 'x'.repeat(5000) }]) {
      const got = await h.send(bad, (m) => m.type === 'error');
      expect(got.find((m) => m.type === 'error')).toMatchObject({ message: expect.stringContaining('main thread rejected a message') });
    }
    const got = await h.send({ type: 'ready', protocol: 1 }, (m) => m.type === 'selection');
    expect(got.some((m) => m.type === 'init')).toBe(true);
  });
});

describe('reading the selection', () => {
  it('sends the original bytes of an image fill with its fill settings', async () => {
    const h = harness();
    const png = makePng(40, 30);
    const rect = imageLayer(h.figma, png, 'Photo', 200, 150);
    h.figma.currentPage.selection = [rect];
    h.start();
    const got = await h.send({ type: 'ready', protocol: 1 }, (m) => m.type === 'selection');
    const sel = got.find((m) => m.type === 'selection')!;
    expect(sel).toMatchObject({ selection: { kind: 'image', image: { nodeId: rect.id, name: 'Photo', source: 'image-fill', mime: 'image/png', width: 40, height: 30, nodeWidth: 200, nodeHeight: 150, fill: { scaleMode: 'FILL', hasFilters: false }, record: null } } });
    expect((sel as { selection: { image: { bytes: Uint8Array } } }).selection.image.bytes).toEqual(png);
  });

  it('reads an image-fill layer from getImageByHash(hash).getBytesAsync(), byte for byte, through Figma’s copy-on-read fills', async () => {
    const h = harness();
    // A PNG with an ancillary text chunk and a JPEG: any re-encoding (an export) would change their bytes.
    const png = withTextChunk(makePng(40, 30), 'Comment', 'made by hand');
    const jpeg = makeJpeg(24, 16);
    for (const [bytes, mime] of [[png, 'image/png'], [jpeg, 'image/jpeg']] as const) {
      const hash = h.figma.createImage(bytes).hash;
      const rect = h.figma.createRectangle();
      rect.resize(80, 60);
      // A paint below the image and a hidden one above it: the image is still what is seen.
      rect.fills = [{ type: 'SOLID', color: { r: 0, g: 0, b: 1 } }, { type: 'IMAGE', imageHash: hash, scaleMode: 'FILL' }, { type: 'SOLID', color: { r: 1, g: 0, b: 0 }, visible: false }];
      const asked: string[] = [];
      const real = h.figma.getImageByHash.bind(h.figma);
      h.figma.getImageByHash = (wanted: string) => {
        asked.push(wanted);
        return real(wanted);
      };
      const exportAsync = vi.spyOn(rect, 'exportAsync');
      h.figma.currentPage.selection = [rect];
      const isRect = (m: PluginToUi) => m.type === 'selection' && m.selection.kind === 'image' && m.selection.image.nodeId === rect.id;
      if (!h.received.length) h.start();
      const sel = (await h.send({ type: 'ready', protocol: 1 }, isRect)).find(isRect)!;
      const image = (sel as { selection: { image: { source: string; mime: string; bytes: Uint8Array; notes: string[] } } }).selection.image;
      expect(image).toMatchObject({ source: 'image-fill', mime, notes: [] });
      expect(asked.length).toBeGreaterThan(0);
      expect(new Set(asked)).toEqual(new Set([hash])); // only the fill's own image
      expect(exportAsync).not.toHaveBeenCalled();
      expect(Buffer.from(image.bytes).equals(Buffer.from(await real(hash)!.getBytesAsync()))).toBe(true);
      expect(Buffer.from(image.bytes).equals(Buffer.from(bytes))).toBe(true);
      h.figma.getImageByHash = real;
    }
  });

  it('counts only the visible paints above the image as covering it (by index: every read of fills is a new array)', async () => {
    const h = harness();
    const rect = imageLayer(h.figma, makePng(8, 8), 'Tinted');
    rect.fills = [...rect.fills, { type: 'SOLID', color: { r: 1, g: 0, b: 0 }, opacity: 0.3 }];
    h.figma.currentPage.selection = [rect];
    h.start();
    const got = await h.send({ type: 'ready', protocol: 1 }, (m) => m.type === 'selection');
    const image = (got.find((m) => m.type === 'selection') as { selection: { image: { source: string; notes: string[] } } }).selection.image;
    expect(image.source).toBe('export');
    expect(image.notes).toEqual(['The layer has a fill over its image, so it is edited as it looks (exported), not from the original image.']);
  });

  it('exports a layer without an image fill as PNG, within 4096 px a side', async () => {
    const h = harness();
    h.start();
    await h.send({ type: 'ready', protocol: 1 }, (m) => m.type === 'selection');
    const frame = h.figma.createFrame();
    frame.resize(3000, 100);
    frame.fills = [{ type: 'SOLID', color: { r: 0, g: 1, b: 0 } }];
    h.figma.currentPage.selection = [frame];
    const sel = await h.nextSelection();
    expect(sel.selection).toMatchObject({ kind: 'image', image: { source: 'export', mime: 'image/png', width: 4096, nodeWidth: 3000 } });
    const image = (sel.selection as { image: { bytes: Uint8Array; height: number } }).image;
    const decoded = decodePngRgba(image.bytes);
    expect([decoded.width, decoded.height]).toEqual([4096, image.height]);
    expect(Array.from(decoded.data.subarray(0, 4))).toEqual([0, 255, 0, 255]);
  });

  it('follows selectionchange: none, several, and a result with its edit record', async () => {
    const h = harness();
    const a = imageLayer(h.figma, makePng(4, 4));
    const b = imageLayer(h.figma, makePng(4, 4, 1));
    h.start();
    await h.send({ type: 'ready', protocol: 1 }, (m) => m.type === 'selection');
    h.figma.currentPage.selection = [a, b];
    expect((await h.nextSelection()).selection).toMatchObject({ kind: 'multiple', count: 2, layers: [{ nodeId: a.id }, { nodeId: b.id }] });
    b.setPluginData(EDIT_RECORD_KEY, JSON.stringify(record()));
    h.figma.currentPage.selection = [b];
    expect((await h.nextSelection()).selection).toMatchObject({ kind: 'image', image: { record: record() } });
  });
});

describe('writing results', () => {
  async function ready(h: ReturnType<typeof harness>) {
    h.start();
    await h.send({ type: 'ready', protocol: 1 }, (m) => m.type === 'selection');
  }

  it('adds a layer beside the source in a plain parent, as one undo step, source untouched', async () => {
    const h = harness();
    const frame = h.figma.createFrame();
    frame.resize(1000, 1000);
    frame.x = 50;
    const src = imageLayer(h.figma, makePng(16, 12), 'Portrait', 64, 48);
    frame.appendChild(src);
    src.x = 10;
    src.y = 20;
    const blocker = h.figma.createRectangle();
    frame.appendChild(blocker);
    blocker.resize(10, 10);
    blocker.x = 10 + 64 + 30; // inside where the result would go
    blocker.y = 30;
    h.figma.resetHistory();
    const srcFills = src.fills;
    const srcBytes = await h.figma.getImageByHash((srcFills[0] as { imageHash: string }).imageHash)!.getBytesAsync();
    await ready(h);

    const got = await h.send(applyMsg(src.id), isApplied);
    const applied = got.find(isApplied)!;
    expect(applied.type).toBe('applied');
    const [id] = (applied as { nodeIds: string[] }).nodeIds;
    const result = (await h.figma.getNodeByIdAsync(id)) as typeof src;
    expect(result.parent).toBe(frame);
    expect(frame.children.indexOf(result)).toBe(frame.children.indexOf(src) + 1);
    expect({ x: result.x, y: result.y, w: result.width, h: result.height }).toEqual({ x: blocker.x + 10 + RESULT_GAP, y: 20, w: 64, h: 48 });
    expect(result.name).toBe('result 1');
    expect(decodeEditRecord(result.getPluginData(EDIT_RECORD_KEY))).toEqual(applyMsg(src.id).results[0].record);
    expect(result.getRelaunchData()).toEqual({ edit: expect.any(String) });
    expect(h.figma.currentPage.selection).toEqual([result]);
    expect(h.figma.viewportTarget).toEqual([id]);
    expect(h.figma.notifications.at(-1)?.message).toContain('result 1');
    expect(h.figma.undoDepth).toBe(1);
    // The source is untouched.
    expect(src.fills).toBe(srcFills);
    expect([src.x, src.y, src.width, src.height, src.parent]).toEqual([10, 20, 64, 48, frame]);
    expect(await h.figma.getImageByHash((src.fills[0] as { imageHash: string }).imageHash)!.getBytesAsync()).toEqual(srcBytes);
    // Undo removes exactly the result.
    expect(h.figma.undo()).toBe(true);
    expect(result.removed).toBe(true);
    expect(frame.children).toEqual([src, blocker]);
  });

  it('tells the panel which of its results an Undo removed, before the selection that follows (issue 16)', async () => {
    const h = harness();
    const src = imageLayer(h.figma, makePng(16, 12), 'Portrait', 64, 48);
    h.figma.resetHistory();
    await ready(h);
    const applied = (await h.send(applyMsg(src.id), isApplied)).find(isApplied) as { nodeIds: string[] };
    // The panel has been told the result is selected before the Undo.
    const resultSelected = () => h.received.some((m) => m.type === 'selection' && m.selection.kind === 'image' && m.selection.image.nodeId === applied.nodeIds[0]);
    for (let i = 0; i < 200 && !resultSelected(); i++) await flush();
    expect(h.figma.undo()).toBe(true);
    const from = h.received.length;
    h.figma.currentPage.selection = [src];
    await h.nextSelection();
    const after = h.received.slice(from).map((m) => m.type);
    expect(h.received.slice(from).find((m) => m.type === 'removed')).toEqual({ type: 'removed', nodeIds: applied.nodeIds });
    expect(after.indexOf('removed')).toBeLessThan(after.indexOf('selection'));
    // Said once: the next selection change says nothing more.
    const again = h.received.length;
    h.figma.currentPage.selection = [];
    await h.nextSelection();
    expect(h.received.slice(again).some((m) => m.type === 'removed')).toBe(false);
  });

  it('places results from an auto-layout parent on the page at the same spot on screen', async () => {
    const h = harness();
    const row = h.figma.createFrame();
    row.layoutMode = 'HORIZONTAL';
    row.padding = 8;
    row.resize(300, 100);
    row.x = 100;
    row.y = 200;
    const src = imageLayer(h.figma, makePng(8, 8), 'In row', 80, 80);
    row.appendChild(src);
    await ready(h);
    const got = await h.send(applyMsg(src.id), isApplied);
    const [id] = (got.find(isApplied) as { nodeIds: string[] }).nodeIds;
    const result = (await h.figma.getNodeByIdAsync(id)) as typeof src;
    expect(result.parent).toBe(h.figma.currentPage);
    expect(row.children).toEqual([src]);
    // Right of the row (the row itself is in the way), top-aligned with the source on screen.
    expect(result.y).toBe(200 + 8);
    expect(result.x).toBe(100 + 300 + RESULT_GAP);
  });

  it('groups several results when asked, still one undo step', async () => {
    const h = harness();
    const src = imageLayer(h.figma, makePng(8, 8));
    h.figma.resetHistory();
    await ready(h);
    const got = await h.send(applyMsg(src.id, 3, true), isApplied);
    const [id] = (got.find(isApplied) as { nodeIds: string[] }).nodeIds;
    const group = (await h.figma.getNodeByIdAsync(id)) as unknown as { type: string; children: unknown[]; name: string };
    expect(group.type).toBe('GROUP');
    expect(group.children).toHaveLength(3);
    expect(group.name).toContain('(3)');
    expect(h.figma.undoDepth).toBe(1);
    h.figma.undo();
    expect(h.figma.currentPage.children).toEqual([src]);
  });

  it('inserts nothing when a result is not a valid image, and says why', async () => {
    const h = harness();
    const src = imageLayer(h.figma, makePng(8, 8));
    h.figma.resetHistory();
    await ready(h);
    const msg = applyMsg(src.id, 2);
    msg.results[1].bytes = new Uint8Array([1, 2, 3, 4, 5]);
    const got = await h.send(msg, isApplied);
    expect(got.find(isApplied)).toEqual({ type: 'error', requestId: 'req-1', message: 'result 2 (“result 2”): The image is not PNG, JPEG or GIF.' });
    expect(h.figma.currentPage.children).toEqual([src]);
    expect(h.figma.notifications.at(-1)).toMatchObject({ options: { error: true } });
  });

  it('refuses an edit record over the plugin data limit before creating anything', async () => {
    const h = harness();
    const src = imageLayer(h.figma, makePng(8, 8));
    await ready(h);
    const msg = applyMsg(src.id);
    msg.results[0].record = record({ constraints: 'x'.repeat(100_000) });
    const got = await h.send(msg, isApplied);
    expect(got.find(isApplied)).toMatchObject({ type: 'error', message: expect.stringContaining('setPluginData allows at most 100000') });
    expect(h.figma.currentPage.children).toEqual([src]);
  });

  it('keeps the work when the source no longer exists: placed in view, and says so', async () => {
    const h = harness();
    await ready(h);
    const got = await h.send(applyMsg('9:99'), isApplied);
    expect(got.find(isApplied)).toMatchObject({ type: 'applied', notes: [expect.stringContaining('was deleted while you were editing')] });
    // The notification is short and points to the panel, which has the note in full.
    expect(h.figma.notifications.at(-1)).toMatchObject({ message: 'Added “result 1”. More in the Manifold panel.' });
    expect(h.figma.notifications.every((n) => n.cut === undefined)).toBe(true);
  });
});

describe('writing a sequence as one frame (layout: frame)', () => {
  /** An apply of `count` sequence frames as the panel makes it (Frame 00, the original, first), each with its own pixels and record. */
  function sequenceMsg(sourceNodeId: string, count: number, requestId = 'req-1') {
    return {
      type: 'apply' as const,
      requestId,
      sourceNodeId,
      group: false,
      layout: 'frame' as const,
      results: Array.from({ length: count }, (_, i) => ({
        name: `Frame ${String(i).padStart(2, '0')} / ${String(count - 1).padStart(2, '0')}`,
        bytes: makePng(32, 24, 10 + i),
        width: 32,
        height: 24,
        record: record({ latent: [i / 10, 1], constraints: { frame: i, frames: count }, source: { nodeId: sourceNodeId, name: 'Portrait' } }),
      })),
    };
  }
  type Frame = ReturnType<typeof harness>['figma'] extends { createFrame(): infer F } ? F : never;

  async function scene() {
    const h = harness();
    const board = h.figma.createFrame();
    board.name = 'Board';
    board.resize(2000, 1000);
    board.x = 50;
    board.y = 5;
    const src = imageLayer(h.figma, makePng(16, 12), 'Portrait', 64, 48);
    board.appendChild(src);
    src.x = 10;
    src.y = 20;
    const other = h.figma.createRectangle();
    board.appendChild(other);
    other.x = 10;
    other.y = 200;
    h.figma.resetHistory();
    h.start();
    await h.send({ type: 'ready', protocol: 1 }, (m) => m.type === 'selection');
    return { h, board, src, other };
  }

  it('makes one frame beside the source holding the frames side by side, sized to fit, one undo step', async () => {
    const { h, board, src, other } = await scene();
    const before = h.figma.snapshot();
    const msg = sequenceMsg(src.id, 4);
    const got = await h.send(msg, isApplied);
    const applied = got.find(isApplied) as { type: string; nodeIds: string[] };
    expect(applied.type).toBe('applied');
    expect(applied.nodeIds).toHaveLength(1);
    const frame = (await h.figma.getNodeByIdAsync(applied.nodeIds[0])) as Frame;
    // One frame, right above the source in its parent, beside it.
    expect(frame.type).toBe('FRAME');
    expect(frame.name).toBe('Portrait · Manifold sequence (4 frames)');
    expect(frame.parent).toBe(board);
    expect(board.children).toEqual([src, frame, other]);
    expect([frame.x, frame.y]).toEqual([10 + 64 + RESULT_GAP, 20]);
    // The frames in order, each the source's size on the canvas, SEQUENCE_GAP apart; the frame fits them.
    const children = frame.children;
    expect(children.map((c) => c.name)).toEqual(['Frame 00 / 03', 'Frame 01 / 03', 'Frame 02 / 03', 'Frame 03 / 03']);
    expect(children.map((c) => [c.x, c.y, c.width, c.height])).toEqual([0, 1, 2, 3].map((i) => [i * (64 + SEQUENCE_GAP), 0, 64, 48]));
    expect([frame.width, frame.height]).toEqual([4 * 64 + 3 * SEQUENCE_GAP, 48]);
    expect(frame.fills).toEqual([]);
    expect(frame.clipsContent).toBe(true);
    // Each frame shows its own image.
    for (const [i, c] of children.entries()) {
      const paint = c.fills[0] as { type: string; imageHash: string; scaleMode: string };
      expect(paint).toMatchObject({ type: 'IMAGE', scaleMode: 'FILL' });
      expect(await h.figma.getImageByHash(paint.imageHash)!.getBytesAsync()).toEqual(msg.results[i].bytes);
    }
    // The edit record and the relaunch button on the frame (the last frame's record) and on each child (its own).
    expect(decodeEditRecord(frame.getPluginData(EDIT_RECORD_KEY))).toEqual(msg.results[3].record);
    expect(frame.getRelaunchData()).toEqual({ edit: expect.any(String) });
    children.forEach((c, i) => {
      expect(decodeEditRecord(c.getPluginData(EDIT_RECORD_KEY))).toEqual(msg.results[i].record);
      expect(c.getRelaunchData()).toEqual({ edit: expect.any(String) });
    });
    expect(h.figma.currentPage.selection).toEqual([frame]);
    expect(h.figma.viewportTarget).toEqual([frame.id]);
    expect(h.figma.notifications.at(-1)?.message).toBe('Added “Portrait · Manifold sequence (4 frames)” beside “Portrait”.');
    // The rendered frame shows each child's pixels at its place, and nothing in the gaps.
    const out = decodePngRgba(await frame.exportAsync({ format: 'PNG' }));
    expect([out.width, out.height]).toEqual([frame.width, frame.height]);
    const at = (img: { width: number; data: ArrayLike<number> }, x: number, y: number) => Array.from(img.data).slice((y * img.width + x) * 4, (y * img.width + x) * 4 + 4);
    for (const c of children) {
      const own = decodePngRgba(await c.exportAsync({ format: 'PNG' }));
      expect(at(out, c.x + 40, 30)).toEqual(at(own, 40, 30));
    }
    expect(at(out, 64 + SEQUENCE_GAP / 2, 10)[3]).toBe(0);
    // One undo step removes the frame and everything in it.
    expect(h.figma.undoDepth).toBe(1);
    h.figma.undo();
    expect(frame.removed).toBe(true);
    expect(h.figma.snapshot().replace(/"selection":\[[^\]]*\]/g, '')).toBe(before.replace(/"selection":\[[^\]]*\]/g, ''));
  });

  it('goes on the page when the source sits in auto layout, and in view when the source is gone', async () => {
    const h = harness();
    const row = h.figma.createFrame();
    row.layoutMode = 'HORIZONTAL';
    row.resize(300, 100);
    row.x = 100;
    const src = imageLayer(h.figma, makePng(8, 8), 'In row', 50, 50);
    row.appendChild(src);
    h.figma.viewportCenter = { x: 1000, y: 1000 };
    h.figma.resetHistory();
    h.start();
    await h.send({ type: 'ready', protocol: 1 }, (m) => m.type === 'selection');
    const got = await h.send(sequenceMsg(src.id, 3), isApplied);
    const frame = (await h.figma.getNodeByIdAsync((got.find(isApplied) as { nodeIds: string[] }).nodeIds[0])) as Frame;
    expect(frame.parent).toBe(h.figma.currentPage);
    expect(row.children).toEqual([src]);
    expect(frame.x).toBe(100 + 300 + RESULT_GAP);
    expect(frame.children).toHaveLength(3);

    const gone = await h.send(sequenceMsg('9:99', 2, 'req-2'), isApplied);
    const lost = (await h.figma.getNodeByIdAsync((gone.find(isApplied) as { nodeIds: string[] }).nodeIds[0])) as Frame;
    // The source's size is unknown: the frames keep their pixel size, centred on the view.
    expect([lost.width, lost.height]).toEqual([2 * 32 + SEQUENCE_GAP, 24]);
    expect([lost.x + lost.width / 2, lost.y + lost.height / 2]).toEqual([1000, 1000]);
    expect(h.figma.undoDepth).toBe(2);
  });

  // Every document operation the frame write uses, failing on its first and its last call (3 frames;
  // insertChild counts the create calls too, which put each new node on the page first).
  const CALLS: Record<string, number> = { createImage: 3, createFrame: 1, createRectangle: 3, name: 4, resize: 4, fills: 4, clipsContent: 1, setPluginData: 4, setRelaunchData: 4, insertChild: 8, x: 4, y: 4, commitUndo: 1 };
  for (const [op, calls] of Object.entries(CALLS)) {
    for (const nth of [...new Set([1, calls])]) {
      it(`${op} fails (call ${nth} of ${calls}): nothing is inserted, the error is reported, and a retry works`, async () => {
        const { h, src } = await scene();
        const before = h.figma.snapshot();
        h.figma.injectFault(op, nth);
        const got = await h.send(sequenceMsg(src.id, 3), isApplied);
        expect(got.find(isApplied)).toMatchObject({ type: 'error', requestId: 'req-1', message: `injected fault: ${op}` });
        expect(h.figma.notifications.at(-1)).toMatchObject({ message: expect.stringContaining('could not add the result'), options: { error: true } });
        expect(h.figma.snapshot()).toBe(before);
        h.figma.undo(); // what the failed attempt left in the history is a no-op
        expect(h.figma.snapshot()).toBe(before);
        const again = await h.send(sequenceMsg(src.id, 3, 'req-2'), isApplied);
        expect(again.find(isApplied)?.type).toBe('applied');
      });
    }
  }

  it('a fault after the last call of each operation is never reached (the table above is complete)', async () => {
    for (const [op, calls] of Object.entries(CALLS)) {
      const { h, src } = await scene();
      h.figma.injectFault(op, calls + 1);
      const got = await h.send(sequenceMsg(src.id, 3), isApplied);
      expect(got.find(isApplied)?.type, op).toBe('applied');
    }
  });

  it('opening the frame again edits its last frame; a new result is that frame’s size, beside the sequence', async () => {
    const { h, src } = await scene();
    const msg = sequenceMsg(src.id, 3);
    const got = await h.send(msg, isApplied);
    const frame = (await h.figma.getNodeByIdAsync((got.find(isApplied) as { nodeIds: string[] }).nodeIds[0])) as Frame;
    // The apply selected the frame: the panel is told what that selection reads as.
    for (let i = 0; i < 100 && !h.received.some((m) => m.type === 'selection' && m.selection.kind === 'image'); i++) await flush();
    const sel = (h.received.filter((m) => m.type === 'selection').at(-1) as { selection: unknown }).selection;
    expect(sel).toMatchObject({ kind: 'image', image: { nodeId: frame.id, nodeType: 'FRAME', source: 'image-fill', width: 32, height: 24, nodeWidth: 64, nodeHeight: 48, record: msg.results[2].record } });
    const image = (sel as { image: { bytes: Uint8Array; notes: string[] } }).image;
    expect(image.bytes).toEqual(msg.results[2].bytes);
    expect(image.notes).toEqual(['This is a Manifold sequence: the edit continues from its last frame, “Frame 02 / 02”.']);
    const next = await h.send(applyMsg(frame.id), isApplied);
    const result = (await h.figma.getNodeByIdAsync((next.find(isApplied) as { nodeIds: string[] }).nodeIds[0])) as typeof src;
    expect([result.width, result.height]).toEqual([64, 48]);
    expect(result.x).toBe(frame.x + frame.width + RESULT_GAP);
  });
});
