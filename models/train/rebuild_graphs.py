"""Rebuild a pack's graphs from its own weights (no checkpoint, no retraining): after a change
to graphs.py, so an existing pack gets the new graph structure with the same numbers.

    /usr/bin/python3 models/train/rebuild_graphs.py --pack models/personas64-v2 --out /tmp/personas64-v2-new

Reads the folded generator (G.*) from the edit step, the feature network (F.*) from the
projection step and the encoder graph as it is; writes the four graphs and weights.bin (in the
pack's own storage) with export.py's functions, and pack.json with the new hashes and the
rest unchanged. Checks that the rebuilt generator equals the pack's weights in float32.
"""
import argparse
import copy
import datetime
import json
import os
import shutil
import sys

import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export import OPSET, export_graph, export_snap, externalise, io_spec, sha256  # noqa: E402
from graphs import HOG, EditStep, FoldedGenerator, FoldedTrunk, GeneratorGraph, ProjectStep  # noqa: E402
from palette import snap_module  # noqa: E402
from pack_weights import float32_blob, load_graph, pack_json  # noqa: E402


def numbered(w, prefix):
    n = sum(1 for k in w if k.startswith(prefix + "ws."))
    return [w[f"{prefix}ws.{i}"] for i in range(n)], [w[f"{prefix}bs.{i}"] for i in range(n)]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pack", required=True, help="pack directory to read")
    p.add_argument("--out", required=True, help="pack directory to write (must differ from --pack)")
    p.add_argument("--snap", type=float, default=None, help="give the graphs an output snap (export.py --snap) of this many "
                   "levels, with the palette of --data; 0 removes one; default: keep the pack's own")
    p.add_argument("--data", default="data/avatars-v2", help="the renders whose flat colours a new --snap uses")
    args = p.parse_args(argv)
    assert os.path.abspath(args.pack) != os.path.abspath(args.out), "write to another folder, then compare and move"
    os.makedirs(args.out, exist_ok=True)
    pack = pack_json(args.pack)
    blob = float32_blob(args.pack, pack)
    _, we = load_graph(args.pack, "editStep", pack, blob)
    _, wp = load_graph(args.pack, "projectStep", pack, blob)
    enc, _ = load_graph(args.pack, "encoder", pack, blob)
    G = FoldedGenerator.from_tensors(we["G.w1"], we["G.b1"], *numbered(we, "G.")).eval()
    Fn = FoldedTrunk.from_tensors(*numbered(wp, "F.")).eval()
    hog = HOG(pack["hog"]["orientations"], pack["hog"]["cellStride"]).eval()
    R, L = pack["resolution"], pack["latent"]["size"]

    if args.snap is None:   # the pack's own snap, as it is
        own = pack.get("snap")
        snap = snap_module(own["colours"], own["levels"]) if own else None
        snap_json = own
    else:
        snap, snap_json = export_snap(args.snap, args.data)

    files = {k: pack["graphs"][k]["file"] for k in ("generator", "encoder", "editStep", "projectStep")}
    B = 2
    z = torch.rand(B, L) * 2 - 1
    img = torch.rand(1, 3, R, R) * 2 - 1
    mask = torch.ones(1, 1, R, R)
    dyn = {"z": {0: "B"}}
    outs = dict(loss={0: "B"}, grad={0: "B"}, image={0: "B"}, terms={0: "B"})
    with torch.no_grad():
        export_graph(GeneratorGraph(G, snap), (z,), ["z"], ["image"], {"z": {0: "B"}, "image": {0: "B"}},
                     os.path.join(args.out, files["generator"]))
        export_graph(EditStep(G, hog, snap), (z, z[:1], img, mask, img, mask, torch.tensor([1.0, 0.2, 0.05])),
                     ["z", "z0", "color_target", "color_mask", "edge_target", "edge_mask", "weights"],
                     ["loss", "grad", "image", "terms"], dict(dyn, **outs), os.path.join(args.out, files["editStep"]))
        export_graph(ProjectStep(G, Fn, snap), (z, img, mask, torch.tensor([1.0, 0.1])),
                     ["z", "target", "mask", "weights"], ["loss", "grad", "image", "terms"], dict(dyn, **outs),
                     os.path.join(args.out, files["projectStep"]))
    onnx.save(enc, os.path.join(args.out, files["encoder"]))
    paths = [os.path.join(args.out, f) for f in files.values()]
    storage = pack["weights"].get("storage", "float32")
    nbytes = externalise(paths, os.path.join(args.out, pack["weights"]["file"]), storage)

    new = copy.deepcopy(pack)
    new.pop("snap", None)
    if snap_json:
        new["snap"] = snap_json
    for key, f in files.items():
        ins, outs_ = io_spec(os.path.join(args.out, f))
        new["graphs"][key] = dict(file=f, sha256=sha256(os.path.join(args.out, f)), inputs=ins, outputs=outs_)
    new["weights"].update(bytes=nbytes, sha256=sha256(os.path.join(args.out, pack["weights"]["file"])))
    new["provenance"]["graphsRebuilt"] = dict(date=datetime.date.today().isoformat(), torch=torch.__version__, opset=OPSET,
                                              by="models/train/rebuild_graphs.py from the pack's own weights")
    with open(os.path.join(args.out, "pack.json"), "w") as f:
        json.dump(new, f, indent=2)
        f.write("\n")
    for name in os.listdir(args.pack):   # evidence and anything else the pack carries
        src, dst = os.path.join(args.pack, name), os.path.join(args.out, name)
        if not os.path.exists(dst):
            (shutil.copytree if os.path.isdir(src) else shutil.copy2)(src, dst)

    # the rebuilt graphs hold the same numbers: every tensor of the old pack is in the new one
    _, wn = load_graph(args.out, "editStep", new)
    for k in we:
        if k.startswith("G."):
            assert torch.equal(wn[k].flatten(), we[k].flatten()), f"{k} changed"
    print(f"[rebuild] {args.out}: weights.bin {nbytes / 1e6:.2f} MB ({storage})")


if __name__ == "__main__":
    main()
