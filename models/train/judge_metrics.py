"""Score a generator with the judge (judge.py): what each named code does, and how real the samples are.

    /usr/bin/python3 models/train/judge_metrics.py --run models/runs/personas64-v2      # a v2 run (state.pt.xz)
    /usr/bin/python3 models/train/judge_metrics.py --pack models/personas64             # an exported pack (realism only)

- control: for each categorical code and value, --per-value latents with that value (the other
  codes and the noise drawn as in training); the judge's agreement with the value, per value
  and mean. Continuous codes tied to an ordered attribute: swept over 7 values, eta^2 of the
  judge's expected value on the scale, and whether the sweep moves it monotonically.
- speckle: the share of neighbour pixel pairs differing by 1-16 levels, samples and held-out real;
  and of those, the isolated ones (the 3x3 median does not step there: noise, not shading)
  (flat-colour renders are flat: ~4 %).
- realism: Fréchet distance between samples and held-out real renders in the judge's
  penultimate features; mean distance (RMS, 0-1 pixel units) from a sample to its nearest
  training image, next to held-out real images' own.
Prints one JSON line; with --log appends it to the run's log.jsonl (kind "metrics").
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from scipy import linalg

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attributes import categorical, continuous  # noqa: E402
from data import AvatarSet  # noqa: E402
from judge import load_judge  # noqa: E402
from nets import Generator, LatentLayout  # noqa: E402


def load_run(run, data_dir=None):
    """-> (G_ema eval with standing stats, sampler(n, gen, device), layout, specs, progress)."""
    import train_semisup as ts
    t = ts.load_trained(run, data_dir)
    return t["G"], t["sampler"], t["layout"], ts.PERSONAS_CODES, dict(kimg=t["state"]["images"] / 1000, minutes=t["state"]["seconds"] / 60)


def load_pack(pack_dir):
    """A generator from an exported pack's ONNX (BatchNorm folded) -> (G, plain uniform sampler, layout)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from graphs import FoldedGenerator
    from pack_weights import load_graph, pack_json
    pack = pack_json(pack_dir)
    _, inits = load_graph(pack_dir, "generator", pack)   # widens float16 packs, as the engine does
    n = sum(1 for k in inits if k.startswith("G.ws."))
    ws = [inits["G.w1"]] + [inits[f"G.ws.{i}"] for i in range(n)]
    bs = [inits["G.b1"]] + [inits[f"G.bs.{i}"] for i in range(n)]
    lat = pack["latent"]
    cats = [c["size"] for c in lat["codes"] if c["kind"] == "categorical"]
    conts = sum(1 for c in lat["codes"] if c["kind"] == "continuous")
    lay = LatentLayout(lat["noise"]["size"], cats, conts)

    class G(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.f = FoldedGenerator.from_tensors(ws[0], bs[0], ws[1:], bs[1:])

        def forward(self, z):
            return self.f(z)[0]

    g = G().eval()
    with torch.no_grad():   # the reconstructed G must be the pack's: compare with a known structure check
        assert g(lay.sample(2)[0]).shape == (2, 3, 64, 64)
    draw = lambda n, gen, device="cpu": lay.sample(n, gen, device)   # noqa: E731
    return g, draw, lay


def pack_snap(pack_dir):
    """(palette, levels) a pack's image outputs are snapped with (pack.json "snap"), or (None, None)."""
    from pack_weights import pack_json
    s = pack_json(pack_dir).get("snap")
    return (s["colours"], s["levels"]) if s else (None, None)


@torch.no_grad()
def generate(G, z, batch=256):
    return torch.cat([G(z[i : i + batch]) for i in range(0, len(z), batch)])


@torch.no_grad()
def judge_all(J, x, batch=512):
    outs = [J(x[i : i + batch]) for i in range(0, len(x), batch)]
    logits = [torch.cat([o[0][k] for o in outs]) for k in range(len(outs[0][0]))]
    return logits, torch.cat([o[1] for o in outs])


def set_code(z, lay, code_pos, value, kind):
    """Latents z with categorical code #code_pos set to one-hot `value`, or continuous #code_pos to `value`."""
    z = z.clone()
    if kind == "categorical":
        o = lay.noise + sum(lay.categorical[:code_pos])
        z[:, o : o + lay.categorical[code_pos]] = 0
        z[:, o + value] = 1
    else:
        z[:, lay.noise + sum(lay.categorical) + code_pos] = value
    return z


def eta2(values, groups):
    v = np.asarray(values, float)
    g = np.asarray(groups)
    tot = ((v - v.mean()) ** 2).sum()
    between = sum((g == k).sum() * (v[g == k].mean() - v.mean()) ** 2 for k in np.unique(g))
    return float(between / tot) if tot > 0 else 0.0


def frechet(a, b):
    a, b = a.double().numpy(), b.double().numpy()
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = linalg.sqrtm(s1 @ s2)   # (SciPy >= 1.16 dropped the `disp` argument older code passed)
    covmean = (covmean[0] if isinstance(covmean, tuple) else covmean).real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1 + s2 - 2 * covmean))


