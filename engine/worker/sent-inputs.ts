import type { PlainTensor } from '../runtime/graph-shard.js';

/**
 * What a shard holds of the constant inputs this side sent it (a stroke's masks and targets, a
 * projection's target and mask: ~130 KB a run at 64², the same for every step of a change): a copy
 * of each as last sent. A run sends such an input only when it differs, bit for bit, from that copy
 * — so an array filled anew in place counts as changed — and otherwise names it as held.
 */
export class SentInputs {
  private readonly sent = new Map<string, PlainTensor>();

  /** Splits a run's feeds into those to send (`keep`: the constant ones among them) and those the shard holds. */
  plan(feeds: Record<string, PlainTensor>, constant: readonly string[]): { feeds: Record<string, PlainTensor>; keep: string[]; held: string[] } {
    const send: Record<string, PlainTensor> = {};
    const keep: string[] = [], held: string[] = [];
    for (const [name, t] of Object.entries(feeds)) {
      if (!constant.includes(name)) {
        send[name] = t;
        continue;
      }
      const last = this.sent.get(name);
      if (last && sameTensor(last, t)) {
        held.push(name);
        continue;
      }
      send[name] = t;
      keep.push(name);
      this.sent.set(name, { data: t.data.slice(), dims: [...t.dims] });
    }
    return { feeds: send, keep, held };
  }

  /** The shard holds nothing any more (it was disposed, or a run failed there). */
  clear(): void {
    this.sent.clear();
  }
}

function sameTensor(a: PlainTensor, b: PlainTensor): boolean {
  if (a.data.length !== b.data.length || a.dims.length !== b.dims.length || a.dims.some((d, i) => d !== b.dims[i])) return false;
  const x = new Int32Array(a.data.buffer, a.data.byteOffset, a.data.length);
  const y = new Int32Array(b.data.buffer, b.data.byteOffset, b.data.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
