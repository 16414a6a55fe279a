"""Batch folded into the width (one zero column between images): one GEMM per layer instead of B."""
import os, sys
import numpy as np
import onnx
from onnx import helper as h, TensorProto as T, numpy_helper as nh
out = sys.argv[1]
B = 8
LAYERS = [(256, 128, 4), (128, 64, 8), (64, 32, 16), (32, 3, 32)]
rng = np.random.default_rng(0)
def c(name, v): return nh.from_array(np.asarray(v), name)
def vi(n, shape): return h.make_tensor_value_info(n, T.FLOAT, shape)
def save(nodes, inits, ins, outs, name):
    m = h.make_model(h.make_graph(nodes, name, ins, outs, inits), opset_imports=[h.make_opsetid("", 17)])
    onnx.checker.check_model(m); onnx.save(m, os.path.join(out, name + ".onnx"))
i64 = lambda *v: np.array(v, np.int64)
for li, (ci, co, H) in enumerate(LAYERS):
    W = rng.standard_normal((ci, co, 4, 4)).astype(np.float32) * 0.05
    b = rng.standard_normal(co).astype(np.float32)
    nodes = [h.make_node("Pad", ["x", "pads"], ["xp"]), h.make_node("Transpose", ["xp"], ["xt"], perm=[1, 2, 0, 3]),
             h.make_node("Reshape", ["xt", "r1"], ["xf"]),
             h.make_node("ConvTranspose", ["xf", "W", "b"], ["yf"], kernel_shape=[4, 4], strides=[2, 2], pads=[1, 1, 1, 1]),
             h.make_node("Reshape", ["yf", "r2"], ["y4"]), h.make_node("Slice", ["y4", "s0", "s1", "sa"], ["ys"]),
             h.make_node("Transpose", ["ys"], ["y"], perm=[2, 0, 1, 3])]
    inits = [c("pads", i64(0, 0, 0, 0, 0, 0, 0, 1)), c("r1", i64(1, ci, H, B * (H + 1))), c("W", W), c("b", b),
             c("r2", i64(co, 2 * H, B, 2 * (H + 1))), c("s0", i64(0)), c("s1", i64(2 * H)), c("sa", i64(3))]
    save(nodes, inits, [vi("x", [B, ci, H, H])], [vi("y", [B, co, 2 * H, 2 * H])], f"L{li}_fwd_fold")
    nodes = [h.make_node("Pad", ["dy", "pads"], ["dp"]), h.make_node("Transpose", ["dp"], ["dt"], perm=[1, 2, 0, 3]),
             h.make_node("Reshape", ["dt", "r1"], ["df"]),
             h.make_node("Conv", ["df", "W"], ["xf"], kernel_shape=[4, 4], strides=[2, 2], pads=[1, 1, 1, 1]),
             h.make_node("Reshape", ["xf", "r2"], ["x4"]), h.make_node("Slice", ["x4", "s0", "s1", "sa"], ["xs"]),
             h.make_node("Transpose", ["xs"], ["dx"], perm=[2, 0, 1, 3])]
    inits = [c("pads", i64(0, 0, 0, 0, 0, 0, 0, 2)), c("r1", i64(1, co, 2 * H, B * (2 * H + 2))), c("W", W),
             c("r2", i64(ci, H, B, H + 1)), c("s0", i64(0)), c("s1", i64(H)), c("sa", i64(3))]
    save(nodes, inits, [vi("dy", [B, co, 2 * H, 2 * H])], [vi("dx", [B, ci, H, H])], f"L{li}_bwd_fold")
print("ok")
