/**
 * Reads a member only where the node's type has it. Figma's node types differ (a page has
 * no `absoluteTransform` or `layoutMode`, a group no `fills` or `strokes`); reading a member
 * outside a type's typings is outside the API, so optional members go through `in` first.
 */
export function member<N extends object, K extends keyof N & string>(node: N, key: K): N[K] | undefined {
  return key in node ? node[key] : undefined;
}
