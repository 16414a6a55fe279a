/**
 * Groups of frame cells (8-connected within `link`) and their growth over neighbouring cells: how
 * large-insertions.ts and small-insertions.ts turn seed cells into the shapes they draw; and the
 * masks' dilation, hole filling and 3×3 mean that insert-content.ts shapes its insertion with.
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

/** Max over the (2r+1)² cells around each cell. */
export function dilateMax(a: Float32Array, R: number, r: number): Float32Array {
  const out = new Float32Array(R * R);
  for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
    let m = 0;
    for (let v = Math.max(0, y - r); v <= Math.min(R - 1, y + r); v++) for (let u = Math.max(0, x - r); u <= Math.min(R - 1, x + r); u++) m = Math.max(m, a[v * R + u]!);
    out[y * R + x] = m;
  }
  return out;
}

/** The cells and their 8 neighbours (a one-cell dilation). */
export function dilate1(cells: Float32Array, R: number): Float32Array {
  const out = new Float32Array(R * R);
  for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
    if (!cells[y * R + x]) continue;
    for (let v = Math.max(0, y - 1); v <= Math.min(R - 1, y + 1); v++) out.fill(1, v * R + Math.max(0, x - 1), v * R + Math.min(R - 1, x + 1) + 1);
  }
  return out;
}

/**
 * Fills the enclosed holes (4-connected empty cells not touching the border) that changed strongly
 * on average — the middle of a new shape, which the colour model explains as a recolour of what
 * was there — and any of ≤ maxHole cells; an unchanged hole (a face framed by new hair) stays.
 */
export function fillHoles(cells: Float32Array, change: Float32Array, R: number, maxHole: number, strong: number): Float32Array {
  const N = R * R, seen = new Uint8Array(N);
  for (let s = 0; s < N; s++) {
    if (cells[s] || seen[s]) continue;
    const comp = [s];
    seen[s] = 1;
    let border = false;
    for (let i = 0; i < comp.length; i++) {
      const p = comp[i]!, x = p % R, y = (p - x) / R;
      if (x === 0 || y === 0 || x === R - 1 || y === R - 1) border = true;
      for (const q of [x > 0 ? p - 1 : -1, x < R - 1 ? p + 1 : -1, y > 0 ? p - R : -1, y < R - 1 ? p + R : -1]) {
        if (q >= 0 && !cells[q] && !seen[q]) { seen[q] = 1; comp.push(q); }
      }
    }
    const mean = comp.reduce((a, p) => a + change[p]!, 0) / comp.length;
    if (!border && (comp.length <= maxHole || mean >= strong)) for (const p of comp) cells[p] = 1;
  }
  return cells;
}

/** 3×3 mean (borders: the cells that exist). */
export function mean3(a: Float32Array, R: number): Float32Array {
  const out = new Float32Array(R * R);
  for (let y = 0; y < R; y++) for (let x = 0; x < R; x++) {
    let s = 0, n = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const u = x + dx, v = y + dy;
      if (u >= 0 && v >= 0 && u < R && v < R) { s += a[v * R + u]!; n++; }
    }
    out[y * R + x] = s / n;
  }
  return out;
}
