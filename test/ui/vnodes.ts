/** Reading Preact virtual trees in unit tests (components called as functions; nested components are not expanded). */
import type { VNode } from 'preact';

export type Props = Record<string, unknown> & { children?: unknown };

/** Every element of a virtual tree, depth first. */
export function nodes(node: unknown): VNode<Props>[] {
  if (Array.isArray(node)) return node.flatMap(nodes);
  if (!node || typeof node !== 'object' || !('type' in node)) return [];
  const v = node as VNode<Props>;
  return [v, ...nodes(v.props.children)];
}

/** The text of a tree (of function components, only what their props say: they are not called). */
export function text(node: unknown): string {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(text).join('');
  if (!node || typeof node !== 'object' || !('props' in node)) return '';
  return text((node as VNode<Props>).props.children);
}

/** The element with `data-testid` = id. */
export function byTestId(root: unknown, id: string): VNode<Props> | undefined {
  return nodes(root).find((n) => n.props['data-testid'] === id);
}
