/**
 * Writes an apply's results as new image layers beside the source, one undo step, the
 * source untouched. Where they go:
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
import type { HostApi, HostNode, HostPage, HostParent, HostSceneNode } from './host';
import { placeBeside, resultSize, type Box } from './placement';
import { sourceRevision } from './source-revision';

type Apply = Message<UiToPlugin, 'apply'>;

/** Parents whose children sit at their own x/y and accept new children. */
const FREE_PARENTS = ['PAGE', 'FRAME', 'GROUP', 'SECTION', 'COMPONENT'];

/** Thrown when the request was withdrawn (cancel message, panel closed) before anything was written. */
export class CancelledError extends Error {
  override name = 'CancelledError';
}

export interface WriteOutcome {
  /** Ids of the new top-level layers (the group, or each result). */
  nodeIds: string[];
  /** The notification shown to the user. */
  message: string;
}

export function isAutoLayout(parent: HostParent): boolean {
  return parent.layoutMode !== undefined && parent.layoutMode !== 'NONE';
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
  const t = n?.absoluteTransform;
  return !n || n.type === 'PAGE' || !t ? { x: 0, y: 0 } : { x: t[0][2], y: t[1][2] };
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
  const records = msg.results.map((r) => encodeEditRecord(r.record, EDIT_RECORD_KEY));
  const images = msg.results.map((r) => host.createImage(r.bytes));
  const page = (source && pageOf(source)) || host.currentPage;
  const inPlace = source !== null && acceptsFreeChildren(source.parent!);
  const target: HostParent = inPlace ? source!.parent! : page;
  const origin = spaceOrigin(target);
  const widthOnCanvas = source ? source.width : Math.max(...msg.results.map((r) => r.width));
  const sizes = msg.results.map((r) => resultSize(widthOnCanvas, r.width, r.height));
  let boxes: Box[];
  if (source) {
    const obstacles = target.children.filter((c) => c !== source).map(pageBox);
    boxes = placeBeside(pageBox(source), sizes, obstacles).map((b) => ({ ...b, x: b.x - origin.x, y: b.y - origin.y }));
  } else {
    const c = host.viewport.center;
    boxes = placeBeside({ x: c.x - sizes[0].width / 2, y: c.y - sizes[0].height / 2, width: 0, height: 0 }, sizes, [], 0);
  }
  const notes: string[] = [];
  if (!source) notes.push(`“${sourceName}” was deleted while you were editing, so the result was placed in view.`);
  else if (msg.sourceRevision !== undefined && sourceRevision(source) !== msg.sourceRevision) {
    notes.push(`“${sourceName}” changed while you were editing; the result is based on the version you started from.`);
  }

  // 2. Build the layers. No await from here on: nothing can interleave (a close, a cancel).
  const made: HostSceneNode[] = [];
  let top: HostSceneNode[];
  try {
    msg.results.forEach((r, i) => {
      const rect = host.createRectangle();
      made.push(rect);
      rect.name = r.name;
      rect.resize(boxes[i].width, boxes[i].height);
      rect.fills = [{ type: 'IMAGE', imageHash: images[i].hash, scaleMode: 'FILL' }];
      rect.setPluginData(EDIT_RECORD_KEY, records[i]);
      rect.setRelaunchData({ [RELAUNCH_COMMAND]: RELAUNCH_DESCRIPTION });
    });
    // 3. Move right above the source in its parent (or to the top of the page), then place.
    if (inPlace) {
      const index = target.children.indexOf(source!) + 1;
      made.forEach((rect, i) => target.insertChild(index + i, rect));
    } else made.forEach((rect) => target.appendChild(rect));
    made.forEach((rect, i) => {
      rect.x = boxes[i].x;
      rect.y = boxes[i].y;
    });
    top = made.slice();
    if (msg.group && made.length > 1) {
      const group = host.group(made, target, target.children.indexOf(made[0]));
      group.name = `${sourceName} · Manifold edits (${made.length})`;
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
  const added = msg.results.length > 1 ? `Added ${msg.results.length} edited layers beside “${sourceName}”.` : `Added “${top[0].name}”.`;
  const message = [added, ...notes].join(' ');
  try {
    if (page === host.currentPage) host.viewport.scrollAndZoomIntoView(top);
    host.notify(message, { timeout: notes.length ? 8000 : 3000 });
  } catch {
    // the layers are in the document and in the undo history; the reply below still says so
  }
  return { nodeIds: top.map((n) => n.id), message };
}
