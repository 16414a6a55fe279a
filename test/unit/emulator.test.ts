import { describe, expect, it } from 'vitest';
import { decodePngRgba, EmulatedFigma, PLUGIN_DATA_LIMIT } from '../../dev/emulator';
import { makeJpeg } from '../reliability/helpers';
import { makePng } from './helpers';

const GIF = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 3, 0, 2, 0, 0, 0, 0]);
/** A JPEG header only: it reads as 7×5 but has no image data. */
const JPEG_HEADER_ONLY = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0, 5, 0, 7, 3, 1, 0x22, 0]);

describe('createImage', () => {
  const figma = new EmulatedFigma();

  it('accepts PNG, JPEG and GIF and reads their size', async () => {
    expect(await figma.createImage(makePng(5, 3)).getSizeAsync()).toEqual({ width: 5, height: 3 });
    expect(await figma.createImage(GIF).getSizeAsync()).toEqual({ width: 3, height: 2 });
    expect(await figma.createImage(makeJpeg(7, 5)).getSizeAsync()).toEqual({ width: 7, height: 5 });
  });

  it('rejects bytes whose header reads but whose pixels do not decode', () => {
    expect(() => figma.createImage(JPEG_HEADER_ONLY)).toThrow(/Image could not be decoded/);
    const png = makePng(8, 8);
    const idat = Buffer.from(png).indexOf('IDAT');
    const damaged = png.slice();
    damaged.fill(0, idat + 4, idat + 12); // the deflate stream, not the framing
    expect(() => figma.createImage(damaged)).toThrow(/Image could not be decoded/);
  });

  it('rejects other formats and images over 4096 px a side', () => {
    expect(() => figma.createImage(new Uint8Array([1, 2, 3, 4]))).toThrow('Image type is unsupported');
    expect(() => figma.createImage(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toThrow('unsupported');
    // A valid PNG header claiming 4097×1 is refused before decoding.
    const big = makePng(1, 1);
    new DataView(big.buffer).setUint32(16, 4097);
    expect(() => figma.createImage(big)).toThrow('Image is too large: 4097×1');
  });

  it('dedupes by content and hands out copies of the bytes', async () => {
    const png = makePng(4, 4);
    const a = figma.createImage(png);
    expect(figma.createImage(png.slice()).hash).toBe(a.hash);
    png[40] ^= 0xff; // the caller's array is not the stored one
    const bytes = await a.getBytesAsync();
    bytes[0] = 0;
    expect((await a.getBytesAsync())[0]).toBe(0x89);
  });
});

describe('nodes', () => {
  it('freezes fills: they must be replaced, not mutated', () => {
    const figma = new EmulatedFigma();
    const rect = figma.createRectangle();
    rect.fills = [{ type: 'SOLID', color: { r: 1, g: 0, b: 0 } }];
    expect(() => (rect.fills as unknown as unknown[]).push({})).toThrow(TypeError);
    expect(() => ((rect.fills[0] as { color: { r: number } }).color.r = 0)).toThrow(TypeError);
    expect(() => (rect.fills = [{ type: 'IMAGE', imageHash: 'nope', scaleMode: 'FILL' }])).toThrow('no image with hash nope');
  });

  it('limits a plugin data entry — pluginId + key + value — to 100 kB', () => {
    const figma = new EmulatedFigma({ pluginId: 'plugin-id' }); // 9 bytes
    const rect = figma.createRectangle();
    rect.setPluginData('k', 'x'.repeat(PLUGIN_DATA_LIMIT - 10));
    expect(rect.getPluginData('k').length).toBe(PLUGIN_DATA_LIMIT - 10);
    // Key + value fit; with the plugin id they do not.
    expect(() => rect.setPluginData('k', 'x'.repeat(PLUGIN_DATA_LIMIT - 9))).toThrow(/\(pluginId \+ key \+ value\) is 100001 bytes, over the 100000-byte limit/);
  });

  it('accepts relaunch data only for commands in the manifest', () => {
    const figma = new EmulatedFigma({ relaunchCommands: ['edit'] });
    const rect = figma.createRectangle();
    rect.setRelaunchData({ edit: 'Edit' });
    expect(() => rect.setRelaunchData({ other: 'x' })).toThrow("command 'other' is not in the manifest");
  });

  it('allows only async node access (documentAccess: dynamic-page)', async () => {
    const figma = new EmulatedFigma();
    const rect = figma.createRectangle();
    expect(() => figma.getNodeById(rect.id)).toThrow('Use figma.getNodeByIdAsync instead');
    expect(await figma.getNodeByIdAsync(rect.id)).toBe(rect);
    rect.remove();
    expect(await figma.getNodeByIdAsync(rect.id)).toBeNull();
    expect(rect.removed).toBe(true);
  });

  it('lays out auto-layout children and ignores their x/y', () => {
    const figma = new EmulatedFigma();
    const row = figma.createFrame();
    row.layoutMode = 'HORIZONTAL';
    row.padding = 10;
    row.itemSpacing = 5;
    const a = figma.createRectangle();
    const b = figma.createRectangle();
    row.appendChild(a);
    row.appendChild(b);
    b.x = 999;
    expect([a.x, b.x, b.y]).toEqual([10, 115, 10]);
  });
});

describe('createFrame', () => {
  it('makes a 100×100 white frame named “Frame”, clipping, at the end of the current page', () => {
    const figma = new EmulatedFigma();
    const rect = figma.createRectangle();
    const frame = figma.createFrame();
    expect(figma.currentPage.children).toEqual([rect, frame]);
    expect([frame.type, frame.name, frame.width, frame.height, frame.clipsContent, frame.layoutMode]).toEqual(['FRAME', 'Frame', 100, 100, true, 'NONE']);
    expect(frame.fills).toEqual([{ type: 'SOLID', color: { r: 1, g: 1, b: 1 } }]);
    expect(frame.children).toEqual([]);
  });

  it('holds children in its own coordinate space, and resizes within Figma’s limits', () => {
    const figma = new EmulatedFigma();
    const frame = figma.createFrame();
    frame.x = 100;
    frame.y = 50;
    frame.resize(300, 80);
    const a = figma.createRectangle();
    frame.appendChild(a);
    a.x = 20;
    a.y = 10;
    expect(a.parent).toBe(frame);
    expect(figma.currentPage.children).toEqual([frame]);
    expect(a.absoluteTransform).toEqual([[1, 0, 120], [-0, 1, 60]]);
    // Resizing a frame that places its children freely leaves them where they are.
    frame.resize(400, 90);
    expect([a.x, a.y, frame.width, frame.height]).toEqual([20, 10, 400, 90]);
    expect(() => frame.resize(0, 10)).toThrow('resize: width and height must be ≥ 0.01');
    expect(() => frame.resize(10, Number.NaN)).toThrow('resize');
    expect(() => frame.appendChild(frame)).toThrow('cannot insert a node into itself');
    const outer = figma.createFrame();
    outer.appendChild(frame);
    expect(() => frame.appendChild(outer)).toThrow('cannot insert a node into itself');
    expect(() => frame.appendChild({ id: 'fake' })).toThrow('expected a scene node created by this document');
    expect(() => ((frame as { clipsContent: unknown }).clipsContent = 'yes')).toThrow('clipsContent: expected a boolean');
  });

  it('refuses children inside an instance, and is refused once the plugin has closed', () => {
    const figma = new EmulatedFigma();
    const instance = figma.createInstanceOf([figma.createFrame()]);
    const inner = instance.children[0] as ReturnType<typeof figma.createFrame>;
    expect(() => inner.appendChild(figma.createRectangle())).toThrow('inside of an instance');
    figma.closePlugin();
    expect(() => figma.createFrame()).toThrow('in createFrame: The plugin has been closed');
  });

  it('takes injected faults like every other write (createFrame, clipsContent, appendChild)', () => {
    const figma = new EmulatedFigma();
    figma.injectFault('createFrame');
    expect(() => figma.createFrame()).toThrow('injected fault: createFrame');
    expect(figma.currentPage.children).toEqual([]);
    const frame = figma.createFrame();
    figma.injectFault('clipsContent');
    expect(() => (frame.clipsContent = false)).toThrow('injected fault: clipsContent');
    expect(frame.clipsContent).toBe(true);
    const rect = figma.createRectangle();
    figma.injectFault('insertChild');
    expect(() => frame.appendChild(rect)).toThrow('injected fault: insertChild');
    expect(rect.parent).toBe(figma.currentPage);
  });

  it('a frame and its children made in one step are undone in one step', () => {
    const figma = new EmulatedFigma();
    figma.resetHistory();
    const frame = figma.createFrame();
    frame.resize(200, 50);
    frame.fills = [];
    for (let i = 0; i < 3; i++) {
      const r = figma.createRectangle();
      frame.appendChild(r);
      r.x = i * 60;
    }
    figma.commitUndo();
    expect(figma.undoDepth).toBe(1);
    expect(figma.undo()).toBe(true);
    expect(figma.currentPage.children).toEqual([]);
    expect(frame.removed).toBe(true);
  });
});

describe('undo', () => {
  it('reverts everything since the last commitUndo as one step', () => {
    const figma = new EmulatedFigma();
    const keep = figma.createRectangle();
    keep.name = 'keep';
    figma.commitUndo();
    const a = figma.createRectangle();
    const b = figma.createRectangle();
    figma.group([a, b], figma.currentPage);
    keep.name = 'renamed';
    figma.commitUndo();
    expect(figma.currentPage.children.map((n) => n.type)).toEqual(['RECTANGLE', 'GROUP']);
    expect(figma.undo()).toBe(true);
    expect(figma.currentPage.children).toEqual([keep]);
    expect(keep.name).toBe('keep');
    expect(a.removed && b.removed).toBe(true);
    expect(figma.undo()).toBe(true);
    expect(figma.currentPage.children).toEqual([]);
    expect(figma.undo()).toBe(false);
  });
});

describe('exportAsync', () => {
  it('renders an image fill exactly at its own size, and scales', async () => {
    const figma = new EmulatedFigma();
    const png = makePng(8, 6);
    const rect = figma.createRectangle();
    rect.resize(8, 6);
    rect.fills = [{ type: 'IMAGE', imageHash: figma.createImage(png).hash, scaleMode: 'FILL' }];
    expect(decodePngRgba(await rect.exportAsync({ format: 'PNG' })).data).toEqual(decodePngRgba(png).data);
    const twice = decodePngRgba(await rect.exportAsync({ format: 'PNG', constraint: { type: 'SCALE', value: 2 } }));
    expect([twice.width, twice.height]).toEqual([16, 12]);
  });

  it('renders frames with their children, clipped', async () => {
    const figma = new EmulatedFigma();
    const frame = figma.createFrame();
    frame.resize(10, 10);
    frame.fills = [{ type: 'SOLID', color: { r: 0, g: 0, b: 1 } }];
    const dot = figma.createRectangle();
    dot.resize(20, 2);
    dot.fills = [{ type: 'SOLID', color: { r: 1, g: 0, b: 0 } }];
    frame.appendChild(dot);
    dot.x = 5;
    dot.y = 4;
    const out = decodePngRgba(await frame.exportAsync({ format: 'PNG' }));
    const px = (x: number, y: number) => Array.from(out.data.subarray((y * 10 + x) * 4, (y * 10 + x) * 4 + 4));
    expect([out.width, out.height]).toEqual([10, 10]);
    expect(px(0, 0)).toEqual([0, 0, 255, 255]);
    expect(px(9, 4)).toEqual([255, 0, 0, 255]);
    expect(px(4, 4)).toEqual([0, 0, 255, 255]);
  });

  it('does not clip the children of a frame with clipsContent off (within the exported area)', async () => {
    const figma = new EmulatedFigma();
    const outer = figma.createFrame();
    outer.resize(20, 10);
    outer.fills = [];
    const frame = figma.createFrame();
    outer.appendChild(frame);
    frame.resize(10, 10);
    frame.fills = [];
    const bar = figma.createRectangle();
    bar.resize(20, 2);
    bar.fills = [{ type: 'SOLID', color: { r: 1, g: 0, b: 0 } }];
    frame.appendChild(bar);
    const px = async (x: number) => Array.from(decodePngRgba(await outer.exportAsync({ format: 'PNG' })).data.subarray(x * 4, x * 4 + 4));
    expect(await px(15)).toEqual([0, 0, 0, 0]);
    frame.clipsContent = false;
    expect(await px(15)).toEqual([255, 0, 0, 255]);
  });
});

describe('the plugin view (figma.pluginApi): as strict as Figma', () => {
  function scene() {
    const figma = new EmulatedFigma({ relaunchCommands: ['edit'] });
    const rect = figma.createRectangle();
    rect.fills = [{ type: 'IMAGE', imageHash: figma.createImage(makePng(4, 4)).hash, scaleMode: 'FILL' }];
    const group = figma.group([rect], figma.currentPage);
    figma.currentPage.selection = [rect];
    const api = figma.pluginApi;
    return { figma, api, page: api.currentPage, node: api.currentPage.selection[0], group: api.currentPage.children[0] };
  }

  it('returns a new frozen copy on every read of an array or object property', () => {
    const { api, page, node } = scene();
    for (const read of [() => node.fills, () => node.strokes, () => node.effects, () => node.absoluteTransform, () => page.selection, () => page.children, () => api.viewport.center]) {
      const a = read() as object;
      expect(read()).not.toBe(a);
      expect(JSON.stringify(read(), (_k, v) => (typeof v === 'object' && v && 'id' in v ? v.id : v))).toBe(JSON.stringify(a, (_k, v) => (typeof v === 'object' && v && 'id' in v ? v.id : v)));
      expect(Object.isFrozen(a)).toBe(true);
    }
    const fills = node.fills as ReadonlyArray<object>;
    expect(fills.indexOf((node.fills as ReadonlyArray<object>)[0])).toBe(-1); // identity never matches across reads
    expect(Object.isFrozen(fills[0])).toBe(true);
    expect(() => (fills as unknown as object[]).push({})).toThrow(TypeError);
  });

  it('keeps one object per node: the same node read twice is the same object', () => {
    const { page, node, group } = scene();
    expect(page.selection[0]).toBe(node);
    expect(node.parent).toBe(group);
    expect(page.selection.includes(node)).toBe(true);
  });

  it('throws on reading or writing a member the node type does not have in the typings', () => {
    const { page, node, group } = scene();
    expect(() => (page as unknown as { layoutMode: unknown }).layoutMode).toThrow(/PAGE node has no member 'layoutMode'/);
    expect(() => (page as unknown as { absoluteTransform: unknown }).absoluteTransform).toThrow(/PAGE node has no member 'absoluteTransform'/);
    expect(() => (group as unknown as { fills: unknown }).fills).toThrow(/GROUP node has no member 'fills'/);
    expect(() => (group as unknown as { strokes: unknown }).strokes).toThrow(/GROUP node has no member 'strokes'/);
    expect(() => ((node as unknown as { nonsense: number }).nonsense = 1)).toThrow(/RECTANGLE node has no member 'nonsense'/);
    // The emulator's own helpers are not part of the API either.
    expect(() => (node as unknown as { relaunchData: unknown }).relaunchData).toThrow(/no member 'relaunchData'/);
    // `in` answers from the typings.
    expect(['fills' in node, 'fills' in group, 'layoutMode' in page, 'selection' in page, 'exportAsync' in page]).toEqual([true, false, false, true, true]);
  });

  it('throws on writing a readonly member, and names a typed member the emulator lacks', () => {
    const { node, api } = scene();
    expect(() => ((node as unknown as { width: number }).width = 5)).toThrow(/Cannot assign to read only property 'width'/);
    expect(() => (node as unknown as { cornerRadius: unknown }).cornerRadius).toThrow(/the emulator does not implement RECTANGLE node.cornerRadius/);
    expect(() => (api as unknown as { root: unknown }).root).toThrow(/the emulator does not implement figma \(PluginAPI\).root/);
    expect(() => (api as unknown as { nope: unknown }).nope).toThrow(/figma \(PluginAPI\) has no member 'nope'/);
  });

  it('throws on touching a removed node, except its id and removed', () => {
    const { figma, page } = scene();
    const other = figma.createRectangle();
    const node = page.children.find((n) => n.id === other.id)!;
    other.remove();
    expect(node.removed).toBe(true);
    expect(node.id).toBe(other.id);
    expect(() => node.name).toThrow(/The node with id "[^"]+" does not exist/);
    expect(() => node.remove()).toThrow(/does not exist/);
  });

  it('throws on getNodeById under documentAccess: dynamic-page; getNodeByIdAsync gives the same node object', async () => {
    const { api, node } = scene();
    expect(() => (api as unknown as { getNodeById(id: string): unknown }).getNodeById(node.id)).toThrow(/dynamic-page/);
    expect(await api.getNodeByIdAsync(node.id)).toBe(node);
  });

  it('cuts a notification at 100 characters, as Figma does, and records what was cut', () => {
    const { figma, api } = scene();
    api.notify('x'.repeat(99) + 'yz');
    expect(figma.notifications.at(-1)).toMatchObject({ message: 'x'.repeat(99) + 'y', cut: 'z' });
    api.notify('short');
    expect(figma.notifications.at(-1)).toEqual({ message: 'short', options: {} });
  });

  it('creates through the view: new nodes and images are views too, and the document takes them back', async () => {
    const { figma, api } = scene();
    const rect = api.createRectangle();
    expect(() => (rect as unknown as { relaunchData: unknown }).relaunchData).toThrow(/no member/);
    const image = api.createImage(makePng(3, 2));
    expect(() => (image as unknown as { bytesHash: unknown }).bytesHash).toThrow(/Image has no member 'bytesHash'/);
    expect(await image.getSizeAsync()).toEqual({ width: 3, height: 2 });
    api.currentPage.selection = [rect];
    expect(figma.currentPage.selection.map((n) => n.id)).toEqual([rect.id]);
    expect(() => api.createImage(new Uint8Array([0x89, 0x50]))).toThrow(/unsupported/);
  });
});
