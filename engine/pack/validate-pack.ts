import { PackError } from './pack-error.js';
import { graphContract, formatShape } from './graph-contract.js';
import { GRAPH_NAMES, type CategoricalCode, type Dim, type GraphSpec, type LatentCode, type Pack, type TensorSpec } from './pack-types.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function obj(v: unknown, f: string): Obj {
  if (!isObj(v)) throw new PackError(f, `must be an object, got ${describe(v)}`);
  return v;
}
function describe(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `"${v.length > 40 ? v.slice(0, 40) + '…' : v}"` : `${typeof v} ${String(v)}`;
}
function str(v: unknown, f: string, pattern?: RegExp, hint?: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new PackError(f, `must be a non-empty string, got ${describe(v)}`);
  if (pattern && !pattern.test(v)) throw new PackError(f, `must be ${hint ?? `like ${pattern}`}, got ${describe(v)}`);
  return v;
}
function num(v: unknown, f: string, min: number, max: number, opts: { int?: boolean; exclusiveMin?: boolean } = {}): number {
  const kind = opts.int ? 'an integer' : 'a number';
  const range = `${opts.exclusiveMin ? '(' : '['}${min}, ${max}]`;
  if (typeof v !== 'number' || !Number.isFinite(v) || (opts.int && !Number.isInteger(v)) ||
      v < min || v > max || (opts.exclusiveMin && v === min)) {
    throw new PackError(f, `must be ${kind} in ${range}, got ${describe(v)}`);
  }
  return v;
}
function range(v: unknown, f: string): [number, number] {
  if (!Array.isArray(v) || v.length !== 2) throw new PackError(f, `must be [low, high], got ${describe(v)}`);
  const lo = num(v[0], `${f}[0]`, -1e6, 1e6);
  const hi = num(v[1], `${f}[1]`, -1e6, 1e6);
  if (!(lo < hi)) throw new PackError(f, `low must be below high, got [${lo}, ${hi}]`);
  return [lo, hi];
}
const FILE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const SHA = /^[0-9a-f]{64}$/;

