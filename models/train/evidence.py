"""Evidence for a pack: sample grid, one traversal grid per InfoGAN code, nearest training
neighbours, held-out reconstruction error (encoder-only / optimisation-only / hybrid) and
what each code captured, measured against the DiceBear attributes. Writes PNGs and
evidence.json/evidence.md into --out, and meta.json (code names) for export.py --meta.

    /usr/bin/python3 models/train/evidence.py --run runs/personas64 --out models/personas64/evidence
"""
import argparse
import json
import math
import os
import re
import sys
import time
from collections import Counter, defaultdict

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import AvatarSet  # noqa: E402
from grid import save_grid  # noqa: E402
from nets import Discriminator, Encoder, Generator, LatentLayout, standing_stats  # noqa: E402

ATTRS = ["hair", "body", "eyes", "mouth", "nose", "facialHair", "hairColor", "skinColor", "clothingColor", "primaryBackgroundColor"]
# Display labels of DiceBear attribute values, for designers (pack.json `labels`; the raw values go in `values`).
VALUE_LABELS = {"bobBangs": "Bob with bangs", "bunUndercut": "Bun with undercut", "shortComboverChops": "Short combover"}


def display_label(value):
    """'curlyBun' -> 'Curly bun' (camelCase split, sentence case), or the table's wording."""
    if value in VALUE_LABELS:
        return VALUE_LABELS[value]
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", value).split()
    return " ".join([words[0][:1].upper() + words[0][1:]] + [w.lower() for w in words[1:]]) if words else value


PRETTY = {"hair": "Hair style", "body": "Body", "eyes": "Eyes", "mouth": "Mouth", "nose": "Nose", "facialHair": "Facial hair",
          "hairColor": "Hair colour", "skinColor": "Skin tone", "clothingColor": "Clothing colour", "primaryBackgroundColor": "Background"}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", default="runs/personas64")
    p.add_argument("--data", default="data/avatars")
    p.add_argument("--out", default="models/personas64/evidence")
    p.add_argument("--heldout", type=int, default=256, help="held-out images for the reconstruction table")
    p.add_argument("--iters", type=int, default=100, help="L-BFGS-B iterations per projection")
    p.add_argument("--feature-weight", type=float, default=0.1)
    p.add_argument("--skip-recon", action="store_true")
    p.add_argument("--rename", action="store_true",
                   help="only re-derive code names (meta.json) and evidence.md from an existing evidence.json in --out")
    return p.parse_args(argv)


def load(run):
    ck = torch.load(os.path.join(run, "ckpt.pt"), map_location="cpu")
    lay = LatentLayout(**ck["layout"])
    a = ck["args"]
    G, D, P = Generator(lay.size, a["ngf"]), Discriminator(lay, a["ndf"]), Encoder(lay, a["ndf"])
    G.load_state_dict(ck["G_ema"]); D.load_state_dict(ck["D"])
    ep = os.path.join(run, "encoder.pt")
    has_enc = os.path.exists(ep)
    if has_enc:
        P.load_state_dict(torch.load(ep, map_location="cpu")["P"])
    standing_stats(G, lay, batches=16, batch=128)
    for n in (G, D, P):
        n.eval().requires_grad_(False)
    return lay, G, D, P, has_enc


def nmi(a, b):
    """Normalised mutual information (arithmetic mean of entropies) between two label lists."""
    n = len(a)
    ca, cb, cab = Counter(a), Counter(b), Counter(zip(a, b))
    ha = -sum(v / n * math.log(v / n) for v in ca.values())
    hb = -sum(v / n * math.log(v / n) for v in cb.values())
    mi = sum(v / n * math.log((v / n) / (ca[x] / n * cb[y] / n)) for (x, y), v in cab.items())
    return 0.0 if ha + hb == 0 else 2 * mi / (ha + hb)


