/**
 * Emulated nodes: page, frame (optionally auto-layout), group, rectangle, ellipse. Each
 * implements the narrow host interfaces of plugin/host.ts and enforces what Figma
 * enforces: frozen fills that must be replaced, validated paints, 100 kB plugin data,
 * relaunch commands that exist in the manifest. Every change is journaled for undo.
 */
import type { Effect, ExportSettingsImage, HostFrame, HostPage, HostParent, HostRectangle, HostSceneNode, Paint, Transform } from '../../plugin/host';
import { utf8Length } from '../../protocol/edit-record';
import type { Journal } from './journal';

export interface Doc {
  journal: Journal;
  nextId(): string;
  hasImage(hash: string): boolean;
  /** figma.pluginId ('' when not given): part of every plugin data entry's size. */
  pluginId(): string;
  relaunchCommands: ReadonlySet<string>;
  changed(): void;
  selectionRemoved(node: EmuSceneNode): void;
  /** Throws when a fault was injected for this operation (EmulatedFigma.injectFault). */
  fault(op: string): void;
  /** True while the emulator itself builds an instance's contents (instances are read-only otherwise). */
  buildingInstance: boolean;
}

/** Figma's message when a plugin changes the children of an instance. */
const INSTANCE_CHILDREN = 'Cannot move node. New parent is an instance or is inside of an instance';

function inInstance(node: EmuNode | null): boolean {
  for (let n = node; n; n = n.parent) if (n.type === 'INSTANCE') return true;
  return false;
}

/**
 * "The total size of your entry (`pluginId`, `key`, `value`) cannot exceed 100 kB" (the
 * typings): counted here as UTF-8 bytes of all three, 1 kB = 1000 bytes (the stricter reading).
 */
export const PLUGIN_DATA_LIMIT = 100_000;

const SCALE_MODES = ['FILL', 'FIT', 'CROP', 'TILE'];

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function validatePaint(doc: Doc, paint: Paint, i: number): void {
  const where = `fills[${i}]`;
  if (typeof paint !== 'object' || paint === null) throw new Error(`${where}: expected a Paint object`);
  if (paint.type === 'SOLID') {
    const c = paint.color as { r: number; g: number; b: number } | undefined;
    if (!c || ![c.r, c.g, c.b].every((v) => typeof v === 'number' && v >= 0 && v <= 1)) throw new Error(`${where}.color: expected { r, g, b } in [0, 1]`);
  } else if (paint.type === 'IMAGE') {
    if (!SCALE_MODES.includes(paint.scaleMode)) throw new Error(`${where}.scaleMode: expected one of ${SCALE_MODES.join(', ')}`);
    if (paint.imageHash !== null && (typeof paint.imageHash !== 'string' || !doc.hasImage(paint.imageHash))) {
      throw new Error(`${where}.imageHash: no image with hash ${String(paint.imageHash)} (create it with figma.createImage)`);
    }
  } else {
    throw new Error(`${where}.type: the emulator supports SOLID and IMAGE paints, got ${String((paint as { type: unknown }).type)}`);
  }
  if (paint.opacity !== undefined && !(paint.opacity >= 0 && paint.opacity <= 1)) throw new Error(`${where}.opacity: expected [0, 1]`);
}

export abstract class EmuNode {
  readonly id: string;
  abstract readonly type: string;
  protected _name = '';
  private readonly pluginData = new Map<string, string>();
  relaunchData: { [command: string]: string } = {};
  parent: EmuParentNode | null = null;

  constructor(protected readonly doc: Doc) {
    this.id = doc.nextId();
  }

  get removed(): boolean {
    let node: EmuNode = this;
    while (node.parent) node = node.parent;
    return node.type !== 'PAGE';
  }

  protected set<K extends keyof this>(key: K, value: this[K]): void {
    const old = this[key];
    if (old === value) return;
    this[key] = value;
    this.doc.journal.record(() => (this[key] = old));
    this.doc.changed();
  }

  get name(): string {
    return this._name;
  }
  set name(value: string) {
    this.doc.fault('name');
    this.set('_name' as keyof this, String(value) as never);
  }

  getPluginData(key: string): string {
    return this.pluginData.get(key) ?? '';
  }

