/**
 * The part of Figma's plugin API that Manifold uses, as narrow structural types built
 * from @figma/plugin-typings. The real `figma` object is checked to satisfy `HostApi`
 * (plugin/code.ts), and the emulator in dev/ implements it, so the plugin cannot use
 * anything the emulator lacks. Types come from the module form of the typings so that
 * the `figma` global exists only in plugin/code.ts.
 */
import type {
  Effect,
  ExportSettingsImage,
  Image as FigmaImage,
  MessageEventHandler,
  NotificationHandler,
  NotificationOptions,
  Paint,
  ShowUIOptions,
  Transform,
} from '@figma/plugin-typings/plugin-api-standalone';

export type { Effect, ExportSettingsImage, Image as FigmaImage, ImagePaint, Paint, SolidPaint, Transform } from '@figma/plugin-typings/plugin-api-standalone';

/**
 * `figma.mixed`. A plain symbol here: the typings' `unique symbol` in the module form is a
 * different type from the global one.
 */
export type Mixed = symbol;

/**
 * A node passed *into* the API (appendChild, group, scrollAndZoomIntoView). Figma's
 * parameters take its full `SceneNode`/`BaseNode`, which our narrow node type is not
 * assignable to, so these few inputs are left open; the emulator checks at run time that
 * it received one of its own nodes. Everything the plugin *reads* is fully typed.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type NodeArg = any;

/** Any node the plugin reads (a scene node; the page when it is a parent). */
export interface HostNode {
  readonly id: string;
  readonly type: string;
  name: string;
  readonly removed: boolean;
  readonly parent: HostParent | null;
  getPluginData(key: string): string;
  setPluginData(key: string, value: string): void;
}

/** A scene node: has geometry, can be exported. */
export interface HostSceneNode extends HostNode {
  x: number;
  y: number;
  readonly width: number;
  readonly height: number;
  readonly rotation?: number;
  readonly visible: boolean;
  readonly locked: boolean;
  /** Layer opacity, 0–1 (absent on the few nodes without blending). */
  readonly opacity?: number;
  readonly absoluteTransform: Transform;
  readonly fills?: ReadonlyArray<Paint> | Mixed;
  readonly strokes?: ReadonlyArray<Paint>;
  readonly effects?: ReadonlyArray<Effect>;
  exportAsync(settings: ExportSettingsImage): Promise<Uint8Array>;
  setRelaunchData(data: { [command: string]: string }): void;
  remove(): void;
}

/** A node with children: the page, a frame, a group. */
export interface HostParent extends HostNode {
  readonly children: ReadonlyArray<HostSceneNode>;
  readonly absoluteTransform?: Transform;
  /** Frames only; 'NONE' or absent means children are placed freely. */
  readonly layoutMode?: 'NONE' | 'HORIZONTAL' | 'VERTICAL' | 'GRID';
  appendChild(child: NodeArg): void;
  insertChild(index: number, child: NodeArg): void;
}

export interface HostRectangle extends HostSceneNode {
  fills: ReadonlyArray<Paint> | Mixed;
  resize(width: number, height: number): void;
}

/** A frame made by the plugin (the sequence frame): a parent with fills, size and clipping. */
export interface HostFrame extends Omit<HostParent, 'absoluteTransform'>, HostSceneNode {
  fills: ReadonlyArray<Paint> | Mixed;
  clipsContent: boolean;
  resize(width: number, height: number): void;
}

export interface HostPage extends HostParent {
  selection: ReadonlyArray<HostSceneNode>;
}

export interface HostUi {
  postMessage(message: unknown): void;
  resize(width: number, height: number): void;
  onmessage: MessageEventHandler | undefined;
}

export interface HostApi {
  readonly command: string;
  /** The manifest's `id`; plugin data is stored under it (undefined in widgets). */
  readonly pluginId?: string;
  readonly currentPage: HostPage;
  readonly ui: HostUi;
  readonly viewport: { readonly center: { x: number; y: number }; scrollAndZoomIntoView(nodes: ReadonlyArray<NodeArg>): void };
  showUI(html: string, options?: ShowUIOptions): void;
  on(type: 'selectionchange' | 'currentpagechange' | 'close', callback: () => void): void;
  on(type: 'run', callback: (event: { command: string }) => void): void;
  getNodeByIdAsync(id: string): Promise<HostNode | null>;
  getImageByHash(hash: string): FigmaImage | null;
  createImage(data: Uint8Array): FigmaImage;
  createRectangle(): HostRectangle;
  createFrame(): HostFrame;
  group(nodes: ReadonlyArray<NodeArg>, parent: NodeArg, index?: number): HostSceneNode;
  commitUndo(): void;
  notify(message: string, options?: NotificationOptions): NotificationHandler;
  closePlugin(message?: string): void;
}
