#!/usr/bin/env bash
# Spark benchmark: ./zoomcam-spark on a local master with 1 and 2 slots vs the single-process ./zoomcam
# explain, side by side in one run, on the same generated images (target/bench-spark/, never committed).
# Every run uses the same total number of native (PyTorch/OpenMP) threads as there are cores: the
# command line and one Spark slot get all of them, two Spark slots half each; a third Spark row gives one
# slot a single thread, for the 1 -> 2 slot scaling at equal threads per slot, and a last command-line row
# gets a single thread too, for Spark's overhead at equal engine settings.
#
#   tools/benchmark_spark.sh [IMAGES] [ROUNDS]   (default 1000 images: ./zoomcam synth --n 1000 --seed 21; 2 rounds)
#
# The machine may be shared: each round runs every configuration once, alternating the order between
# rounds, and the table keeps each configuration's fastest round (the one least disturbed by other load).
#
# Columns: wall s = the whole command (JVM, model load, Spark start-up included); images/s over that;
# engine ms/image = the engine's own time (network passes, maps, host copy) per image; overhead ms/image =
# slot time not spent in the engine, (wall x slots - engine time) / images: reading images, writing the
# result folders and, for Spark, its start-up and scheduling. Last line: whether Spark's result folders
# are byte-identical to the command line's.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
rounds=${2:-2}
cores=$(nproc)
half=$(( cores / 2 > 0 ? cores / 2 : 1 ))
model=plugins/Zoom-CAM/models/synthetic-cells
work=target/bench-spark
images="$work/synth-$n/images"
if [ "$(ls "$images" 2>/dev/null | wc -l)" != "$n" ]; then
  rm -rf "$work/synth-$n"
  ./zoomcam synth --n "$n" --seed 21 --out "$work/synth-$n" >/dev/null
fi
./zoomcam info --model "$model" >/dev/null 2>&1             # builds ./zoomcam once
./zoomcam-spark --help >/dev/null 2>&1 || true               # builds ./zoomcam-spark once

now() { date +%s.%N; }

# run NAME SLOTS THREADS COMMAND...: runs with THREADS native threads per engine, appends a row to rows.txt.
run() {
  local name=$1 slots=$2 threads=$3; shift 3
  local out="$work/out-$name" log="$work/$name.log"
  rm -rf "$out" "$work/$name.json"
  local start end load
  load=$(cut -d' ' -f1 /proc/loadavg)
  start=$(now)
  OMP_NUM_THREADS=$threads JAVA_OPTS="-Dai.djl.pytorch.num_threads=$threads" "$@" --out "$out" >"$log" 2>&1 || {
    echo "error: $name failed; see $log" >&2; exit 1; }
  end=$(now)
  local engine_total
  if [ -f "$work/$name.json" ]; then
    engine_total=$(sed -n 's/.*"engine_ms": \([0-9.]*\).*/\1/p' "$work/$name.json")
  else
    # the command line prints each image's engine time: "(12 ms/image)"
    engine_total=$(sed -n 's/.*(\([0-9.]*\) ms\/image)$/\1/p' "$log" | awk '{s += $1} END {print s + 0}')
  fi
  awk -v name="$name" -v slots="$slots" -v threads="$threads" -v n="$n" -v s="$start" -v e="$end" \
      -v engine="$engine_total" -v load="$load" 'BEGIN {
    wall = e - s
    printf "| %s | %d | %d | %.1f | %.2f | %.1f | %.1f | %s |\n", name, slots, threads, wall, n / wall, engine / n,
      (wall * 1000 * slots - engine) / n, load
  }' >>"$work/rows.txt"
  tail -1 "$work/rows.txt" >&2
}

# CONFIGS="cli-thread-1 spark-local-1-thread-1" runs a subset.
read -r -a configs <<<"${CONFIGS:-cli spark-local-2 spark-local-1 spark-local-1-thread-1 cli-thread-1}"
run_config() {
  case $1 in
    cli) run cli 1 "$cores" ./zoomcam explain --model "$model" "$images"/*.tif ;;
    cli-thread-1) run cli-thread-1 1 "$half" ./zoomcam explain --model "$model" "$images"/*.tif ;;
    spark-local-1) run spark-local-1 1 "$cores" ./zoomcam-spark --master "local[1]" --model "$model" --stats "$work/spark-local-1.json" "$images" ;;
    spark-local-2) run spark-local-2 2 "$half" ./zoomcam-spark --master "local[2]" --model "$model" --stats "$work/spark-local-2.json" "$images" ;;
    spark-local-1-thread-1) run spark-local-1-thread-1 1 "$half" ./zoomcam-spark --master "local[1]" --model "$model" --stats "$work/spark-local-1-thread-1.json" "$images" ;;
  esac
}

rm -f "$work/rows.txt"
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2 == 1)); then order=("${configs[@]}"); else order=($(printf '%s\n' "${configs[@]}" | tac)); fi
  for c in "${order[@]}"; do run_config "$c"; done
done
# The fastest round of each configuration (wall is column 5).
best() { awk -F'|' -v r="$1" '$2 == " "r" "' "$work/rows.txt" | sort -t'|' -k5,5 -g | head -1; }
printf '| run | slots | native threads per slot | wall s | images/s | engine ms/image | overhead ms/image | load average at start |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for c in "${configs[@]}"; do best "$c"; done | tee "$work/best.txt"

[ -n "${CONFIGS:-}" ] && exit 0   # a subset: no ratios
rate() { awk -F'|' -v r="$1" '$2 == " "r" " {print $6}' "$work/best.txt"; }
awk -v cli="$(rate cli)" -v s1="$(rate spark-local-1)" -v s2="$(rate spark-local-2)" -v t1="$(rate spark-local-1-thread-1)" -v rounds="$rounds" 'BEGIN {
  printf "\nfastest of %d rounds; Spark local[2] / command line: %.2fx throughput (target >= 0.9x); local[1] -> local[2]: %.2fx at equal total threads, %.2fx at equal threads per slot\n", rounds, s2 / cli, s2 / s1, s2 / t1
}'
identical=yes
for d in "$work/out-cli"/*/; do
  name=$(basename "$d")
  diff -rq "$d" "$work/out-spark-local-2/$name" >/dev/null || { identical=no; echo "differs: $name" >&2; }
done
echo "result folders of spark-local-2 byte-identical to the command line's: $identical ($(nproc) cores, $n images, $(./zoomcam info --model "$model" 2>/dev/null | sed -n 's/^runtime: *//p'))"
