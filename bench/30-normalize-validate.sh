# normalize and validate, each as its own process on one core (--io-threads 0), on a 1M-person
# household-ordered register, with records per CPU-second beside the wall-clock rate (the machine is
# shared, so CPU time is the steadier figure); `hukou cat` on the normalized file is the codec's
# share of validate. Then the peak RSS of validate on a 10M-person household-ordered stream
# (generated into a pipe), on one thread and with the default read-ahead / write-behind threads.
# Data: the `hukou synth` county of bench/lib.sh (county-N) ingested when the binary has synth,
# else bench/gen-persons.py (raw export forms, valid numbers, a few percent of problems). The 10M
# stream always comes from gen-persons.py, straight into the pipe (synth writes files).
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
    dir=$(county "$n")
    "$HUKOU" ingest "$dir"/register_*.csv "$dir"/register_*.xml > "$raw"
  else
    python3 bench/gen-persons.py "$n" 1 > "$raw"
  fi
fi
if [ ! -s "$norm" ] || [ "$norm" -ot "$HUKOU" ]; then "$HUKOU" normalize "$raw" > "$norm"; fi
np=$(records "$raw")
# measure1 LABEL BYTES RECORDS CMD: one run; measure's line, then the rates per CPU-second.
measure1() {
  local tf; tf=$(mktemp)
  /usr/bin/time -f '%e %M %U %S' -o "$tf" bash -c "$4" >/dev/null
  read -r secs kb usr sys < "$tf"; rm -f "$tf"
  awk -v l="$1" -v s="$secs" -v b="$2" -v r="$3" -v kb="$kb" -v u="$usr" -v y="$sys" 'BEGIN {
    if (s <= 0) s = 0.01; c = u + y; if (c <= 0) c = 0.01;
    printf "%-44s %7.2f s %8.1f MB/s %11.0f records/s  cpu %6.2f s  peak RSS %7.1f MB\n", l, s, b/1e6/s, r/s, c, kb/1024;
    printf "%-44s %28.0f records/s per CPU-second (%.1f MB/s)\n", "", r/c, b/1e6/c }'
}
one="--io-threads 0"
measure1 "hukou normalize ($np persons, $src)" "$(stat -c %s "$raw")" "$np" "$HUKOU normalize $one $raw"
measure1 "hukou validate ($np normalized persons)" "$(stat -c %s "$norm")" "$np" "$HUKOU validate $one $norm"
measure1 "hukou cat (the same normalized file)" "$(stat -c %s "$norm")" "$np" "$HUKOU cat $one $norm"
findings=$("$HUKOU" validate "$norm" | grep -c '"kind":"finding"' || true)
echo "validate findings on the $np-person register: $findings"
# Peak RSS of validate alone: the generator and normalize run before it in the pipe.
tf=$(mktemp)
# Both ways: on one thread, and with the default I/O threads (whose buffers are bounded).
tf2=$(mktemp)
python3 bench/gen-persons.py "$big" 2 | "$HUKOU" normalize \
  | tee >(/usr/bin/time -f '%e %M' -o "$tf2" "$HUKOU" validate > /dev/null) \
  | /usr/bin/time -f '%e %M' -o "$tf" "$HUKOU" validate $one > /dev/null
for _ in $(seq 1 300); do [ -s "$tf2" ] && break; sleep 0.2; done  # the tee'd validate ends last
read -r secs kb < "$tf"; read -r secs2 kb2 < "$tf2"; rm -f "$tf" "$tf2"
awk -v n="$big" -v kb="$kb" -v kb2="$kb2" 'BEGIN { printf "hukou validate, %d household-ordered persons in a pipe: peak RSS %.1f MB (--io-threads 0), %.1f MB (default I/O threads)\n", n, kb / 1024, kb2 / 1024 }'
