/**
 * Turns the current selection into what the panel needs: image bytes and how they sit.
 * Reading never changes the document. The rules (docs/RELIABILITY.md lists each case):
 * - nothing selected → `none`; several → `multiple` with the layers listed (none is read;
 *   the panel offers a choice and sends `select`);
 * - a hidden layer (or one inside a hidden parent) or one at 0% opacity → `unsupported`;
 * - an image fill that is the only visible thing drawn (no paints, strokes, effects or
 *   filters over it) → its original bytes, checked complete (inspectImage);
 * - a Manifold sequence frame (write-results.ts) → its last frame, read by the same rules;
 * - anything else — vectors, text, groups, frames, instances, images with something on
 *   top, image bytes that are unreadable, damaged or over 4096 px — is exported as PNG
 *   (what is seen) at ≤ 4096 px a side, with `notes` saying why and when it was scaled down.
 */
import { decodeEditRecord } from '../protocol/edit-record';
import { inspectImage } from '../protocol/image-inspect';
import { LIMITS } from '../protocol/limits';
import { errorMessage, type FillInfo, type ListedLayer, type SelectionState } from '../protocol/messages';
import { EDIT_RECORD_KEY } from './edit-record-key';
import { exportedSize, exportSettingsFor } from './export-size';
import { sequenceLastFrame } from './sequence-frame';
import type { HostApi, HostNode, HostSceneNode, ImagePaint, Paint } from './host';
import { member } from './node-member';
import { sourceRevision } from './source-revision';

/**
 * The topmost visible image paint with an image and its index in `fills`, or null. The index,
 * not the paint object, identifies it: every read of `fills` returns new objects.
 */
export function topImagePaint(fills: HostSceneNode['fills']): { paint: ImagePaint; index: number } | null {
  if (!Array.isArray(fills)) return null;
  for (let i = fills.length - 1; i >= 0; i--) {
    const paint = fills[i] as Paint;
    if (paint.visible === false) continue;
    if (paint.type === 'IMAGE' && paint.imageHash) return { paint, index: i };
  }
  return null;
}

export function fillInfo(paint: ImagePaint): FillInfo {
  const info: FillInfo = { scaleMode: paint.scaleMode, hasFilters: hasFilters(paint) };
  if (paint.imageTransform) info.imageTransform = paint.imageTransform.map((row) => [...row]);
  if (paint.scalingFactor !== undefined) info.scalingFactor = paint.scalingFactor;
  if (paint.rotation !== undefined) info.rotation = paint.rotation;
  return info;
}

function hasFilters(paint: ImagePaint): boolean {
  return !!paint.filters && Object.values(paint.filters).some((v) => typeof v === 'number' && v !== 0);
}

const visible = (p: { visible?: boolean }) => p.visible !== false;

/**
 * What is drawn over (or changes) the image fill `fills[index]`, so its bytes are not what the
 * user sees; '' if nothing. `fills` is the array the paint was found in (one read of the node).
 */
export function coveringOf(node: HostSceneNode, fills: ReadonlyArray<Paint>, index: number): string {
  const paint = fills[index] as ImagePaint;
  const above = fills.slice(index + 1).filter(visible);
  const reasons: string[] = [];
  if (above.length) reasons.push(above.length === 1 ? 'a fill' : `${above.length} fills`);
  if ((member(node, 'strokes') ?? []).some(visible)) reasons.push('a stroke');
  if ((member(node, 'effects') ?? []).some(visible)) reasons.push('effects');
  if (hasFilters(paint)) reasons.push('colour adjustments');
  if ((paint.opacity ?? 1) < 1 || (paint.blendMode !== undefined && paint.blendMode !== 'NORMAL')) reasons.push('a blended image');
  return reasons.join(', ');
}

export function isHidden(node: HostNode): boolean {
  for (let n: HostNode | null = node; n && n.type !== 'PAGE'; n = n.parent) if ((n as Partial<HostSceneNode>).visible === false) return true;
  return false;
}

