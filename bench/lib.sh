# Shared helpers for the benchmark scripts: timing with peak RSS, and rate arithmetic.
# measure LABEL BYTES RECORDS -- CMD...   prints "LABEL: T s, X MB/s, Y records/s, peak RSS Z MB"
measure() {
  local label=$1 bytes=$2 records=$3; shift 4
  local tf; tf=$(mktemp)
  /usr/bin/time -f '%e %M' -o "$tf" bash -c "$*" >/dev/null
  read -r secs kb < "$tf"; rm -f "$tf"
  awk -v l="$label" -v s="$secs" -v b="$bytes" -v r="$records" -v kb="$kb" 'BEGIN {
    if (s <= 0) s = 0.01;
    printf "%-44s %7.2f s %9.1f MB/s %12.0f records/s  peak RSS %6.1f MB\n", l, s, b/1e6/s, r/s, kb/1024 }'
}
