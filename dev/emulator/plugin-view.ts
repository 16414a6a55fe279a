/**
 * The emulated Figma as a plugin sees it: every object it reaches (`figma`, `figma.ui`,
 * `figma.viewport`, nodes, images) is a Proxy that behaves as Figma's objects do and no
 * more kindly:
 * - a member the object's type does not have in @figma/plugin-typings throws on read or
 *   write (`'member' in node` answers from the typings too), and a readonly one throws on
 *   write; the member lists are generated from the typings (api-members.generated.ts);
 * - a member the typings have but the emulator does not implement throws, naming the gap,
 *   rather than answering `undefined`;
 * - every read of an array or object property returns a new frozen copy (`fills`,
 *   `selection`, `children`, `absoluteTransform`, `viewport.center` …): identity across two
 *   reads never holds, as in Figma. Nodes inside are the same proxy for the same node;
 * - a removed node throws on everything but `id` and `removed`.
 * The emulator's own code and the tests that arrange a document use the raw objects.
 */
import type { MemberKind } from './typings-members';

/** What a raw emulator object is to the plugin: its typings name and members. */
export interface Described {
  label: string;
  members: ReadonlyMap<string, MemberKind>;
  /** For nodes: whether it has been removed from the document. */
  removed?: () => boolean;
  id?: string;
}

/**
 * Read by the runtime and test tooling, not by plugin code (promise resolution, JSON, test
 * matchers comparing values): answered `undefined` as Figma's objects would.
 */
const RUNTIME_PROBES = new Set(['then', 'toJSON', 'constructor', 'asymmetricMatch', '$$typeof', 'nodeType']);
/** What Figma still answers on a removed node. */
const ON_REMOVED = new Set(['id', 'removed']);

export class PluginView {
  private readonly proxies = new WeakMap<object, object>();
  private readonly raws = new WeakMap<object, object>();

  constructor(
    private readonly describe: (raw: object) => Described | null,
    private readonly typingsVersion: string,
  ) {}

  /** The plugin's view of `value`: proxies for API objects, frozen copies for data. */
  wrap(value: unknown): unknown {
    if (typeof value !== 'object' || value === null) return value;
    if (this.raws.has(value)) return value;
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
    if (value instanceof Promise) return value.then((v) => this.wrap(v));
    const cached = this.proxies.get(value);
    if (cached) return cached;
    const described = this.describe(value);
    if (described) return this.proxyFor(value, described);
    if (Array.isArray(value)) return Object.freeze(value.map((v) => this.wrap(v)));
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      return Object.freeze(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.wrap(v)])));
    }
    return value;
  }

  /** The raw object behind a proxy (arrays of them too), for values the plugin passes in. */
  unwrap(value: unknown): unknown {
    if (typeof value !== 'object' || value === null) return value;
    const raw = this.raws.get(value);
    if (raw) return raw;
    if (Array.isArray(value)) return value.map((v) => this.unwrap(v));
    return value;
  }

  private proxyFor(raw: object, d: Described): object {
    const view = this;
    const fail = (message: string): never => {
      throw new TypeError(`${message} (Figma plugin API, @figma/plugin-typings ${view.typingsVersion})`);
    };
    const checkAlive = (prop: string) => {
      if (d.removed?.() && !ON_REMOVED.has(prop)) throw new Error(`in get_${prop}: The node with id "${d.id}" does not exist (it was removed)`);
    };
    const proxy = new Proxy(raw, {
      get(target, prop) {
        if (typeof prop === 'symbol') return Reflect.get(target, prop);
        if (!d.members.has(prop)) {
          if (RUNTIME_PROBES.has(prop)) return undefined;
          return fail(`${d.label} has no member '${prop}'`);
        }
        checkAlive(prop);
        if (!(prop in target)) return fail(`the emulator does not implement ${d.label}.${prop}`);
        const value = Reflect.get(target, prop, target) as unknown;
        if (typeof value === 'function') {
          return (...args: unknown[]) => view.wrap((value as (...a: unknown[]) => unknown).apply(target, args.map((a) => view.unwrap(a))));
        }
        return view.wrap(value);
      },
      set(target, prop, value) {
        if (typeof prop === 'symbol') return fail(`${d.label} has no symbol members`);
        const kind = d.members.get(prop);
        if (!kind) return fail(`${d.label} has no member '${prop}'`);
        if (kind !== 'writable') return fail(`Cannot assign to read only property '${prop}' of ${d.label}`);
        checkAlive(prop);
        if (!(prop in target)) return fail(`the emulator does not implement ${d.label}.${prop}`);
        Reflect.set(target, prop, view.unwrap(value), target);
        return true;
      },
      has(target, prop) {
        return typeof prop === 'symbol' ? Reflect.has(target, prop) : d.members.has(prop);
      },
      deleteProperty(_target, prop) {
        return fail(`Cannot delete property '${String(prop)}' of ${d.label}`);
      },
      defineProperty(_target, prop) {
        return fail(`Cannot define property '${String(prop)}' on ${d.label}`);
      },
    });
    this.proxies.set(raw, proxy);
    this.raws.set(proxy, raw);
    return proxy;
  }
}
