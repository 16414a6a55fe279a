/** Tiny validation helpers: each failure names the field and what was expected. */

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

export function check(ok: unknown, path: string, expected: string): asserts ok {
  if (!ok) throw new ProtocolError(`${path} ${expected}`);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

export function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function isString(v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length <= max;
}

export function isBytes(v: unknown, max: number): v is Uint8Array {
  // Not instanceof: a message may come from another realm (iframe, worker, sandbox).
  return Object.prototype.toString.call(v) === '[object Uint8Array]' && (v as Uint8Array).byteLength <= max;
}

export function isInt(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}
