"""The rendered avatar set (models/data/render-dataset.ts) held in memory as uint8."""
import json
import os

import numpy as np
import torch


class AvatarSet:
    def __init__(self, root: str, split: str = "train", size: int = 64):
        path = os.path.join(root, f"{split}.u8")
        raw = np.fromfile(path, dtype=np.uint8)
        assert raw.size % (size * size * 3) == 0, f"{path}: not a whole number of {size}x{size} RGB images"
        self.images = torch.from_numpy(raw.reshape(-1, size, size, 3))   # [N, H, W, 3] uint8
        with open(os.path.join(root, f"{split}.jsonl")) as f:
            self.table = [json.loads(line) for line in f]
        assert len(self.table) == len(self.images), "image count and table rows differ"

    def __len__(self):
        return len(self.images)

    def to(self, device):
        """Keeps the images on `device` (a GPU: the batches are then gathered there)."""
        self.images = self.images.to(device)
        return self

    def batch(self, idx: torch.Tensor, device="cpu", flip: bool = False, gen: torch.Generator = None):
        """Images idx as floats in [-1, 1], [B, 3, H, W]; random horizontal flips when flip."""
        x = self.images[idx.to(self.images.device)].to(device).permute(0, 3, 1, 2).float().div_(127.5).sub_(1.0)
        if flip:
            m = torch.rand(len(idx), generator=gen) < 0.5
            x = torch.where(m.to(device)[:, None, None, None], x.flip(3), x)   # no boolean indexing: no wait for the GPU
        return x
