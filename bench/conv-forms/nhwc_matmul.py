"""NHWC MatMul forms (batch folded into the GEMM's rows), checked against the NCHW graphs of subpixel.py (run.mjs)."""
import os, sys
import numpy as np
import onnx
from onnx import helper as h, TensorProto as T, numpy_helper as nh
out = sys.argv[1]
B = 8
LAYERS = [(256, 128, 4), (128, 64, 8), (64, 32, 16), (32, 3, 32)]
rng = np.random.default_rng(0)
FW = {0: [(-1, 3), (0, 1)], 1: [(0, 2), (1, 0)]}     # forward: parity -> [(input offset, k)]
BW = {0: [(0, 1), (1, 3)], 1: [(-1, 0), (0, 2)]}     # adjoint: parity -> [(offset in parity grid, k)]
def c(name, v): return nh.from_array(np.asarray(v), name)
def vi(n, shape): return h.make_tensor_value_info(n, T.FLOAT, shape)
def save(nodes, inits, ins, outs, name):
    m = h.make_model(h.make_graph(nodes, name, ins, outs, inits), opset_imports=[h.make_opsetid("", 17)])
    onnx.checker.check_model(m); onnx.save(m, os.path.join(out, name + ".onnx"))
for li, (ci, co, H) in enumerate(LAYERS):
    W = rng.standard_normal((ci, co, 4, 4)).astype(np.float32) * 0.05
    b = rng.standard_normal(co).astype(np.float32)
    # forward
    nodes = [h.make_node("Pad", ["x", "pads"], ["xp"])]
    inits = [c("pads", np.array([0, 1, 1, 0, 0, 1, 1, 0], np.int64)), c("b", b), c("ax", np.array([1, 2], np.int64)),
             c("r6", np.array([B, H, 1, H, 1, co], np.int64)), c("rout", np.array([B, 2 * H, 2 * H, co], np.int64))]
    for oy in (-1, 0, 1):
        for ox in (-1, 0, 1):
            inits += [c(f"st{oy}{ox}", np.array([1 + oy, 1 + ox], np.int64)), c(f"en{oy}{ox}", np.array([1 + oy + H, 1 + ox + H], np.int64))]
            nodes.append(h.make_node("Slice", ["xp", f"st{oy}{ox}", f"en{oy}{ox}", "ax"], [f"s{oy}{ox}"]))
    rows = []
    for py in (0, 1):
        cols = []
        for px in (0, 1):
            taps = [(oy, ky, ox, kx) for oy, ky in FW[py] for ox, kx in FW[px]]
            wm = np.concatenate([W[:, :, ky, kx] for _, ky, _, kx in taps], 0)        # [4ci, co]
            inits.append(c(f"W{py}{px}", wm))
            nodes += [h.make_node("Concat", [f"s{oy}{ox}" for oy, _, ox, _ in taps], [f"i{py}{px}"], axis=3),
                      h.make_node("MatMul", [f"i{py}{px}", f"W{py}{px}"], [f"m{py}{px}"]),
                      h.make_node("Add", [f"m{py}{px}", "b"], [f"a{py}{px}"]),
                      h.make_node("Reshape", [f"a{py}{px}", "r6"], [f"r{py}{px}"])]
            cols.append(f"r{py}{px}")
        nodes.append(h.make_node("Concat", cols, [f"row{py}"], axis=4)); rows.append(f"row{py}")
    nodes += [h.make_node("Concat", rows, ["y6"], axis=2), h.make_node("Reshape", ["y6", "rout"], ["y"])]
    save(nodes, inits, [vi("x", [B, H, H, ci])], [vi("y", [B, 2 * H, 2 * H, co])], f"L{li}_fwd_nhwcmm")
    # adjoint
    nodes = [h.make_node("Reshape", ["dy", "r6"], ["d6"]), h.make_node("Pad", ["d6", "pads6"], ["dp"])]
    inits = [c("r6", np.array([B, H, 2, H, 2, co], np.int64)), c("pads6", np.array([0, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0], np.int64)),
             c("ax", np.array([1, 2, 3, 4], np.int64)), c("r4", np.array([B, H, H, co], np.int64))]
    parts, wrows = [], []
    for py in (0, 1):
        for px in (0, 1):
            for oy, ky in BW[py]:
                for ox, kx in BW[px]:
                    n = f"{py}{px}{oy}{ox}".replace("-", "m")
                    inits += [c(f"st{n}", np.array([1 + oy, py, 1 + ox, px], np.int64)), c(f"en{n}", np.array([1 + oy + H, py + 1, 1 + ox + H, px + 1], np.int64))]
                    nodes += [h.make_node("Slice", ["dp", f"st{n}", f"en{n}", "ax"], [f"q{n}"]), h.make_node("Reshape", [f"q{n}", "r4"], [f"t{n}"])]
                    parts.append(f"t{n}"); wrows.append(W[:, :, ky, kx].T)                 # [co, ci]
    inits.append(c("Wb", np.concatenate(wrows, 0)))
    nodes += [h.make_node("Concat", parts, ["cat"], axis=3), h.make_node("MatMul", ["cat", "Wb"], ["dx"])]
    save(nodes, inits, [vi("dy", [B, 2 * H, 2 * H, co])], [vi("dx", [B, H, H, ci])], f"L{li}_bwd_nhwcmm")
print("ok")
