/**
 * An in-memory Figma: exactly the part of the plugin API Manifold uses (HostApi), with
 * Figma's limits enforced. Used by the unit tests (Node) and by the playground (a Worker
 * running the real dist/code.js). `hooks` connect it to whatever shows the UI.
 *
 * Give the plugin `pluginApi`, never the emulator itself: that view (plugin-view.ts) is as
 * strict as Figma — members outside @figma/plugin-typings throw, array and object reads
 * are new frozen copies, removed nodes throw. The raw objects are for arranging and
 * inspecting a document in tests.
 */
import type { FigmaImage, HostApi, HostNode, HostUi } from '../../plugin/host';
import type { ExportSettingsImage, NotificationOptions, ShowUIOptions } from '@figma/plugin-typings/plugin-api-standalone';
import { readImageHeader, type ImageHeader } from '../../protocol/image-header';
import { LIMITS } from '../../protocol/limits';
import { Journal } from './journal';
import { EmuEllipse, EmuFrame, EmuGroup, EmuInstance, EmuPage, EmuParentNode, EmuRectangle, EmuSceneNode, EmuText, EmuVector, type Doc, EmuNode } from './nodes';
import { documentSnapshot } from './snapshot';
import { decodePngRgba, encodePngRgba, renderNode, type Rgba } from './raster';
import jpeg from 'jpeg-js';
import { API_MEMBERS, TYPINGS_VERSION } from './api-members.generated';
import { PluginView, type Described } from './plugin-view';
import { memberMap, type MemberKind, type MemberLists } from './typings-members';

/** The typings' member tables as lookups, built once. */
const MEMBERS = (() => {
  const cache = new Map<string, ReadonlyMap<string, MemberKind>>();
  const get = (key: string, lists: MemberLists | undefined) => {
    if (!lists) return undefined;
    if (!cache.has(key)) cache.set(key, memberMap(lists));
    return cache.get(key)!;
  };
  return {
    api: (name: string) => get(`api:${name}`, API_MEMBERS.apis[name])!,
    node: (type: string) => get(`node:${type}`, API_MEMBERS.nodes[type]),
  };
})();

/** figma.notify: "limited to 100 characters. Longer messages will be truncated" (the typings). */
export const NOTIFY_LIMIT = 100;

export interface EmulatorHooks {
  showUI?(html: string, options: ShowUIOptions): void;
  /** A message from the main thread to the UI (already structured-cloned). */
  toUi?(message: unknown): void;
  /** figma.ui.resize */
  resize?(width: number, height: number): void;
  notify?(message: string, options: NotificationOptions): void;
  /** The document changed (coalesced to one call per task). */
  changed?(): void;
  close?(): void;
}

export interface EmulatorOptions {
  command?: string;
  /** `relaunchButtons[].command` from manifest.json. */
  relaunchCommands?: string[];
  hooks?: EmulatorHooks;
  /** figma.pluginId: the manifest's `id` (counted in each plugin data entry's size). */
  pluginId?: string;
}

class EmuImage implements FigmaImage {
  private decoded: Rgba | null | undefined;
  constructor(
    readonly hash: string,
    private readonly bytes: Uint8Array,
    readonly header: ImageHeader,
  ) {}
  getBytesAsync(): Promise<Uint8Array> {
    return Promise.resolve(this.bytes.slice());
  }
  /** Hash of the stored bytes, recomputed (snapshots would see the bytes change). */
  bytesHash(): string {
    return contentHash(this.bytes);
  }
  getSizeAsync(): Promise<{ width: number; height: number }> {
    return Promise.resolve({ width: this.header.width, height: this.header.height });
  }
  /**
   * RGBA for rendering; null for JPEG/GIF and for PNGs that do not decode (rendered grey). So is a
   * header past Figma's image limit (only storeImageUnchecked makes one): Figma holds no such image,
   * and decoding one that claims 83 million px a row took the intake fuzz test 8 s an input.
   */
  pixels(): Rgba | null {
    if (this.decoded === undefined) {
      const tooLarge = this.header.width > LIMITS.maxImageSide || this.header.height > LIMITS.maxImageSide;
      try {
        this.decoded = this.header.mime === 'image/png' && !tooLarge ? decodePngRgba(this.bytes) : null;
      } catch {
        this.decoded = null; // a damaged file: Figma shows a placeholder, so does the emulator
      }
    }
    return this.decoded;
  }
}

