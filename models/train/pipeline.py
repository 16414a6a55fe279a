"""The whole pack pipeline behind `npm run train`: GAN -> encoder -> evidence -> export.
Every stage resumes or reuses what a previous invocation left in the run directory.

    npm run train -- --minutes 90 --encoder-minutes 15 --out models/personas64
    npm run train -- --stages gan --minutes 30          # only (continue) the GAN
    npm run train -- --dry-run                          # print the resolved options

Extra options after `--` that this script doesn't know are passed to train.py.
"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", default="runs/personas64", help="run directory")
    p.add_argument("--data", default="data/avatars", help="dataset folder (npm run dataset)")
    p.add_argument("--out", default="models/personas64", help="pack directory to write")
    p.add_argument("--title", default="Personas avatars, 64×64 (InfoGAN)")
    p.add_argument("--stages", default="gan,encoder,evidence,export", help="comma-separated stages to run")
    p.add_argument("--minutes", type=float, default=90, help="GAN training wall time for this invocation")
    p.add_argument("--encoder-minutes", type=float, default=15, help="encoder training wall time")
    p.add_argument("--dry-run", action="store_true")
    args, extra = p.parse_known_args()
    stages = args.stages.split(",")
    cmds = {
        "gan": [PY, os.path.join(HERE, "train.py"), "--run", args.run, "--data", args.data, "--minutes", str(args.minutes)] + extra,
        "encoder": [PY, os.path.join(HERE, "train_encoder.py"), "--run", args.run, "--data", args.data, "--minutes", str(args.encoder_minutes)],
        "evidence": [PY, os.path.join(HERE, "evidence.py"), "--run", args.run, "--data", args.data, "--out", os.path.join(args.out, "evidence")],
        "export": [PY, os.path.join(HERE, "export.py"), "--run", args.run, "--out", args.out, "--title", args.title,
                   "--meta", os.path.join(args.out, "evidence", "meta.json")],
    }
    for s in stages:
        if s not in cmds:
            sys.exit(f"unknown stage {s!r}; stages are {', '.join(cmds)}")
    if args.dry_run:
        for s in stages:
            print(" ".join(cmds[s]))
        subprocess.run(cmds["gan"] + ["--dry-run"], check=True)
        return
    for s in stages:
        print(f"[pipeline] {s}: {' '.join(cmds[s])}", flush=True)
        subprocess.run(cmds[s], check=True)


if __name__ == "__main__":
    main()
