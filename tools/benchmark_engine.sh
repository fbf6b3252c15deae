#!/usr/bin/env bash
# Engine benchmark: Java/DJL engine vs the PyTorch reference, side by side in one run, on VGG16 (all 13
# conv layers, 224x224, batch 1 and 8) and ResNet-50 (4 residual stages, batch 1). Models are exported on
# the fly with random weights into target/bench/ (never committed; VGG16 is ~530 MB).
#
#   tools/benchmark_engine.sh [REPEATS]
#
# Needs Debian's python3-torch and python3-torchvision (apt-get install python3-torchvision).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-/usr/bin/python3}
REPEATS=${1:-5}
bench=target/bench
mkdir -p "$bench"
for arch in vgg16 resnet50; do
  if [ ! -f "$bench/$arch/zoomcam.json" ]; then
    echo "exporting $arch with random weights..." >&2
    "$PY" tools/export_model.py --arch "$arch" --num-classes 1000 --out "$bench/$arch" >&2
  fi
done
./zoomcam info --model "$bench/vgg16" >/dev/null   # builds the launcher once, checks the bundle

printf '| model | layers | batch | Java explain ms/img | Java network-only ms/img | engine overhead | Java peak RSS MB | PyTorch ms/img | PyTorch peak RSS MB |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
for cfg in "vgg16 1" "vgg16 8" "resnet50 1"; do
  set -- $cfg
  arch=$1; batch=$2
  layers=$(grep -c '"stride"' "$bench/$arch/zoomcam.json")
  java_line=$(./zoomcam speed --model "$bench/$arch" --batch "$batch" --repeats "$REPEATS" --warmup 2 --layers all --device cpu | tail -1)
  read -r _ net full overhead rss _ <<<"$java_line"
  py_line=$("$PY" tools/bench_reference.py --bundle "$bench/$arch" --arch "$arch" --batch "$batch" --repeats "$REPEATS")
  py_ms=$(sed -n 's/.*ms_per_image=\([0-9.]*\).*/\1/p' <<<"$py_line")
  py_rss=$(sed -n 's/.*peak_rss_mb=\([0-9.]*\).*/\1/p' <<<"$py_line")
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$arch" "$layers" "$batch" "$full" "$net" "$overhead" "$rss" "$py_ms" "$py_rss"
done
echo "($(nproc) cores; Java: $(./zoomcam info --model "$bench/resnet50" | sed -n 's/^runtime: *//p'); PyTorch: $("$PY" -c "import torch; print(torch.__version__)") with $(nproc) intra-op threads)"

# Per CAM method (issue 6): ms/image of an explain call computing one method alone, and all of them in one
# call; Score-CAM with its default channel limit (64 of VGG16's 512 last-layer channels).
echo
echo "Per method, VGG16, batch 1, CPU (zoomcam speed --methods all):"
./zoomcam speed --model "$bench/vgg16" --methods all --batch 1 --repeats "$REPEATS" --warmup 2 --layers all --device cpu