/**
 * Throws as figma.createImage does on bytes whose header reads but whose pixels do not
 * decode. PNG and JPEG are decoded; GIF is checked by its header only (no decoder here).
 */
function decodes(data: Uint8Array, header: ImageHeader): void {
  try {
    if (header.mime === 'image/png') decodePngRgba(data);
    else if (header.mime === 'image/jpeg') jpeg.decode(data, { useTArray: true, maxMemoryUsageInMB: 512 });
  } catch (error) {
    throw new Error(`Image could not be decoded: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A 40-hex-digit content hash (Figma's are SHA-1; any stable content hash does here). */
export function contentHash(bytes: Uint8Array): string {
  let out = '';
  for (let seed = 0; seed < 5; seed++) {
    let h = (0x811c9dc5 ^ (seed * 0x9e3779b9)) >>> 0;
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
    h = Math.imul(h ^ bytes.length ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out;
}

export class EmulatedFigma implements HostApi {
  private commandName: string;
  readonly mixed: symbol = Symbol('figma.mixed');
  /** The document's pages (figma.root.children). */
  readonly pages: EmuPage[] = [];
  private page!: EmuPage;
  /** figma.viewport.center: where results land when their source is gone. */
  viewportCenter = { x: 0, y: 0 };
  private readonly faults = new Map<string, number>();
  /** Every notification as shown (at most 100 characters), with what Figma cut off, if anything. */
  readonly notifications: Array<{ message: string; options: NotificationOptions; cut?: string }> = [];
  /** Ids passed to the last viewport.scrollAndZoomIntoView. */
  viewportTarget: string[] = [];
  uiHtml: string | null = null;
  uiOptions: ShowUIOptions | null = null;
  closed = false;

  private readonly journal = new Journal();
  private readonly images = new Map<string, EmuImage>();
  private readonly listeners = new Map<string, Set<(...args: never[]) => void>>();
  private readonly hooks: EmulatorHooks;
  private idCounter = 0;
  private changeQueued = false;

  readonly ui: HostUi;
  readonly viewport: HostApi['viewport'];
  private readonly id: string | undefined;
  private view: PluginView | null = null;

  constructor(options: EmulatorOptions = {}) {
    this.commandName = options.command ?? '';
    this.id = options.pluginId;
    this.hooks = options.hooks ?? {};
    const relaunch = new Set(options.relaunchCommands ?? []);
    const doc: Doc = {
      journal: this.journal,
      nextId: () => `${Math.floor(this.idCounter / 1000)}:${this.idCounter++ % 1000}`,
      hasImage: (hash) => this.images.has(hash),
      pluginId: () => this.id ?? '',
      relaunchCommands: relaunch,
      changed: () => this.queueChanged(),
      fault: (op) => this.fault(op),
      buildingInstance: false,
      selectionRemoved: (node) => {
        for (const page of this.pages) if (page.selection.some((s) => node instanceof EmuParentNode ? node.contains(s) : s === node)) {
          page.selection = page.selection.filter((s) => !(s === node || (node instanceof EmuParentNode && node.contains(s))));
        }
      },
    };
    this.doc = doc;
    this.page = this.createPage();
    this.page.name = 'Page 1';
    const self = this;
    this.ui = {
      onmessage: undefined,
      postMessage(message: unknown) {
        self.assertOpen('figma.ui.postMessage');
        if (!self.uiHtml) throw new Error('figma.ui.postMessage: call figma.showUI first');
        const copy = structuredClone(message);
        setTimeout(() => self.hooks.toUi?.(copy), 0);
      },
      resize(width: number, height: number) {
        if (!self.uiHtml) throw new Error('figma.ui.resize: call figma.showUI first');
        if (!(Number.isFinite(width) && Number.isFinite(height) && width > 0 && height > 0)) throw new Error(`figma.ui.resize: expected positive sizes, got ${width}×${height}`);
        self.uiOptions = { ...self.uiOptions, width, height };
        self.hooks.resize?.(width, height);
      },
    };
    this.viewport = {
      get center() {
        return { ...self.viewportCenter };
      },
      scrollAndZoomIntoView: (nodes) => {
        this.fault('scrollAndZoomIntoView');
        this.viewportTarget = nodes.map((n: HostNode) => n.id);
      },
    };
    this.journal.clear();
  }

  private readonly doc: Doc;

  // ---- the plugin API ----

  /** The `figma` global to hand to the plugin: this emulator behind Figma's strictness. */
  get pluginApi(): HostApi {
    this.view ??= new PluginView((raw) => this.describe(raw), TYPINGS_VERSION);
    return this.view.wrap(this) as HostApi;
  }

  private describe(raw: object): Described | null {
    if (raw === this) return { label: 'figma (PluginAPI)', members: MEMBERS.api('PluginAPI') };
    if (raw === this.ui) return { label: 'figma.ui (UIAPI)', members: MEMBERS.api('UIAPI') };
    if (raw === this.viewport) return { label: 'figma.viewport (ViewportAPI)', members: MEMBERS.api('ViewportAPI') };
    if (raw instanceof EmuImage) return { label: 'Image', members: MEMBERS.api('Image') };
    if (raw instanceof EmuNode) {
      const members = MEMBERS.node(raw.type);
      if (!members) throw new Error(`emulator: no member table for ${raw.type} nodes: add its interface to EMULATED_NODES (dev/emulator/typings-members.ts) and run scripts/figma-members.ts`);
      return { label: `${raw.type} node`, members, removed: () => raw.removed, id: raw.id };
    }
    return null;
  }

  get command(): string {
    return this.commandName;
  }

  get pluginId(): string | undefined {
    return this.id;
  }

  showUI(html: string, options: ShowUIOptions = {}): void {
    if (typeof html !== 'string') throw new TypeError('showUI: html must be a string');
    this.uiHtml = html;
    this.uiOptions = options;
    this.hooks.showUI?.(html, options);
  }

  on(type: string, callback: (...args: never[]) => void): void {
    if (!['selectionchange', 'currentpagechange', 'close', 'run'].includes(type)) throw new Error(`figma.on: the emulator does not support '${type}'`);
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(callback);
  }

  off(type: string, callback: (...args: never[]) => void): void {
    this.listeners.get(type)?.delete(callback);
  }

  /** Throws as Figma does with documentAccess: dynamic-page. */
  getNodeById(_id: string): never {
    throw new Error('in getNodeById: Cannot call with documentAccess: dynamic-page. Use figma.getNodeByIdAsync instead.');
  }

  get currentPage(): EmuPage {
    return this.page;
  }

  /** Searches every page (Figma's getNodeByIdAsync loads the page a node is on). */
  getNodeByIdAsync(id: string): Promise<EmuNode | null> {
    this.assertOpen('getNodeByIdAsync');
    for (const page of this.pages) {
      if (page.id === id) return Promise.resolve(page);
      const found = page.findAll((n) => n.id === id)[0];
      if (found) return Promise.resolve(found);
    }
    return Promise.resolve(null);
  }

  /** figma.createPage: a new, empty page at the end of the document. */
  createPage(): EmuPage {
    const page = new EmuPage(this.doc);
    page.name = `Page ${this.pages.length + 1}`;
    page.onSelectionSet = () => {
      if (page === this.page) this.emitLater('selectionchange');
    };
    this.pages.push(page);
    return page;
  }

  /** The user (or figma.setCurrentPageAsync) switches pages: 'currentpagechange' follows. */
  setCurrentPageAsync(page: EmuPage): Promise<void> {
    if (!this.pages.includes(page)) return Promise.reject(new Error('setCurrentPageAsync: not a page of this document'));
    if (page !== this.page) {
      this.page = page;
      this.emitLater('currentpagechange');
    }
    return Promise.resolve();
  }

  getImageByHash(hash: string): EmuImage | null {
    return this.images.get(hash) ?? null;
  }

  createImage(data: Uint8Array): EmuImage {
    this.assertOpen('createImage');
    this.fault('createImage');
    if (!(data instanceof Uint8Array)) throw new TypeError('createImage: expected a Uint8Array');
    const header = readImageHeader(data);
    if (!header) throw new Error('Image type is unsupported');
    if (header.width > LIMITS.maxImageSide || header.height > LIMITS.maxImageSide) {
      throw new Error(`Image is too large: ${header.width}×${header.height} (at most ${LIMITS.maxImageSide} px a side)`);
    }
    if (header.width < 1 || header.height < 1) throw new Error('Image has no pixels');
    decodes(data, header);
    const bytes = data.slice();
    const hash = contentHash(bytes);
    if (!this.images.has(hash)) this.images.set(hash, new EmuImage(hash, bytes, header));
    return this.images.get(hash)!;
  }

  /**
   * Emulator only: puts bytes in the image store without createImage's checks, as if the file
   * held an image in a format or state createImage would refuse (WebP from another client, a
   * file damaged in storage). Returns its hash for an image paint.
   */
  storeImageUnchecked(bytes: Uint8Array): string {
    const hash = contentHash(bytes);
    const header = readImageHeader(bytes) ?? { mime: 'image/png' as const, width: 1, height: 1 };
    this.images.set(hash, new EmuImage(hash, bytes.slice(), header));
    return hash;
  }

  createRectangle(): EmuRectangle {
    this.assertOpen('createRectangle');
    this.fault('createRectangle');
    return this.adopt(new EmuRectangle(this.doc));
  }

  createEllipse(): EmuEllipse {
    return this.adopt(new EmuEllipse(this.doc));
  }

  createVector(): EmuVector {
    return this.adopt(new EmuVector(this.doc));
  }

  createText(): EmuText {
    return this.adopt(new EmuText(this.doc));
  }

  /** Emulator only (Figma makes instances from components): an instance holding `children`. */
  createInstanceOf(children: EmuSceneNode[]): EmuInstance {
    const instance = this.adopt(new EmuInstance(this.doc));
    this.doc.buildingInstance = true;
    try {
      for (const c of children) instance.appendChild(c);
    } finally {
      this.doc.buildingInstance = false;
    }
    return instance;
  }

  /**
   * figma.createFrame: a 100×100 frame named “Frame”, white, clipping its content, at the
   * end of the current page (move it with appendChild/insertChild, size it with resize).
   */
  createFrame(): EmuFrame {
    this.assertOpen('createFrame');
    this.fault('createFrame');
    const frame = this.adopt(new EmuFrame(this.doc));
    frame.initialise('Frame', [{ type: 'SOLID', color: { r: 1, g: 1, b: 1 } }]);
    return frame;
  }

  group(nodes: ReadonlyArray<unknown>, parent: unknown, index?: number): EmuGroup {
    this.assertOpen('group');
    this.fault('group');
    if (!nodes.length) throw new Error('group: at least one node is required');
    if (!(parent instanceof EmuParentNode)) throw new Error('group: parent must be a node with children');
    for (const n of nodes) if (!(n instanceof EmuSceneNode)) throw new Error('group: every node must be a scene node of this document');
    const group = new EmuGroup(this.doc);
    this.installExport(group);
    group.name = 'Group';
    parent.insertChild(index ?? parent.children.length, group);
    for (const n of nodes as EmuSceneNode[]) group.appendChild(n);
    return group;
  }

  commitUndo(): void {
    this.assertOpen('commitUndo');
    this.fault('commitUndo');
    this.journal.commit();
  }

  notify(message: string, options: NotificationOptions = {}): { cancel: () => void } {
    this.assertOpen('notify');
    this.fault('notify');
    const shown = String(message).slice(0, NOTIFY_LIMIT);
    const cut = String(message).slice(NOTIFY_LIMIT);
    this.notifications.push({ message: shown, options, ...(cut ? { cut } : {}) });
    this.hooks.notify?.(shown, options);
    return { cancel: () => undefined };
  }

  closePlugin(): void {
    this.closed = true;
    this.emitLater('close');
    this.hooks.close?.();
  }

  // ---- faults, closing, snapshots (for the reliability tests) ----

  /**
   * The `nth` next call of `op` throws (then the fault is spent). Ops: createImage,
   * createRectangle, createFrame, name, resize, fills, clipsContent, setPluginData,
   * setRelaunchData, insertChild (appendChild too), x, y, group, commitUndo,
   * scrollAndZoomIntoView, notify.
   */
  injectFault(op: string, nth = 1): void {
    if (!Number.isInteger(nth) || nth < 1) throw new Error('injectFault: nth must be an integer ≥ 1');
    this.faults.set(op, nth);
  }

  private fault(op: string): void {
    const left = this.faults.get(op);
    if (left === undefined) return;
    if (left > 1) this.faults.set(op, left - 1);
    else {
      this.faults.delete(op);
      throw new Error(`injected fault: ${op}`);
    }
  }

  /** The user closes the panel: Figma runs the 'close' listeners, then stops the plugin. */
  closeByUser(): void {
    this.emit('close');
    this.closed = true;
    this.hooks.close?.();
  }

  private assertOpen(api: string): void {
    if (this.closed) throw new Error(`in ${api}: The plugin has been closed`);
  }

  /**
   * The whole document as a string: every page, node, property, paint (with a hash of the
   * image bytes it shows), plugin data and relaunch data. Equal strings = an unchanged file.
   */
  snapshot(): string {
    return documentSnapshot(this.pages, (hash) => this.images.get(hash)?.bytesHash() ?? 'missing');
  }

  // ---- what the host (Figma's UI, the user) does ----

  /** A message from the UI iframe, as Figma delivers it to figma.ui.onmessage. */
  deliverFromUi(message: unknown): void {
    const copy = structuredClone(message);
    this.ui.onmessage?.(copy, { origin: 'null' });
  }

  /** The user's undo: reverts the last committed step. */
  undo(): boolean {
    const done = this.journal.undo();
    if (done) this.queueChanged();
    return done;
  }

  get undoDepth(): number {
    return this.journal.depth;
  }

  /** Forget history (after building a scene, so the user can't undo the fixture). */
  resetHistory(): void {
    this.journal.clear();
  }

  /**
   * The user relaunches the plugin (e.g. a relaunch button on the selected layer): the old run
   * is closed and forgotten, and the caller loads the plugin code again, then calls run().
   */
  relaunch(command: string): void {
    this.listeners.clear();
    this.ui.onmessage = undefined;
    this.uiHtml = null;
    this.closed = false;
    this.commandName = command;
  }

  /** Run the plugin's 'run' listeners (Figma does this after the code is loaded). */
  run(): void {
    this.emit('run', { command: this.command });
  }

  exportNode(node: EmuSceneNode, settings?: ExportSettingsImage): Rgba {
    return renderNode(node, settings?.constraint, (hash) => this.images.get(hash)?.pixels() ?? null);
  }

  private adopt<T extends EmuSceneNode>(node: T): T {
    this.installExport(node);
    this.currentPage.appendChild(node);
    return node;
  }

  private installExport<T extends EmuSceneNode>(node: T): void {
    node.exportAsync = ((settings?: ExportSettingsImage) => {
      if (node.removed) return Promise.reject(new Error('exportAsync: the node was removed'));
      if (settings && settings.format !== 'PNG') return Promise.reject(new Error(`exportAsync: the emulator exports PNG only, not ${settings.format}`));
      return Promise.resolve(encodePngRgba(this.exportNode(node, settings)));
    }) as T['exportAsync'];
  }

  private emit(type: string, ...args: unknown[]): void {
    for (const callback of this.listeners.get(type) ?? []) (callback as (...a: unknown[]) => void)(...args);
  }

  private emitLater(type: string): void {
    setTimeout(() => this.emit(type), 0);
  }

  private queueChanged(): void {
    if (this.changeQueued || !this.hooks.changed) return;
    this.changeQueued = true;
    setTimeout(() => {
      this.changeQueued = false;
      this.hooks.changed?.();
    }, 0);
  }
}
