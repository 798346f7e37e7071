#!/usr/bin/env bash
# Runs every benchmark script in bench/ (bench/NN-*.sh) on generated data and prints the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
export HUKOU="${HUKOU:-$PWD/.build/release/hukou}"
export BENCH_DATA="${BENCH_DATA:-$PWD/bench/data}"
mkdir -p "$BENCH_DATA"
for s in bench/[0-9][0-9]-*.sh; do
  [ -e "$s" ] || continue
  echo "== $(basename "$s" .sh)"
  bash "$s"
done
