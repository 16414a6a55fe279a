/** A benchmark peer in a child process speaking JSON lines (bench/ort-peer.ts, bench/torch_peer.py). */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

export class Peer {
  private waiting: ((line: string) => void)[] = [];
  private constructor(readonly name: string, private proc: ChildProcessWithoutNullStreams) {
    createInterface({ input: proc.stdout }).on('line', (line) => this.waiting.shift()?.(line));
  }

  static start(name: string, cmd: string, args: string[]): Peer {
    const proc = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    proc.stderr.on('data', () => {}); // warnings from the runtimes are not results
    return new Peer(name, proc);
  }

  /** Sends one message and resolves with the answer; rejects on an error answer or a dead peer. */
  ask<T = Record<string, unknown>>(msg: Record<string, unknown>, timeoutMs = 120_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no answer to ${msg.cmd} in ${timeoutMs} ms`)), timeoutMs);
      const onExit = () => reject(new Error(`${this.name}: exited`));
      this.proc.once('exit', onExit);
      this.waiting.push((line) => {
        clearTimeout(timer);
        this.proc.off('exit', onExit);
        const out = JSON.parse(line) as T & { error?: string };
        if (out.error) reject(new Error(`${this.name}: ${out.error}`));
        else resolve(out);
      });
      this.proc.stdin.write(JSON.stringify(msg) + '\n');
    });
  }

  stop(): void {
    this.proc.stdin.end(JSON.stringify({ cmd: 'quit' }) + '\n');
    setTimeout(() => this.proc.kill(), 1000).unref();
  }
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
