#!/usr/bin/env bash
# Fine-tune the shipped default weights at full size (crop 224, whole network) on a lent GPU machine.
#
# The machine has JAX and no Keras: the Keras wheels travel in .whl/, the photos as WebP parts made by
# `python -m train pack --data ../shared/data/scenes --out .pack --quality 60 --parts 2` (each part
# under the upload limit). Run from the repository root there:
#   bash train/device_fit.sh smoke        # 2 short epochs: checks the stack, measures seconds per step
#   bash train/device_fit.sh SECONDS      # the real run, sized to end within SECONDS
# A weighted mix (train fit's DIR=W) packed by `train pack --data F1 F2 ... --parts N --max-side 320 --limit L`:
#   MIX="scenes=1.5 utkface=0.2 ccp_street=0.6" EXTRA="--hints --degrade 0.3" EPOCH_PHOTOS=8000 bash train/device_fit.sh ...
# gives each packed folder its weight shared out over the parts (each part holds a share of every folder).
# Results land in $OUT (weights split into pieces under 16 MiB: join them with cat).
set -uo pipefail
budget=${1:?usage: device_fit.sh smoke|SECONDS}
out=${OUT:-out}
mkdir -p "$out"
started=$(date +%s)
if [ ! -f /tmp/site/.installed ]; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
    && touch /tmp/site/.installed || exit 1
fi
export PYTHONPATH=/tmp/site KERAS_BACKEND=jax PYTHONUNBUFFERED=1 TF_CPP_MIN_LOG_LEVEL=2
parts=$(ls -d .pack/part* 2>/dev/null | tr '\n' ' ')
[ -n "$parts" ] || parts=$(ls -d .pack 2>/dev/null)  # packed with --parts 1
[ -n "$parts" ] || { echo "no .pack here"; exit 1; }
data=$parts
if [ -n "${MIX:-}" ]; then
  data=$(python3 - "$parts" "$MIX" <<'EOF'
import sys
parts, mix = sys.argv[1].split(), sys.argv[2].split()
print(" ".join(f"{part}/{name}={float(weight) / len(parts):g}" for part in parts for name, weight in
               (item.split("=") for item in mix)))
EOF
  ) || exit 1
fi
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
python3 -c "import keras, jax; print('keras', keras.__version__, 'jax', jax.__version__, jax.devices())"
# CROP and LIMIT shrink the run for a rehearsal on a CPU
common=(--init "${INIT:-colorize/default_weights}" --no-freeze-encoder --crop-size "${CROP:-224}" --batch-size 32 --learning-rate 2e-4
        --workers 16 --verbose 2 ${EPOCH_PHOTOS:+--epoch-photos $EPOCH_PHOTOS} ${EXTRA:-})

if [ "$budget" = smoke ]; then
  rm -rf runs/smoke
  python3 -m train fit --data $data --out runs/smoke --limit "${LIMIT:-640}" --epochs 2 "${common[@]}" 2>&1 | tee "$out/smoke.log"
  # seconds per training step of the second (compiled) epoch, for sizing the real run
  grep -o '[0-9.]*m\?s/step' "$out/smoke.log" | tail -1 | tee runs/step_time
  python3 -m train export --run runs/smoke --out runs/smoke-export && ls -la runs/smoke-export
  echo "smoke took $(( $(date +%s) - started )) s"
  exit 0
fi

# Size the run: epochs of (training steps + validation) that fit the budget, less start-up and export.
epochs=$(python3 - "$budget" "$parts" <<'EOF'
import os, re, sys
budget, parts = int(sys.argv[1]), sys.argv[2].split()
photos = sum(len(files) for part in parts for _, _, files in os.walk(part))
photos = min(photos, int(os.environ.get("EPOCH_PHOTOS") or photos))  # an epoch of fit --epoch-photos
text = open("runs/step_time").read().strip() if os.path.exists("runs/step_time") else "250ms/step"
value = float(re.match(r"[0-9.]+", text).group())
step = value / 1000 if "ms" in text else value
epoch = (photos / 32) * step * 1.1  # validation and checkpoint on top of the training steps
print(max(2, min(40, int((budget - 120) / epoch))))
EOF
)
echo "real run: $epochs epochs on $parts"
rm -rf runs/gpu
timeout $(( budget - 45 - ($(date +%s) - started) )) \
  python3 -m train fit --data $data --out runs/gpu --epochs "$epochs" ${LIMIT:+--limit $LIMIT} "${common[@]}" 2>&1 | tee "$out/fit.log"
python3 -m train export --run runs/gpu --out runs/gpu-export
split -b 15M runs/gpu-export/model.weights.h5 "$out/model.weights.h5.part-"
cp runs/gpu-export/config.json runs/gpu/log.csv runs/gpu/bin_weights.npy "$out/"  # at most 8 files come back
echo "done in $(( $(date +%s) - started )) s"
