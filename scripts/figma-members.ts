/**
 * Writes dev/emulator/api-members.generated.ts: the members each emulated node type and API
 * object has according to @figma/plugin-typings (dev/emulator/typings-members.ts parses them).
 * Run after updating the typings; test/unit/figma-members.test.ts fails until you do.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { memberTableSource } from '../dev/emulator/typings-members';

export const TYPINGS_PATH = 'node_modules/@figma/plugin-typings/plugin-api.d.ts';
export const TABLE_PATH = 'dev/emulator/api-members.generated.ts';

export function currentTableSource(): string {
  const { version } = JSON.parse(readFileSync('node_modules/@figma/plugin-typings/package.json', 'utf8')) as { version: string };
  return memberTableSource(readFileSync(TYPINGS_PATH, 'utf8'), version);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(TABLE_PATH, currentTableSource());
  console.log(`wrote ${TABLE_PATH}`);
}
