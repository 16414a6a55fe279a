/** Peak memory of an edit at B = 16 and of a 4096² transfer, each in a fresh process. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export function benchMemory(pack: string, say: (s: string) => void): Record<string, unknown> {
  say('\n## Memory (peak resident set of a fresh Node process running the engine, as the worker would)');
  say('| job | after loading the pack + projecting | peak |');
  say('|---|---|---|');
  const out: Record<string, unknown> = {};
  for (const job of ['edit', 'transfer']) {
    const raw = execFileSync(join('node_modules', '.bin', 'tsx'), ['bench/memory-child.ts', job, pack], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const r = JSON.parse(raw.trim().split('\n').pop()!) as { baselineMiB: number; peakMiB: number };
    out[job] = r;
    say(`| ${job === 'edit' ? 'edit, colour stroke, B = 16, 40 steps' : 'edit transfer at 4096²'} | ${r.baselineMiB.toFixed(0)} MiB | ${r.peakMiB.toFixed(0)} MiB |`);
  }
  return out;
}
