/**
 * The edit step at B = 8 on one thread, by process-CPU ms as well as wall ms, for a shared machine
 * (wall time there mostly measures waiting for a core): onnxruntime-web wasm on each pack given,
 * against PyTorch eager + autograd (the researcher's generator) and PyTorch with our explicit
 * backward, interleaved one step each, medians.
 *   npx tsx bench/step-cpu.ts <pack> [<pack> …] [--reps 30]
 */
import { join } from 'node:path';
import { Peer, median } from './peer.js';

const argv = process.argv.slice(2);
const reps = argv.includes('--reps') ? Number(argv[argv.indexOf('--reps') + 1]) : 30;
const packs = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--reps');

async function mainAsync(): Promise<void> {
  const tsx = join('node_modules', '.bin', 'tsx');
  const runs: { label: string; peer: Peer; msg: Record<string, unknown> }[] = [];
  for (const pack of packs) {
    const peer = Peer.start(`web ${pack}`, tsx, ['bench/ort-peer.ts', 'web', '1']);
    await peer.ask({ cmd: 'init', pack });
    runs.push({ label: `onnxruntime-web wasm, 1 thread, ${pack}`, peer, msg: { cmd: 'step', batch: 8 } });
  }
  const torch = Peer.start('torch', '/usr/bin/python3', ['bench/torch_peer.py']);
  await torch.ask({ cmd: 'init', pack: packs[0], threads: 1, batches: [8] }, 600_000);
  runs.push({ label: 'PyTorch eager + autograd, 1 thread', peer: torch, msg: { cmd: 'step', mode: 'autograd', batch: 8 } });
  runs.push({ label: 'PyTorch, our explicit backward, 1 thread', peer: torch, msg: { cmd: 'step', mode: 'explicit', batch: 8 } });
  const wall = runs.map((): number[] => []), cpu = runs.map((): number[] => []);
  for (let r = -3; r < reps; r++) {
    for (const [k, run] of runs.entries()) {
      const o = await run.peer.ask<{ ms: number; cpuMs: number }>(run.msg, 600_000);
      if (r >= 0) { wall[k]!.push(o.ms); cpu[k]!.push(o.cpuMs); }
    }
  }
  for (const peer of new Set(runs.map((run) => run.peer))) peer.stop();
  const ref = median(cpu[packs.length]!);
  console.log(`edit step, B = 8, median of ${reps} interleaved`);
  console.log('| runtime | wall ms | CPU ms | PyTorch autograd CPU / this CPU |');
  console.log('|---|---|---|---|');
  runs.forEach((run, k) => console.log(`| ${run.label} | ${median(wall[k]!).toFixed(1)} | ${median(cpu[k]!).toFixed(1)} | ${(ref / median(cpu[k]!)).toFixed(2)}× |`));
}

void mainAsync();
