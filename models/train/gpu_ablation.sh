#!/bin/bash
# The generator-width ablation, run once on a lent GPU machine (one H200, 15 minutes of device time in all):
# fresh runs of the v2 recipe that differ only in G's widths train side by side for the same wall time, then
# the judge scores each (judge_metrics.py). models/README.md has the table; the states came back and are
# committed under models/runs/.
#
#   MIN=7 OUT=/tmp/out bash models/train/gpu_ablation.sh
#
# Needs, beside the training code: .gpu/{train,heldout}.{u8,jsonl}.xz and .gpu/meta.json (the
# rendered data set, data/avatars-v2, compressed: the machine has no Node to render it) and the judge.
set -u
OUT=${OUT:-/tmp/out}
MIN=${MIN:-7}
PY=${PY:-python3}   # the one with torch
mkdir -p "$OUT" data/avatars-v2 runs
t0=$(date +%s)
$PY - <<'EOF'
import lzma, shutil
for name in ("train.u8", "heldout.u8", "train.jsonl", "heldout.jsonl"):
    with lzma.open(f".gpu/{name}.xz") as src, open(f"data/avatars-v2/{name}", "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 24)
EOF
cp .gpu/meta.json data/avatars-v2/
echo "[gpu] data ready in $(( $(date +%s) - t0 )) s"; nvidia-smi -L; $PY -c "import torch; print('torch', torch.__version__)"

# The recipe the long run uses now (models/runs/personas64-v2/options.json), learning rates and EMA as for a new run;
# the flatness term ramps in over 50 kimg, since a new G starts as noise.
RECIPE="--data data/avatars-v2 --minutes $MIN --batch 128 --q-fake 0 --flat 200 --flat-ramp-kimg 50 --texture 1.0 --sample-min 2.5 --ckpt-min 2 --threads 3"
train() { name=$1; shift; mkdir -p runs/$name; $PY models/train/train_semisup.py --run runs/$name $RECIPE "$@" > runs/$name/stdout.log 2>&1; }
train w32 --ngf 32 &
train tail48 --ngf 32 --g-widths 256,128,64,48 &
train w48 --ngf 48 &
train tail64 --ngf 32 --g-widths 256,128,64,64 &
wait
echo "[gpu] trained in $(( $(date +%s) - t0 )) s"
for r in w32 tail48 w48 tail64; do tail -n 3 runs/$r/stdout.log | cut -c1-400; done
# The states first: they are what a timeout must not lose (16 MiB a file, 64 MiB in all come back: w32, the
# control, brings back its log and grids only).
tar cf "$OUT/runs.tar" --exclude=state.pt.xz runs
for r in tail48 w48 tail64; do
  f=runs/$r/state.pt.xz
  if [ "$(stat -c %s $f)" -lt 16000000 ]; then cp $f "$OUT/state_$r.pt.xz"; else split -b 15000000 -d $f "$OUT/state_$r.pt.xz.part"; fi
done
ls -la "$OUT"
for r in w32 tail48 w48 tail64; do
  $PY models/train/judge_metrics.py --run runs/$r --judge models/runs/judge-v2/judge.pt --data data/avatars-v2 --log --threads 4 > runs/$r/metrics.log 2>&1 &
done
wait
echo "[gpu] scored in $(( $(date +%s) - t0 )) s"
for r in w32 tail48 w48 tail64; do echo "== $r"; tail -c 1500 runs/$r/metrics.log; done
tar cf "$OUT/runs.tar" --exclude=state.pt.xz runs
ls -la "$OUT"
