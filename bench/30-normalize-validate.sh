# normalize and validate, each as its own process, on a 1M-person household-ordered register;
# then the peak RSS of validate on a 10M-person household-ordered stream (generated into a pipe).
# Data: `hukou synth` ingested when the binary has synth, else bench/gen-persons.py (raw export
# forms, valid numbers, a few percent of problems). The 10M stream always comes from
# gen-persons.py, straight into the pipe (synth writes files).
source bench/lib.sh
n=${BENCH_PERSONS:-1000000}
records() { grep -c '"kind":"person"' "$1"; }
big=${BENCH_PERSONS_BIG:-10000000}
if "$HUKOU" synth --help >/dev/null 2>&1; then src=synth; else src=gen; fi
raw="$BENCH_DATA/persons-$src-${n}.ndjson"
norm="$BENCH_DATA/persons-$src-${n}-normalized.ndjson"
if [ ! -s "$raw" ]; then
  if [ "$src" = synth ]; then
    # The synthetic county (register CSV and XML exports, household-ordered), ingested.
    rm -rf "$BENCH_DATA/synth-$n"
    "$HUKOU" synth --seed 1 --persons "$n" --out "$BENCH_DATA/synth-$n" >/dev/null 2>&1
    "$HUKOU" ingest "$BENCH_DATA/synth-$n"/register_*.csv "$BENCH_DATA/synth-$n"/register_*.xml > "$raw"
  else
    python3 bench/gen-persons.py "$n" 1 > "$raw"
  fi
fi
if [ ! -s "$norm" ] || [ "$norm" -ot "$HUKOU" ]; then "$HUKOU" normalize "$raw" > "$norm"; fi
np=$(records "$raw")
measure "hukou normalize ($np persons, $src)" "$(stat -c %s "$raw")" "$np" -- "$HUKOU normalize $raw"
measure "hukou validate ($np normalized persons)" "$(stat -c %s "$norm")" "$np" -- "$HUKOU validate $norm"
measure "hukou cat (the same normalized file)" "$(stat -c %s "$norm")" "$np" -- "$HUKOU cat $norm"
findings=$("$HUKOU" validate "$norm" | grep -c '"kind":"finding"' || true)
echo "validate findings on the $np-person register: $findings"
# Peak RSS of validate alone: the generator and normalize run before it in the pipe.
tf=$(mktemp)
python3 bench/gen-persons.py "$big" 2 | "$HUKOU" normalize | /usr/bin/time -f '%e %M' -o "$tf" "$HUKOU" validate > /dev/null
read -r secs kb < "$tf"; rm -f "$tf"
awk -v n="$big" -v s="$secs" -v kb="$kb" 'BEGIN { printf "hukou validate, %d household-ordered persons in a pipe: %.1f s, peak RSS %.1f MB\n", n, s, kb / 1024 }'
