"""One iteration of every stage on a tiny synthetic dataset: train -> encoder -> export,
then the exported graphs pass the ONNX checker and pack.json describes them."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import onnx

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*args):
    subprocess.run([sys.executable, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class TestPipelineSmoke(unittest.TestCase):
    def test_one_step_each_stage(self):
        with tempfile.TemporaryDirectory() as tmp:
            data, rdir, out = os.path.join(tmp, "data"), os.path.join(tmp, "run"), os.path.join(tmp, "pack")
            os.makedirs(data)
            rng = np.random.default_rng(0)
            for split, n in (("train", 16), ("heldout", 4)):
                rng.integers(0, 256, (n, 64, 64, 3), dtype=np.uint8).tofile(os.path.join(data, f"{split}.u8"))
                with open(os.path.join(data, f"{split}.jsonl"), "w") as f:
                    for i in range(n):
                        f.write(json.dumps(dict(index=i, seed=f"{split}-{i}", attrs={"hair": "a"})) + "\n")
            common = ["--ngf", "8", "--ndf", "8", "--noise", "6", "--categories", "3", "--continuous", "2", "--batch", "4"]
            run(os.path.join(HERE, "train.py"), "--data", data, "--run", rdir, "--kimg", "0.004", *common)
            self.assertTrue(os.path.exists(os.path.join(rdir, "ckpt.pt")))
            # a second invocation resumes instead of starting over
            run(os.path.join(HERE, "train.py"), "--data", data, "--run", rdir, "--kimg", "0.008", *common)
            with open(os.path.join(rdir, "log.jsonl")) as f:
                steps = [json.loads(l)["step"] for l in f]
            self.assertEqual(steps, [1, 2])
            run(os.path.join(HERE, "train_encoder.py"), "--data", data, "--run", rdir, "--steps", "1", "--batch", "4", "--real-batch", "2")
            self.assertTrue(os.path.exists(os.path.join(rdir, "encoder.pt")))
            run(os.path.join(HERE, "export.py"), "--run", rdir, "--out", out)
            with open(os.path.join(out, "pack.json")) as f:
                pack = json.load(f)
            self.assertEqual(pack["latent"]["size"], 6 + 3 + 2)
            self.assertEqual(sorted(pack["graphs"]), ["editStep", "encoder", "generator", "projectStep"])
            for g in pack["graphs"].values():
                m = onnx.load(os.path.join(out, g["file"]))   # resolves weights.bin
                onnx.checker.check_model(m)
            self.assertEqual(pack["graphs"]["editStep"]["outputs"]["grad"]["shape"], ["B", 11])


if __name__ == "__main__":
    unittest.main()
