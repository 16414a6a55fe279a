/** Turns the current selection into what the panel needs: image bytes and how they sit. */
import { decodeEditRecord } from '../protocol/edit-record';
import { readImageHeader } from '../protocol/image-header';
import { errorMessage, type FillInfo, type SelectionState } from '../protocol/messages';
import { EDIT_RECORD_KEY } from './edit-record-key';
import { exportSettingsFor } from './export-size';
import type { HostApi, HostSceneNode, ImagePaint, Paint } from './host';

/** The topmost visible image paint with an image, or null. */
export function topImagePaint(fills: HostSceneNode['fills']): ImagePaint | null {
  if (!Array.isArray(fills)) return null;
  for (let i = fills.length - 1; i >= 0; i--) {
    const paint = fills[i] as Paint;
    if (paint.visible === false) continue;
    if (paint.type === 'IMAGE' && paint.imageHash) return paint;
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

export async function readSelectionAsync(host: HostApi): Promise<SelectionState> {
  const selection = host.currentPage.selection;
  if (selection.length === 0) return { kind: 'none' };
  if (selection.length > 1) return { kind: 'multiple', count: selection.length };
  const node = selection[0];
  const record = decodeEditRecord(node.getPluginData(EDIT_RECORD_KEY));
  const base = { nodeId: node.id, name: node.name, nodeType: node.type, nodeWidth: node.width, nodeHeight: node.height, record };
  const unsupported = (reason: string): SelectionState => ({ kind: 'unsupported', nodeId: node.id, name: node.name, reason });
  if (!(node.width > 0 && node.height > 0)) return unsupported('The layer has no area.');
  try {
    const paint = topImagePaint(node.fills);
    const image = paint?.imageHash ? host.getImageByHash(paint.imageHash) : null;
    if (paint && image) {
      const bytes = await image.getBytesAsync();
      const header = readImageHeader(bytes);
      if (!header) return unsupported('The image fill is not PNG, JPEG or GIF.');
      return { kind: 'image', image: { ...base, source: 'image-fill', bytes, mime: header.mime, width: header.width, height: header.height, fill: fillInfo(paint) } };
    }
    const bytes = await node.exportAsync(exportSettingsFor(node.width, node.height));
    const header = readImageHeader(bytes);
    if (!header) return unsupported('The layer could not be exported as PNG.');
    return { kind: 'image', image: { ...base, source: 'export', bytes, mime: header.mime, width: header.width, height: header.height } };
  } catch (error) {
    return unsupported(`Could not read the layer: ${errorMessage(error)}`);
  }
}
