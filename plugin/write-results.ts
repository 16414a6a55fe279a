/**
 * Writes an apply's results as new image layers beside the source, one undo step, the
 * source untouched: separate layers, one group (`group`), or one new frame holding them side
 * by side (`layout: 'frame'`, a sequence), sized to fit, that carries the last result's edit
 * record and the relaunch button like each of its children. Where they go:
 * - in the source's parent, right above it, when that parent places children freely
 *   (page, frame, group, section, component) and is not inside a component instance;
 * - otherwise (auto layout, instance, component set, boolean…) on the source's page, at
 *   the same place on screen;
 * - when the source is gone (deleted while editing), on the current page at the centre of
 *   the view: the user's work is never thrown away.
 * Everything that can fail on the input (records, image bytes, the request being
 * withdrawn) fails before the first node is made; after that the only await-free code
 * runs to the end, and any failure there removes what was made.
 */
import { encodeEditRecord } from '../protocol/edit-record';
import { ProtocolError } from '../protocol/check';
import { inspectImage } from '../protocol/image-inspect';
import type { Message, UiToPlugin } from '../protocol/messages';
import { transformedBox } from './bounds';
import { EDIT_RECORD_KEY, RELAUNCH_COMMAND, RELAUNCH_DESCRIPTION } from './edit-record-key';
import type { HostApi, HostFrame, HostNode, HostPage, HostParent, HostSceneNode } from './host';
import { member } from './node-member';
import { notificationWithMore } from './notification';
import { placeBeside, resultSize, stripLayout, type Box } from './placement';
import { sequenceLastFrame } from './sequence-frame';
import { sourceRevision } from './source-revision';

type Apply = Message<UiToPlugin, 'apply'>;

/** Parents whose children sit at their own x/y and accept new children. */
const FREE_PARENTS = ['PAGE', 'FRAME', 'GROUP', 'SECTION', 'COMPONENT'];

/** Thrown when the request was withdrawn (cancel message, panel closed) before anything was written. */
export class CancelledError extends Error {
  override name = 'CancelledError';
}

export interface WriteOutcome {
  /** Ids of the new top-level layers (the group or the frame, else each result). */
  nodeIds: string[];
  /** What was added and every note, in full (the notification is its first sentence, cut to fit). */
  message: string;
  /** What the user should know beyond “added” (source changed, deleted, on another page), for the panel. */
  notes: string[];
}

export function isAutoLayout(parent: HostParent): boolean {
  const mode = member(parent, 'layoutMode');
  return mode !== undefined && mode !== 'NONE';
}

function isSceneNode(node: unknown): node is HostSceneNode {
  return typeof node === 'object' && node !== null && 'exportAsync' in node && 'absoluteTransform' in node;
}

export function pageOf(node: HostNode): HostPage | null {
  let n: HostNode | null = node;
  while (n && n.type !== 'PAGE') n = n.parent;
  return n as HostPage | null;
}

/** Whether new layers can go into `parent` at their own x/y. */
export function acceptsFreeChildren(parent: HostParent): boolean {
  if (!FREE_PARENTS.includes(parent.type) || isAutoLayout(parent)) return false;
  for (let n: HostNode | null = parent; n && n.type !== 'PAGE'; n = n.parent) if (n.type === 'INSTANCE') return false;
  return true;
}

/** Page position of the origin of the space `parent`'s children's x/y are in (groups have none of their own). */
function spaceOrigin(parent: HostParent): { x: number; y: number } {
  let n: HostParent | null = parent;
  while (n && n.type === 'GROUP') n = n.parent;
  const t = n && n.type !== 'PAGE' ? member(n, 'absoluteTransform') : undefined;
  return !t ? { x: 0, y: 0 } : { x: t[0][2], y: t[1][2] };
}

const pageBox = (node: HostSceneNode): Box => transformedBox(node.absoluteTransform, node.width, node.height);