  setPluginData(key: string, value: string): void {
    this.doc.fault('setPluginData');
    if (typeof key !== 'string' || typeof value !== 'string') throw new TypeError('setPluginData: key and value must be strings');
    const bytes = utf8Length(this.doc.pluginId()) + utf8Length(key) + utf8Length(value);
    if (bytes > PLUGIN_DATA_LIMIT) throw new Error(`setPluginData: the entry (pluginId + key + value) is ${bytes} bytes, over the ${PLUGIN_DATA_LIMIT}-byte limit`);
    const old = this.pluginData.get(key);
    if (value === '') this.pluginData.delete(key);
    else this.pluginData.set(key, value);
    this.doc.journal.record(() => (old === undefined ? this.pluginData.delete(key) : this.pluginData.set(key, old)));
  }

  getPluginDataKeys(): string[] {
    return [...this.pluginData.keys()];
  }
}

export abstract class EmuSceneNode extends EmuNode implements HostSceneNode {
  protected _x = 0;
  protected _y = 0;
  protected _width = 100;
  protected _height = 100;
  protected _fills: ReadonlyArray<Paint> = Object.freeze([]);
  protected _rotation = 0;
  protected _visible = true;
  protected _locked = false;
  protected _opacity = 1;
  protected _strokes: ReadonlyArray<Paint> = Object.freeze([]);
  protected _effects: ReadonlyArray<Effect> = Object.freeze([]);

  /** Degrees, counter-clockwise, about the top-left corner (as in Figma). Exports render unrotated. */
  get rotation(): number {
    return this._rotation;
  }
  set rotation(v: number) {
    if (!Number.isFinite(v)) throw new Error('rotation: expected a finite number');
    this.set('_rotation' as keyof this, v as never);
  }
  get visible(): boolean {
    return this._visible;
  }
  set visible(v: boolean) {
    this.set('_visible' as keyof this, !!v as never);
  }
  get locked(): boolean {
    return this._locked;
  }
  set locked(v: boolean) {
    this.set('_locked' as keyof this, !!v as never);
  }
  get opacity(): number {
    return this._opacity;
  }
  set opacity(v: number) {
    if (!(v >= 0 && v <= 1)) throw new Error('opacity: expected a number in [0, 1]');
    this.set('_opacity' as keyof this, v as never);
  }
  get strokes(): ReadonlyArray<Paint> {
    return this._strokes;
  }
  set strokes(paints: ReadonlyArray<Paint>) {
    if (!Array.isArray(paints)) throw new Error('strokes: expected an array of paints');
    paints.forEach((p, i) => validatePaint(this.doc, p, i));
    this.set('_strokes' as keyof this, deepFreeze(structuredClone([...paints])) as never);
  }
  get effects(): ReadonlyArray<Effect> {
    return this._effects;
  }
  set effects(effects: ReadonlyArray<Effect>) {
    if (!Array.isArray(effects)) throw new Error('effects: expected an array of effects');
    for (const e of effects) if (!['DROP_SHADOW', 'INNER_SHADOW', 'LAYER_BLUR', 'BACKGROUND_BLUR'].includes(e.type)) throw new Error(`effects: the emulator supports shadows and blurs, got ${String(e.type)}`);
    this.set('_effects' as keyof this, deepFreeze(structuredClone([...effects])) as never);
  }

  get x(): number {
    return this._x;
  }
  set x(v: number) {
    this.doc.fault('x');
    if (!Number.isFinite(v)) throw new Error('x: expected a finite number');
    if (!this.parent?.isAutoLayout) this.set('_x' as keyof this, v as never);
  }
  get y(): number {
    return this._y;
  }
  set y(v: number) {
    this.doc.fault('y');
    if (!Number.isFinite(v)) throw new Error('y: expected a finite number');
    if (!this.parent?.isAutoLayout) this.set('_y' as keyof this, v as never);
  }
  get width(): number {
    return this._width;
  }
  get height(): number {
    return this._height;
  }

  /** The defaults a create* call gives a new node (not an edit: no fault, no journal entry). */
  initialise(name: string, fills: ReadonlyArray<Paint> = []): void {
    this._name = name;
    fills.forEach((p, i) => validatePaint(this.doc, p, i));
    this._fills = deepFreeze(structuredClone([...fills]));
  }

  /** Layout moves children without journaling: it is derived state. */
  placeByLayout(x: number, y: number): void {
    this._x = x;
    this._y = y;
  }

  get fills(): ReadonlyArray<Paint> {
    return this._fills;
  }
  set fills(paints: ReadonlyArray<Paint>) {
    this.doc.fault('fills');
    if (!Array.isArray(paints)) throw new Error('fills: expected an array of paints');
    paints.forEach((p, i) => validatePaint(this.doc, p, i));
    this.set('_fills' as keyof this, deepFreeze(structuredClone([...paints])) as never);
  }

