# The duplicate matcher: `hukou match` on 5,000, 1M and 2M persons (wall time, CPU, peak RSS;
# 1M and 2M the median of 3 runs, as runs on this shared VM vary by ±20%), the 2M/1M ratio of
# those medians, the scorer's candidate pairs/s per core, and accuracy against the truth.
# Counties come from `hukou synth` (ingested and normalized once) when normalize is available,
# else from bench/gen-match.py (normalized-shape records with planted duplicates).
source bench/lib.sh
set -euo pipefail
D="$BENCH_DATA/match"
mkdir -p "$D"
if "$HUKOU" normalize --help >/dev/null 2>&1; then
  source_kind=synth
  # A normalized synth county of N persons: $D/synth-N.ndjson, truth in $D/synth-N.truth.ndjson.
  make_county() {
    local n=$1 f="$D/synth-$1.ndjson"
    if [ ! -s "$f" ]; then
      local dir; dir=$(county "$n")
      "$HUKOU" ingest --quiet "$dir"/register_*.csv "$dir"/register_*.xml | "$HUKOU" normalize --quiet > "$f"
      cp "$dir/truth.ndjson" "$D/synth-$n.truth.ndjson"
    fi
    echo "$f"
  }
  accuracy() { "$HUKOU" score --truth "$1" "$2" | grep -E "^code|^DUPLICATE|^ID_SHARED|decoys"; }
else
  source_kind=gen-match
  make_county() {
    local n=$1 f="$D/gen-$1.ndjson"
    [ -s "$f" ] || python3 bench/gen-match.py "$n" 7 "$f" "$D/gen-$n.truth.ndjson"
    echo "$f"
  }
  accuracy() { python3 bench/score-match.py "$1" "$2"; }
fi
echo "counties: $source_kind"

f5=$(make_county 5000)
measure "match 5,000 persons (train+block+score+cluster)" "$(stat -c %s "$f5")" "$(wc -l < "$f5")" -- "$HUKOU match $f5"

t1=0
for n in 1000000 2000000; do
  f=$(make_county $n)
  out=$(measure_median 3 "match $((n / 1000000))M persons" "$(stat -c %s "$f")" "$(wc -l < "$f")" -- "$HUKOU match --save-model $D/model-$n.json -o $D/matched-$n.ndjson $f")
  echo "$out"
  s=$(awk '{for (i = 1; i <= NF; i++) if ($i == "s") { print $(i - 1); exit }}' <<< "$out")
  if [ "$n" = 1000000 ]; then t1=$s; else awk -v a="$t1" -v b="$s" 'BEGIN { printf "match 2M / 1M wall time: %.2f (goal <= 2.2)\n", b / a }'; fi
  grep '"kind":"finding"' "$D/matched-$n.ndjson" > "$D/findings-$n.ndjson"
  accuracy "${f%.ndjson}.truth.ndjson" "$D/findings-$n.ndjson" | sed "s/^/  $((n / 1000000))M: /"
done

# Scoring throughput: the 1M county blocked on the birth date alone (tens of millions of pairs),
# with the built-in spec's fields, levels and vetoes (made from it here, so it cannot go stale
# and the 1M model fits it). Not a spec to match with.
f=$(make_county 1000000)
stress="$D/match-stress.yaml"
awk '/^blocking:/ { exit } { print }' pipelines/specs/hukou-match.yaml | sed 's/^block_cap: .*/block_cap: 100000/' > "$stress"
printf 'blocking:\n  - name: birth_date\n    keys: [birth_date]\n' >> "$stress"
"$HUKOU" match --stats --spec "$stress" --model "$D/model-1000000.json" "$f" 2>&1 >/dev/null \
  | grep -E "candidate pairs|pairs/s per core" | sed 's/^hukou: match: /scoring throughput: /'
