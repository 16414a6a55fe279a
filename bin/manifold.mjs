#!/usr/bin/env node
// The `manifold` command (package.json "bin"). Runs cli/main.ts through tsx (a devDependency, so
// `npm ci` then `npx manifold --help` works from a clone); a bundled dist/manifold-cli.mjs is used
// instead when one has been built.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'manifold-cli.mjs');
let mod;
if (existsSync(built)) {
  mod = await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import(pathToFileURL(join(root, 'cli', 'main.ts')).href);
}
// Relative paths (the default pack, inputs) are taken from the current directory.
process.exitCode = await mod.runCli(process.argv.slice(2));
