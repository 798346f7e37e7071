# normalize and validate, each as its own process, on a 1M-person household-ordered register;
# then the peak RSS of validate on a 10M-person household-ordered stream (generated into a pipe).
# Data: bench/gen-persons.py (raw export forms, valid numbers, a few percent of problems).
source bench/lib.sh
n=${BENCH_PERSONS:-1000000}
big=${BENCH_PERSONS_BIG:-10000000}
raw="$BENCH_DATA/persons-${n}.ndjson"
norm="$BENCH_DATA/persons-${n}-normalized.ndjson"
if [ ! -s "$raw" ]; then python3 bench/gen-persons.py "$n" 1 > "$raw"; fi
if [ ! -s "$norm" ] || [ "$norm" -ot "$HUKOU" ]; then "$HUKOU" normalize "$raw" > "$norm"; fi
measure "hukou normalize ($n persons)" "$(stat -c %s "$raw")" "$n" -- "$HUKOU normalize $raw"
measure "hukou validate ($n normalized persons)" "$(stat -c %s "$norm")" "$n" -- "$HUKOU validate $norm"
measure "hukou cat (the same normalized file)" "$(stat -c %s "$norm")" "$n" -- "$HUKOU cat $norm"
findings=$("$HUKOU" validate "$norm" | grep -c '"kind":"finding"' || true)
echo "validate findings on the $n-person register: $findings"
# Peak RSS of validate alone: the generator and normalize run before it in the pipe.
tf=$(mktemp)
python3 bench/gen-persons.py "$big" 2 | "$HUKOU" normalize | /usr/bin/time -f '%e %M' -o "$tf" "$HUKOU" validate > /dev/null
read -r secs kb < "$tf"; rm -f "$tf"
awk -v n="$big" -v s="$secs" -v kb="$kb" 'BEGIN { printf "hukou validate, %d household-ordered persons in a pipe: %.1f s, peak RSS %.1f MB\n", n, s, kb / 1024 }'
