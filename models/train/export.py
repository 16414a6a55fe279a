"""Export a trained run (or a random fixture) as a model pack: four ONNX graphs sharing one
external weights file, and pack.json (docs/pack-format.md).

    /usr/bin/python3 models/train/export.py --run runs/personas64 --out models/personas64
    /usr/bin/python3 models/train/export.py --fixture --out test/fixtures/packs/tiny
"""
import argparse
import copy
import datetime
import hashlib
import json
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from graphs import HOG, EditStep, FoldedGenerator, FoldedTrunk, GeneratorGraph, ProjectStep, Snap  # noqa: E402
from nets import Discriminator, Encoder, Generator, LatentLayout, standing_stats, weights_init  # noqa: E402

OPSET = 17
INLINE_BELOW = 4096   # initializers smaller than this (bytes) stay inside the graph


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", help="run directory with ckpt.pt (and encoder.pt)")
    p.add_argument("--fixture", action="store_true", help="export tiny random networks (a test fixture)")
    p.add_argument("--out", required=True, help="pack directory to write")
    p.add_argument("--id", default=None, help="pack id (default: the out folder's name)")
    p.add_argument("--title", default=None, help="human title")
    p.add_argument("--meta", default=None, help="JSON with code names/labels, defaults and evidence to merge into pack.json")
    p.add_argument("--feature-depth", type=int, default=3, help="discriminator blocks used as the feature network")
    p.add_argument("--data", default=None, help="dataset of a v2 run (its labels give the code sampler; default: the run's)")
    p.add_argument("--weights-storage", choices=["float32", "float16"], default="float32",
                   help="float16: weights.bin holds halves, widened to float32 by the loader (half the download)")
    p.add_argument("--snap", type=float, default=0,
                   help="snap the graphs' image outputs to the renders' flat colours (palette.py, from --data) within this "
                        "many 0-255 levels; 0: off. Losses and gradients are not snapped.")
    return p.parse_args(argv)


def load_nets(args):
    """Returns layout, G (eval, standing stats), D (eval), P (eval), provenance dict."""
    if args.fixture:
        torch.manual_seed(0)
        lay = LatentLayout(noise=8, categorical=[3], continuous=2)
        G, D, P = Generator(lay.size, 8), Discriminator(lay, 8), Encoder(lay, 8)
        for n in (G, D, P):
            n.apply(weights_init)
        with torch.no_grad():  # a livelier last layer, so images (and gradients) vary visibly with z
            G.net[-2].weight.mul_(5)
        standing_stats(G, lay, batches=2, batch=16)
        for n in (D, P):
            n.train()
            with torch.no_grad():
                n(torch.rand(16, 3, 64, 64) * 2 - 1)
        prov = dict(data="none: random weights (test fixture)", imagesSeen=0, trainMinutes=0)
        return lay, G.eval(), D.eval(), P.eval(), prov
    v2 = os.path.exists(os.path.join(args.run, "state.pt.xz"))
    if v2:   # a semi-supervised v2 run (train_semisup.py): named codes from attributes.py
        import train_semisup as ts
        t = ts.load_trained(args.run, args.data)
        lay, G, D, a, st = t["layout"], t["G"], t["D"], vars(t["args"]), t["state"]
        codes = ts.pack_codes(lay, t["n_sup"])
    else:
        ck = torch.load(os.path.join(args.run, "ckpt.pt"), map_location="cpu")
        lay = LatentLayout(**ck["layout"])
        a = ck["args"]
        G, D = Generator(lay.size, a["ngf"]), Discriminator(lay, a["ndf"])
        G.load_state_dict(ck["G_ema"]); D.load_state_dict(ck["D"])
        standing_stats(G, lay, batches=16, batch=128)
        st, codes = ck["state"], None
    P = Encoder(lay, a["ndf"])
    enc_path = os.path.join(args.run, "encoder.pt")
    enc_info = {}
    if os.path.exists(enc_path):
        ek = torch.load(enc_path, map_location="cpu")
        P.load_state_dict(ek["P"])
        enc_info = ek.get("info", {})
    else:
        print("[export] warning: no encoder.pt in the run; the encoder graph has random weights", file=sys.stderr)
    last = {}
    log = os.path.join(args.run, "log.jsonl")
    if os.path.exists(log):
        with open(log) as f:
            lines = f.read().strip().splitlines()
        if lines:
            last = json.loads(lines[-1])
    if last.get("kind") == "metrics":   # v2 logs interleave the judge's metrics; losses are on train lines
        with open(log) as f:
            rows = [json.loads(line) for line in f if line.strip()]
        last = next((r for r in reversed(rows) if r.get("kind", "train") == "train"), {})
    option_keys = ("ngf", "ndf", "batch", "lr_g", "lr_d", "beta1", "lambda_cat", "lambda_cont", "ema_kimg",
                   "loss", "norm", "projection", "augment", "lambda_sup", "lambda_mi", "uniform_codes")
    prov = dict(imagesSeen=st["images"], trainMinutes=round(st["seconds"] / 60, 1), steps=st["step"],
                finalLosses={k: round(last[k], 4) for k in ("loss_d", "loss_g", "mi_cat", "cat_acc", "mi_cont", "sup_cat", "q_acc_real", "q_acc_fake") if k in last},
                options={k: a[k] for k in option_keys if k in a},
                encoder=enc_info)
    if codes:
        prov["codes"] = codes
    return lay, G.eval(), D.eval(), P.eval(), prov