def eta2(values, labels):
    """Correlation ratio: the share of a continuous value's variance explained by a categorical attribute."""
    v = np.asarray(values, float)
    groups = defaultdict(list)
    for x, l in zip(v, labels):
        groups[l].append(x)
    tot = ((v - v.mean()) ** 2).sum()
    between = sum(len(g) * (np.mean(g) - v.mean()) ** 2 for g in groups.values())
    return float(between / tot) if tot > 0 else 0.0


def project(G, D, x, z_init, lay, iters, wf, fixed_mask):
    """L-BFGS-B (scipy) on pixel + wf·feature loss within the latent box; categorical dims fixed."""
    from scipy.optimize import minimize
    fx = D.features(x, 3)
    free = ~fixed_mask
    z_fixed = z_init.clone()

    def f(v):
        z = z_fixed.clone()
        z[0, free] = torch.from_numpy(v).float()
        z.requires_grad_(True)
        img = G(z)
        loss = F.mse_loss(img, x) + wf * F.mse_loss(D.features(img, 3), fx)
        g, = torch.autograd.grad(loss, z)
        return loss.item(), g[0, free].double().numpy()

    r = minimize(f, z_init[0, free].double().numpy(), jac=True, method="L-BFGS-B",
                 bounds=[(-1, 1)] * int(free.sum()), options=dict(maxiter=iters))
    z = z_fixed.clone()
    z[0, free] = torch.from_numpy(r.x).float()
    return z


def snap(z, lay):
    z = z.clone()
    o = lay.noise
    for k in lay.categorical:
        z[:, o : o + k] = F.one_hot(z[:, o : o + k].argmax(1), k).float()
        o += k
    return z


def code_names(codes, found):
    # Names for pack.json, from the attribute each code tracks best: the categorical code first
    # (its chips show that attribute's values), then the continuous codes, strongest first, each
    # taking its best attribute not named yet (score >= 0.1), else "<best> variation". Names are
    # unique: the engine and the panel address codes by name.
    names, used = {}, set()
    def pick(i, f):
        sc = f.get("nmi") or f.get("eta2")
        ranked = [a for a, v in sorted(sc.items(), key=lambda kv: -kv[1]) if v >= 0.1]
        free = [a for a in ranked if a not in used]
        if free:
            used.add(free[0])
            return PRETTY[free[0]], free[0], sc[free[0]]
        if ranked:
            return PRETTY[ranked[0]] + " variation", ranked[0], sc[ranked[0]]
        return None, f["best"], sc[f["best"]]
    order = [i for i, c in enumerate(codes) if c["kind"] == "categorical"] + sorted(
        [i for i, c in enumerate(codes) if c["kind"] == "continuous"],
        key=lambda i: -(found[i].get("eta2") or {})[found[i]["best"]])
    for i in order:
        names[i] = pick(i, found[i])
    meta_codes, taken = [], set()
    for i, (c, f) in enumerate(zip(codes, found)):
        name, attr, score = names[i]
        if name is None:
            name = "Variant" if c["kind"] == "categorical" else f"Variation {i}"
        base, k = name, 2
        while name in taken:
            name, k = f"{base} {k}", k + 1
        taken.add(name)
        if c["kind"] == "categorical":
            maj = f.get("majority") if attr == f["best"] else None
            # Display labels for designers; the raw attribute values (when the code matched one) in `values`.
            entry = dict(name=name, kind="categorical", offset=c["offset"], size=c["size"],
                         labels=[display_label(maj[j]) if maj and maj[j] else f"Variant {j + 1}" for j in range(c["size"])])
            if maj and all(maj[j] for j in range(c["size"])):
                entry["values"] = [maj[j] for j in range(c["size"])]
        else:
            entry = dict(name=name, kind="continuous", offset=c["offset"], range=c["range"])
        entry["evidence"] = dict(image=c["image"], attribute=attr, score=score, measure="NMI" if "nmi" in f else "eta^2")
        if names[i][0] is not None:
            entry["attribute"] = attr
        meta_codes.append(entry)

    return meta_codes


