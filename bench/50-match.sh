# The duplicate matcher: `hukou match` on 5,000, 1M and 2M persons (wall time, CPU, peak RSS),
# the 2M/1M time ratio, the scorer's candidate pairs/s per core, and accuracy against the truth.
source bench/lib.sh
set -euo pipefail
D="$BENCH_DATA/match"
mkdir -p "$D"
# A county of N persons with planted duplicates and truth (bench/gen-match.py; kept between runs).
county_match() {
  local n=$1
  [ -s "$D/county-$n.ndjson" ] || python3 bench/gen-match.py "$n" 7 "$D/county-$n.ndjson" "$D/county-$n.truth.ndjson"
}
for n in 5000 1000000 2000000; do county_match $n; done

f5=$D/county-5000.ndjson
measure "match 5,000 persons (train+block+score+cluster)" "$(stat -c %s "$f5")" "$(wc -l < "$f5")" -- "$HUKOU match $f5"

t1=0
for n in 1000000 2000000; do
  f=$D/county-$n.ndjson
  out=$(measure "match $((n / 1000000))M persons" "$(stat -c %s "$f")" "$(wc -l < "$f")" -- "$HUKOU match --save-model $D/model-$n.json -o $D/matched-$n.ndjson $f")
  echo "$out"
  s=$(awk '{for (i = 1; i <= NF; i++) if ($i == "s") { print $(i - 1); exit }}' <<< "$out")
  if [ "$n" = 1000000 ]; then t1=$s; else awk -v a="$t1" -v b="$s" 'BEGIN { printf "match 2M / 1M wall time: %.2f (goal <= 2.2)\n", b / a }'; fi
  python3 bench/score-match.py "$D/county-$n.truth.ndjson" <(grep '"kind":"finding"' "$D/matched-$n.ndjson") | sed "s/^/  $((n / 1000000))M accuracy: /"
done

# Scoring throughput: the 1M county blocked on the birth date alone (tens of millions of pairs).
$HUKOU match --stats --spec bench/match-stress.yaml --model "$D/model-1000000.json" "$D/county-1000000.ndjson" 2>&1 >/dev/null \
  | grep -E "candidate pairs|pairs/s per core" | sed 's/^hukou: match: /scoring throughput: /'
