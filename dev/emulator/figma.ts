/**
 * An in-memory Figma: exactly the part of the plugin API Manifold uses (HostApi), with
 * Figma's limits enforced. Used by the unit tests (Node) and by the playground (a Worker
 * running the real dist/code.js). `hooks` connect it to whatever shows the UI.
 */
import type { FigmaImage, HostApi, HostNode, HostUi } from '../../plugin/host';
import type { ExportSettingsImage, NotificationOptions, ShowUIOptions } from '@figma/plugin-typings/plugin-api-standalone';
import { readImageHeader, type ImageHeader } from '../../protocol/image-header';
import { LIMITS } from '../../protocol/limits';
import { Journal } from './journal';
import { EmuEllipse, EmuFrame, EmuGroup, EmuPage, EmuParentNode, EmuRectangle, EmuSceneNode, type Doc, type EmuNode } from './nodes';
import { decodePngRgba, encodePngRgba, renderNode, type Rgba } from './raster';

export interface EmulatorHooks {
  showUI?(html: string, options: ShowUIOptions): void;
  /** A message from the main thread to the UI (already structured-cloned). */
  toUi?(message: unknown): void;
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
  getSizeAsync(): Promise<{ width: number; height: number }> {
    return Promise.resolve({ width: this.header.width, height: this.header.height });
  }
  /** RGBA for rendering; null for JPEG/GIF (rendered grey). */
  pixels(): Rgba | null {
    if (this.decoded === undefined) this.decoded = this.header.mime === 'image/png' ? decodePngRgba(this.bytes) : null;
    return this.decoded;
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
  readonly command: string;
  readonly mixed: symbol = Symbol('figma.mixed');
  readonly currentPage: EmuPage;
  readonly notifications: Array<{ message: string; options: NotificationOptions }> = [];
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

  constructor(options: EmulatorOptions = {}) {
    this.command = options.command ?? '';
    this.hooks = options.hooks ?? {};
    const relaunch = new Set(options.relaunchCommands ?? []);
    const doc: Doc = {
      journal: this.journal,
      nextId: () => `${Math.floor(this.idCounter / 1000)}:${this.idCounter++ % 1000}`,
      hasImage: (hash) => this.images.has(hash),
      relaunchCommands: relaunch,
      changed: () => this.queueChanged(),
      selectionRemoved: (node) => {
        const page = this.currentPage;
        if (page.selection.some((s) => node instanceof EmuParentNode ? node.contains(s) : s === node)) {
          page.selection = page.selection.filter((s) => !(s === node || (node instanceof EmuParentNode && node.contains(s))));
        }
      },
    };
    this.doc = doc;
    this.currentPage = new EmuPage(doc);
    this.currentPage.name = 'Page 1';
    this.currentPage.onSelectionSet = () => this.emitLater('selectionchange');
    const self = this;
    this.ui = {
      onmessage: undefined,
      postMessage(message: unknown) {
        if (!self.uiHtml) throw new Error('figma.ui.postMessage: call figma.showUI first');
        const copy = structuredClone(message);
        setTimeout(() => self.hooks.toUi?.(copy), 0);
      },
    };
    this.viewport = {
      scrollAndZoomIntoView: (nodes) => {
        this.viewportTarget = nodes.map((n: HostNode) => n.id);
      },
    };
    this.journal.clear();
  }

  private readonly doc: Doc;

  // ---- the plugin API ----

  showUI(html: string, options: ShowUIOptions = {}): void {
    if (typeof html !== 'string') throw new TypeError('showUI: html must be a string');
    this.uiHtml = html;
    this.uiOptions = options;
    this.hooks.showUI?.(html, options);
  }

  on(type: string, callback: (...args: never[]) => void): void {
    if (!['selectionchange', 'close', 'run'].includes(type)) throw new Error(`figma.on: the emulator does not support '${type}'`);
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

  getNodeByIdAsync(id: string): Promise<EmuNode | null> {
    if (id === this.currentPage.id) return Promise.resolve(this.currentPage);
    return Promise.resolve(this.currentPage.findAll((n) => n.id === id)[0] ?? null);
  }

  getImageByHash(hash: string): EmuImage | null {
    return this.images.get(hash) ?? null;
  }

  createImage(data: Uint8Array): EmuImage {
    if (!(data instanceof Uint8Array)) throw new TypeError('createImage: expected a Uint8Array');
    const header = readImageHeader(data);
    if (!header) throw new Error('Image type is unsupported');
    if (header.width > LIMITS.maxImageSide || header.height > LIMITS.maxImageSide) {
      throw new Error(`Image is too large: ${header.width}×${header.height} (at most ${LIMITS.maxImageSide} px a side)`);
    }
    if (header.width < 1 || header.height < 1) throw new Error('Image has no pixels');
    const bytes = data.slice();
    const hash = contentHash(bytes);
    if (!this.images.has(hash)) this.images.set(hash, new EmuImage(hash, bytes, header));
    return this.images.get(hash)!;
  }

  createRectangle(): EmuRectangle {
    return this.adopt(new EmuRectangle(this.doc));
  }

  createEllipse(): EmuEllipse {
    return this.adopt(new EmuEllipse(this.doc));
  }

  createFrame(): EmuFrame {
    const frame = this.adopt(new EmuFrame(this.doc));
    frame.fills = [{ type: 'SOLID', color: { r: 1, g: 1, b: 1 } }];
    return frame;
  }

  group(nodes: ReadonlyArray<unknown>, parent: unknown, index?: number): EmuGroup {
    if (!nodes.length) throw new Error('group: at least one node is required');
    if (!(parent instanceof EmuParentNode)) throw new Error('group: parent must be a node with children');
    for (const n of nodes) if (!(n instanceof EmuSceneNode)) throw new Error('group: every node must be a scene node of this document');
    const group = new EmuGroup(this.doc);
    group.name = 'Group';
    parent.insertChild(index ?? parent.children.length, group);
    for (const n of nodes as EmuSceneNode[]) group.appendChild(n);
    return group;
  }

  commitUndo(): void {
    this.journal.commit();
  }

  notify(message: string, options: NotificationOptions = {}): { cancel: () => void } {
    this.notifications.push({ message, options });
    this.hooks.notify?.(message, options);
    return { cancel: () => undefined };
  }

  closePlugin(): void {
    this.closed = true;
    this.emitLater('close');
    this.hooks.close?.();
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

  /** Run the plugin's 'run' listeners (Figma does this after the code is loaded). */
  run(): void {
    this.emit('run', { command: this.command });
  }

  exportNode(node: EmuSceneNode, settings?: ExportSettingsImage): Rgba {
    return renderNode(node, settings?.constraint, (hash) => this.images.get(hash)?.pixels() ?? null);
  }

  private adopt<T extends EmuSceneNode>(node: T): T {
    node.exportAsync = ((settings?: ExportSettingsImage) => {
      if (node.removed) return Promise.reject(new Error('exportAsync: the node was removed'));
      if (settings && settings.format !== 'PNG') return Promise.reject(new Error(`exportAsync: the emulator exports PNG only, not ${settings.format}`));
      return Promise.resolve(encodePngRgba(this.exportNode(node, settings)));
    }) as T['exportAsync'];
    this.currentPage.appendChild(node);
    return node;
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
