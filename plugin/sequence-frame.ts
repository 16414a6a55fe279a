/**
 * A Manifold sequence frame: the frame an apply with `layout: 'frame'` makes, holding the
 * frames of a sequence side by side as result layers. The frame carries the edit record of
 * its last frame; opening it again edits that last frame (its pixels, its size on canvas).
 */
import { EDIT_RECORD_KEY } from './edit-record-key';
import { member } from './node-member';
import type { HostParent, HostSceneNode, ImagePaint, Paint } from './host';

function hasImageFill(node: HostSceneNode): boolean {
  const fills = member(node, 'fills');
  return Array.isArray(fills) && (fills as ReadonlyArray<Paint>).some((p) => p.type === 'IMAGE' && (p as ImagePaint).imageHash && p.visible !== false);
}

/** The last visible result layer of a Manifold sequence frame; null for any other node. */
export function sequenceLastFrame(node: HostSceneNode): HostSceneNode | null {
  if (node.type !== 'FRAME' || !node.getPluginData(EDIT_RECORD_KEY)) return null;
  const children = member(node as unknown as HostParent, 'children') ?? [];
  for (let i = children.length - 1; i >= 0; i--) {
    const child = children[i];
    if (child.visible && child.getPluginData(EDIT_RECORD_KEY) && hasImageFill(child)) return child;
  }
  return null;
}
