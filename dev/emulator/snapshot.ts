/**
 * A canonical serialisation of an emulated document, for "nothing changed" assertions:
 * pages (name, selection), and for every node its type, name, geometry, visibility, lock,
 * opacity, paints (image paints with a hash of the bytes they show), strokes, effects,
 * text, layout, plugin data and relaunch data, children in order.
 */
import { EmuFrame, EmuParentNode, EmuText, type EmuPage, type EmuSceneNode } from './nodes';

type BytesHash = (imageHash: string) => string;

function paints(list: ReadonlyArray<unknown>, bytesHash: BytesHash): unknown[] {
  return list.map((p) => {
    const paint = p as { type: string; imageHash?: string | null };
    return paint.type === 'IMAGE' && paint.imageHash ? { ...paint, bytes: bytesHash(paint.imageHash) } : paint;
  });
}

function nodeState(node: EmuSceneNode, bytesHash: BytesHash): unknown {
  const pluginData = Object.fromEntries(node.getPluginDataKeys().sort().map((k) => [k, node.getPluginData(k)]));
  return {
    id: node.id,
    type: node.type,
    name: node.name,
    box: [node.x, node.y, node.width, node.height, node.rotation],
    visible: node.visible,
    locked: node.locked,
    opacity: node.opacity,
    fills: paints(node.fills, bytesHash),
    strokes: paints(node.strokes, bytesHash),
    effects: node.effects,
    text: node instanceof EmuText ? node.characters : undefined,
    layout: node instanceof EmuFrame ? [node.layoutMode, node.padding, node.itemSpacing, node.clipsContent] : undefined,
    pluginData,
    relaunch: node.relaunchData,
    children: node instanceof EmuParentNode ? node.children.map((c) => nodeState(c, bytesHash)) : undefined,
  };
}

export function documentSnapshot(pages: ReadonlyArray<EmuPage>, bytesHash: BytesHash): string {
  return JSON.stringify(
    pages.map((page) => ({
      id: page.id,
      name: page.name,
      selection: page.selection.map((n) => n.id),
      pluginData: Object.fromEntries(page.getPluginDataKeys().sort().map((k) => [k, page.getPluginData(k)])),
      children: page.children.map((c) => nodeState(c, bytesHash)),
    })),
  );
}
