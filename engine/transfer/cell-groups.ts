/**
 * Groups of frame cells (8-connected within `link`) and their growth over neighbouring cells: how
 * large-insertions.ts and small-insertions.ts turn seed cells into the shapes they draw.
 */

/** Cells [R·R] (0/1) of the groups of `seed` (seeds at most `link` cells apart join) that `keep` accepts; null: none. */
export function cellGroups(seed: Uint8Array, R: number, link: number, keep: (group: readonly number[]) => boolean): Float32Array | null {
  const N = R * R, cells = new Float32Array(N), seen = new Uint8Array(N);
  let any = false;
  for (let s = 0; s < N; s++) {
    if (!seed[s] || seen[s]) continue;
    const comp = [s];
    seen[s] = 1;
    for (let i = 0; i < comp.length; i++) {
      const p = comp[i]!, x = p % R, y = (p - x) / R;
      for (let dy = -link; dy <= link; dy++) for (let dx = -link; dx <= link; dx++) {
        const u = x + dx, v = y + dy, q = v * R + u;
        if (u >= 0 && v >= 0 && u < R && v < R && seed[q] && !seen[q]) { seen[q] = 1; comp.push(q); }
      }
    }
    if (!keep(comp)) continue;
    for (const p of comp) cells[p] = 1;
    any = true;
  }
  return any ? cells : null;
}

/** Grows `cells` in place over the cells `joins` accepts, at most `steps` cells (8-connected) from where they were. */
export function growOver(cells: Float32Array, R: number, steps: number, joins: (q: number) => boolean): void {
  const N = R * R, queue: number[] = [], dist = new Int32Array(N).fill(-1);
  for (let p = 0; p < N; p++) if (cells[p]) { queue.push(p); dist[p] = 0; }
  for (let i = 0; i < queue.length; i++) {
    const p = queue[i]!, x = p % R, y = (p - x) / R;
    if (dist[p]! >= steps) continue;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const u = x + dx, v = y + dy, q = v * R + u;
      if (u < 0 || v < 0 || u >= R || v >= R || dist[q]! >= 0 || !joins(q)) continue;
      dist[q] = dist[p]! + 1;
      cells[q] = 1;
      queue.push(q);
    }
  }
}
