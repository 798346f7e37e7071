# A 4-stage chain as a shell pipe of processes vs `hukou run` in one process (same 1M records).
source bench/lib.sh
f="$BENCH_DATA/codec-1m.ndjson"
[ -s "$f" ] || bash bench/00-codec.sh >/dev/null
bytes=$(stat -c %s "$f")
pipe=$($HUKOU run --shell bench/chain4.yaml "$f" | sed "s#^hukou#$HUKOU#; s#| hukou#| $HUKOU#g")
p=$(measure_median 3 "4-stage chain as a pipe (4 processes)" "$bytes" 1000000 -- "$pipe"); echo "$p"
r=$(measure_median 3 "4-stage chain in one process (hukou run)" "$bytes" 1000000 -- "$HUKOU run bench/chain4.yaml $f"); echo "$r"
awk -v p="$p" -v r="$r" 'BEGIN { split(p, a, " s "); split(r, b, " s "); n = split(a[1], x, " "); m = split(b[1], y, " ");
  printf "hukou run is %.1f× faster than the pipe (median wall times)\n", x[n] / y[m] }'
cmp <(bash -c "$pipe") <($HUKOU run bench/chain4.yaml "$f") && echo "4-stage chain: pipe and run outputs identical"
