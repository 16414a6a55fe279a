"""The judge: an attribute classifier trained on real renders only (never on a generator's
output, and independent of D/Q), used to score what a generator's codes do (judge_metrics.py).

    /usr/bin/python3 models/train/judge.py --data data/avatars-v2 --out models/runs/judge --minutes 20

One head per named code (attributes.PERSONAS_CODES; the skin-tone scale is classified into its
seven values). Its penultimate layer is the feature space of the Fréchet distance. Writes
judge.pt (fp16, resumed if present) and judge.json (held-out accuracy per attribute).
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attributes import PERSONAS_CODES, CodeSpec, value_index  # noqa: E402
from data import AvatarSet  # noqa: E402


def labels(table, specs):
    """[N, n_codes] value indices (continuous codes too: the index on their scale)."""
    return torch.tensor([[value_index(s, r["attrs"]) for s in specs] for r in table], dtype=torch.long)


class Judge(nn.Module):
    """image [B, 3, 64, 64] in [-1, 1] -> (logits per code: list of [B, k], features [B, 256])."""

    def __init__(self, classes, width: int = 32):
        super().__init__()
        c = [width, width * 2, width * 4, width * 8]
        layers, cin = [], 3
        for co in c:                                      # 64 -> 32 -> 16 -> 8 -> 4
            layers += [nn.Conv2d(cin, co, 4, 2, 1, bias=False), nn.BatchNorm2d(co), nn.ReLU(True)]
            cin = co
        self.trunk = nn.Sequential(*layers)
        self.fc = nn.Sequential(nn.Flatten(), nn.Linear(c[3] * 16, 256), nn.BatchNorm1d(256), nn.ReLU(True))
        self.heads = nn.ModuleList([nn.Linear(256, k) for k in classes])

    def forward(self, x):
        f = self.fc(self.trunk(x))
        return [h(f) for h in self.heads], f


def load_judge(path: str):
    ck = torch.load(path, map_location="cpu")
    J = Judge(ck["classes"], ck["width"])
    J.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in ck["J"].items()})
    return J.eval().requires_grad_(False), [CodeSpec(**s) for s in ck["specs"]]


@torch.no_grad()
def accuracy(J, data, y, batch=512):
    correct = torch.zeros(y.shape[1])
    for i in range(0, len(data), batch):
        idx = torch.arange(i, min(i + batch, len(data)))
        logits, _ = J(data.batch(idx))
        for k, l in enumerate(logits):
            correct[k] += (l.argmax(1) == y[idx, k]).sum()
    return (correct / len(data)).tolist()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default="data/avatars-v2")
    p.add_argument("--out", default="models/runs/judge")
    p.add_argument("--width", type=int, default=32)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--minutes", type=float, default=20.0, help="wall-time budget of this invocation")
    p.add_argument("--epochs", type=float, default=8.0, help="stop after this many passes over the training set in total")
    p.add_argument("--threads", type=int, default=0)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads or os.cpu_count() or 1)
    specs = PERSONAS_CODES
    train, held = AvatarSet(args.data, "train"), AvatarSet(args.data, "heldout")
    ytr, yho = labels(train.table, specs), labels(held.table, specs)
    classes = [len(s.values) for s in specs]
    J = Judge(classes, args.width)
    opt = torch.optim.Adam(J.parameters(), args.lr)
    total_steps = int(args.epochs * len(train) / args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, args.lr, total_steps=total_steps + 1)
    st = dict(step=0)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "judge.pt")
    if os.path.exists(path):
        ck = torch.load(path, map_location="cpu")
        J.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in ck["J"].items()})
        st = ck["state"]
        for _ in range(st["step"]):
            sched.step()
    gen = torch.Generator().manual_seed(st["step"])
    t0 = time.time()
    J.train()
    while st["step"] < total_steps and time.time() - t0 < args.minutes * 60:
        idx = torch.randint(0, len(train), (args.batch,), generator=gen)
        x = train.batch(idx)
        # small shifts: the judge must not depend on exact pixel positions a generator may miss by one
        dx, dy = [int(v) for v in torch.randint(-2, 3, (2,), generator=gen)]
        x = torch.roll(x, (dy, dx), (2, 3))
        logits, _ = J(x)
        loss = sum(F.cross_entropy(l, ytr[idx, k]) for k, l in enumerate(logits))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step(); sched.step()
        st["step"] += 1
        if st["step"] % 100 == 0:
            print(f"[judge] step {st['step']}/{total_steps} loss {loss.item():.3f}", flush=True)
    J.eval()
    acc = accuracy(J, held, yho)
    report = dict(steps=st["step"], epochs=st["step"] * args.batch / len(train), done=st["step"] >= total_steps,
                  heldout=len(held), accuracy={s.attribute: round(a, 4) for s, a in zip(specs, acc)})
    torch.save(dict(J={k: v.half() if v.is_floating_point() else v for k, v in J.state_dict().items()}, state=st,
                    classes=classes, width=args.width, specs=[s.__dict__ for s in specs]), path)
    with open(os.path.join(args.out, "judge.json"), "w") as f:
        json.dump(report, f, indent=2)
    print("[judge] " + json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