def evidence_markdown(ev, codes, lay):
    """A page a person can read beside the pack: the pictures and the numbers."""
    out = ["# Evidence for this pack", "",
           "Written by `models/train/evidence.py` (run by `npm run train`); numbers in `evidence.json`.", "",
           "## Random samples (8×8, the weight-averaged generator)", "", "![samples](samples.png)", "",
           "## InfoGAN codes", "",
           "Each grid sweeps one code (columns) with everything else fixed (rows: 8 random latents). What a code "
           "captured is measured on 4 000 labelled real avatars: the discriminator's Q head predicts the codes, and "
           "we score each DiceBear attribute against the prediction (normalised mutual information for the "
           "categorical code, correlation ratio η² for continuous codes; 0 = unrelated, 1 = determined).", ""]
    for c, f in zip(codes, ev["codes"]):
        scores = f.get("nmi") or f.get("eta2")
        top = sorted(scores.items(), key=lambda kv: -kv[1])[:3]
        out += [f"### {c['name']} ({c['kind']}, named for `{c['evidence']['attribute']}`)", "", f"![{c['name']}]({c['evidence']['image']})", "",
                "Best matching attributes: " + ", ".join(f"{k} {v:.3f}" for k, v in top) + ".", ""]
        if "used" in f:
            out += [f"Categories used by Q on real avatars: {f['used']}.", ""]
    nn_ = ev["nearestNeighbours"]
    out += ["## Nearest training neighbours", "",
            "Each row: a sample, then its 3 nearest training images (pixel L2 over all 30 000).", "",
            "![nearest neighbours](nearest_neighbours.png)", "",
            f"Mean RMS distance to the nearest training image: samples {nn_['sampleToTrainRms']}, "
            f"held-out real avatars {nn_['heldoutToTrainRms']} (pixel values in [-1, 1]). A model that memorised "
            "would sit far closer to its training images than unseen real avatars do.", ""]
    if "reconstruction" in ev:
        r = ev["reconstruction"]
        su = r["setup"]
        out += ["## Reconstruction of held-out avatars", "",
                f"{su['images']} held-out avatars (seeds never used in training), {su['iterations']} L-BFGS-B iterations, "
                f"loss = pixel MSE + {su['featureWeight']}·feature MSE; error = pixel MSE in [-1, 1] units (RMSE in 0–255 levels).", "",
                "| method | MSE | RMSE (0–255) |", "|---|---|---|"]
        for k in ("encoder", "optimisation", "hybrid"):
            out.append(f"| {k}{' only' if k != 'hybrid' else ''} | {r[k]['mse']} | {r[k]['rmse255']} |")
        out += ["", f"Hybrid beats encoder-only on {100 * r['hybridBetterThanEncoderFraction']:.0f}% of the images. "
                "Columns below: held-out avatar, encoder only, optimisation only, hybrid.", "",
                "![reconstruction](reconstruction.png)", ""]
    return "\n".join(out) + "\n"


def layout_codes(lay):
    codes, o = [], lay.noise
    for ci, k in enumerate(lay.categorical):
        codes.append(dict(kind="categorical", offset=o, size=k, image=f"traverse_categorical_{ci}.png"))
        o += k
    for cj in range(lay.continuous):
        codes.append(dict(kind="continuous", offset=o + cj, range=[-1, 1], image=f"traverse_continuous_{cj}.png"))
    return codes