def nn_distance(x, train_flat):
    """Mean over x of the RMS pixel distance (0-1 units) to the nearest row of train_flat [M, D] (in [-1, 1])."""
    q = x.flatten(1)
    d2 = (q ** 2).sum(1, keepdim=True) - 2 * q @ train_flat.T + (train_flat ** 2).sum(1)[None]
    return float((d2.min(1).values.clamp_min(0) / q.shape[1]).sqrt().mean() / 2)


def quantised(x):
    """x in [-1, 1] as the panel shows it: 0-255 levels."""
    return ((x.clamp(-1, 1) + 1) * 127.5).round()


def _steps(q):
    """Each right and each down neighbour pair's difference, max over RGB: [B, 3, H, W] -> flat."""
    return torch.cat([(q[:, :, :, 1:] - q[:, :, :, :-1]).abs().amax(1).flatten(), (q[:, :, 1:] - q[:, :, :-1]).abs().amax(1).flatten()])


def speckle_share(x, levels: int = 16):
    """Share of neighbour pixel pairs (right and down) that differ by 1..levels 0-255 levels (max over RGB),
    on images quantised as the panel shows them. Flat-colour renders: ~4 % (anti-aliased edges, the bald
    highlight); speckle in flat regions raises it (G at 858 kimg: ~76 %). x in [-1, 1], [B, 3, H, W]."""
    d = _steps(quantised(x))
    return float(((d >= 1) & (d <= levels)).float().mean())