/** Checks `json` against the pack schema and the graph contract; returns it typed, or throws a PackError naming the field. */
export function validatePack(json: unknown): Pack {
  const p = obj(json, 'pack.json');
  if (p.format !== 1) throw new PackError('format', `must be 1 (the only format this engine reads), got ${describe(p.format)}`);
  str(p.id, 'id', /^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, ".", "_" or "-"');
  str(p.title, 'title');
  const R = num(p.resolution, 'resolution', 8, 1024, { int: true });
  if (p.channels !== 3) throw new PackError('channels', `must be 3, got ${describe(p.channels)}`);
  range(p.pixelRange, 'pixelRange');

  const lat = obj(p.latent, 'latent');
  const L = num(lat.size, 'latent.size', 1, 4096, { int: true });
  const noise = obj(lat.noise, 'latent.noise');
  const slices: { name: string; from: number; to: number }[] = [];
  const nOff = num(noise.offset, 'latent.noise.offset', 0, L - 1, { int: true });
  const nSize = num(noise.size, 'latent.noise.size', 0, L, { int: true });
  range(noise.range, 'latent.noise.range');
  slices.push({ name: 'latent.noise', from: nOff, to: nOff + nSize });
  if (!Array.isArray(lat.codes)) throw new PackError('latent.codes', `must be an array, got ${describe(lat.codes)}`);
  const names = new Set<string>();
  lat.codes.forEach((c: unknown, i) => {
    const f = `latent.codes[${i}]`;
    const code = obj(c, f) as Partial<LatentCode> & Obj;
    const name = str(code.name, `${f}.name`);
    if (names.has(name)) throw new PackError(`${f}.name`, `"${name}" is used by another code; names must be unique`);
    names.add(name);
    const off = num(code.offset, `${f}.offset`, 0, L - 1, { int: true });
    if (code.attribute !== undefined) str(code.attribute, `${f}.attribute`);
    if (code.changes !== undefined && code.changes !== 'shape' && code.changes !== 'colour') {
      throw new PackError(`${f}.changes`, `must be absent, "shape" or "colour", got ${describe(code.changes)}`);
    }
    if (code.kind === 'categorical') {
      const size = num(code.size, `${f}.size`, 2, L, { int: true });
      if (!Array.isArray(code.labels) || code.labels.length !== size) {
        throw new PackError(`${f}.labels`, `must be an array of ${size} strings (one per category), got ${describe(code.labels)}`);
      }
      code.labels.forEach((l, j) => str(l, `${f}.labels[${j}]`));
      if (code.values !== undefined) {
        if (!Array.isArray(code.values) || code.values.length !== size) {
          throw new PackError(`${f}.values`, `must be absent or an array of ${size} strings (the raw attribute values, in the order of labels), got ${describe(code.values)}`);
        }
        code.values.forEach((v, j) => str(v, `${f}.values[${j}]`));
      }
      if (code.shownAs !== undefined) num(code.shownAs, `${f}.shownAs`, 0, size - 1, { int: true });
      if (code.background !== undefined) {
        if (code.background !== true && code.background !== false) throw new PackError(`${f}.background`, `must be absent, true or false, got ${describe(code.background)}`);
        // the engine renders G over two of its colours (engine/latent/backdrops.ts)
        if (code.background && !code.values?.every((v) => /^#[0-9a-f]{6}$/i.test(v))) {
          throw new PackError(`${f}.values`, 'of the background code must be the background colours, "#rrggbb" each');
        }
      }
      slices.push({ name: f, from: off, to: off + size });
    } else if (code.kind === 'continuous') {
      range(code.range, `${f}.range`);
      slices.push({ name: f, from: off, to: off + 1 });
    } else {
      throw new PackError(`${f}.kind`, `must be "categorical" or "continuous", got ${describe(code.kind)}`);
    }
  });
  if ((lat.codes as Partial<CategoricalCode>[]).filter((c) => c.background === true).length > 1) throw new PackError('latent.codes', 'at most one code may be the background code (background: true)');
  // hiddenBy names another categorical code and categories it has (checked once every code is known).
  lat.codes.forEach((c: unknown, i) => {
    const code = c as Partial<CategoricalCode> & Obj, f = `latent.codes[${i}].hiddenBy`;
    if (code.hiddenBy === undefined) return;
    if (code.kind !== 'categorical') throw new PackError(f, 'is only for categorical codes');
    const by = obj(code.hiddenBy, f) as Partial<CategoricalCode['hiddenBy'] & object>;
    const name = str(by.code, `${f}.code`);
    const other = (lat.codes as LatentCode[]).find((o) => o.name === name);
    if (!other || other.kind !== 'categorical' || other.name === code.name) throw new PackError(`${f}.code`, `must name another categorical code of this pack, got "${name}"`);
    if (!Array.isArray(by.categories) || !by.categories.length) throw new PackError(`${f}.categories`, `must be a non-empty array of "${name}"'s category indices, got ${describe(by.categories)}`);
    by.categories.forEach((k, j) => num(k, `${f}.categories[${j}]`, 0, other.size - 1, { int: true }));
  });
  // The slices must tile [0, L) exactly: every latent dim belongs to exactly one of noise/codes.
  slices.sort((a, b) => a.from - b.from);
  let at = 0;
  for (const s of slices) {
    if (s.from === s.to) continue;
    if (s.from < at) throw new PackError(`${s.name}.offset`, `overlaps the slice before it (dims ${s.from}..${s.to - 1}, previous ends at ${at - 1})`);
    if (s.from > at) throw new PackError(`${s.name}.offset`, `leaves latent dims ${at}..${s.from - 1} unassigned`);
    if (s.to > L) throw new PackError(`${s.name}.offset`, `slice ${s.from}..${s.to - 1} runs past latent.size ${L}`);
    at = s.to;
  }
  if (at !== L) throw new PackError('latent.size', `is ${L} but noise and codes cover ${at} dims`);

  const hog = obj(p.hog, 'hog');
  num(hog.orientations, 'hog.orientations', 1, 64, { int: true });
  const stride = num(hog.cellStride, 'hog.cellStride', 1, R, { int: true });
  num(hog.cells, 'hog.cells', 1, R, { int: true });
  if (R % stride !== 0) throw new PackError('hog.cellStride', `must divide resolution ${R}, got ${stride}`);

  const defs = obj(p.defaults, 'defaults');
  const ed = obj(defs.edit, 'defaults.edit');
  num(ed.colorWeight, 'defaults.edit.colorWeight', 0, 1e6);
  num(ed.edgeWeight, 'defaults.edit.edgeWeight', 0, 1e6);
  num(ed.smoothWeight, 'defaults.edit.smoothWeight', 0, 1e6);
  num(ed.lr, 'defaults.edit.lr', 0, 10, { exclusiveMin: true });
  num(ed.steps, 'defaults.edit.steps', 1, 10000, { int: true });
  num(ed.candidates, 'defaults.edit.candidates', 1, 64, { int: true });
  num(ed.jitter, 'defaults.edit.jitter', 0, 2);
  const pr = obj(defs.project, 'defaults.project');
  num(pr.pixelWeight, 'defaults.project.pixelWeight', 0, 1e6);
  num(pr.featureWeight, 'defaults.project.featureWeight', 0, 1e6);
  num(pr.iterations, 'defaults.project.iterations', 0, 100000, { int: true });
  num(pr.starts, 'defaults.project.starts', 1, 64, { int: true });

  const w = obj(p.weights, 'weights');
  str(w.file, 'weights.file', FILE, 'a plain file name inside the pack directory');
  num(w.bytes, 'weights.bytes', 0, Number.MAX_SAFE_INTEGER, { int: true });
  str(w.sha256, 'weights.sha256', SHA, '64 lowercase hex digits');
  if (w.storage !== undefined && w.storage !== 'float32' && w.storage !== 'float16') {
    throw new PackError('weights.storage', `must be "float32" or "float16", got ${describe(w.storage)}`);
  }
  if (w.storage === 'float16' && (w.bytes as number) % 2 !== 0) throw new PackError('weights.bytes', `a float16 file has an even number of bytes, got ${w.bytes}`);

  const graphs = obj(p.graphs, 'graphs');
  const contract = graphContract(L, R);
  for (const g of GRAPH_NAMES) {
    const f = `graphs.${g}`;
    const spec = obj(graphs[g], f) as Partial<GraphSpec> & Obj;
    str(spec.file, `${f}.file`, FILE, 'a plain file name inside the pack directory');
    str(spec.sha256, `${f}.sha256`, SHA, '64 lowercase hex digits');
    checkTensors(spec.inputs, `${f}.inputs`, contract[g].inputs, true);
    checkTensors(spec.outputs, `${f}.outputs`, contract[g].outputs, false);
  }
  if (p.snap !== undefined) {
    const s = obj(p.snap, 'snap');
    num(s.levels, 'snap.levels', 0, 255, { exclusiveMin: true });
    if (!Array.isArray(s.colours) || s.colours.length === 0) throw new PackError('snap.colours', `must be a non-empty array of "#rrggbb" colours, got ${describe(s.colours)}`);
    s.colours.forEach((c: unknown, i) => str(c, `snap.colours[${i}]`, /^#[0-9a-f]{6}$/, '"#rrggbb", lowercase'));
  }
  str(p.license, 'license');
  if (!Array.isArray(p.attributions)) throw new PackError('attributions', `must be an array, got ${describe(p.attributions)}`);
  p.attributions.forEach((a: unknown, i) => {
    const o = obj(a, `attributions[${i}]`);
    for (const k of ['work', 'creator', 'license'] as const) str(o[k], `attributions[${i}].${k}`);
  });
  obj(p.provenance, 'provenance');
  return p as unknown as Pack;
}

function checkTensors(v: unknown, f: string, want: Record<string, Dim[]>, exact: boolean): void {
  const o = obj(v, f);
  for (const [name, shape] of Object.entries(want)) {
    const t = o[name];
    if (t === undefined) throw new PackError(`${f}.${name}`, `is missing; the graph contract needs ${name} ${formatShape(shape)}`);
    const spec = obj(t, `${f}.${name}`) as Partial<TensorSpec>;
    if (spec.dtype !== 'float32') throw new PackError(`${f}.${name}.dtype`, `must be "float32", got ${describe(spec.dtype)}`);
    const got = spec.shape;
    if (!Array.isArray(got) || got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
      throw new PackError(`${f}.${name}.shape`, `must be ${formatShape(shape)}, got ${Array.isArray(got) ? formatShape(got as Dim[]) : describe(got)}`);
    }
  }
  if (exact) {
    for (const name of Object.keys(o)) {
      if (!(name in want)) throw new PackError(`${f}.${name}`, `is not in the graph contract (allowed: ${Object.keys(want).join(', ')})`);
    }
  }
}
