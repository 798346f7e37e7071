# The end of the township pipeline on a 1M-person county: crosscheck (four lists) → orders →
# report, in one process (`hukou run`): wall time and peak RSS (goal ≤ 60 s, ≤ 2 GB).
# Data: bench/gen-crosscheck.py (a normalized register with noisy lists and another station's
# entries), generated once into $BENCH_DATA/cc1m.
source bench/lib.sh
n=${TOWNSHIP_N:-1000000}
d="$BENCH_DATA/cc$((n / 1000000))m"
if [ ! -s "$d/register.ndjson" ]; then
  mkdir -p "$d"
  python3 bench/gen-crosscheck.py "$n" "$d"
fi
bytes=$(stat -c %s "$d/register.ndjson")
y="$d/township-tail.yaml"
cat > "$y" <<YAML
description: crosscheck, orders and report on the bench county
steps:
  - crosscheck: {deaths: $d/deaths.ndjson, enlistments: $d/enlistments.ndjson, emigrations: $d/emigrations.ndjson, births: $d/births.ndjson, files: $d/register.ndjson}
  - orders
  - report: {out: $d/report}
YAML
measure "crosscheck+orders+report ($((n / 1000))k persons)" "$bytes" "$n" -- "$HUKOU run $y"
measure "crosscheck alone ($((n / 1000))k persons)" "$bytes" "$n" -- "$HUKOU crosscheck --deaths $d/deaths.ndjson --enlistments $d/enlistments.ndjson --emigrations $d/emigrations.ndjson --births $d/births.ndjson $d/register.ndjson"
$HUKOU run "$y" | awk -F'"action":"' '{ split($2, a, "\""); n[a[1]]++ } END { printf "orders:"; for (k in n) printf " %s %d", k, n[k]; printf "\n" }'