export function insideInstance(node: HostNode): boolean {
  for (let n = node.parent; n && n.type !== 'PAGE'; n = n.parent) if (n.type === 'INSTANCE') return true;
  return false;
}

const clip = (text: string) => (text.length > LIMITS.maxText ? `${text.slice(0, LIMITS.maxText - 1)}…` : text);

function listed(nodes: ReadonlyArray<HostSceneNode>): ListedLayer[] {
  return nodes.slice(0, LIMITS.maxListedLayers).map((n) => ({ nodeId: n.id, name: clip(n.name), nodeType: n.type }));
}

export async function readSelectionAsync(host: HostApi): Promise<SelectionState> {
  const selection = host.currentPage.selection;
  if (selection.length === 0) return { kind: 'none' };
  if (selection.length > 1) return { kind: 'multiple', count: selection.length, layers: listed(selection) };
  const node = selection[0];
  const name = clip(node.name);
  const unsupported = (reason: string): SelectionState => ({ kind: 'unsupported', nodeId: node.id, name, nodeType: node.type, reason });
  try {
    if (isHidden(node)) return unsupported('The layer is hidden: show it to edit it.');
    if (member(node, 'opacity') === 0) return unsupported('The layer is fully transparent (opacity 0%): there is nothing to edit.');
    if (!(node.width > 0 && node.height > 0)) return unsupported('The layer has no area.');
    const record = decodeEditRecord(node.getPluginData(EDIT_RECORD_KEY));
    const notes: string[] = [];
    if (insideInstance(node)) notes.push('The layer is inside a component instance, which cannot hold new layers: results go on the page beside it.');
    // A Manifold sequence frame is edited from its last frame (the one its record describes).
    const last = record ? sequenceLastFrame(node) : null;
    if (last) notes.push(`This is a Manifold sequence: the edit continues from its last frame, “${clip(last.name)}”.`);
    const shown = last ?? node;
    const base = { nodeId: node.id, name, nodeType: node.type, nodeWidth: shown.width, nodeHeight: shown.height, record, revision: sourceRevision(node) };

    const fills = member(shown, 'fills');
    const top = topImagePaint(fills);
    if (top) {
      const { paint } = top;
      const covering = coveringOf(shown, fills as ReadonlyArray<Paint>, top.index);
      const image = covering ? null : host.getImageByHash(paint.imageHash!);
      if (covering) notes.push(`The layer has ${covering} over its image, so it is edited as it looks (exported), not from the original image.`);
      else if (!image) notes.push('The image data of the fill is not available, so the layer is edited as it looks (exported).');
      else {
        const bytes = await image.getBytesAsync();
        const inspected = inspectImage(bytes);
        if (inspected.ok) {
          const { mime, width, height } = inspected.header;
          return { kind: 'image', image: { ...base, source: 'image-fill', bytes, mime, width, height, fill: fillInfo(paint), imageHash: paint.imageHash!, notes } };
        }
        notes.push(`${inspected.message} The layer is edited as it looks (exported) instead.`);
      }
    }

    const settings = exportSettingsFor(shown.width, shown.height);
    const scale = settings.constraint!.value;
    const bytes = await shown.exportAsync(settings);
    const inspected = inspectImage(bytes);
    if (!inspected.ok) return unsupported(`The layer could not be exported as an image (${inspected.message})`);
    const { width, height } = inspected.header;
    if (scale < 1) {
      const size = exportedSize(shown.width, shown.height, 1);
      notes.push(`The layer is ${size.width}×${size.height} px; it was scaled down to ${width}×${height} px (${Math.round(scale * 1000) / 10}%) to stay within ${LIMITS.maxImageSide} px a side.`);
    }
    return { kind: 'image', image: { ...base, source: 'export', bytes, mime: inspected.header.mime, width, height, exportScale: scale, notes } };
  } catch (error) {
    return unsupported(clip(`Could not read the layer: ${errorMessage(error)}`));
  }
}