  /** Translation of the space this node's x/y are in (groups have no space of their own). */
  get originInPage(): { x: number; y: number } {
    const p = this.parent;
    if (!p || p instanceof EmuPage) return { x: 0, y: 0 };
    if (p instanceof EmuGroup) return p.originInPage;
    const t = (p as EmuSceneNode).absoluteTransform;
    return { x: t[0][2], y: t[1][2] };
  }

  get absoluteTransform(): Transform {
    const o = this.originInPage;
    const r = (this._rotation * Math.PI) / 180;
    const [c, s] = [Math.cos(r), Math.sin(r)];
    return [
      [c, s, o.x + this.x],
      [-s, c, o.y + this.y],
    ];
  }

  resize(width: number, height: number): void {
    this.doc.fault('resize');
    if (!(width >= 0.01 && height >= 0.01)) throw new Error(`resize: width and height must be ≥ 0.01, got ${width}×${height}`);
    this.set('_width' as keyof this, width as never);
    this.set('_height' as keyof this, height as never);
    this.parent?.relayout();
  }

  setRelaunchData(data: { [command: string]: string }): void {
    this.doc.fault('setRelaunchData');
    for (const command of Object.keys(data)) {
      if (!this.doc.relaunchCommands.has(command)) throw new Error(`setRelaunchData: command '${command}' is not in the manifest's relaunchButtons`);
    }
    this.set('relaunchData', { ...data });
  }

  getRelaunchData(): { [command: string]: string } {
    return { ...this.relaunchData };
  }

  exportAsync(_settings?: ExportSettingsImage): Promise<Uint8Array> {
    throw new Error('exportAsync is installed by EmulatedFigma');
  }

  remove(): void {
    if (!this.parent) throw new Error(`remove: node ${this.id} is already removed`);
    if (inInstance(this.parent) && !this.doc.buildingInstance) throw new Error('Cannot remove a node inside an instance');
    this.parent.detach(this);
  }
}

export abstract class EmuParentNode extends EmuSceneNode implements HostParent {
  protected _children: EmuSceneNode[] = [];

  get children(): ReadonlyArray<EmuSceneNode> {
    return this._children.slice();
  }

  get isAutoLayout(): boolean {
    return false;
  }

  relayout(): void {}

  appendChild(child: unknown): void {
    this.insertChild(this._children.length, child);
  }

  insertChild(index: number, child: unknown): void {
    this.doc.fault('insertChild');
    if (inInstance(this) && !this.doc.buildingInstance) throw new Error(INSTANCE_CHILDREN);
    if (child instanceof EmuSceneNode && inInstance(child.parent) && !this.doc.buildingInstance) throw new Error('Cannot move a node inside an instance');
    if (!(child instanceof EmuSceneNode)) throw new Error('insertChild: expected a scene node created by this document');
    if (child === this || (child instanceof EmuParentNode && child.contains(this))) throw new Error('insertChild: cannot insert a node into itself');
    if (!Number.isInteger(index) || index < 0 || index > this._children.length) throw new Error(`insertChild: index ${index} out of range 0–${this._children.length}`);
    const from = child.parent;
    if (from) {
      const at = from._children.indexOf(child);
      if (from === this && at < index) index--;
      from.detach(child);
    }
    this._children.splice(index, 0, child);
    child.parent = this;
    this.doc.journal.record(() => {
      this.detachQuietly(child);
      child.parent = null;
    });
    this.relayout();
    this.doc.changed();
  }

  contains(node: EmuNode): boolean {
    for (let n: EmuNode | null = node; n; n = n.parent) if (n === this) return true;
    return false;
  }

  detach(child: EmuSceneNode): void {
    const at = this._children.indexOf(child);
    if (at < 0) return;
    this._children.splice(at, 1);
    child.parent = null;
    this.doc.selectionRemoved(child);
    this.doc.journal.record(() => {
      this._children.splice(at, 0, child);
      child.parent = this;
      this.relayout();
    });
    this.relayout();
    this.doc.changed();
  }

  private detachQuietly(child: EmuSceneNode): void {
    const at = this._children.indexOf(child);
    if (at >= 0) this._children.splice(at, 1);
    this.doc.selectionRemoved(child);
    this.relayout();
  }

