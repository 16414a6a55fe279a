"""A pack's ONNX initializers as float32 tensors, whatever its weights storage.

The graphs' external-data offsets point into the float32 layout of weights.bin; a pack with
`weights.storage: "float16"` stores halves (docs/pack-format.md), so `onnx.load` on it reads
the wrong bytes (pairs of halves as one float, past the end for the later tensors). This widens
the file first, as the engine's loader does (engine/pack/load-pack.ts).
"""
import json
import os

import numpy as np
import onnx
import torch
from onnx import numpy_helper


def pack_json(pack_dir):
    with open(os.path.join(pack_dir, "pack.json")) as f:
        return json.load(f)


def float32_blob(pack_dir, pack=None):
    """weights.bin in the float32 layout the graphs' offsets index."""
    pack = pack or pack_json(pack_dir)
    with open(os.path.join(pack_dir, pack["weights"]["file"]), "rb") as f:
        raw = f.read()
    if pack["weights"].get("storage", "float32") == "float16":
        raw = np.frombuffer(raw, "<f2").astype("<f4").tobytes()
    return raw


def load_graph(pack_dir, key, pack=None, blob=None):
    """(onnx model with every initializer inline, {name: float32 tensor}) for graph `key` (e.g. "editStep")."""
    pack = pack or pack_json(pack_dir)
    blob = blob if blob is not None else float32_blob(pack_dir, pack)
    m = onnx.load(os.path.join(pack_dir, pack["graphs"][key]["file"]), load_external_data=False)
    for t in m.graph.initializer:
        if t.data_location != onnx.TensorProto.EXTERNAL:
            continue
        ext = {e.key: e.value for e in t.external_data}
        off, n = int(ext.get("offset", 0)), int(ext["length"])
        if off + n > len(blob):
            raise ValueError(f"{key}: initializer {t.name} runs past the end of weights.bin ({off}+{n} > {len(blob)})")
        t.raw_data = blob[off:off + n]
        t.data_location = onnx.TensorProto.DEFAULT
        del t.external_data[:]
    return m, {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in m.graph.initializer}
