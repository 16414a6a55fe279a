#!/bin/bash
# The widening check, run once on a lent GPU machine (the 4 minutes of device time the ablation left): the
# committed run continues side by side as it is ("cont") and with its last layer widened to 48 channels
# ("wide", Net2WiderNet: the new channels start silent), for the same wall time. Each run folder is
# written straight into $OUT, so what a timeout leaves still comes back.
#
#   MIN=2.7 OUT=/tmp/out bash models/train/gpu_widen.sh
#
# Needs, beside the training code: .gpu/train.{u8,jsonl}.xz, .gpu/meta.json and runs0/state.pt.xz (the run's state).
set -u
OUT=${OUT:-/tmp/out}
MIN=${MIN:-2.7}
PY=${PY:-python3}
mkdir -p "$OUT" data/avatars-v2
t0=$(date +%s)
$PY - <<'PYEOF'
import lzma, shutil
for name in ("train.u8", "train.jsonl"):
    with lzma.open(f".gpu/{name}.xz") as src, open(f"data/avatars-v2/{name}", "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 24)
PYEOF
cp .gpu/meta.json data/avatars-v2/
for r in wide cont; do mkdir -p "$OUT/$r"; cp runs0/state.pt.xz "$OUT/$r/"; done
echo "[gpu] ready in $(( $(date +%s) - t0 )) s"
COMMON="--data data/avatars-v2 --minutes $MIN --threads 4 --sample-min 100 --ckpt-min 100"
$PY models/train/train_semisup.py --run "$OUT/wide" $COMMON --g-widths 256,128,64,48 > /tmp/wide.log 2>&1 &
$PY models/train/train_semisup.py --run "$OUT/cont" $COMMON > /tmp/cont.log 2>&1 &
wait
echo "[gpu] done in $(( $(date +%s) - t0 )) s"
for r in wide cont; do echo "== $r"; grep -v "as the run last used" /tmp/$r.log | cut -c1-300; done
ls -la "$OUT"/*
