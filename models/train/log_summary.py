"""Side-by-side summary of training logs over the same span: block means of the per-step log values.

    /usr/bin/python3 models/train/log_summary.py --from-kimg 3988.5 --block 10 \
        control=models/runs/personas64-v2/log.jsonl snap=models/runs/ablation-snap/log-all-pixels.jsonl

An ablation arm's first sign is often in D's loss and the batch spread, long before the EMA generator's
metrics move (session 23: the palette term took D's hinge loss from ~0.2 to ~0.05 within 30 kimg).
Each log line's values are one batch's, so a block averages the lines whose kimg falls in it.
"""
import argparse
import json
from collections import defaultdict

KEYS = ("loss_d", "loss_g", "spread", "speckle_fake", "snap_residual", "loss_texture_d", "q2_acc_fake")


def blocks(path, start, size, keys=KEYS):
    """{block start kimg: {key: mean}} over the train lines (not metrics lines) at kimg > start."""
    acc = defaultdict(lambda: defaultdict(list))
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            if r.get("kind") == "metrics" or "loss_d" not in r or r["kimg"] <= start:
                continue
            b = start + size * int((r["kimg"] - start) // size)
            for k in keys:
                if k in r:
                    acc[b][k].append(float(r[k]))
    return {b: {k: sum(v) / len(v) for k, v in d.items()} for b, d in sorted(acc.items())}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("logs", nargs="+", help="name=path/to/log.jsonl")
    p.add_argument("--from-kimg", type=float, required=True, help="only lines after this many thousand images")
    p.add_argument("--block", type=float, default=10.0, help="block size, thousand images")
    p.add_argument("--keys", default=",".join(KEYS[:4]) + ",snap_residual")
    args = p.parse_args(argv)
    keys = args.keys.split(",")
    runs = {name: blocks(path, args.from_kimg, args.block, keys) for name, path in (s.split("=", 1) for s in args.logs)}
    spans = sorted({b for r in runs.values() for b in r})
    print("| kimg | " + " | ".join(f"{n}: {k}" for n in runs for k in keys) + " |")
    print("|---" * (1 + len(runs) * len(keys)) + "|")
    for b in spans:
        cells = [f"{runs[n][b][k]:.3f}" if b in runs[n] and k in runs[n][b] else "" for n in runs for k in keys]
        print(f"| {b:.0f}–{b + args.block:.0f} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
