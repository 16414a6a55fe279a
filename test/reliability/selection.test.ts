/**
 * What the plugin does with whatever is selected (issue 8, first two groups of cases). Every
 * test also checks that reading the selection wrote nothing to the document.
 */
import { describe, expect, it } from 'vitest';
import { decodePngRgba, type EmuSceneNode } from '../../dev/emulator';
import { RESULT_GAP } from '../../plugin/placement';
import { LIMITS } from '../../protocol/limits';
import type { SelectedImage, SelectionState } from '../../protocol/messages';
import { applyMsg, GIF_1x1, imageLayer, isAnswer, makeJpeg, makePng, select, started } from './helpers';

type H = Awaited<ReturnType<typeof started>>;

/** Selects `nodes`, returns the selection the panel gets, and checks the document did not change. */
async function readOnly(h: H, nodes: EmuSceneNode[]): Promise<SelectionState> {
  const next = h.nextSelection();
  h.figma.currentPage.selection = nodes;
  const before = h.figma.snapshot();
  const { selection } = await next;
  expect(h.figma.snapshot()).toBe(before);
  return selection;
}

const image = (s: SelectionState): SelectedImage => {
  expect(s.kind).toBe('image');
  return (s as { image: SelectedImage }).image;
};

describe('what is selected', () => {
  it('nothing selected: kind none', async () => {
    const h = await started();
    expect(await readOnly(h, [])).toEqual({ kind: 'none' });
  });

  it('several selected: none is used; the layers are listed and `select` picks one', async () => {
    const h = await started();
    const a = imageLayer(h.figma, makePng(4, 4), 'A');
    const b = imageLayer(h.figma, makePng(4, 4, 1), 'B');
    const sel = await readOnly(h, [a, b]);
    expect(sel).toEqual({ kind: 'multiple', count: 2, layers: [{ nodeId: a.id, name: 'A', nodeType: 'RECTANGLE' }, { nodeId: b.id, name: 'B', nodeType: 'RECTANGLE' }] });
    const next = h.nextSelection();
    await h.send({ type: 'select', nodeId: b.id });
    expect(image((await next).selection).nodeId).toBe(b.id);
    expect(h.figma.currentPage.selection).toEqual([b]);
  });

  it('`select` of a layer that is not among the selected is refused and changes nothing', async () => {
    const h = await started();
    const a = imageLayer(h.figma, makePng(4, 4), 'A');
    const b = imageLayer(h.figma, makePng(4, 4, 1), 'B');
    const c = imageLayer(h.figma, makePng(4, 4, 2), 'C');
    await readOnly(h, [a, b]);
    const before = h.figma.snapshot();
    const got = await h.send({ type: 'select', nodeId: c.id }, (m) => m.type === 'error');
    expect(got.find((m) => m.type === 'error')).toMatchObject({ message: expect.stringContaining('not among the selected layers') });
    expect(h.figma.snapshot()).toBe(before);
  });

  it('several hundred selected: at most maxListedLayers are listed', async () => {
    const h = await started();
    const nodes = Array.from({ length: LIMITS.maxListedLayers + 10 }, () => h.figma.createRectangle());
    const sel = await readOnly(h, nodes);
    expect(sel).toMatchObject({ kind: 'multiple', count: nodes.length });
    expect((sel as { layers: unknown[] }).layers).toHaveLength(LIMITS.maxListedLayers);
  });

  it('a locked layer is read like any other; results go beside it unlocked; it stays locked', async () => {
    const h = await started();
    const src = imageLayer(h.figma, makePng(8, 8), 'Locked');
    src.locked = true;
    h.figma.resetHistory();
    expect(image(await readOnly(h, [src])).source).toBe('image-fill');
    const got = await h.send(applyMsg(src.id), isAnswer());
    const [id] = (got.find(isAnswer()) as { nodeIds: string[] }).nodeIds;
    const result = (await h.figma.getNodeByIdAsync(id)) as EmuSceneNode;
    expect([src.locked, result.locked]).toEqual([true, false]);
  });

  it('a hidden layer, or one in a hidden frame, is refused with a reason', async () => {
    const h = await started();
    const src = imageLayer(h.figma, makePng(8, 8), 'Hidden');
    src.visible = false;
    expect(await readOnly(h, [src])).toMatchObject({ kind: 'unsupported', nodeId: src.id, reason: expect.stringContaining('hidden') });
    const frame = h.figma.createFrame();
    frame.visible = false;
    const inner = imageLayer(h.figma, makePng(8, 8), 'Inner');
    frame.appendChild(inner);
    expect(await readOnly(h, [inner])).toMatchObject({ kind: 'unsupported', reason: expect.stringContaining('hidden') });
  });

  it('a layer at 0% opacity is refused as fully transparent', async () => {
    const h = await started();
    const src = imageLayer(h.figma, makePng(8, 8));
    src.opacity = 0;
    expect(await readOnly(h, [src])).toMatchObject({ kind: 'unsupported', reason: expect.stringContaining('fully transparent') });
  });

  it('a layer inside a component instance is read, with a note; results go on the page beside the instance', async () => {
    const h = await started();
    const inner = imageLayer(h.figma, makePng(8, 8), 'In instance', 40, 40);
    const instance = h.figma.createInstanceOf([inner]);
    instance.resize(100, 100);
    instance.x = 200;
    instance.y = 50;
    h.figma.resetHistory();
    const img = image(await readOnly(h, [inner]));
    expect(img.source).toBe('image-fill');
    expect(img.notes?.join(' ')).toContain('component instance');
    const instanceBefore = JSON.stringify(JSON.parse(h.figma.snapshot())[0].children[0]);
    const got = await h.send(applyMsg(inner.id), isAnswer());
    const [id] = (got.find(isAnswer()) as { nodeIds: string[] }).nodeIds;
    const result = (await h.figma.getNodeByIdAsync(id)) as EmuSceneNode;
    expect(result.parent).toBe(h.figma.currentPage);
    expect(result.x).toBe(200 + 100 + RESULT_GAP); // past the instance, which is in the way
    expect(result.y).toBe(50);
    expect(JSON.stringify(JSON.parse(h.figma.snapshot())[0].children[0])).toBe(instanceBefore);
  });
});

