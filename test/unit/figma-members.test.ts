/** The strict emulator's member table: generated from @figma/plugin-typings and kept up to date. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_MEMBERS } from '../../dev/emulator/api-members.generated';
import { memberMap, membersOf, parseInterfaces } from '../../dev/emulator/typings-members';
import { currentTableSource, TABLE_PATH, TYPINGS_PATH } from '../../scripts/figma-members';

describe('the member table', () => {
  it('is what scripts/figma-members.ts makes from the installed typings (run it after updating them)', () => {
    expect(readFileSync(TABLE_PATH, 'utf8')).toBe(currentTableSource());
  });

  it('says what the typings say about the members the plugin once read outside them', () => {
    const page = memberMap(API_MEMBERS.nodes.PAGE);
    const group = memberMap(API_MEMBERS.nodes.GROUP);
    const rect = memberMap(API_MEMBERS.nodes.RECTANGLE);
    expect([page.has('layoutMode'), page.has('absoluteTransform'), group.has('fills'), group.has('strokes')]).toEqual([false, false, false, false]);
    expect([page.get('selection'), page.get('children'), rect.get('fills'), rect.get('width'), rect.get('exportAsync')]).toEqual(['writable', 'readonly', 'writable', 'readonly', 'method']);
    expect(memberMap(API_MEMBERS.nodes.FRAME).get('layoutMode')).toBe('writable');
    expect(memberMap(API_MEMBERS.apis.PluginAPI).get('notify')).toBe('method');
    expect(memberMap(API_MEMBERS.apis.Image)).toEqual(new Map([['hash', 'readonly'], ['getBytesAsync', 'method'], ['getSizeAsync', 'method']]));
  });

  it('follows extends chains, Omit<…>, declaration merging and multi-line members', () => {
    const typings = `
      interface A { readonly a: string
        b(x: number): Promise<{
          nested: number
        }>
      }
      interface B extends A, Omit<C, 'c2'> { d?: Array<
        number
      > }
      interface C { c1: number; c2: number }
      interface C { c3(): void }
      interface N extends B { readonly type: 'N' }`;
    const interfaces = parseInterfaces(typings.replace(/; /g, '\n'));
    expect(membersOf(interfaces, 'N')).toEqual({ a: 'readonly', b: 'method', c1: 'writable', c3: 'method', d: 'writable', type: 'readonly' });
    expect(interfaces.get('N')?.typeLiteral).toBe('N');
  });

  it('finds every node interface of the typings that has a type literal', () => {
    const interfaces = parseInterfaces(readFileSync(TYPINGS_PATH, 'utf8'));
    const literals = [...interfaces.values()].filter((i) => i.name.endsWith('Node') && i.typeLiteral).map((i) => i.typeLiteral);
    expect(literals).toEqual(expect.arrayContaining(['PAGE', 'FRAME', 'GROUP', 'RECTANGLE', 'ELLIPSE', 'VECTOR', 'TEXT', 'INSTANCE', 'SECTION', 'COMPONENT']));
  });
});