def export_graph(module, inputs, names_in, names_out, dynamic, path):
    torch.onnx.export(module, inputs, path, opset_version=OPSET, input_names=names_in, output_names=names_out,
                      dynamic_axes=dynamic, do_constant_folding=True)


def externalise(paths, weights_path, storage="float32"):
    """Move every large initializer of the graphs into one shared file, each distinct tensor once.
    storage "float16": the file holds the float32 layout's values as halves (every external tensor
    must be float32); the graphs' offsets keep pointing into the float32 layout the loader rebuilds."""
    offsets = {}
    blob = bytearray()
    for p in paths:
        m = onnx.load(p)
        for t in m.graph.initializer:
            raw = t.raw_data if t.raw_data else numpy_helper.to_array(t).tobytes()
            if len(raw) < INLINE_BELOW:
                continue
            if storage == "float16" and t.data_type != onnx.TensorProto.FLOAT:
                raise SystemExit(f"--weights-storage float16: initializer {t.name} of {p} is not float32")
            key = hashlib.sha256(raw).hexdigest()
            if key not in offsets:
                blob.extend(b"\0" * (-len(blob) % 64))   # 64-byte alignment
                offsets[key] = len(blob)
                blob.extend(raw)
            t.ClearField("raw_data")
            for f in ("float_data", "int32_data", "int64_data", "double_data"):
                t.ClearField(f)
            t.data_location = onnx.TensorProto.EXTERNAL
            del t.external_data[:]
            for k, v in (("location", os.path.basename(weights_path)), ("offset", str(offsets[key])), ("length", str(len(raw)))):
                e = t.external_data.add(); e.key = k; e.value = v
        onnx.save(m, p)
    if storage == "float16":
        blob = np.frombuffer(bytes(blob), "<f4").astype("<f2").tobytes()
    with open(weights_path, "wb") as f:
        f.write(blob)
    return len(blob)


def io_spec(path):
    m = onnx.load(path, load_external_data=False)
    def spec(vs):
        out = {}
        for v in vs:
            dims = [d.dim_param if d.dim_param else d.dim_value for d in v.type.tensor_type.shape.dim]
            out[v.name] = dict(dtype="float32", shape=["B" if isinstance(d, str) else d for d in dims])
        return out
    return spec(m.graph.input), spec(m.graph.output)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def default_codes(lay):
    codes, o = [], lay.noise
    for i, k in enumerate(lay.categorical):
        codes.append(dict(name=f"Category {i + 1}" if len(lay.categorical) > 1 else "Category", kind="categorical",
                          offset=o, size=k, labels=[str(j + 1) for j in range(k)]))
        o += k
    for i in range(lay.continuous):
        codes.append(dict(name=f"Code {i + 1}", kind="continuous", offset=o, range=[-1, 1]))
        o += 1
    return codes


def export_snap(levels, data):
    """(Snap module, pack.json "snap") for --snap: the renders' flat colours from the data set; (None, None) when off."""
    if not levels:
        return None, None
    assert data, "--snap needs --data: the palette is the renders' flat colours"
    from palette import palette_for, rgb_hex
    pal = palette_for(data)
    return Snap(pal, levels), {"levels": levels, "colours": [rgb_hex(c) for c in pal]}