describe('node kinds', () => {
  it.each([
    ['PNG', makePng(20, 10), 'image/png', 20, 10],
    ['JPEG', makeJpeg(12, 7), 'image/jpeg', 12, 7],
    ['GIF', GIF_1x1, 'image/gif', 1, 1],
  ] as const)('an image fill (%s) gives its original bytes', async (_name, bytes, mime, w, h0) => {
    const h = await started();
    const src = imageLayer(h.figma, bytes, 'Image', 100, 50);
    const img = image(await readOnly(h, [src]));
    expect(img).toMatchObject({ source: 'image-fill', mime, width: w, height: h0, nodeWidth: 100, nodeHeight: 50, imageHash: (src.fills[0] as { imageHash: string }).imageHash });
    expect(img.bytes).toEqual(bytes);
  });

  it.each([
    ['FILL', {}],
    ['FIT', {}],
    ['CROP', { imageTransform: [[0.5, 0, 0.25], [0, 0.5, 0.25]] }],
    ['TILE', { scalingFactor: 0.5 }],
  ] as const)('an image fill in %s mode gives the original bytes and how they sit', async (scaleMode, extra) => {
    const h = await started();
    const src = imageLayer(h.figma, makePng(16, 16), 'Image', 64, 64);
    src.fills = [{ type: 'IMAGE', imageHash: (src.fills[0] as { imageHash: string }).imageHash, scaleMode, ...extra } as never];
    const img = image(await readOnly(h, [src]));
    expect(img.source).toBe('image-fill');
    expect(img.fill).toEqual({ scaleMode, hasFilters: false, ...extra });
  });

  it('a rotated image layer gives the unrotated original; results go right of its rotated bounds', async () => {
    const h = await started();
    const src = imageLayer(h.figma, makePng(16, 8), 'Rotated', 100, 50);
    src.x = 0;
    src.y = 100;
    src.rotation = 90; // counter-clockwise about the top-left: covers x 0…50, y 0…100
    h.figma.resetHistory();
    const img = image(await readOnly(h, [src]));
    expect([img.source, img.width, img.height]).toEqual(['image-fill', 16, 8]);
    const got = await h.send(applyMsg(src.id, { width: 32, height: 16 }), isAnswer());
    const [id] = (got.find(isAnswer()) as { nodeIds: string[] }).nodeIds;
    const result = (await h.figma.getNodeByIdAsync(id)) as EmuSceneNode;
    expect([result.x, result.y, result.rotation]).toEqual([50 + RESULT_GAP, 0, 0]);
  });

  it.each([
    ['a solid fill over the image', (n: EmuSceneNode) => (n.fills = [...n.fills, { type: 'SOLID', color: { r: 1, g: 0, b: 0 }, opacity: 0.5 }]), 'a fill'],
    ['a drop shadow', (n: EmuSceneNode) => (n.effects = [{ type: 'DROP_SHADOW', color: { r: 0, g: 0, b: 0, a: 0.5 }, offset: { x: 2, y: 2 }, radius: 4, visible: true, blendMode: 'NORMAL' }]), 'effects'],
    ['a stroke', (n: EmuSceneNode) => (n.strokes = [{ type: 'SOLID', color: { r: 0, g: 0, b: 1 } }]), 'a stroke'],
    ['colour filters on the image', (n: EmuSceneNode) => (n.fills = [{ ...(n.fills[0] as object), filters: { exposure: 0.5 } } as never]), 'colour adjustments'],
  ] as const)('an image with %s is exported (what is seen), and the note says why', async (_what, cover, reason) => {
    const h = await started();
    const src = imageLayer(h.figma, makePng(16, 16), 'Covered', 64, 64);
    cover(src);
    const img = image(await readOnly(h, [src]));
    expect(img.source).toBe('export');
    expect(img.notes?.join(' ')).toContain(`has ${reason}`);
  });

  it('a hidden paint over the image does not count: original bytes', async () => {
    const h = await started();
    const src = imageLayer(h.figma, makePng(16, 16));
    src.fills = [...src.fills, { type: 'SOLID', color: { r: 1, g: 0, b: 0 }, visible: false }];
    expect(image(await readOnly(h, [src])).source).toBe('image-fill');
  });

  it.each(['vector', 'text', 'group', 'frame', 'ellipse'] as const)('a %s is exported as PNG at 2×', async (kind) => {
    const h = await started();
    const make = (): EmuSceneNode => {
      const red = [{ type: 'SOLID' as const, color: { r: 1, g: 0, b: 0 } }];
      if (kind === 'vector') return Object.assign(h.figma.createVector(), { fills: red });
      if (kind === 'text') return Object.assign(h.figma.createText(), { characters: 'Hi', fills: red });
      if (kind === 'ellipse') return Object.assign(h.figma.createEllipse(), { fills: red });
      if (kind === 'frame') return Object.assign(h.figma.createFrame(), { fills: red });
      const a = Object.assign(h.figma.createRectangle(), { fills: red });
      const b = Object.assign(h.figma.createRectangle(), { fills: red });
      b.x = 50;
      return h.figma.group([a, b], h.figma.currentPage);
    };
    const node = make();
    const img = image(await readOnly(h, [node]));
    expect(img).toMatchObject({ source: 'export', mime: 'image/png', nodeType: node.type, width: node.width * 2, height: node.height * 2, exportScale: 2 });
    const px = decodePngRgba(img.bytes);
    const centre = ((px.height >> 1) * px.width + (px.width >> 2)) * 4; // inside every shape here (the group's left half)
    expect(Array.from(px.data.subarray(centre, centre + 4))).toEqual([255, 0, 0, 255]);
  });

  it('a huge frame is exported scaled down to 4096 px a side, and the note tells the user', async () => {
    const h = await started();
    const frame = h.figma.createFrame();
    frame.resize(10000, 2500);
    const img = image(await readOnly(h, [frame]));
    expect([img.width, img.height]).toEqual([4096, 1024]);
    expect(img.exportScale).toBeCloseTo(0.4096);
    expect(img.notes?.join(' ')).toContain('scaled down to 4096×1024 px (41%) to stay within 4096 px a side');
  });

  it('a 1×1 px layer: a 1×1 image fill is read as is; a 1×1 vector exports at 2×2; a sub-pixel one at 1×1', async () => {
    const h = await started();
    const px = imageLayer(h.figma, makePng(1, 1), 'Pixel', 1, 1);
    expect(image(await readOnly(h, [px]))).toMatchObject({ source: 'image-fill', width: 1, height: 1 });
    const dot = h.figma.createVector();
    dot.resize(1, 1);
    expect(image(await readOnly(h, [dot]))).toMatchObject({ source: 'export', width: 2, height: 2 });
    const speck = h.figma.createVector();
    speck.resize(0.2, 0.2);
    expect(image(await readOnly(h, [speck]))).toMatchObject({ source: 'export', width: 1, height: 1 });
  });

  it('a fully transparent layer (no visible paint) is sent as a transparent PNG; the panel must say there is nothing to edit', async () => {
    const h = await started();
    const empty = h.figma.createFrame();
    empty.fills = [];
    const img = image(await readOnly(h, [empty]));
    const px = decodePngRgba(img.bytes);
    expect(px.data.every((v, i) => i % 4 !== 3 || v === 0)).toBe(true);
  });
});

