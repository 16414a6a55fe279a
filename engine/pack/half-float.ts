/**
 * IEEE 754 half ⇄ single precision, for packs that store their weights as float16 (pack.json
 * `weights.storage`). Node 20 and older browsers have no Float16Array, and the conversion is a
 * table lookup each way, so it lives here rather than in a dependency.
 */

let table: Float32Array | null = null;

/** float32 value of every half bit pattern (65 536 entries, built on first use). */
function halfTable(): Float32Array {
  if (table) return table;
  table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1, exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
    table[h] = exp === 0 ? sign * frac * 2 ** -24                       // zero and subnormals
      : exp === 31 ? (frac ? NaN : sign * Infinity)
      : sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return table;
}

/** Little-endian halves → the little-endian float32 bytes of the same values (twice the length). */
export function halfToFloatBytes(half: Uint8Array): Uint8Array {
  if (half.byteLength % 2) throw new Error(`float16 data must have an even number of bytes, got ${half.byteLength}`);
  const t = halfTable(), n = half.byteLength / 2;
  const src = new DataView(half.buffer, half.byteOffset, half.byteLength);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = t[src.getUint16(2 * i, true)]!;
  return new Uint8Array(out.buffer);
}

const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);

/** One float32 → its nearest half bit pattern (round to nearest even; overflow → ±Infinity). */
export function floatToHalf(v: number): number {
  f32[0] = v;
  const x = u32[0]!, sign = (x >>> 16) & 0x8000, exp = (x >>> 23) & 0xff, mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);            // Inf / NaN
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;                                      // too large
  if (e <= 0) {                                                           // subnormal half (or zero)
    if (e < -10) return sign;
    const m = mant | 0x800000, shift = 14 - e;
    const half = m >>> shift, rest = m & ((1 << shift) - 1), mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13), rest = mant & 0x1fff;
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));   // a carry into the exponent is right
}

/** float32 bytes → halves (half the length): how a pack's weights.bin is stored as float16. */
export function floatToHalfBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.byteLength % 4) throw new Error(`float32 data must be a multiple of 4 bytes, got ${bytes.byteLength}`);
  const src = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), n = bytes.byteLength / 4;
  const out = new DataView(new ArrayBuffer(2 * n));
  for (let i = 0; i < n; i++) out.setUint16(2 * i, floatToHalf(src.getFloat32(4 * i, true)), true);
  return new Uint8Array(out.buffer);
}
