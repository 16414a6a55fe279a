/**
 * Where results go: in a row to the right of the source, in the source's coordinate
 * space, pushed further right past anything already there so nothing is covered.
 */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const RESULT_GAP = 24;

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * Positions for `sizes`, left to right, starting `gap` to the right of `source`, top-aligned
 * with it. `obstacles` are the boxes of the other layers in the same space.
 */
export function placeBeside(source: Box, sizes: ReadonlyArray<{ width: number; height: number }>, obstacles: ReadonlyArray<Box>, gap = RESULT_GAP): Box[] {
  const placed: Box[] = [];
  let x = source.x + source.width + gap;
  for (const size of sizes) {
    let box: Box = { x, y: source.y, width: size.width, height: size.height };
    for (let guard = 0; guard <= obstacles.length; guard++) {
      const hit = obstacles.find((o) => overlaps(box, o));
      if (!hit) break;
      box = { ...box, x: hit.x + hit.width + gap };
    }
    placed.push(box);
    x = box.x + box.width + gap;
  }
  return placed;
}

/** The canvas size of a result: the source's width, the result image's aspect ratio. */
export function resultSize(sourceWidth: number, imageWidth: number, imageHeight: number): { width: number; height: number } {
  return { width: sourceWidth, height: Math.max(1, (sourceWidth * imageHeight) / imageWidth) };
}

/** Space between the frames of a sequence inside its frame. */
export const SEQUENCE_GAP = 16;

/**
 * A sequence laid out in one frame: the children's boxes (frame coordinates, left to right,
 * top-aligned, `gap` apart) and the frame's size, which fits them exactly.
 */
export function stripLayout(sizes: ReadonlyArray<{ width: number; height: number }>, gap = SEQUENCE_GAP): { children: Box[]; width: number; height: number } {
  const children: Box[] = [];
  let x = 0;
  for (const size of sizes) {
    children.push({ x, y: 0, width: size.width, height: size.height });
    x += size.width + gap;
  }
  return { children, width: Math.max(0.01, x - gap), height: Math.max(0.01, ...sizes.map((s) => s.height)) };
}