def main(argv=None):
    args = parse_args(argv)
    assert args.fixture or args.run, "give --run or --fixture"
    os.makedirs(args.out, exist_ok=True)
    lay, G, D, P, prov = load_nets(args)
    R, L = 64, lay.size
    FG = FoldedGenerator(G).eval()
    Fn = FoldedTrunk(D, args.feature_depth).eval()
    hog = HOG().eval()
    with torch.no_grad():  # folded G must equal G in eval mode before anything is exported
        zt = lay.sample(4, torch.Generator().manual_seed(0))[0]
        assert (FG(zt)[0] - G(zt)).abs().max() < 1e-4, "BatchNorm folding changed the generator"

    B = 2
    z = lay.sample(B, torch.Generator().manual_seed(1))[0]                      # [B, L]
    img = torch.rand(1, 3, R, R) * 2 - 1                                          # [1, 3, R, R]
    mask = torch.ones(1, 1, R, R)
    dyn_b = {"z": {0: "B"}}
    files = {
        "generator": "generator.onnx", "encoder": "encoder.onnx",
        "editStep": "edit_step.onnx", "projectStep": "project_step.onnx",
    }
    P_out = P
    snap, snap_json = export_snap(args.snap, args.data)
    with torch.no_grad():
        export_graph(GeneratorGraph(FG, snap), (z,), ["z"], ["image"], {"z": {0: "B"}, "image": {0: "B"}},
                     os.path.join(args.out, files["generator"]))
        export_graph(P_out, (torch.rand(B, 3, R, R) * 2 - 1,), ["image"], ["z"], {"image": {0: "B"}, "z": {0: "B"}},
                     os.path.join(args.out, files["encoder"]))
        export_graph(EditStep(FG, hog, snap), (z, z[:1], img, mask, img, mask, torch.tensor([1.0, 0.2, 0.05])),
                     ["z", "z0", "color_target", "color_mask", "edge_target", "edge_mask", "weights"],
                     ["loss", "grad", "image", "terms"],
                     dict(dyn_b, loss={0: "B"}, grad={0: "B"}, image={0: "B"}, terms={0: "B"}),
                     os.path.join(args.out, files["editStep"]))
        export_graph(ProjectStep(FG, Fn, snap), (z, img, mask, torch.tensor([1.0, 0.1])),
                     ["z", "target", "mask", "weights"], ["loss", "grad", "image", "terms"],
                     dict(dyn_b, loss={0: "B"}, grad={0: "B"}, image={0: "B"}, terms={0: "B"}),
                     os.path.join(args.out, files["projectStep"]))

    paths = [os.path.join(args.out, f) for f in files.values()]
    nbytes = externalise(paths, os.path.join(args.out, "weights.bin"), args.weights_storage)
    graphs = {}
    for key, f in files.items():
        ins, outs = io_spec(os.path.join(args.out, f))
        graphs[key] = dict(file=f, sha256=sha256(os.path.join(args.out, f)), inputs=ins, outputs=outs)

    pack_id = args.id or os.path.basename(os.path.normpath(args.out))
    pack = {
        "format": 1,
        "id": pack_id,
        "title": args.title or ("Test fixture (random weights)" if args.fixture else pack_id),
        "resolution": R,
        "channels": 3,
        "pixelRange": [-1, 1],
        "latent": {"size": L, "noise": {"offset": 0, "size": lay.noise, "range": [-1, 1]}, "codes": prov.pop("codes", None) or default_codes(lay)},
        "hog": {"orientations": hog.o, "cellStride": hog.cell, "cells": R // hog.cell},
        "defaults": {
            "edit": {"colorWeight": 1, "edgeWeight": 0.2, "smoothWeight": 0.05, "lr": 0.1, "steps": 40, "candidates": 8, "jitter": 0.5},
            "project": {"pixelWeight": 1, "featureWeight": 0.1, "iterations": 40, "starts": 4},
        },
        "weights": dict({"file": "weights.bin", "bytes": nbytes, "sha256": sha256(os.path.join(args.out, "weights.bin"))},
                        **({"storage": "float16"} if args.weights_storage == "float16" else {})),
        "graphs": graphs,
        "license": "MIT (weights and graphs); training images CC BY 4.0, see attributions",
        "attributions": [] if args.fixture else [{
            "work": "DiceBear 'Personas' avatar style (training images)", "creator": "Draftbit - draftbit.com",
            "license": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/",
            "via": "DiceBear (@dicebear/collection), rendered with resvg"}],
        **({"snap": snap_json} if snap_json else {}),
        "provenance": dict(prov, torch=torch.__version__, opset=OPSET, exported=datetime.date.today().isoformat(),
                           featureNetwork=f"discriminator trunk, {args.feature_depth} blocks"),
    }
    if args.meta:
        with open(args.meta) as f:
            meta = json.load(f)
        for k, v in meta.items():
            if k == "codes":   # the evidence's codes, over the run's own (which may know fields the evidence was written without)
                own = {c["name"]: c for c in pack["latent"]["codes"]}
                pack["latent"]["codes"] = [{**own.get(c["name"], {}), **c} for c in v]
            elif k == "defaults":
                for g, d in v.items():
                    pack["defaults"][g].update(d)
            else:
                pack[k] = v
    with open(os.path.join(args.out, "pack.json"), "w") as f:
        json.dump(pack, f, indent=2)
        f.write("\n")
    total = sum(os.path.getsize(p) for p in paths) + nbytes
    print(f"[export] {args.out}: {len(files)} graphs, weights.bin {nbytes / 1e6:.2f} MB, total {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