def write_names(args, ev, lay):
    meta_codes = code_names(layout_codes(lay), ev["codes"])
    with open(os.path.join(args.out, "meta.json"), "w") as f:
        json.dump(dict(codes=meta_codes), f, indent=2)
    with open(os.path.join(args.out, "evidence.md"), "w") as f:
        f.write(evidence_markdown(ev, meta_codes, lay))


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(os.cpu_count() or 1)
    os.makedirs(args.out, exist_ok=True)
    if args.rename:
        ck = torch.load(os.path.join(args.run, "ckpt.pt"), map_location="cpu")
        with open(os.path.join(args.out, "evidence.json")) as f:
            write_names(args, json.load(f), LatentLayout(**ck["layout"]))
        return
    lay, G, D, P, has_enc = load(args.run)
    train = AvatarSet(args.data, "train")
    held = AvatarSet(args.data, "heldout")
    ev = dict(run=args.run)
    g = torch.Generator().manual_seed(2024)

    # 1. random samples
    z = lay.sample(64, g)[0]
    with torch.no_grad():
        samples = G(z)
    save_grid(samples, os.path.join(args.out, "samples.png"), nrow=8, scale=2)

    # 2. traversals: rows = 8 random latents, columns = the code swept
    codes = []
    base = lay.sample(8, g)[0]
    o = lay.noise
    for ci, k in enumerate(lay.categorical):
        rows = []
        for r in range(8):
            zz = base[r : r + 1].repeat(k, 1)
            zz[:, o : o + k] = torch.eye(k)
            rows.append(zz)
        with torch.no_grad():
            save_grid(G(torch.cat(rows)), os.path.join(args.out, f"traverse_categorical_{ci}.png"), nrow=k, scale=2)
        codes.append(dict(kind="categorical", offset=o, size=k, image=f"traverse_categorical_{ci}.png"))
        o += k
    vals = torch.linspace(-1, 1, 9)
    for cj in range(lay.continuous):
        rows = []
        for r in range(8):
            zz = base[r : r + 1].repeat(9, 1)
            zz[:, o + cj] = vals
            rows.append(zz)
        with torch.no_grad():
            save_grid(G(torch.cat(rows)), os.path.join(args.out, f"traverse_continuous_{cj}.png"), nrow=9, scale=2)
        codes.append(dict(kind="continuous", offset=o + cj, range=[-1, 1], image=f"traverse_continuous_{cj}.png"))

    # 3. nearest training neighbours (pixel L2) of 8 samples, and, for scale, of 8 held-out avatars
    tr = train.images.reshape(len(train), -1).float() / 127.5 - 1          # [N, 12288]
    def nearest(x, k=3):
        q = x.reshape(len(x), -1)
        d = torch.cdist(q, tr)                                              # [n, N]
        dist, idx = d.topk(k, largest=False)
        return dist / math.sqrt(q.shape[1]), idx                            # RMS distance per pixel-channel
    sd, si = nearest(samples[:8])
    hx = held.batch(torch.arange(8))
    hd, _ = nearest(hx)
    rows = []
    for i in range(8):
        rows += [samples[i : i + 1]] + [train.batch(si[i, j : j + 1]) for j in range(3)]
    save_grid(torch.cat(rows), os.path.join(args.out, "nearest_neighbours.png"), nrow=4, scale=2)
    ev["nearestNeighbours"] = dict(
        sampleToTrainRms=round(sd[:, 0].mean().item(), 4),
        heldoutToTrainRms=round(hd[:, 0].mean().item(), 4),
        note="mean RMS distance (pixel values in [-1,1]) from a sample / a held-out real avatar to its nearest training image")

    # 4. what each code captured: Q's predicted codes on labelled held-out + train images vs DiceBear attributes
    n_lab = 4000
    xs = torch.cat([held.batch(torch.arange(len(held))), train.batch(torch.arange(n_lab - len(held)))])
    table = held.table + train.table[: n_lab - len(held)]
    with torch.no_grad():
        _, qc, qn = zip(*[D(xs[i : i + 500]) for i in range(0, len(xs), 500)])
    qc, qn = torch.cat(qc), torch.cat(qn)
    found = []
    o2 = 0
    for ci, k in enumerate(lay.categorical):
        pred = qc[:, o2 : o2 + k].argmax(1).tolist()
        o2 += k
        scores = {a: round(nmi(pred, [str(t["attrs"].get(a)) for t in table]), 3) for a in ATTRS}
        best = max(scores, key=scores.get)
        usage = Counter(pred)
        # the most common value of the best attribute among the images Q puts in each category
        majority = []
        for j in range(k):
            vals = Counter(str(t["attrs"].get(best)) for t, p_ in zip(table, pred) if p_ == j)
            majority.append(vals.most_common(1)[0][0] if vals else None)
        found.append(dict(code=f"categorical {ci}", nmi=scores, best=best, used=[usage.get(j, 0) for j in range(k)], majority=majority))
    for cj in range(lay.continuous):
        v = qn[:, cj].tolist()
        scores = {a: round(eta2(v, [str(t["attrs"].get(a)) for t in table]), 3) for a in ATTRS}
        best = max(scores, key=scores.get)
        found.append(dict(code=f"continuous {cj}", eta2=scores, best=best))
    ev["codes"] = found

    meta_codes = code_names(codes, found)

    # 5. held-out reconstruction: encoder-only / optimisation-only / hybrid
    if not args.skip_recon and has_enc:
        n = args.heldout
        fixed = torch.zeros(lay.size, dtype=torch.bool)
        fixed[lay.noise : lay.noise + sum(lay.categorical)] = True
        errs = defaultdict(list)
        t0 = time.time()
        gr = torch.Generator().manual_seed(99)
        for i in range(n):
            x = held.batch(torch.tensor([i]))
            with torch.no_grad():
                ze = snap(P(x), lay)
                xe = G(ze)
            zr = lay.sample(1, gr)[0]
            zo = project(G, D, x, zr, lay, args.iters, args.feature_weight, fixed)
            zh = project(G, D, x, ze, lay, args.iters, args.feature_weight, fixed)
            with torch.no_grad():
                for key, zz in (("encoder", ze), ("optimisation", zo), ("hybrid", zh)):
                    errs[key].append(F.mse_loss(G(zz), x).item())
            if i % 32 == 31:
                print(f"[evidence] recon {i + 1}/{n} ({time.time() - t0:.0f}s) " +
                      " ".join(f"{k}={np.mean(v):.4f}" for k, v in errs.items()), flush=True)
        ev["reconstruction"] = {k: dict(mse=round(float(np.mean(v)), 5), rmse255=round(float(np.sqrt(np.mean(v)) * 127.5), 2))
                                for k, v in errs.items()}
        ev["reconstruction"]["setup"] = dict(images=n, iterations=args.iters, featureWeight=args.feature_weight,
                                             optimiser="scipy L-BFGS-B in the latent box, categorical code fixed",
                                             optimisationStart="one uniform random latent", hybridStart="encoder latent")
        hybrid_better = float(np.mean(np.array(errs["hybrid"]) < np.array(errs["encoder"])))
        ev["reconstruction"]["hybridBetterThanEncoderFraction"] = round(hybrid_better, 3)
        # a strip: held-out | encoder | optimisation | hybrid for the first 8 images
        rows = []
        for i in range(8):
            x = held.batch(torch.tensor([i]))
            with torch.no_grad():
                ze = snap(P(x), lay)
            zo = project(G, D, x, lay.sample(1, gr)[0], lay, args.iters, args.feature_weight, fixed)
            zh = project(G, D, x, ze, lay, args.iters, args.feature_weight, fixed)
            with torch.no_grad():
                rows += [x, G(ze), G(zo), G(zh)]
        save_grid(torch.cat(rows), os.path.join(args.out, "reconstruction.png"), nrow=4, scale=2)

    with open(os.path.join(args.out, "evidence.json"), "w") as f:
        json.dump(ev, f, indent=2)
    write_names(args, ev, lay)
    print(json.dumps(ev, indent=2))


if __name__ == "__main__":
    main()
