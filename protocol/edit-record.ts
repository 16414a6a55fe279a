/**
 * The edit record stored on every result layer (setPluginData) so the layer can be
 * reopened and edited further from where it was left. Plain JSON, ≤ 100 kB serialised.
 */
import { LIMITS } from './limits';
import { check, isFiniteNumber, isPlainObject, ProtocolError } from './check';

export const EDIT_RECORD_VERSION = 1;

export interface EditRecord {
  v: 1;
  /** Model pack id (`pack.json` id), or 'none' for a round trip without the engine. */
  packId: string;
  /** The edited latent z (length = the pack's latent size; empty without the engine). */
  latent: number[];
  /** The projected latent the edit started from. */
  latent0: number[];
  /** Painted constraints and slider values, opaque JSON owned by the UI. */
  constraints: unknown;
  /**
   * The layer the edit was made from. `imageHash` (the Figma image of its original bytes,
   * still in the file while any layer uses it) and `revision` (SelectedImage.revision) pin
   * down exactly which pixels were edited; the UI copies them from the selection.
   */
  source: { nodeId: string; name: string; imageHash?: string; revision?: string };
  /** SHA-256 of the pack's generator graph (pack.json `graphs.generator.sha256`): which trained weights. */
  packSha256?: string;
  /** Seed of the engine's PRNG for the candidates this result came from. */
  seed?: number;
  /** Engine/plugin version that made it. */
  engine?: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

/** UTF-8 byte length, by hand: Figma's main-thread sandbox has no TextEncoder. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4; // surrogate pair
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Returns the record, or throws a ProtocolError that names the bad field. */
export function validateEditRecord(value: unknown, path = 'record'): EditRecord {
  check(isPlainObject(value), path, 'must be an object');
  const r = value as Record<string, unknown>;
  check(r.v === EDIT_RECORD_VERSION, `${path}.v`, `must be ${EDIT_RECORD_VERSION}`);
  check(typeof r.packId === 'string' && r.packId.length > 0 && r.packId.length <= 100, `${path}.packId`, 'must be a string of 1–100 characters');
  for (const key of ['latent', 'latent0'] as const) {
    const z = r[key];
    check(Array.isArray(z) && z.length <= LIMITS.maxLatent && z.every(isFiniteNumber), `${path}.${key}`, `must be an array of at most ${LIMITS.maxLatent} finite numbers`);
  }
  const source = r.source as Record<string, unknown> | undefined;
  check(isPlainObject(source) && typeof source.nodeId === 'string' && typeof source.name === 'string', `${path}.source`, 'must be { nodeId: string, name: string }');
  check(source.imageHash === undefined || typeof source.imageHash === 'string', `${path}.source.imageHash`, 'must be a string');
  check(source.revision === undefined || typeof source.revision === 'string', `${path}.source.revision`, 'must be a string');
  check(r.packSha256 === undefined || (typeof r.packSha256 === 'string' && /^[0-9a-f]{64}$/.test(r.packSha256)), `${path}.packSha256`, 'must be 64 lowercase hex digits');
  check(r.seed === undefined || isFiniteNumber(r.seed), `${path}.seed`, 'must be a finite number');
  check(r.engine === undefined || (typeof r.engine === 'string' && r.engine.length <= 100), `${path}.engine`, 'must be a string of at most 100 characters');
  check(isFiniteNumber(r.createdAt), `${path}.createdAt`, 'must be a finite number');
  let json: string;
  try {
    json = JSON.stringify(r.constraints ?? null);
  } catch {
    throw new ProtocolError(`${path}.constraints must be JSON`);
  }
  check(json !== undefined, `${path}.constraints`, 'must be JSON');
  return value as unknown as EditRecord;
}

/**
 * Serialises a record for setPluginData; throws when the entry would exceed Figma's limit,
 * which counts "the total size of your entry (`pluginId`, `key`, `value`)" (the typings).
 */
export function encodeEditRecord(record: EditRecord, entry: { pluginId: string; key: string }): string {
  validateEditRecord(record);
  const text = JSON.stringify(record);
  const bytes = utf8Length(entry.pluginId) + utf8Length(entry.key) + utf8Length(text);
  if (bytes > LIMITS.maxPluginDataBytes) {
    throw new ProtocolError(`edit record is ${bytes} bytes with the plugin id and key; setPluginData allows at most ${LIMITS.maxPluginDataBytes}`);
  }
  return text;
}

/** Parses what encodeEditRecord wrote; returns null for empty or invalid data. */
export function decodeEditRecord(text: string): EditRecord | null {
  if (!text) return null;
  try {
    return validateEditRecord(JSON.parse(text));
  } catch {
    return null;
  }
}