export async function writeResultsAsync(host: HostApi, msg: Apply, isCancelled: () => boolean = () => false): Promise<WriteOutcome> {
  const found = await host.getNodeByIdAsync(msg.sourceNodeId);
  if (isCancelled()) throw new CancelledError('Cancelled: nothing was added.');
  const source = isSceneNode(found) && !found.removed && found.parent ? found : null;
  const sourceName = source ? source.name : msg.results[0].record.source.name;

  // 1. Validate and prepare everything that can fail on the input.
  msg.results.forEach((r, i) => {
    const inspected = inspectImage(r.bytes);
    if (!inspected.ok) throw new ProtocolError(`result ${i + 1} (“${r.name}”): ${inspected.message}`);
    if (inspected.header.width !== r.width || inspected.header.height !== r.height) {
      throw new ProtocolError(`result ${i + 1} (“${r.name}”) says ${r.width}×${r.height} px but its image is ${inspected.header.width}×${inspected.header.height}`);
    }
  });
  const records = msg.results.map((r) => encodeEditRecord(r.record, { pluginId: host.pluginId ?? '', key: EDIT_RECORD_KEY }));
  const images = msg.results.map((r) => host.createImage(r.bytes));
  const page = (source && pageOf(source)) || host.currentPage;
  const inPlace = source !== null && acceptsFreeChildren(source.parent!);
  const target: HostParent = inPlace ? source!.parent! : page;
  const origin = spaceOrigin(target);
  // A sequence frame as the source is edited from its last frame: results are that frame's size.
  const widthOnCanvas = source ? (sequenceLastFrame(source) ?? source).width : Math.max(...msg.results.map((r) => r.width));
  const sizes = msg.results.map((r) => resultSize(widthOnCanvas, r.width, r.height));
  const asFrame = msg.layout === 'frame';
  const strip = asFrame ? stripLayout(sizes) : null;
  // What goes on the canvas beside the source: the frame, or each result.
  const outer = strip ? [{ width: strip.width, height: strip.height }] : sizes;
  let boxes: Box[];
  if (source) {
    const obstacles = target.children.filter((c) => c !== source).map(pageBox);
    boxes = placeBeside(pageBox(source), outer, obstacles).map((b) => ({ ...b, x: b.x - origin.x, y: b.y - origin.y }));
  } else {
    const c = host.viewport.center;
    boxes = placeBeside({ x: c.x - outer[0].width / 2, y: c.y - outer[0].height / 2, width: 0, height: 0 }, outer, [], 0);
  }
  const frameName = `${sourceName} · Manifold sequence (${msg.results.length} frame${msg.results.length === 1 ? '' : 's'})`;
  const notes: string[] = [];
  if (!source) notes.push(`“${sourceName}” was deleted while you were editing, so the result was placed in view.`);
  else if (msg.sourceRevision !== undefined && sourceRevision(source) !== msg.sourceRevision) {
    notes.push(`“${sourceName}” changed while you were editing; the result is based on the version you started from.`);
  }

  // 2. Build the layers. No await from here on: nothing can interleave (a close, a cancel).
  const made: HostSceneNode[] = [];
  let top: HostSceneNode[];
  const mark = (node: HostSceneNode, record: string) => {
    node.setPluginData(EDIT_RECORD_KEY, record);
    node.setRelaunchData({ [RELAUNCH_COMMAND]: RELAUNCH_DESCRIPTION });
  };
  try {
    // The frame first, complete and sized, so that its children keep the places they are given.
    let frame: HostFrame | null = null;
    if (strip) {
      frame = host.createFrame();
      made.push(frame);
      frame.name = frameName;
      frame.resize(strip.width, strip.height);
      frame.fills = []; // the frames' own pixels show, transparency included
      frame.clipsContent = true;
      mark(frame, records[records.length - 1]);
    }
    const rects = msg.results.map((r, i) => {
      const rect = host.createRectangle();
      made.push(rect);
      rect.name = r.name;
      const box = strip ? strip.children[i] : boxes[i];
      rect.resize(box.width, box.height);
      rect.fills = [{ type: 'IMAGE', imageHash: images[i].hash, scaleMode: 'FILL' }];
      mark(rect, records[i]);
      return rect;
    });
    // 3. Move right above the source in its parent (or to the top of the page), then place.
    const placed: HostSceneNode[] = frame ? [frame] : rects;
    if (inPlace) {
      const index = target.children.indexOf(source!) + 1;
      placed.forEach((node, i) => target.insertChild(index + i, node));
    } else placed.forEach((node) => target.appendChild(node));
    placed.forEach((node, i) => {
      node.x = boxes[i].x;
      node.y = boxes[i].y;
    });
    if (frame) {
      rects.forEach((rect) => frame.appendChild(rect));
      rects.forEach((rect, i) => {
        rect.x = strip!.children[i].x;
        rect.y = strip!.children[i].y;
      });
    }
    top = placed.slice();
    if (!frame && msg.group && rects.length > 1) {
      const group = host.group(rects, target, target.children.indexOf(rects[0]));
      group.name = `${sourceName} · Manifold edits (${rects.length})`;
      made.push(group);
      top = [group];
    }
    page.selection = top;
    host.commitUndo();
  } catch (error) {
    for (const node of made.reverse()) if (!node.removed) node.remove();
    throw error;
  }

  // 4. Written. Showing it is a courtesy: a failure here must not undo the write.
  if (page !== host.currentPage) notes.push(`The result is on page “${page.name}”, with “${sourceName}”.`);
  const added = asFrame
    ? `Added “${frameName}” beside “${sourceName}”.`
    : msg.results.length > 1 ? `Added ${msg.results.length} edited layers beside “${sourceName}”.` : `Added “${top[0].name}”.`;
  const message = [added, ...notes].join(' ');
  try {
    if (page === host.currentPage) host.viewport.scrollAndZoomIntoView(top);
    // The notes go to the panel (the applied reply); the notification stays within 100 characters.
    host.notify(notificationWithMore(added, notes.length > 0), { timeout: notes.length ? 8000 : 3000 });
  } catch {
    // the layers are in the document and in the undo history; the reply below still says so
  }
  return { nodeIds: top.map((n) => n.id), message, notes };
}