def isolated_speckle_share(x, levels: int = 16):
    """The part of speckle_share that is isolated noise, not shading: pairs differing by 1..levels where the
    image's 3x3 median does not step between the two pixels. A flat fill drawn as a gentle gradient steps in
    its median too; a pixel a few levels off its flat neighbours does not (session 16, G at 2324 kimg: 55 %
    of pairs in all, 42 % shading and edges, 14 % isolated; held-out real renders 3.7 %, 0.6 %)."""
    q = quantised(x)
    m = F.pad(q, (1, 1, 1, 1), mode="replicate").unfold(2, 3, 1).unfold(3, 3, 1).reshape(*q.shape, 9).median(-1).values
    d, dm = _steps(q), _steps(m)
    return float(((d >= 1) & (d <= levels) & (dm == 0)).float().mean())


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", help="a v2 run directory (state.pt.xz)")
    p.add_argument("--pack", help="an exported pack directory (realism metrics only)")
    p.add_argument("--judge", default="models/runs/judge-v3/judge.pt")
    p.add_argument("--data", default="data/avatars-v2")
    p.add_argument("--per-value", type=int, default=256, help="latents per code value")
    p.add_argument("--samples", type=int, default=2048, help="samples for the Fréchet distance")
    p.add_argument("--nn-train", type=int, default=10000, help="training images searched for nearest neighbours")
    p.add_argument("--log", action="store_true", help="append the result to <run>/log.jsonl")
    p.add_argument("--codes", help="comma-separated code names: control for these only, no realism (a quick check of "
                                   "one code while a run trains; never with --log)")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--snap", type=float, default=None, help="score G with its output snapped to the renders' flat colours "
                   "within this many levels (palette.py); a pack built with a snap is snapped as its graphs are")
    args = p.parse_args(argv)
    only = [c.strip() for c in args.codes.split(",")] if args.codes else None
    if only and args.log:
        p.error("--codes gives a partial line: not for the run's log")
    torch.set_num_threads(args.threads or os.cpu_count() or 1)
    t0 = time.time()
    J, jspecs = load_judge(args.judge)
    gen = torch.Generator().manual_seed(99)
    out = dict(kind="metrics", perValue=args.per_value, samples=args.samples, judge=args.judge)
    # The judge's own accuracy on held-out real renders of each value (judge.json): its ceiling.
    jreport = os.path.join(os.path.dirname(args.judge), "judge.json")
    real = json.load(open(jreport)).get("perValue", {}) if os.path.exists(jreport) else {}
    if args.run:
        G, sampler, lay, specs, prog = load_run(args.run, args.data)
        draw = lambda n: sampler(n, gen, "cpu")[0]   # noqa: E731
        out.update(prog)
    else:
        G, d, lay = load_pack(args.pack)
        draw = lambda n: d(n, gen)[0]   # noqa: E731
        specs = []
        out["pack"] = args.pack
    palette, snap = pack_snap(args.pack) if args.pack else (None, None)
    snap = args.snap if args.snap is not None else snap
    if snap:   # the pack's own colours where it has them, else the data's (palette.py)
        from palette import SnappedGenerator, palette_for
        G = SnappedGenerator(G, palette or palette_for(args.data), snap)
        out["snapLevels"] = snap
    if only:
        unknown = set(only) - {s.name for s in specs}
        if unknown:
            p.error(f"--codes: no code named {', '.join(sorted(unknown))}")

    # Control.
    control = {}
    jpos = {s.attribute: i for i, s in enumerate(jspecs)}
    cats = categorical(specs)
    for ci, s in enumerate(cats):
        if only and s.name not in only:
            continue
        per = []
        for v in range(len(s.values)):
            z = set_code(draw(args.per_value), lay, ci, v, "categorical")
            if s.hidden_by:   # measure where the attribute can be seen: redraw what hides it (hair colour under a cap)
                hi = [c.attribute for c in cats].index(s.hidden_by[0])
                hspec = cats[hi]
                visible = [j for j, val in enumerate(hspec.values) if val not in s.hidden_by[1]]
                for r in range(len(z)):
                    z[r : r + 1] = set_code(z[r : r + 1], lay, hi, visible[int(torch.randint(len(visible), (1,), generator=gen))], "categorical")
            logits, _ = judge_all(J, generate(G, z))
            per.append(float((logits[jpos[s.attribute]].argmax(1) == v).float().mean()))
        control[s.name] = dict(kind="categorical", mean=round(float(np.mean(per)), 4), min=round(min(per), 4),
                               perValue={lab: round(a, 3) for lab, a in zip(s.labels, per)})
        if s.attribute in real:   # the same judge on real renders of each value
            control[s.name]["real"] = {lab: real[s.attribute].get(val) for lab, val in zip(s.labels, s.values)}
        if s.hidden_by:
            control[s.name]["measuredWhere"] = f"{s.hidden_by[0]} not in {list(s.hidden_by[1])}"
    for ci, s in enumerate(continuous(specs)):
        if only and s.name not in only:
            continue
        sweep = np.linspace(-1, 1, 7)
        scores, groups, means = [], [], []
        for gi, v in enumerate(sweep):
            z = set_code(draw(args.per_value), lay, ci, float(v), "continuous")
            logits, _ = judge_all(J, generate(G, z))
            prob = logits[jpos[s.attribute]].softmax(1)
            e = (prob * torch.arange(prob.shape[1])).sum(1)     # the judge's expected position on the scale
            scores += e.tolist(); groups += [gi] * len(e); means.append(float(e.mean()))
        control[s.name] = dict(kind="continuous", eta2=round(eta2(scores, groups), 4),
                               monotonic=bool(all(b > a for a, b in zip(means, means[1:]))),
                               means=[round(m, 3) for m in means])
    if control:
        out["control"] = control
        cats = [c for c in control.values() if c["kind"] == "categorical"]
        if cats:
            out["controlMean"] = round(float(np.mean([c["mean"] for c in cats])), 4)
            out["controlMin"] = round(float(min(c["min"] for c in cats)), 4)
    if only:
        out["seconds"] = round(time.time() - t0, 1)
        print(json.dumps(out), flush=True)
        return out

    # Realism.
    held = AvatarSet(args.data, "heldout")
    real = held.batch(torch.arange(len(held)))
    fake = generate(G, draw(args.samples))
    _, f_real = judge_all(J, real)
    _, f_fake = judge_all(J, fake)
    out["fd"] = round(frechet(f_fake, f_real), 3)
    train = AvatarSet(args.data, "train")
    tr = train.batch(torch.randperm(len(train), generator=torch.Generator().manual_seed(5))[: args.nn_train]).flatten(1)
    out["nnSample"] = round(nn_distance(fake[:256], tr), 4)
    out["nnHeldout"] = round(nn_distance(real[:256], tr), 4)
    out["speckleSample"] = round(speckle_share(fake), 4)
    out["speckleHeldout"] = round(speckle_share(real), 4)
    out["speckleIsolatedSample"] = round(isolated_speckle_share(fake), 4)
    out["speckleIsolatedHeldout"] = round(isolated_speckle_share(real), 4)
    out["seconds"] = round(time.time() - t0, 1)
    line = json.dumps(out)
    print(line, flush=True)
    if args.log and args.run:
        with open(os.path.join(args.run, "log.jsonl"), "a") as f:
            f.write(line + "\n")
        # the run's latest scores on their own, for readers of the run folder
        with open(os.path.join(args.run, "metrics-latest.json"), "w") as f:
            f.write(line + "\n")
    return out


if __name__ == "__main__":
    main()
