"""The PyTorch peer for `npm run bench`: the edit step a researcher would write (PyTorch
eager, autograd) on the same weights and the same loss as the pack's edit graph, plus a
matrix-multiply peak microbenchmark and a FLOP count of the graph.

Speaks JSON lines on stdin/stdout so the TypeScript harness can interleave it with the
other runtimes, one step at a time:
  {"cmd": "init", "pack": "models/personas64", "threads": 1}   -> {"ok": true, "flops": {...}}
  {"cmd": "step", "mode": "autograd"|"explicit", "batch": 8}    -> {"ms": 12.3}
  {"cmd": "matmul", "n": 1024, "threads": 1, "reps": 5}          -> {"gflops": 95.1}
Weights are read from the pack's ONNX initializers (G.*, hog.*), so no checkpoint is needed.
"""
import json
import os
import sys
import time

import onnx
import torch
from onnx import numpy_helper, shape_inference

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "train"))
from graphs import HOG, EditStep, FoldedGenerator, reference_edit_loss  # noqa: E402

state = {}


def load_initializers(path):
    m = onnx.load(path)   # resolves weights.bin next to it
    return m, {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in m.graph.initializer}


def build(pack_dir):
    with open(os.path.join(pack_dir, "pack.json")) as f:
        pack = json.load(f)
    model, w = load_initializers(os.path.join(pack_dir, pack["graphs"]["editStep"]["file"]))
    G = FoldedGenerator.from_tensors(w["G.w1"], w["G.b1"],
                                     [w[f"G.ws.{i}"] for i in range(4)], [w[f"G.bs.{i}"] for i in range(4)])
    hog = HOG(pack["hog"]["orientations"], pack["hog"]["cellStride"])
    return pack, model, G.eval(), hog.eval()


def count_flops(model, batch):
    """2·MACs of every Conv, ConvTranspose, MatMul and Gemm at the given batch (element-wise ops not counted)."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    for vi in list(m.graph.input) + list(m.graph.output):
        for d in vi.type.tensor_type.shape.dim:
            if d.dim_param == "B":
                d.dim_value = batch
    m = shape_inference.infer_shapes(m)
    shapes = {}
    for vi in list(m.graph.value_info) + list(m.graph.input) + list(m.graph.output):
        shapes[vi.name] = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    for t in m.graph.initializer:
        shapes[t.name] = list(t.dims)
    total = 0
    for n in m.graph.node:
        if n.op_type == "Conv":
            out, w = shapes.get(n.output[0]), shapes.get(n.input[1])
            if out and w and all(out):
                total += 2 * out[0] * out[1] * out[2] * out[3] * w[1] * w[2] * w[3]   # w[1] = Cin / group
        elif n.op_type == "ConvTranspose":
            inp, w = shapes.get(n.input[0]), shapes.get(n.input[1])
            if inp and w and all(inp):
                total += 2 * inp[0] * inp[1] * inp[2] * inp[3] * w[1] * w[2] * w[3]
        elif n.op_type in ("MatMul", "Gemm"):
            a, b = shapes.get(n.input[0]), shapes.get(n.input[1])
            if a and b and all(a) and all(b):
                total += 2 * a[0] * a[1] * (b[0] if n.op_type == "Gemm" and any(x.name == "transB" and x.i for x in n.attribute) else b[1])
    return total


def inputs(pack, batch, seed=0):
    g = torch.Generator().manual_seed(seed)
    L, R = pack["latent"]["size"], pack["resolution"]
    z = torch.rand(batch, L, generator=g) * 1.8 - 0.9
    z0 = torch.rand(1, L, generator=g) * 1.8 - 0.9
    ct = torch.rand(1, 3, R, R, generator=g) * 2 - 1
    cm = (torch.rand(1, 1, R, R, generator=g) > 0.8).float()
    et = torch.rand(1, 3, R, R, generator=g) * 2 - 1
    em = (torch.rand(1, 1, R, R, generator=g) > 0.8).float()
    return z, z0, ct, cm, et, em, torch.tensor([1.0, 0.2, 0.05])


def step(mode, batch):
    pack, G, hog = state["pack"], state["G"], state["hog"]
    key = (mode, batch)
    if key not in state["feeds"]:
        state["feeds"][key] = inputs(pack, batch)
    z, z0, ct, cm, et, em, w = state["feeds"][key]
    t0 = time.perf_counter()
    if mode == "autograd":
        zz = z.clone().requires_grad_(True)
        loss = reference_edit_loss(G, hog, zz, z0, ct, cm, et, em, w)
        grad, = torch.autograd.grad(loss.sum(), zz)
    else:
        with torch.no_grad():
            loss, grad, _, _ = state["edit"](z, z0, ct, cm, et, em, w)
    float(grad.sum())   # materialise
    return (time.perf_counter() - t0) * 1000


def matmul(n, threads, reps):
    old = torch.get_num_threads()
    torch.set_num_threads(threads)
    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.mm(a, b)
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - t0)
    torch.set_num_threads(old)
    return 2 * n ** 3 / best / 1e9


def main():
    for line in sys.stdin:
        msg = json.loads(line)
        try:
            if msg["cmd"] == "init":
                torch.set_num_threads(msg.get("threads", 1))
                pack, model, G, hog = build(msg["pack"])
                state.update(pack=pack, G=G, hog=hog, edit=EditStep(G, hog).eval(), feeds={})
                flops = {str(b): count_flops(model, b) for b in msg.get("batches", [1, 8, 16, 64])}
                out = dict(ok=True, torch=torch.__version__, threads=torch.get_num_threads(), flops=flops)
            elif msg["cmd"] == "step":
                out = dict(ms=step(msg["mode"], msg["batch"]))
            elif msg["cmd"] == "matmul":
                out = dict(gflops=matmul(msg.get("n", 1024), msg.get("threads", 1), msg.get("reps", 5)))
            elif msg["cmd"] == "quit":
                break
            else:
                out = dict(error=f"unknown cmd {msg['cmd']}")
        except Exception as e:  # answer every message, errors included
            out = dict(error=repr(e))
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
