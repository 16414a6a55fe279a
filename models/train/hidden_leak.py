"""Does G show an attribute where the real renders cannot (hair colour on a bald head, under a cap)?

A run's own Q reads the hidden code on G's samples with that code set, and on real renders of the
same hair style: on real ones it can only guess (the renders do not show it), so a Q that reads G's
far above that means G draws a cue real avatars lack — a tinted scalp the judge then reads as a
buzz cut. `--mask-hidden` (train_semisup.py) is the fix; this is its measurement.

    /usr/bin/python3 models/train/hidden_leak.py --run models/runs/personas64-v2 [--n 128]
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attributes import PERSONAS_CODES, categorical  # noqa: E402
from data import AvatarSet  # noqa: E402
from train_semisup import load_trained  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", required=True)
    p.add_argument("--data", default="data/avatars-v2")
    p.add_argument("--n", type=int, default=128, help="latents per hair style (and at most this many real renders)")
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    T = load_trained(a.run, a.data)
    lay, G, D = T["layout"], T["G"], T["D"]
    cats = categorical(PERSONAS_CODES)
    names = [c.name for c in cats]
    data = AvatarSet(a.data, "train")
    hair = np.array([r["attrs"]["hair"] for r in data.table])
    off = [lay.noise + sum(lay.categorical[:i]) for i in range(len(lay.categorical))]
    z0, _, _ = T["sampler"](a.n, torch.Generator().manual_seed(5), "cpu")
    print(f"{a.run} at {T['state']['images'] / 1000:.1f} kimg: the run's Q reading a hidden code (G: code set; real: the label)")
    for ci, spec in enumerate(cats):
        if not spec.hidden_by:
            continue
        hi = names.index(next(c.name for c in cats if c.attribute == spec.hidden_by[0]))
        k, o = lay.categorical[ci], sum(lay.categorical[:ci])
        attr = np.array([str(r["attrs"].get(spec.attribute, spec.missing)).lower() for r in data.table])
        for style in list(spec.hidden_by[1]) + [cats[hi].values[-8]]:   # the hidden ones, and one that shows it
            z = z0.clone()
            z[:, off[hi]:off[hi] + lay.categorical[hi]] = 0
            z[:, off[hi] + cats[hi].values.index(style)] = 1
            want = torch.arange(a.n) % k
            z[:, off[ci]:off[ci] + k] = 0
            z[torch.arange(a.n), off[ci] + want] = 1
            with torch.no_grad():
                acc_g = (D(G(z))[1][:, o:o + k].argmax(1) == want).float().mean().item()
                ids = np.nonzero(hair == style)[0][:a.n]
                lab = torch.tensor([spec.values.index(v) for v in attr[ids]])
                acc_r = (D(data.batch(torch.tensor(ids), "cpu"))[1][:, o:o + k].argmax(1) == lab).float().mean().item()
            hidden = "hidden" if style in spec.hidden_by[1] else "shown"
            print(f"  {spec.name} on {style} ({hidden}): G {acc_g:.2f}, real {acc_r:.2f}, chance {1 / k:.2f}")


if __name__ == "__main__":
    main()
