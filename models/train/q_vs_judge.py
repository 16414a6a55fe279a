"""Does Q read what the judge reads? Per value of the given codes: Q's accuracy on held-out real renders,
then, on G's samples with that value, how often Q, the independent Q (when the run has one) and the
judge read it back; last, the judge on the same real renders with Gaussian noise (sigma 8 levels) and
with a 3x3 box blur — whether speckle or softness alone would make it misread the value. The check
behind models/README.md's session-6 change (Q read 100 % of G's stubble as stubble, the judge 33 %)
and session 7's finding on bald (both Qs 100 %, the judge ~56 %; real bald under noise or blur 100 %).

    /usr/bin/python3 models/train/q_vs_judge.py --run models/runs/personas64-v2 --heldout data/avatars-v2-heldout8k
"""
import argparse
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attributes import PERSONAS_CODES, categorical, label_tensors  # noqa: E402
from data import AvatarSet  # noqa: E402
from judge import load_judge  # noqa: E402
from train_semisup import load_independent_q, load_trained  # noqa: E402


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", default="models/runs/personas64-v2")
    p.add_argument("--heldout", default="data/avatars-v2-heldout8k", help="a data set with a held-out split (real renders)")
    p.add_argument("--judge", default="models/runs/judge-v3/judge.pt")
    p.add_argument("--codes", default="Hair style,Facial hair,Nose")
    p.add_argument("--per-value", type=int, default=128)
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    T = load_trained(args.run)
    D, G, lay = T["D"], T["G"], T["layout"]
    Q2 = load_independent_q(T)
    cats = categorical(PERSONAS_CODES)
    names = [c.name for c in cats]
    J, jspecs = load_judge(args.judge)
    jnames = [s.name for s in jspecs]
    held = AvatarSet(args.heldout, "heldout")
    y, _ = label_tensors(held.table, PERSONAS_CODES)
    with torch.no_grad():
        q_real = torch.cat([D(held.batch(torch.arange(i, min(i + 500, len(held)))))[1] for i in range(0, len(held), 500)])
    gen = torch.Generator().manual_seed(7)
    print("code | value | n real | Q on real | Q on G | Q2 on G | judge on G | the judge's commonest misreading | judge on real: clean / noise 8 / blur")
    jcode = lambda x, i: J(x.clamp(-1, 1))[0][jnames.index(cats[i].name)].argmax(1)   # noqa: E731
    for name in args.codes.split(","):
        i = names.index(name.strip())
        k, o = lay.categorical[i], sum(lay.categorical[:i])
        for v in range(k):
            m = y[:, i] == v
            q_acc = float((q_real[m, o:o + k].argmax(1) == v).float().mean()) if m.any() else float("nan")
            z, _, _ = T["sampler"](args.per_value, gen, "cpu")
            z[:, lay.noise + o:lay.noise + o + k] = 0
            z[:, lay.noise + o + v] = 1
            with torch.no_grad():
                x = G(z)
                qg = float((D(x)[1][:, o:o + k].argmax(1) == v).float().mean())
                q2g = f"{float((Q2(x)[:, o:o + k].argmax(1) == v).float().mean()):.3f}" if Q2 is not None else "-"
                jv = jcode(x, i)
                jg = float((jv == v).float().mean())
                wrong = jv[jv != v]
                w = int(wrong.mode().values) if len(wrong) else -1
                misread = f"{cats[i].labels[w]} {float((jv == w).float().mean()):.2f}" if w >= 0 else "-"
                real = held.batch(torch.nonzero(m).flatten()[:args.per_value]) if m.any() else None
                jr = "-"
                if real is not None:
                    noisy = real + torch.randn(real.shape, generator=gen) * 8 / 127.5
                    blur = F.avg_pool2d(F.pad(real, (1, 1, 1, 1), mode="replicate"), 3, 1)
                    jr = " / ".join(f"{float((jcode(r, i) == v).float().mean()):.3f}" for r in (real, noisy, blur))
            print(f"{cats[i].name} | {cats[i].labels[v]} | {int(m.sum())} | {q_acc:.3f} | {qg:.3f} | {q2g} | {jg:.3f} | {misread} | {jr}")


if __name__ == "__main__":
    main()
