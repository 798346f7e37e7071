# Shared helpers for the benchmark scripts: timing with CPU time and peak RSS, rate arithmetic.
# Sourced from the repository root by bench/run.sh or by a script run alone (`bash bench/30-…sh`),
# which then gets the same defaults: the release binary and bench/data/.
export HUKOU="${HUKOU:-$PWD/.build/release/hukou}"
export BENCH_DATA="${BENCH_DATA:-$PWD/bench/data}"
mkdir -p "$BENCH_DATA"
[ -x "$HUKOU" ] || { echo "bench: no $HUKOU (run: swift build -c release --product hukou)" >&2; exit 1; }
# measure LABEL BYTES RECORDS -- CMD...
#   prints "LABEL  T s  X MB/s  Y records/s  cpu C s  peak RSS Z MB" (RSS: the largest process)
measure() {
  local label=$1 bytes=$2 records=$3; shift 4
  local tf; tf=$(mktemp)
  /usr/bin/time -f '%e %M %U %S' -o "$tf" bash -c "$*" >/dev/null
  read -r secs kb usr sys < "$tf"; rm -f "$tf"
  awk -v l="$label" -v s="$secs" -v b="$bytes" -v r="$records" -v kb="$kb" -v u="$usr" -v y="$sys" 'BEGIN {
    if (s <= 0) s = 0.01;
    printf "%-44s %7.2f s %8.1f MB/s %11.0f records/s  cpu %6.2f s  peak RSS %7.1f MB\n", l, s, b/1e6/s, r/s, u+y, kb/1024 }'
}

# measure_median RUNS LABEL BYTES RECORDS -- CMD...
#   runs CMD RUNS times and prints measure's line for the run of median wall time, with
#   "(median of RUNS: min–max s)". Short multi-threaded runs on this shared 2-core VM vary by
#   ±20% from run to run; the median of a few is the figure to compare.
measure_median() {
  local runs=$1 label=$2 bytes=$3 records=$4; shift 5
  local tf all; tf=$(mktemp); all=$(mktemp)
  for _ in $(seq 1 "$runs"); do
    /usr/bin/time -f '%e %M %U %S' -o "$tf" bash -c "$*" >/dev/null
    cat "$tf" >> "$all"
  done
  sort -n "$all" | awk -v n="$runs" -v l="$label" -v b="$bytes" -v r="$records" '
    { t[NR] = $1; line[NR] = $0 }
    END {
      split(line[int((n + 1) / 2)], m, " "); s = m[1]; if (s <= 0) s = 0.01
      printf "%-44s %7.2f s %8.1f MB/s %11.0f records/s  cpu %6.2f s  peak RSS %7.1f MB  (median of %d: %.2f–%.2f s)\n", l, s, b/1e6/s, r/s, m[3]+m[4], m[2]/1024, n, t[1], t[n] }'
  rm -f "$tf" "$all"
}

# county N [SEED]: a synthetic county of N persons in $BENCH_DATA/county-N (made once with
# `hukou synth`, reused while its README.txt is there); prints the folder.
county() {
  local n=$1 seed=${2:-1} dir="$BENCH_DATA/county-$1"
  if [ ! -s "$dir/README.txt" ]; then
    rm -rf "$dir"
    "$HUKOU" synth --seed "$seed" --persons "$n" --out "$dir" --quiet || return 1
  fi
  echo "$dir"
}