  findAll(predicate: (n: EmuSceneNode) => boolean = () => true): EmuSceneNode[] {
    const out: EmuSceneNode[] = [];
    for (const c of this._children) {
      if (predicate(c)) out.push(c);
      if (c instanceof EmuParentNode) out.push(...c.findAll(predicate));
    }
    return out;
  }
}

export class EmuRectangle extends EmuSceneNode implements HostRectangle {
  readonly type = 'RECTANGLE';
}

export class EmuEllipse extends EmuSceneNode {
  readonly type = 'ELLIPSE';
}

/** A vector path; the emulator draws its fills over its box. */
export class EmuVector extends EmuSceneNode {
  readonly type = 'VECTOR';
}

/** A text layer; the emulator draws its fills over its box (no glyphs). */
export class EmuText extends EmuSceneNode {
  readonly type = 'TEXT';
  characters = '';
}

/** An instance of a component: its children cannot be added, moved or removed by a plugin. */
export class EmuInstance extends EmuParentNode {
  readonly type = 'INSTANCE';
}

export class EmuFrame extends EmuParentNode implements HostFrame {
  readonly type = 'FRAME';
  layoutMode: 'NONE' | 'HORIZONTAL' | 'VERTICAL' = 'NONE';
  itemSpacing = 0;
  padding = 0;
  protected _clipsContent = true;

  /** Whether children are cut off at the frame's edge (Figma's default for a new frame: true). */
  get clipsContent(): boolean {
    return this._clipsContent;
  }
  set clipsContent(v: boolean) {
    this.doc.fault('clipsContent');
    if (typeof v !== 'boolean') throw new Error('clipsContent: expected a boolean');
    this.set('_clipsContent' as keyof this, v as never);
  }

  override get isAutoLayout(): boolean {
    return this.layoutMode !== 'NONE';
  }

  /** Auto layout: children in a row or column; their own x/y are ignored, as in Figma. */
  override relayout(): void {
    if (this.layoutMode === 'NONE') return;
    let offset = this.padding;
    for (const c of this._children) {
      if (this.layoutMode === 'HORIZONTAL') c.placeByLayout(offset, this.padding);
      else c.placeByLayout(this.padding, offset);
      offset += (this.layoutMode === 'HORIZONTAL' ? c.width : c.height) + this.itemSpacing;
    }
  }
}

/** A group has no coordinate space: its box is its children's bounds. */
export class EmuGroup extends EmuParentNode {
  readonly type = 'GROUP';

  private bounds(): { x: number; y: number; width: number; height: number } {
    if (!this._children.length) return { x: 0, y: 0, width: 0, height: 0 };
    const x = Math.min(...this._children.map((c) => c.x));
    const y = Math.min(...this._children.map((c) => c.y));
    const r = Math.max(...this._children.map((c) => c.x + c.width));
    const b = Math.max(...this._children.map((c) => c.y + c.height));
    return { x, y, width: r - x, height: b - y };
  }
  override get x(): number {
    return this.bounds().x;
  }
  override set x(_v: number) {
    throw new Error('the emulator does not move groups');
  }
  override get y(): number {
    return this.bounds().y;
  }
  override set y(_v: number) {
    throw new Error('the emulator does not move groups');
  }
  override get width(): number {
    return this.bounds().width;
  }
  override get height(): number {
    return this.bounds().height;
  }
  override get fills(): ReadonlyArray<Paint> {
    return Object.freeze([]);
  }
  override set fills(_p: ReadonlyArray<Paint>) {
    throw new Error('groups have no fills');
  }

  /** Figma removes a group that loses its last child. */
  override detach(child: EmuSceneNode): void {
    super.detach(child);
    if (this._children.length === 0 && this.parent) this.parent.detach(this);
  }
}

export class EmuPage extends EmuParentNode implements HostPage {
  readonly type = 'PAGE';
  private _selection: ReadonlyArray<EmuSceneNode> = Object.freeze([]);
  onSelectionSet: () => void = () => {};

  get selection(): ReadonlyArray<EmuSceneNode> {
    return this._selection;
  }
  set selection(nodes: ReadonlyArray<HostSceneNode>) {
    for (const n of nodes) {
      if (!(n instanceof EmuSceneNode) || !this.contains(n)) throw new Error('selection: every node must be on this page');
    }
    this._selection = Object.freeze([...(nodes as EmuSceneNode[])]);
    this.onSelectionSet();
  }

  override get removed(): boolean {
    return false;
  }
  override get absoluteTransform(): Transform {
    return [
      [1, 0, 0],
      [0, 1, 0],
    ];
  }
}
