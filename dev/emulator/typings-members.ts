/**
 * Reads @figma/plugin-typings' plugin-api.d.ts into member lists: for each interface, every
 * member it has through its `extends` chain (Omit<…> honoured), each marked readonly,
 * writable or method. The strict emulator (plugin-view.ts) allows a plugin exactly these
 * members. scripts/figma-members.ts writes the table the emulator uses
 * (api-members.generated.ts); test/unit/figma-members.test.ts checks it is up to date.
 *
 * A small parser rather than the TypeScript compiler API: the project's TypeScript (7, the
 * native compiler) has no JavaScript API, and the typings are one machine-formatted file.
 */

export type MemberKind = 'readonly' | 'writable' | 'method';
/** Parsed members (an object with a null prototype: names like `toString` are real members). */
export type Members = Record<string, MemberKind>;

interface ParsedInterface {
  name: string;
  /** Base interfaces, each with the keys an Omit<…> removes. */
  bases: Array<{ name: string; omit: string[] }>;
  own: Members;
  /** The `type` literal of a node interface ('RECTANGLE' for RectangleNode). */
  typeLiteral?: string;
}

/** Comments out: block comments, then whole-line `//` comments. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/** Splits at commas that are not inside <…>, (…), {…} or […]. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if ('<({['.includes(c)) depth++;
    else if ('>)}]'.includes(c) && !(c === '>' && text[i - 1] === '=')) depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter(Boolean);
}

function parseBase(item: string): { name: string; omit: string[] } {
  const omit = /^Omit<\s*(\w+)\s*,([\s\S]*)>$/.exec(item);
  if (omit) return { name: omit[1], omit: [...omit[2].matchAll(/'([^']+)'/g)].map((m) => m[1]) };
  return { name: /^(\w+)/.exec(item)![1], omit: [] };
}

/** Net bracket depth change of a line: ( { [ < open, ) } ] > close (`=>` is not a bracket). */
function depthChange(line: string): number {
  let d = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if ('<({['.includes(c)) d++;
    else if (')}]'.includes(c) || (c === '>' && line[i - 1] !== '=')) d--;
  }
  return d;
}

const MEMBER = /^\s*(readonly\s+)?([A-Za-z_$][\w$]*)\??\s*([:(<])/;

function parseBody(body: string): { own: Members; typeLiteral?: string } {
  const own: Members = Object.create(null) as Members;
  let typeLiteral: string | undefined;
  let depth = 0;
  for (const line of body.split('\n')) {
    if (depth === 0) {
      const m = MEMBER.exec(line);
      if (m) {
        const [, readonly, name, after] = m;
        // Overloads repeat a method; a property never shares a name with a method.
        own[name] = after === ':' ? (readonly ? 'readonly' : 'writable') : 'method';
        const literal = name === 'type' && after === ':' ? /:\s*'([A-Z_]+)'\s*$/.exec(line) : null;
        if (literal) typeLiteral = literal[1];
      }
    }
    depth += depthChange(line);
  }
  return { own, typeLiteral };
}

/** Every interface declared in the typings, with its own members and its bases. */
export function parseInterfaces(typings: string): Map<string, ParsedInterface> {
  const text = stripComments(typings);
  const out = new Map<string, ParsedInterface>();
  const head = /^\s*(?:declare\s+)?interface\s+(\w+)\s*(?:<[^{]*?>)?\s*(?:extends\s+([^{]*?))?\s*\{/gm;
  for (let m = head.exec(text); m; m = head.exec(text)) {
    const open = head.lastIndex - 1;
    let depth = 0;
    let close = open;
    for (let i = open; i < text.length; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}' && --depth === 0) {
        close = i;
        break;
      }
    }
    const { own, typeLiteral } = parseBody(text.slice(open + 1, close));
    const bases = m[2] ? splitTopLevel(m[2]).map(parseBase) : [];
    const previous = out.get(m[1]);
    // Declaration merging: a second `interface X` adds to the first.
    out.set(m[1], previous ? { ...previous, bases: [...previous.bases, ...bases], own: Object.assign(previous.own, own), typeLiteral: previous.typeLiteral ?? typeLiteral } : { name: m[1], bases, own, typeLiteral });
    head.lastIndex = close + 1;
  }
  return out;
}

/** All members of `name`, inherited ones included (an own member overrides a base's). */
export function membersOf(interfaces: Map<string, ParsedInterface>, name: string, seen: string[] = []): Members {
  const parsed = interfaces.get(name);
  if (!parsed) throw new Error(`plugin-typings: no interface ${name}${seen.length ? ` (base of ${seen.join(' ← ')})` : ''}`);
  const all: Members = Object.create(null) as Members;
  for (const base of parsed.bases) {
    const inherited = membersOf(interfaces, base.name, [name, ...seen]);
    for (const key of base.omit) delete inherited[key];
    Object.assign(all, inherited);
  }
  return Object.assign(all, parsed.own);
}

/** The node interfaces the emulator builds, and the API objects a plugin reaches through `figma`. */
export const EMULATED_NODES = ['PageNode', 'FrameNode', 'GroupNode', 'RectangleNode', 'EllipseNode', 'VectorNode', 'TextNode', 'InstanceNode'] as const;
export const EMULATED_APIS = ['PluginAPI', 'UIAPI', 'ViewportAPI', 'Image', 'NotificationHandler'] as const;

/** Members as committed: names by kind, sorted (readable diffs when the typings change). */
export type MemberLists = Record<MemberKind, string[]>;

export interface MemberTable {
  /** Node type ('RECTANGLE') → its members. */
  nodes: Record<string, MemberLists>;
  /** API interface name → its members. */
  apis: Record<string, MemberLists>;
}

function lists(m: Members): MemberLists {
  const out: MemberLists = { readonly: [], writable: [], method: [] };
  for (const [name, kind] of Object.entries(m)) out[kind].push(name);
  for (const list of Object.values(out)) list.sort();
  return out;
}

/** Name → kind for lookups (a Map: no inherited `toString` or `constructor` to mistake for a member). */
export function memberMap(lists: MemberLists): Map<string, MemberKind> {
  return new Map((Object.keys(lists) as MemberKind[]).flatMap((kind) => lists[kind].map((name) => [name, kind] as const)));
}

export function memberTable(typings: string): MemberTable {
  const interfaces = parseInterfaces(typings);
  const nodes: Record<string, MemberLists> = {};
  for (const name of EMULATED_NODES) {
    const type = interfaces.get(name)?.typeLiteral;
    if (!type) throw new Error(`plugin-typings: ${name} has no \`type\` literal`);
    nodes[type] = lists(membersOf(interfaces, name));
  }
  const apis: Record<string, MemberLists> = {};
  for (const name of EMULATED_APIS) apis[name] = lists(membersOf(interfaces, name));
  return { nodes, apis };
}

/** The source of api-members.generated.ts. */
export function memberTableSource(typings: string, version: string): string {
  return [
    `// Generated by scripts/figma-members.ts from @figma/plugin-typings ${version}. Do not edit:`,
    '// run `npx tsx scripts/figma-members.ts` after updating the typings.',
    "import type { MemberTable } from './typings-members';",
    '',
    `export const TYPINGS_VERSION = ${JSON.stringify(version)};`,
    '',
    `export const API_MEMBERS: MemberTable = ${JSON.stringify(memberTable(typings), null, 1).replace(/\n {3,}/g, ' ').replace(/\n  \]/g, ' ]')};`,
    '',
  ].join('\n');
}
