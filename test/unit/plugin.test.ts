/** The main thread against the emulated Figma: selection in, layers out, one undo step. */
import { describe, expect, it } from 'vitest';
import { decodePngRgba } from '../../dev/emulator';
import { EDIT_RECORD_KEY } from '../../plugin/edit-record-key';
import { RESULT_GAP } from '../../plugin/placement';
import { decodeEditRecord } from '../../protocol/edit-record';
import type { PluginToUi } from '../../protocol/messages';
import { harness, imageLayer, makePng, record } from './helpers';

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
    expect(got.find(isApplied)).toMatchObject({ type: 'applied' });
    expect(h.figma.notifications.at(-1)?.message).toContain('was deleted while you were editing');
  });
});
