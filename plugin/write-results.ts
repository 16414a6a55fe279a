/**
 * Writes an apply's results as new image layers beside the source: same parent unless
 * that parent lays its children out automatically (then on the page, at the same place
 * on screen), one undo step, the source untouched. Everything that can fail on the input
 * fails before the first node is made; a failure after that removes what was made.
 */
import { encodeEditRecord } from '../protocol/edit-record';
import { ProtocolError } from '../protocol/check';
import type { Message, UiToPlugin } from '../protocol/messages';
import { EDIT_RECORD_KEY, RELAUNCH_COMMAND, RELAUNCH_DESCRIPTION } from './edit-record-key';
import type { HostApi, HostParent, HostSceneNode } from './host';
import { placeBeside, resultSize, type Box } from './placement';

type Apply = Message<UiToPlugin, 'apply'>;

/** Parents whose children sit at their own x/y and accept new children. */
const FREE_PARENTS = ['PAGE', 'FRAME', 'GROUP', 'SECTION', 'COMPONENT'];

export function isAutoLayout(parent: HostParent): boolean {
  return parent.layoutMode !== undefined && parent.layoutMode !== 'NONE';
}

function absoluteBox(node: HostSceneNode): Box {
  const t = node.absoluteTransform;
  return { x: t[0][2], y: t[1][2], width: node.width, height: node.height };
}

function localBox(node: HostSceneNode): Box {
  return { x: node.x, y: node.y, width: node.width, height: node.height };
}

function isSceneNode(node: unknown): node is HostSceneNode {
  return typeof node === 'object' && node !== null && 'exportAsync' in node && 'absoluteTransform' in node;
}

/** Returns the ids of the new top-level layers (the group, or each result). */
export async function writeResultsAsync(host: HostApi, msg: Apply): Promise<string[]> {
  const source = await host.getNodeByIdAsync(msg.sourceNodeId);
  if (!isSceneNode(source) || source.removed) throw new ProtocolError(`source layer ${msg.sourceNodeId} is not on this page any more`);
  const parent = source.parent;
  if (!parent) throw new ProtocolError(`source layer ${msg.sourceNodeId} has no parent`);

  // 1. Validate and prepare everything that can fail on the input.
  const records = msg.results.map((r) => encodeEditRecord(r.record, EDIT_RECORD_KEY));
  const images = msg.results.map((r) => host.createImage(r.bytes));
  const inPlace = FREE_PARENTS.includes(parent.type) && !isAutoLayout(parent);
  const target: HostParent = inPlace ? parent : host.currentPage;
  const sourceBox = inPlace ? localBox(source) : absoluteBox(source);
  const obstacles = target.children.filter((c) => c !== source).map(inPlace ? localBox : absoluteBox);
  const sizes = msg.results.map((r) => resultSize(source.width, r.width, r.height));
  const boxes = placeBeside(sourceBox, sizes, obstacles);

  // 2. Build the layers; createRectangle puts each on the current page.
  const made: HostSceneNode[] = [];
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
    // 3. Move right above the source in its parent (on the page they already sit on top), then place.
    if (inPlace) {
      const index = target.children.indexOf(source) + 1;
      made.forEach((rect, i) => target.insertChild(index + i, rect));
    }
    made.forEach((rect, i) => {
      rect.x = boxes[i].x;
      rect.y = boxes[i].y;
    });
    let top: HostSceneNode[] = made;
    if (msg.group && made.length > 1) {
      const group = host.group(made, target, target.children.indexOf(made[0]));
      group.name = `${source.name} · Manifold edits (${made.length})`;
      made.push(group);
      top = [group];
    }
    host.currentPage.selection = top;
    host.viewport.scrollAndZoomIntoView(top);
    host.commitUndo();
    host.notify(made.length > 1 || msg.results.length > 1 ? `Added ${msg.results.length} edited layers beside “${source.name}”` : `Added “${top[0].name}”`);
    return top.map((n) => n.id);
  } catch (error) {
    for (const node of made.reverse()) if (!node.removed) node.remove();
    throw error;
  }
}
