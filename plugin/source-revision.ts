/**
 * A fingerprint of how a layer looks: type, size, rotation, opacity, fills, strokes and
 * effects. Read with the selection, sent back with an apply, compared at write time: a
 * difference means the layer changed while the user was editing it.
 */
import type { HostSceneNode } from './host';
import { member } from './node-member';

function fnv1a(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

export function sourceRevision(node: HostSceneNode): string {
  const fills = member(node, 'fills');
  const paints = fills === undefined ? [] : Array.isArray(fills) ? fills : 'mixed';
  return fnv1a(JSON.stringify([node.type, node.width, node.height, member(node, 'rotation') ?? 0, member(node, 'opacity') ?? 1, paints, member(node, 'strokes') ?? [], member(node, 'effects') ?? []]));
}