describe('bad image bytes in a fill', () => {
  const png = makePng(16, 16);
  it.each([
    ['truncated', png.subarray(0, png.length - 20), 'incomplete (truncated)'],
    ['corrupt (flipped bit in the data)', (() => { const b = png.slice(); b[60] ^= 0x10; return b; })(), 'damaged'],
    ['over 4096 px a side', (() => { const b = png.slice(); new DataView(b.buffer).setUint32(16, 5000); return b; })(), 'at most 4096 px a side'],
    ['in a format the plugin cannot read (WebP)', new TextEncoder().encode('RIFF\u0000\u0000\u0000\u0000WEBPVP8 '), 'not PNG, JPEG or GIF'],
  ])('%s: falls back to exporting what is seen, with a note', async (_what, bytes, message) => {
    const h = await started();
    const src = h.figma.createRectangle();
    src.resize(30, 20);
    src.fills = [{ type: 'IMAGE', imageHash: h.figma.storeImageUnchecked(bytes), scaleMode: 'FILL' }];
    const img = image(await readOnly(h, [src]));
    expect(img).toMatchObject({ source: 'export', mime: 'image/png', width: 60, height: 40 });
    expect(img.notes?.join(' ')).toContain(message);
  });

  it('a decodable image past 4096 px a side (which Figma never holds) exports as the placeholder, not decoded', async () => {
    const h = await started();
    const src = h.figma.createRectangle();
    src.resize(30, 20);
    src.fills = [{ type: 'IMAGE', imageHash: h.figma.storeImageUnchecked(makePng(4100, 2, 60)), scaleMode: 'FILL' }];
    const img = image(await readOnly(h, [src]));
    expect(img.source).toBe('export');
    const px = decodePngRgba(img.bytes);
    // every pixel the mid-grey placeholder (decoded, the image's left end would show its own colours)
    for (let p = 0; p < px.width * px.height; p++) expect([px.data[4 * p], px.data[4 * p + 1], px.data[4 * p + 2]]).toEqual([128, 128, 128]);
  });

  it('a fill whose image is missing from the file falls back to export', async () => {
    const h = await started();
    const src = imageLayer(h.figma, makePng(4, 4));
    const real = h.figma.getImageByHash.bind(h.figma);
    h.figma.getImageByHash = (hash: string) => (hash === (src.fills[0] as { imageHash: string }).imageHash ? null : real(hash));
    const img = image(await readOnly(h, [src]));
    expect(img.source).toBe('export');
    expect(img.notes?.join(' ')).toContain('not available');
  });

  it('an export that fails is reported as unsupported with the reason, nothing thrown', async () => {
    const h = await started();
    const node = h.figma.createVector();
    node.exportAsync = () => Promise.reject(new Error('Rendering failed'));
    expect(await readOnly(h, [node])).toMatchObject({ kind: 'unsupported', reason: 'Could not read the layer: Rendering failed' });
  });
});
