"""Evidence for a v2 pack (a semi-supervised run, train_semisup.py), written beside the pack.

    /usr/bin/python3 models/train/evidence_semisup.py --run models/runs/personas64-v2 --out models/personas64-v2/evidence
    /usr/bin/python3 models/train/evidence_semisup.py --out models/personas64-v2/evidence --markdown-only

- samples.png: 64 samples, codes drawn as the training data's labels are.
- sweep_<code>.png: one per named code; rows are 8 random latents, columns the code's values
  (categorical) or 7 steps over its range (continuous), everything else held.
- metrics.json: the judge's scores of the run (judge_metrics.py: control per code and value,
  skin tone eta^2, Fréchet distance, nearest-training distance), and of the old pack for realism.
- meta.json: pack.json's latent.codes with each code's evidence (its sweep, the judge's agreement),
  for export.py --meta.
- evidence.md: all of it in one page, with the engine's reconstruction errors
  (reconstruction.json, from `npm run evidence:recon`) and the CLI's code edits at 512²
  (pictures.json, from `npm run evidence:pictures`) when those files are there.
"""
import argparse
import json
import os
import re
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grid import save_grid  # noqa: E402


def slug(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", default="models/runs/personas64-v2")
    p.add_argument("--data", default="data/avatars-v2")
    p.add_argument("--out", default="models/personas64-v2/evidence")
    p.add_argument("--judge", default="models/runs/judge-v3/judge.pt")
    p.add_argument("--old-pack", default="models/archive/personas64", help="the pack v2 is compared with (realism)")
    p.add_argument("--per-value", type=int, default=256, help="latents per code value for the judge's control scores")
    p.add_argument("--samples", type=int, default=2048, help="samples for the Fréchet distance")
    p.add_argument("--snap", type=float, default=0, help="the pack's image outputs are snapped to the renders' flat colours "
                   "within this many levels (export.py --snap): sweeps and scores show G so")
    p.add_argument("--markdown-only", action="store_true", help="only rewrite evidence.md from the files in --out")
    return p.parse_args(argv)


def sweeps(t, out):
    """The sample grid and one sweep per named code -> {code name: image file}."""
    import train_semisup as ts
    lay, G, sampler = t["layout"], t["G"], t["sampler"]
    g = torch.Generator().manual_seed(2024)
    with torch.no_grad():
        save_grid(G(sampler(64, g, "cpu")[0]), os.path.join(out, "samples.png"), nrow=8, scale=2)
    base = sampler(8, g, "cpu")[0]                                          # [8, L]
    images = {}
    for code in ts.pack_codes(lay, t["n_sup"]):
        o = code["offset"]
        if code["kind"] == "categorical":
            k = code["size"]
            rows = [base[r : r + 1].repeat(k, 1) for r in range(len(base))]
            for zz in rows:
                zz[:, o : o + k] = torch.eye(k)
        else:
            k = 7
            rows = [base[r : r + 1].repeat(k, 1) for r in range(len(base))]
            for zz in rows:
                zz[:, o] = torch.linspace(-1, 1, k)
        name = f"sweep_{slug(code['name'])}.png"
        with torch.no_grad():
            save_grid(G(torch.cat(rows)), os.path.join(out, name), nrow=k, scale=2)
        images[code["name"]] = name
    return images


def logged_metrics(run, kimg, args):
    """The run's log already holds the judge's scores of this very state (the training stage's last step)
    with the same settings: use them rather than spend minutes recomputing the same numbers."""
    path = os.path.join(run, "log.jsonl")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    for r in reversed(rows):
        if r.get("kind") == "metrics":
            same = (abs(r.get("kimg", -1) - kimg) < 1e-6 and r.get("perValue") == args.per_value and r.get("samples") == args.samples
                    and r.get("judge") == args.judge and (r.get("snapLevels") or 0) == args.snap)
            return r if same else None
    return None


def meta_codes(t, images, metrics):
    import train_semisup as ts
    codes = ts.pack_codes(t["layout"], t["n_sup"])
    control = metrics["run"].get("control", {})
    for c in codes:
        c["evidence"] = dict(image=images[c["name"]])
        m = control.get(c["name"])
        if m and m["kind"] == "categorical":
            c["evidence"].update(attribute=c["attribute"], score=m["mean"], measure="judge agreement")
        elif m:
            c["evidence"].update(attribute=c["attribute"], score=m["eta2"], measure="eta^2 (judge)")
    return codes


def load_json(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def markdown(out):
    """evidence.md from metrics.json, meta.json and, when present, reconstruction.json and pictures.json."""
    m = load_json(os.path.join(out, "metrics.json"))
    meta = load_json(os.path.join(out, "meta.json"))
    recon = load_json(os.path.join(out, "reconstruction.json"))
    old_recon = load_json(os.path.join(m["oldPack"], "evidence", "reconstruction.json")) if m.get("oldPack") else None
    pics = load_json(os.path.join(out, "pictures.json"))
    run, old = m["run"], m.get("old") or {}
    L = [f"# Evidence: {m['pack']}", "",
         f"Run `{m['runDir']}` at {run['kimg']:.0f} kimg ({run['minutes']:.0f} min of training). "
         f"The judge is an attribute classifier trained on real renders only (`{run.get('judge', 'models/runs/judge/judge.pt')}`; "
         "`judge_metrics.py`); numbers regenerate with `evidence_semisup.py` and the two npm scripts named below.", "",
         "## Realism", "",
         "| measure | this pack | " + (f"`{m['oldPack']}` |" if old else "|"),
         "|---|---|" + ("---|" if old else ""),
         f"| Fréchet distance, judge features, vs held-out renders | {run['fd']:.1f} | " + (f"{old['fd']:.1f} |" if old else "|"),
         f"| nearest training image, samples (held-out real: {run['nnHeldout']:.4f}) | {run['nnSample']:.4f} | "
         + (f"{old['nnSample']:.4f} |" if old else "|")]
    if "speckleSample" in run:
        L.append(f"| speckle: neighbour pixels 1-16 levels apart (held-out real: {run['speckleHeldout']:.1%}) | {run['speckleSample']:.1%} | "
                 + (f"{old['speckleSample']:.1%} |" if old and "speckleSample" in old else ("|" if not old else "— |")))
    if "speckleIsolatedSample" in run:
        L.append(f"| …of which isolated: the 3×3 median does not step there (held-out real: {run['speckleIsolatedHeldout']:.1%}) | {run['speckleIsolatedSample']:.1%} | "
                 + (f"{old['speckleIsolatedSample']:.1%} |" if old and "speckleIsolatedSample" in old else ("|" if not old else "— |")))
    L += ["",
         "![samples](samples.png)", "",
         "## Control: the judge's agreement with each code's value", "",
         f"{m['perValue']} random latents per value (noise and the other codes drawn as in training; hair colour only where "
         "the hair style shows hair). Target: ≥ 0.90 for every value. In brackets, where below 0.95: the same judge's "
         "accuracy on held-out real renders of the value — its own ceiling (judge.json).", "",
         "| code | mean | lowest value | per value |", "|---|---|---|---|"]
    for name, c in run["control"].items():
        if c["kind"] == "categorical":
            low = min(c["perValue"], key=c["perValue"].get)
            real = c.get("real") or {}
            per = ", ".join(f"{k} {v:.2f}" + (f" (real {real[k]:.2f})" if real.get(k) is not None and real[k] < 0.95 else "")
                            for k, v in c["perValue"].items())
            L.append(f"| {name} | {c['mean']:.2f} | {low} {c['perValue'][low]:.2f} | {per} |")
        else:
            L.append(f"| {name} (continuous) | η² {c['eta2']:.2f} | monotonic: {'yes' if c['monotonic'] else 'no'} | "
                     f"judge's mean position over 7 steps: {', '.join(f'{v:.2f}' for v in c['means'])} |")
    L += ["", "Sweeps (rows: 8 latents; columns: the code's values in pack order, or 7 steps over a continuous range):", ""]
    for c in meta["codes"]:
        L += [f"**{c['name']}**: " + (", ".join(c["labels"]) if c["kind"] == "categorical" else
                                      " → ".join(c.get("endLabels") or ["−1", "+1"])), "", f"![{c['name']}]({c['evidence']['image']})", ""]
    L += ["## Reconstruction through the engine (`npm run evidence:recon`)", ""]
    if recon:
        L += [f"Held-out seeds {recon['seeds']}, the pack's projection defaults; RMSE in 0–255 levels over the frame's pixels "
              "(weighted by alpha). Targets: hybrid ≤ 12, encoder only ≤ 20.", "",
              "| pack | layers | hybrid | median | worst | encoder only |", "|---|---|---|---|---|---|"]
        for rec in ([old_recon] if old_recon else []) + [recon]:
            for r in rec["rows"]:
                L.append(f"| {rec['pack']} | {r['condition']} | {r['hybridRmse']:.1f} | {r['hybridMedian']:.1f} | {r['worst']:.1f} | {r['encoderRmse']:.1f} |")
    else:
        L.append("Not measured yet: run `npm run evidence:recon -- --pack <this pack>`.")
    L += ["", "## Code edits through the CLI at 512² (`npm run evidence:pictures`)", ""]
    if pics:
        for sheet in pics["sheets"]:
            L += [f"**{sheet['title']}** — `{sheet['command']}`; tiles, left to right: the layer, then "
                  + ", ".join(sheet["labels"]) + ".", "", f"![{sheet['title']}]({sheet['file']})", ""]
            if sheet.get("modelFile"):
                L += ["The generator's own images for the same edits (64², the projection first): what the transfer had to carry.", "",
                      f"![{sheet['title']}, the model's view]({sheet['modelFile']})", ""]
    else:
        L.append("Not made yet: run `npm run evidence:pictures -- --pack <this pack>`.")
    with open(os.path.join(out, "evidence.md"), "w") as f:
        f.write("\n".join(L) + "\n")


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    if not args.markdown_only:
        import judge_metrics
        import train_semisup as ts
        torch.set_num_threads(os.cpu_count() or 1)
        t = ts.load_trained(args.run, args.data)
        if args.snap:
            from palette import SnappedGenerator, palette_for
            t["G"] = SnappedGenerator(t["G"], palette_for(args.data), args.snap)
        images = sweeps(t, args.out)
        common = ["--judge", args.judge, "--data", args.data, "--per-value", str(args.per_value), "--samples", str(args.samples)]
        snap = ["--snap", str(args.snap)] if args.snap else []
        metrics = dict(pack=os.path.basename(os.path.dirname(os.path.abspath(args.out))), runDir=args.run,
                       perValue=args.per_value, run=logged_metrics(args.run, t["state"]["images"] / 1000, args)
                       or judge_metrics.main(["--run", args.run] + common + snap))
        if args.old_pack and os.path.exists(os.path.join(args.old_pack, "pack.json")):
            metrics.update(oldPack=args.old_pack, old=judge_metrics.main(["--pack", args.old_pack] + common))
        with open(os.path.join(args.out, "metrics.json"), "w") as f:
            json.dump(metrics, f, indent=2)
        with open(os.path.join(args.out, "meta.json"), "w") as f:
            json.dump(dict(codes=meta_codes(t, images, metrics)), f, indent=2)
    markdown(args.out)
    print(f"[evidence] {args.out}: evidence.md", flush=True)


if __name__ == "__main__":
    main()
